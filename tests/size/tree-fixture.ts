/*
 * A small tree laid out as a kernel lays out KVM, with a compile database as
 * an O= build writes it, for the --compile-commands tests: the handler suite
 * of the default spec's shape (runtime/handlers/7.2/) and its runtime headers
 * in tree/kvm (so "kvm_stubs_7.2.h" includes the cache header from its own
 * directory, as arch/x86/kvm/x86.h does), one handler
 * one level down (tree/kvm/svm, reaching its headers through -I), an
 * unrelated unit, and commands carrying -Wp,-MMD, -o into the build
 * directory and shell-quoted -D values. The tree's own kvm_cache_regs.h is
 * the all-cached header, so "the tree" and "all-cached" are the same base.
 */
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { KERNEL_FLAGS, LANGUAGE_FLAGS } from "../../generator/size/inputs/matrix";
import { repoRoot } from "../helpers/capture";

export interface TreeFixture {
  readonly tree: string;
  readonly build: string;
  readonly db: string;
  /** The handler suite's units (each includes the cache header; the unrelated unit does not). */
  readonly handlerUnits: number;
  /** Every file and link below tree/ and build/ with its sha256 and mtime. */
  readonly snapshot: () => Map<string, string>;
}

const quote = (arg: string) =>
  /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;

export function makeTreeFixture(work: string, extra: { leak?: boolean } = {}): TreeFixture {
  const tree = path.join(work, "tree");
  const build = path.join(work, "build");
  const kvm = path.join(tree, "kvm");
  fs.mkdirSync(path.join(kvm, "svm"), { recursive: true });
  fs.mkdirSync(path.join(tree, "lib"), { recursive: true });
  fs.mkdirSync(build, { recursive: true });
  for (const name of fs.readdirSync(path.join(repoRoot, "runtime", "include")))
    fs.copyFileSync(path.join(repoRoot, "runtime", "include", name), path.join(kvm, name));
  // The tree's own headers: the all-cached output of the default spec (Linux 7.2's shape).
  const gen = path.join(work, "gen");
  execFileSync(
    "node",
    [
      path.join(repoRoot, "bin", "regcache.js"),
      "generate",
      "--spec",
      path.join(repoRoot, "spec", "x86-kvm.yaml"),
      "--out",
      gen,
      "--all-cached",
    ],
    { stdio: "ignore" },
  );
  for (const name of ["kvm_regs.h", "kvm_cache_regs.h"])
    fs.copyFileSync(path.join(gen, "c", name), path.join(kvm, name));
  fs.rmSync(gen, { recursive: true, force: true });

  const handlers = path.join(repoRoot, "runtime", "handlers", "7.2");
  const sources: string[] = [];
  for (const name of fs
    .readdirSync(handlers)
    .filter((n) => n.endsWith(".c"))
    .sort()) {
    const target = name === "svm_nested.c" ? path.join(kvm, "svm", name) : path.join(kvm, name);
    fs.copyFileSync(path.join(handlers, name), target);
    sources.push(target);
  }
  const unrelated = path.join(tree, "lib", "unrelated.c");
  fs.writeFileSync(unrelated, "int unrelated_answer(int x)\n{\n\treturn x * 41 + 1;\n}\n");
  sources.push(unrelated);
  if (extra.leak) {
    // Reaches the cache header by a path outside the overlaid directory.
    const leak = path.join(tree, "lib", "leak.c");
    fs.writeFileSync(
      leak,
      '#include "../kvm/kvm_stubs_7.2.h"\nint leak_read(struct kvm_vcpu *vcpu)\n{\n\treturn (int)kvm_rax_read(vcpu);\n}\n',
    );
    sources.push(leak);
  }

  const entries = sources.map((file) => {
    const rel = path.relative(tree, file);
    const object = rel.replace(/\.c$/, ".o");
    const depfile = path.join(path.dirname(object), `.${path.basename(object)}.d`);
    const argv = [
      "gcc",
      `-Wp,-MMD,${depfile}`,
      ...LANGUAGE_FLAGS,
      ...KERNEL_FLAGS,
      `-I${kvm}`,
      `-DKBUILD_BASENAME="${path.basename(file, ".c")}"`,
      "-c",
      "-o",
      object,
      file,
    ];
    return { directory: build, file, command: argv.map(quote).join(" ") };
  });
  const db = path.join(build, "compile_commands.json");
  fs.writeFileSync(db, JSON.stringify(entries, null, 2) + "\n");

  const snapshot = () => {
    const out = new Map<string, string>();
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else {
          const st = fs.lstatSync(p);
          const hash = crypto.createHash("sha256").update(fs.readFileSync(p)).digest("hex");
          out.set(p, `${hash} ${st.mtimeMs}`);
        }
      }
    };
    walk(tree);
    walk(build);
    return out;
  };
  const handlerUnits = sources.filter((f) => f.startsWith(kvm)).length;
  return { tree, build, db, handlerUnits, snapshot };
}
