/*
 * A small synthetic kernel tree for the import tests: a fixture copied into a
 * temp dir (src/ the source, build/ an O= build directory with its generated
 * headers), edited per case, with a
 * compile_commands.json written the way gen_compile_commands.py writes one
 * (a "command" string with -Wp,-MMD, -include of the config, -o into build/).
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "../helpers/capture";

/** A tree in Linux 6.12's shape: kvm_cache_regs.h, VCPU_EXREG_*, u32 masks, sets written 1 << and BIT_ULL. */
export const FIXTURE = path.join(__dirname, "fixtures", "tree");
/** A tree in Linux 7.2's shape: regs.h, VCPU_REG_*, an alias, bitmaps, TDX's set in vmx/tdx.c. */
export const FIXTURE_7_2 = path.join(__dirname, "fixtures", "tree-7.2");

/** The KVM units the fixture's database lists. */
export const KVM_UNITS = [
  "arch/x86/kvm/x86.c",
  "arch/x86/kvm/vmx/vmx.c",
  "arch/x86/kvm/vmx/tdx.c",
  "arch/x86/kvm/svm/svm.c",
];

export interface SyntheticTree {
  readonly root: string;
  readonly src: string;
  readonly build: string;
  readonly db: string;
  readonly cleanup: () => void;
}

/** One database entry, as the kernel's script records it for `unit`. */
export function entryFor(src: string, build: string, unit: string, compiler = "gcc") {
  const object = unit.replace(/\.c$/, ".o");
  const depfile = path.join(path.dirname(unit), `.${path.basename(object)}.d`);
  const file = path.join(src, unit);
  return {
    directory: build,
    file,
    command: [
      compiler,
      `-Wp,-MMD,${depfile}`,
      "-nostdinc",
      `-I${src}/arch/x86/include`,
      "-I./include",
      `-I${src}/include`,
      "-include ./include/generated/autoconf.h",
      "-D__KERNEL__",
      `-DKBUILD_MODNAME='"kvm"'`,
      "-O2 -Wall -Wextra",
      `-c -o ${object}`,
      file,
    ].join(" "),
  };
}

export interface TreeOptions {
  /** The fixture to copy (default FIXTURE). */
  readonly fixture?: string;
  /** Edit the source files (paths below src/) before the database is written. */
  readonly edit?: (src: string) => void;
  /** The units the database lists (default: every KVM unit). */
  readonly units?: readonly string[];
  readonly compiler?: string;
}

export function syntheticTree(options: TreeOptions = {}): SyntheticTree {
  const root = tempDir("import-tree");
  fs.cpSync(options.fixture ?? FIXTURE, root, { recursive: true });
  const src = path.join(root, "src");
  const build = path.join(root, "build");
  options.edit?.(src);
  const entries = (options.units ?? KVM_UNITS).map((u) =>
    entryFor(src, build, u, options.compiler),
  );
  const db = path.join(build, "compile_commands.json");
  fs.writeFileSync(db, JSON.stringify(entries, null, 2) + "\n");
  return { root, src, build, db, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** Replaces `from` with `to` in src/`file`, failing loudly when `from` is not there. */
export function replaceIn(src: string, file: string, from: string | RegExp, to: string): void {
  const p = path.join(src, file);
  const text = fs.readFileSync(p, "utf8");
  const next = text.replace(from, to);
  if (next === text)
    throw new Error(`test edit found nothing to replace in ${file}: ${String(from)}`);
  fs.writeFileSync(p, next);
}

/** Every file below dir with its bytes' hash and its mtime: a tree's fingerprint. */
export function fingerprint(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const st = fs.statSync(p);
        const hash = crypto.createHash("sha256").update(fs.readFileSync(p)).digest("hex");
        out.set(path.relative(dir, p), `${hash} ${st.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out;
}
