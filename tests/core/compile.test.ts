/*
 * The generated headers compile cleanly with every installed compiler, with
 * and without CONFIG_X86_64, and the object code shows the point of the
 * exercise: only a lazily loaded register's accessor reaches the backend.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { compile, compilers, repoRoot, tempDir } from "../helpers/capture";
import { goldenCases } from "../helpers/golden-cases";
import { generate, type GenerateRequest } from "../../generator/generate/produce";

const fixture = (name: string) => path.join(__dirname, "fixtures", name);
const strict = ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror"];
const include = (dir: string) => [
  "-I",
  path.join(repoRoot, dir, "c"),
  "-I",
  path.join(repoRoot, "runtime", "include"),
];

const ccs = compilers();
const matrix = goldenCases.flatMap((c) =>
  ccs.flatMap((cc) => [
    [c.name, cc, "64-bit", c.dir, ["-DCONFIG_X86_64"]] as const,
    [c.name, cc, "32-bit guards off", c.dir, []] as const,
  ]),
);

it("finds gcc (and reports which compilers the matrix covers)", () => {
  expect(ccs).toContain("gcc");
  process.stdout.write(`compile matrix: ${ccs.join(", ")}\n`);
});

describe.each(matrix)("%s with %s (%s)", (_name, cc, _mode, dir, defines) => {
  it("compiles with -Wall -Wextra -Werror", () => {
    const out = path.join(tempDir("cc"), "use.o");
    const r = compile(cc, [
      ...strict,
      ...defines,
      ...include(dir),
      "-c",
      fixture("use_accessors.c"),
      "-o",
      out,
    ]);
    expect(r.output).toBe("");
    expect(r.ok).toBe(true);
  });
});

/**
 * Specs in Linux 7.2's shape through the c target: the runtime's fixture as it
 * is, --all-cached and expanded, and spec/linux-7.2.yaml writing c beside the
 * kernel target. Each is generated into a temporary directory.
 */
type Options = Pick<GenerateRequest, "allCached" | "cStyle">;
const shape72: [string, string, (spec: string) => string, Options][] = [
  ["x86-kvm-7.2 fixture", fixture("x86-kvm-7.2.yaml"), (t) => t, {}],
  ["x86-kvm-7.2 fixture --all-cached", fixture("x86-kvm-7.2.yaml"), (t) => t, { allCached: true }],
  ["x86-kvm-7.2 fixture expanded", fixture("x86-kvm-7.2.yaml"), (t) => t, { cStyle: "expanded" }],
  [
    "linux-7.2 with targets [kernel, c]",
    path.join(repoRoot, "spec", "linux-7.2.yaml"),
    (t) => t.replace("targets: [kernel]", "targets: [kernel, c]"),
    {},
  ],
];
const matrix72 = shape72.flatMap(([name, specPath, edit, options]) =>
  ccs.flatMap((cc) => [
    [name, cc, "64-bit", specPath, edit, options, ["-DCONFIG_X86_64"]] as const,
    [name, cc, "32-bit guards off", specPath, edit, options, []] as const,
  ]),
);

describe.each(matrix72)("%s with %s (%s)", (_name, cc, _mode, specPath, edit, options, defines) => {
  it("generates C that compiles with -Wall -Wextra -Werror", () => {
    const dir = tempDir("cc72");
    const specText = edit(fs.readFileSync(specPath, "utf8"));
    const result = generate({ specPath, specText, ...options });
    expect(result.ok ? [] : result.diagnostics).toEqual([]);
    if (!result.ok) return;
    for (const file of result.files) {
      fs.mkdirSync(path.dirname(path.join(dir, file.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, file.path), file.contents);
    }
    const r = compile(cc, [
      ...strict,
      ...defines,
      "-I",
      path.join(dir, "c"),
      "-I",
      path.join(repoRoot, "runtime", "include"),
      "-c",
      fixture("use_families.c"),
      "-o",
      path.join(dir, "use.o"),
    ]);
    expect(r.output).toBe("");
    expect(r.ok).toBe(true);
  });
});

/** The disassembly of one function, from objdump -dr (relocations inline). */
function disassemble(object: string, fn: string): string {
  const text = execFileSync("objdump", ["-dr", "--no-show-raw-insn", object], { encoding: "utf8" });
  const start = text.indexOf(`<${fn}>:`);
  if (start < 0) throw new Error(`${fn} not in ${object}`);
  const end = text.indexOf("\n\n", start);
  return text.slice(start, end < 0 ? undefined : end);
}

describe.each(ccs)("object code with %s", (cc) => {
  const build = (dir: string) => {
    const out = path.join(tempDir("obj"), "paths.o");
    const r = compile(cc, [
      ...strict,
      "-DCONFIG_X86_64",
      "-fno-pic",
      "-mcmodel=kernel",
      "-mno-red-zone",
      ...include(dir),
      "-c",
      fixture("paths.c"),
      "-o",
      out,
    ]);
    expect(r.output).toBe("");
    return out;
  };
  const reachesBackend = (asm: string) => /kvm_x86_ops/.test(asm) && /call|jmp\s+\*/.test(asm);

  it("a direct accessor never calls the backend, a cached one does", () => {
    const obj = build("generated/x86-kvm-6.12");
    expect(reachesBackend(disassemble(obj, "read_rax"))).toBe(false);
    expect(reachesBackend(disassemble(obj, "read_rsp"))).toBe(true);
  });

  it("with --all-cached both accessors reach the backend", () => {
    const obj = build("tests/golden/x86-kvm-6.12/all-cached");
    expect(reachesBackend(disassemble(obj, "read_rax"))).toBe(true);
    expect(reachesBackend(disassemble(obj, "read_rsp"))).toBe(true);
  });
});

/**
 * Every kvm_ function a header defines, by name: its linkage, return type and
 * parameters, as the preprocessor leaves them (whitespace folded, glibc's
 * spelling of __always_inline made the shim's).
 */
function definitions(args: readonly string[]): Map<string, string> {
  const text = execFileSync("gcc", ["-E", "-P", ...args], { encoding: "utf8" })
    .replace(/\s+/g, " ")
    .replace(/__inline /g, "inline ")
    .replace(/__attribute__ \(\(__always_inline__\)\)/g, "__attribute__((__always_inline__))");
  const defs = new Map<string, string>();
  const fn =
    /static ((?:inline|__attribute__\(\(__always_inline__\)\)| )+)([\w *]+?)\b(kvm_\w+) ?\(([^)]*)\) ?\{/g;
  for (const m of text.matchAll(fn))
    defs.set(m[3]!, `${m[1]!.trim()} ${m[2]!.trim()} (${m[4]!.replace(/ ?\* ?/g, " *").trim()})`);
  return defs;
}

describe.each([
  ["64-bit", ["-DCONFIG_X86_64"]],
  ["32-bit guards off", []],
])("spec/linux-7.2.yaml's c header beside its kernel block (%s)", (_mode, defines) => {
  it("defines every function of the kernel block with the same linkage, return type and parameters", () => {
    const dir = tempDir("agree72");
    const specPath = path.join(repoRoot, "spec", "linux-7.2.yaml");
    const specText = fs
      .readFileSync(specPath, "utf8")
      .replace("targets: [kernel]", "targets: [kernel, c]");
    const result = generate({ specPath, specText });
    if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
    for (const file of result.files) {
      fs.mkdirSync(path.dirname(path.join(dir, file.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, file.path), file.contents);
    }
    const kernel = definitions([
      ...defines,
      "-include",
      fixture("kernel_shim.h"),
      path.join(dir, "regs_gen.h"),
    ]);
    const c = definitions([
      ...defines,
      "-I",
      path.join(dir, "c"),
      "-I",
      path.join(repoRoot, "runtime", "include"),
      path.join(dir, "c", "kvm_cache_regs.h"),
    ]);
    expect(kernel.size).toBeGreaterThan(40);
    const inC = new Map([...kernel.keys()].map((name) => [name, c.get(name)]));
    expect(inC).toEqual(kernel);
  });
});
