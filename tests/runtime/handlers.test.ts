/*
 * The handler suite as the size report sees it: every file in
 * runtime/handlers/ compiles on its own, with kernel-like code generation
 * and -Werror, under gcc and clang, with and without CONFIG_X86_64 and
 * retpolines, and defines exactly the functions handlers.json lists for it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  compilers,
  kernelFlags,
  root,
  run,
  runtimeDir,
  tempDir,
  warnings,
  writeHeaders,
  type Compiler,
} from "./c-build";

// The functions the seed patch touched (REFERENCE.md), by their kernel names.
const seedHandlers = [
  "__get_regs",
  "__set_regs",
  "complete_fast_pio_in",
  "enter_svm_guest_mode",
  "handle_xsetbv",
  "invlpga_interception",
  "kvm_emulate_cpuid",
  "kvm_emulate_hypercall",
  "kvm_fast_pio_in",
  "kvm_fast_pio_out",
  "kvm_hv_hypercall",
  "kvm_hv_hypercall_set_result",
  "kvm_rdpmc",
  "nested_svm_vmexit",
  "rdmsr_interception",
  "skinit_interception",
  "svm_vcpu_reset",
  "wrmsr_interception",
  "xsetbv_interception",
];

const handlersDir = path.join(runtimeDir, "handlers");
const manifest = JSON.parse(fs.readFileSync(path.join(handlersDir, "handlers.json"), "utf8")) as {
  includeDirs: string[];
  files: Record<string, string[]>;
};

test("handlers.json lists every handler file, at least the seed's 19 functions", () => {
  const sources = fs
    .readdirSync(handlersDir)
    .filter((f) => f.endsWith(".c"))
    .sort();
  expect(Object.keys(manifest.files).sort()).toEqual(sources);
  const listed = Object.values(manifest.files).flat();
  expect(new Set(listed).size).toBe(listed.length);
  expect(listed).toEqual(expect.arrayContaining(seedHandlers));
  expect(manifest.includeDirs).toEqual(["runtime/include"]);
});

const { gcc, clang } = compilers();
const configs: { cc: Compiler; x86_64: boolean; retpoline: boolean }[] = [];
for (const cc of clang ? [gcc, clang] : [gcc]) {
  for (const x86_64 of [true, false]) {
    for (const retpoline of [false, true]) configs.push({ cc, x86_64, retpoline });
  }
}

let work: string;
let headers: string;

beforeAll(() => {
  work = tempDir("handlers");
  headers = writeHeaders(path.join(work, "headers"), path.join(root, "spec", "x86-kvm-6.12.yaml"));
});

afterAll(() => {
  if (work && !process.env.REGCACHE_KEEP_TMP) fs.rmSync(work, { recursive: true, force: true });
});

/** Global functions each object defines, from `nm --defined-only -g`. */
function definedFunctions(nmOutput: string): Map<string, string[]> {
  const byFile = new Map<string, string[]>();
  let current = "";
  for (const line of nmOutput.split("\n")) {
    const file = /^(.*)\.o:$/.exec(line.trim());
    if (file) {
      current = path.basename(file[1]) + ".c";
      byFile.set(current, []);
      continue;
    }
    const sym = /^[0-9a-f]+ T (\S+)$/.exec(line.trim());
    if (sym && current) byFile.get(current)!.push(sym[1]);
  }
  for (const list of byFile.values()) list.sort();
  return byFile;
}

test.each(
  configs.map(
    (c) =>
      [
        `${c.cc.name} ${c.x86_64 ? "CONFIG_X86_64=y" : "CONFIG_X86_64=n"}${c.retpoline ? " retpoline" : ""}`,
        c,
      ] as const,
  ),
)(
  "%s: each file compiles alone and defines its listed functions",
  async (name, c) => {
    const out = path.join(work, name.replace(/[^a-z0-9]+/gi, "-"));
    fs.mkdirSync(out, { recursive: true });
    const sources = Object.keys(manifest.files).map((f) => path.join(handlersDir, f));
    const flags = [
      ...warnings,
      ...kernelFlags,
      ...(c.x86_64 ? ["-DCONFIG_X86_64"] : []),
      ...(c.retpoline ? c.cc.retpoline : []),
      "-I",
      path.join(headers, "c"),
      ...manifest.includeDirs.flatMap((d) => ["-I", path.join(root, d)]),
    ];
    // Each source is its own translation unit: none may lean on another handler file.
    const compiled = await run(c.cc.name, [...flags, "-c", ...sources], out);
    expect({ exit: compiled.code, stderr: compiled.stderr }).toEqual({ exit: 0, stderr: "" });

    const objects = sources.map((s) => path.join(out, path.basename(s, ".c") + ".o"));
    const nm = await run("nm", ["--defined-only", "-g", ...objects]);
    expect(nm.code).toBe(0);
    const defined = definedFunctions(nm.stdout);
    const want = new Map(Object.entries(manifest.files).map(([f, fns]) => [f, [...fns].sort()]));
    expect(Object.fromEntries(defined)).toEqual(Object.fromEntries(want));
  },
  300_000, // compilers share two cores with the rest of the suite
);

test("the 6.x suite refuses a 7.2-shaped spec's headers, its first error saying why", async () => {
  const seven = writeHeaders(path.join(work, "seven"), path.join(root, "spec", "x86-kvm.yaml"));
  const r = await run(gcc.name, [
    ...warnings,
    "-DCONFIG_X86_64",
    "-I",
    path.join(seven, "c"),
    "-I",
    path.join(runtimeDir, "include"),
    "-fsyntax-only",
    path.join(handlersDir, "cpuid.c"),
  ]);
  expect(r.code).not.toBe(0);
  // The first error says why; what the compiler says after it follows from it.
  const first = r.stderr.split("\n").find((l) => l.includes("error:"));
  expect(first).toContain("the 6.x handler suite needs a 6.x-shaped spec's headers");
});
