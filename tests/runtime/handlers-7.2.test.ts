/*
 * The Linux 7.2 handler suite (runtime/handlers/7.2/) against the c output
 * of tests/core/fixtures/x86-kvm-7.2.yaml: every file compiles on its own,
 * with kernel-like code generation and -Werror, under gcc and clang, with
 * and without CONFIG_X86_64, against the spec's and the --all-cached
 * headers, each in the macro and the expanded c style; each object defines
 * exactly the functions 7.2's handlers.json lists and leaves no register
 * accessor undefined (an accessor the 7.2 header lacks would be an implicit
 * call). And the suite calls what 7.2 calls: the register accessors each
 * function calls, in source order, are the table below, read from the 7.2
 * tree; with a Linux 7.2 source tree at hand (REGCACHE_LINUX_7_2_SRC, else
 * the kernel tree cache's 7.2 entry), the table is checked against the
 * kernel's own functions too.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { generate, type GenerateRequest } from "../../generator/generate/produce";
import { kernelCacheDir, sourcePackage } from "../kernel/trees";
import { compilers, kernelFlags, root, run, runtimeDir, tempDir, warnings } from "./c-build";

const suiteDir = path.join(runtimeDir, "handlers", "7.2");
const spec = path.join(root, "tests", "core", "fixtures", "x86-kvm-7.2.yaml");
const manifest = JSON.parse(fs.readFileSync(path.join(suiteDir, "handlers.json"), "utf8")) as {
  includeDirs: string[];
  files: Record<string, string[]>;
};

/**
 * A call of a register accessor: the GPR families (kvm_rax_read,
 * kvm_rax_read_raw, kvm_eax_write, kvm_r8_write_raw, kvm_rip_read, kvm_rsp_write
 * …), the register-number ones, kvm_read_edx_eax, the CR readers and RFLAGS.
 */
const accessorCall =
  /\b(kvm_(?:e[a-z]{2}|r(?:[a-z]{2}|\d{1,2}))_(?:read|write)(?:_raw)?|kvm_register_(?:read|write)(?:_raw)?|kvm_register_mark_dirty|kvm_read_edx_eax|kvm_read_cr[034]|kvm_[gs]et_rflags)\s*\(/g;

/**
 * What 7.2 calls, function by function (static helpers included), in
 * source order, both sides of every mode test and #ifdef: the kernel file
 * under arch/x86/kvm/ and the accessors. A 64-bit hypercall reads the raw
 * pair, any other the 32-bit pair; CPUID, RDPMC, XSETBV and the classic MSR
 * exits use the 32-bit pair; the immediate MSR forms and VMRUN/INVLPGA/SKINIT
 * the masked family; PIO and KVM_GET/SET_REGS the raw pair.
 */
const calls72: Record<string, { kernelFile: string; calls: Record<string, string[]> }> = {
  "cpuid.c": {
    kernelFile: "cpuid.c",
    calls: {
      kvm_emulate_cpuid: [
        "kvm_eax_read",
        "kvm_ecx_read",
        "kvm_eax_write",
        "kvm_ebx_write",
        "kvm_ecx_write",
        "kvm_edx_write",
      ],
    },
  },
  "hypercall.c": {
    kernelFile: "x86.c",
    calls: {
      complete_hypercall_exit: ["kvm_rax_write_raw"],
      ____kvm_emulate_hypercall: [
        "kvm_rax_read_raw",
        "kvm_rbx_read_raw",
        "kvm_rcx_read_raw",
        "kvm_rdx_read_raw",
        "kvm_rsi_read_raw",
        "kvm_eax_read",
        "kvm_ebx_read",
        "kvm_ecx_read",
        "kvm_edx_read",
        "kvm_esi_read",
      ],
      kvm_emulate_hypercall: [],
    },
  },
  "hyperv.c": {
    kernelFile: "hyperv.c",
    calls: {
      kvm_hv_hypercall_set_result: ["kvm_rax_write_raw", "kvm_edx_write", "kvm_eax_write"],
      kvm_hv_hypercall_complete: [],
      kvm_hv_hypercall: [
        "kvm_rcx_read_raw",
        "kvm_rdx_read_raw",
        "kvm_r8_read_raw",
        "kvm_edx_read",
        "kvm_eax_read",
        "kvm_ebx_read",
        "kvm_ecx_read",
        "kvm_edi_read",
        "kvm_esi_read",
      ],
    },
  },
  "msr.c": {
    kernelFile: "x86.c",
    calls: {
      complete_fast_rdmsr_imm: ["kvm_register_write"],
      __kvm_emulate_rdmsr: ["kvm_eax_write", "kvm_edx_write", "kvm_register_write"],
      kvm_emulate_rdmsr: ["kvm_ecx_read"],
      kvm_emulate_rdmsr_imm: [],
      __kvm_emulate_wrmsr: [],
      kvm_emulate_wrmsr: ["kvm_ecx_read", "kvm_read_edx_eax"],
      kvm_emulate_wrmsr_imm: ["kvm_register_read"],
    },
  },
  "pio.c": {
    kernelFile: "x86.c",
    calls: {
      kvm_fast_pio_out: ["kvm_rax_read_raw"],
      complete_fast_pio_in: ["kvm_rax_read_raw", "kvm_rax_write_raw"],
      kvm_fast_pio_in: ["kvm_rax_read_raw", "kvm_rax_write_raw"],
      kvm_fast_pio: [],
    },
  },
  "rdpmc.c": {
    kernelFile: "x86.c",
    calls: { kvm_emulate_rdpmc: ["kvm_ecx_read", "kvm_eax_write", "kvm_edx_write"] },
  },
  "regs.c": {
    kernelFile: "regs.c",
    calls: {
      __get_regs: [
        ...["rax", "rbx", "rcx", "rdx", "rsi", "rdi"].map((r) => `kvm_${r}_read_raw`),
        "kvm_rsp_read",
        "kvm_rbp_read_raw",
        ...[8, 9, 10, 11, 12, 13, 14, 15].map((n) => `kvm_r${n}_read_raw`),
        "kvm_rip_read",
        "kvm_get_rflags",
      ],
      __set_regs: [
        ...["rax", "rbx", "rcx", "rdx", "rsi", "rdi"].map((r) => `kvm_${r}_write_raw`),
        "kvm_rsp_write",
        "kvm_rbp_write_raw",
        ...[8, 9, 10, 11, 12, 13, 14, 15].map((n) => `kvm_r${n}_write_raw`),
        "kvm_rip_write",
        "kvm_set_rflags",
      ],
    },
  },
  "reset.c": {
    kernelFile: "x86.c",
    calls: {
      kvm_vcpu_reset: [
        "kvm_read_cr0",
        "kvm_read_cr3",
        "kvm_read_cr4",
        "kvm_register_mark_dirty",
        "kvm_edx_write",
        "kvm_set_rflags",
        "kvm_rip_write",
        "kvm_register_mark_dirty",
      ],
    },
  },
  "svm_misc.c": {
    kernelFile: "svm/svm.c",
    calls: {
      invlpga_interception: ["kvm_rax_read", "kvm_ecx_read"],
      skinit_interception: ["kvm_rax_read"],
    },
  },
  "svm_nested.c": {
    kernelFile: "svm/nested.c",
    calls: {
      nested_vmcb02_prepare_save: [
        "kvm_set_rflags",
        "kvm_rax_write_raw",
        "kvm_rsp_write",
        "kvm_rip_write",
      ],
      enter_svm_guest_mode: [],
      nested_svm_vmrun: [
        "kvm_rax_read",
        "kvm_read_cr0",
        "kvm_get_rflags",
        "kvm_rip_read",
        "kvm_read_cr3",
      ],
      nested_svm_vmexit_update_vmcb12: [
        "kvm_read_cr0",
        "kvm_read_cr3",
        "kvm_get_rflags",
        "kvm_rip_read",
        "kvm_rsp_read",
        "kvm_rax_read_raw",
      ],
      nested_svm_vmexit: ["kvm_set_rflags", "kvm_rax_write_raw", "kvm_rsp_write", "kvm_rip_write"],
    },
  },
  "xsetbv.c": {
    kernelFile: "x86.c",
    calls: { kvm_emulate_xsetbv: ["kvm_ecx_read", "kvm_read_edx_eax"] },
  },
};

const stripComments = (src: string) =>
  src.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/\/\/[^\n]*/g, " ");

/**
 * The body of C function `name`'s definition in `src` (a line starting at
 * column 0 that names it and whose parameter list is followed by `{`), or
 * undefined when `src` defines no such function.
 */
function functionBody(src: string, name: string): string | undefined {
  const head = new RegExp(`^[A-Za-z_][^\\n;{}]*\\b${name}\\s*\\(`, "gm");
  for (let m = head.exec(src); m; m = head.exec(src)) {
    let i = m.index + m[0].length;
    for (let depth = 1; depth > 0 && i < src.length; i++) {
      if (src[i] === "(") depth++;
      else if (src[i] === ")") depth--;
    }
    const open = /^\s*([{;])/.exec(src.slice(i));
    if (!open || open[1] !== "{") continue;
    const start = i + open[0].length;
    let j = start;
    for (let depth = 1; depth > 0 && j < src.length; j++) {
      if (src[j] === "{") depth++;
      else if (src[j] === "}") depth--;
    }
    return src.slice(start, j - 1);
  }
  return undefined;
}

/** The register accessors function `name` of C file `file` calls, in source order. */
/**
 * The generated header's accessors by name (RFLAGS is a stand-in, not one):
 * an undefined reference to one is a call the header does not define.
 */
const generatedAccessor =
  /^(?:kvm_(?:e[a-z]{2}|r(?:[a-z]{2}|\d{1,2}))_(?:read|write)(?:_raw)?|kvm_register_\w+|kvm_read_edx_eax|kvm_read_cr[034](?:_bits)?|kvm_is_cr[04]_bit_set|kvm_pdptr_(?:read|write))$/;

function accessorCalls(file: string, name: string): string[] | undefined {
  const body = functionBody(stripComments(fs.readFileSync(file, "utf8")), name);
  return body === undefined ? undefined : [...body.matchAll(accessorCall)].map((m) => m[1]!);
}

test("handlers.json lists every file of the 7.2 suite, and the call table covers each", () => {
  const sources = fs
    .readdirSync(suiteDir)
    .filter((f) => f.endsWith(".c"))
    .sort();
  expect(Object.keys(manifest.files).sort()).toEqual(sources);
  expect(Object.keys(calls72).sort()).toEqual(sources);
  const listed = Object.values(manifest.files).flat();
  expect(new Set(listed).size).toBe(listed.length);
  expect(manifest.includeDirs).toEqual(["runtime/include"]);
  // Every non-static function has its row in the table.
  for (const [file, fns] of Object.entries(manifest.files)) {
    expect(Object.keys(calls72[file]!.calls)).toEqual(expect.arrayContaining(fns));
  }
});

describe.each(Object.entries(calls72))("%s calls the accessors 7.2 calls", (file, row) => {
  it.each(Object.entries(row.calls))("%s", (fn, want) => {
    expect(accessorCalls(path.join(suiteDir, file), fn)).toEqual(want);
  });
});

/**
 * The Linux 7.2 source tree to check the table against: REGCACHE_LINUX_7_2_SRC,
 * else a complete 7.2 entry of the kernel tree cache (tests/kernel/trees.ts:
 * a tree.json marker beside the pristine source, which is only read here),
 * else none and the check is skipped.
 */
function linux72Tree(): string | undefined {
  if (process.env.REGCACHE_LINUX_7_2_SRC) return process.env.REGCACHE_LINUX_7_2_SRC;
  const cache = kernelCacheDir();
  const prefix = `${sourcePackage("7.2")}_`;
  const entries = fs.existsSync(cache) ? fs.readdirSync(cache).sort() : [];
  const entry = entries.find(
    (e) => e.startsWith(prefix) && fs.existsSync(path.join(cache, e, "tree.json")),
  );
  return entry === undefined ? undefined : path.join(cache, entry, "linux");
}

const linux72 = linux72Tree();
(linux72 ? describe : describe.skip)(
  "the table against a Linux 7.2 tree (REGCACHE_LINUX_7_2_SRC, else the kernel tree cache)",
  () => {
    const rows = Object.values(calls72).flatMap((row) =>
      Object.entries(row.calls).map(([fn, want]) => [fn, row.kernelFile, want] as const),
    );
    it.each(rows)("%s in arch/x86/kvm/%s", (fn, kernelFile, want) => {
      const file = path.join(linux72 ?? "", "arch", "x86", "kvm", kernelFile);
      expect(accessorCalls(file, fn)).toEqual(want);
    });
  },
);

type Options = Pick<GenerateRequest, "allCached" | "cStyle">;
const headerKinds: [string, Options][] = [
  ["spec", {}],
  ["spec expanded", { cStyle: "expanded" }],
  ["--all-cached", { allCached: true }],
  ["--all-cached expanded", { allCached: true, cStyle: "expanded" }],
];
const { gcc, clang } = compilers();
const configs = headerKinds.flatMap(([headers, options]) =>
  (clang ? [gcc, clang] : [gcc]).flatMap((cc) =>
    [true, false].map((x86_64) => ({ headers, options, cc, x86_64 })),
  ),
);

let work: string;
const headerDirs = new Map<string, string>();

beforeAll(() => {
  work = tempDir("handlers-7.2");
  for (const [name, options] of headerKinds) {
    const result = generate({ specPath: spec, ...options });
    if (!result.ok)
      throw new Error(`cannot generate ${spec}: ${JSON.stringify(result.diagnostics)}`);
    const dir = path.join(work, name.replace(/[^a-z0-9]+/gi, "-"));
    for (const f of result.files) {
      fs.mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, f.path), f.contents);
    }
    headerDirs.set(name, dir);
  }
});

afterAll(() => {
  if (work && !process.env.REGCACHE_KEEP_TMP) fs.rmSync(work, { recursive: true, force: true });
});

/** Per object (by source name), its global functions and undefined symbols, from `nm -g`. */
function symbols(nmOutput: string): Map<string, { defined: string[]; undefined: string[] }> {
  const byFile = new Map<string, { defined: string[]; undefined: string[] }>();
  let current: { defined: string[]; undefined: string[] } | undefined;
  for (const line of nmOutput.split("\n")) {
    const file = /^(.*)\.o:$/.exec(line.trim());
    if (file) {
      current = { defined: [], undefined: [] };
      byFile.set(path.basename(file[1]!) + ".c", current);
      continue;
    }
    const defined = /^[0-9a-f]+ T (\S+)$/.exec(line.trim());
    if (defined && current) current.defined.push(defined[1]!);
    const missing = /^U (\S+)$/.exec(line.trim());
    if (missing && current) current.undefined.push(missing[1]!);
  }
  for (const entry of byFile.values()) entry.defined.sort();
  return byFile;
}

test("the 7.2 suite refuses a 6.x-shaped spec's headers", async () => {
  const dir = path.join(work, "six");
  const result = generate({ specPath: path.join(root, "spec", "x86-kvm-6.12.yaml") });
  expect(result.ok).toBe(true);
  if (!result.ok) return;
  for (const f of result.files) {
    fs.mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    fs.writeFileSync(path.join(dir, f.path), f.contents);
  }
  const r = await run(gcc.name, [
    ...warnings,
    "-DCONFIG_X86_64",
    "-I",
    path.join(dir, "c"),
    "-I",
    path.join(root, "runtime", "include"),
    "-fsyntax-only",
    path.join(suiteDir, "cpuid.c"),
  ]);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain("needs a 7.2-shaped spec's headers");
});

test.each(
  configs.map(
    (c) =>
      [
        `${c.headers} headers, ${c.cc.name}, ${c.x86_64 ? "CONFIG_X86_64=y" : "CONFIG_X86_64=n"}`,
        c,
      ] as const,
  ),
)(
  "%s: each file compiles alone, defines its listed functions, leaves no accessor undefined",
  async (name, c) => {
    const out = path.join(work, "objects", name.replace(/[^a-z0-9]+/gi, "-"));
    fs.mkdirSync(out, { recursive: true });
    const sources = Object.keys(manifest.files).map((f) => path.join(suiteDir, f));
    const flags = [
      ...warnings,
      ...kernelFlags,
      ...(c.x86_64 ? ["-DCONFIG_X86_64"] : []),
      "-I",
      path.join(headerDirs.get(c.headers)!, "c"),
      ...manifest.includeDirs.flatMap((d) => ["-I", path.join(root, d)]),
    ];
    const compiled = await run(c.cc.name, [...flags, "-c", ...sources], out);
    expect({ exit: compiled.code, stderr: compiled.stderr }).toEqual({ exit: 0, stderr: "" });

    const objects = sources.map((s) => path.join(out, path.basename(s, ".c") + ".o"));
    const nm = await run("nm", ["-g", ...objects]);
    expect(nm.code).toBe(0);
    const got = symbols(nm.stdout);
    const want = new Map(Object.entries(manifest.files).map(([f, fns]) => [f, [...fns].sort()]));
    expect(Object.fromEntries([...got].map(([f, s]) => [f, s.defined]))).toEqual(
      Object.fromEntries(want),
    );
    const undefinedAccessors = [...got].flatMap(([f, s]) =>
      s.undefined.filter((sym) => generatedAccessor.test(sym)).map((sym) => `${f}: ${sym}`),
    );
    expect(undefinedAccessors).toEqual([]);
  },
  300_000, // compilers share two cores with the rest of the suite
);
