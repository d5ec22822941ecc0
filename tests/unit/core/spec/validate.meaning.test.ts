/*
 * What validation (generator/core/spec/validate.ts, generator/core/spec/kernel-sections.ts) says
 * about a spec's meaning, exactly: each bad spec's diagnostics as the user
 * reads them (`file:line:col: error CODE: message`, every one, in the order
 * they are printed), and each good spec's checked form, field by field. The
 * specs are written one entry per line so that every line and column below
 * was counted by hand from the spec text; none comes from the code under test.
 */
import {
  formatDiagnostic,
  sortDiagnostics,
} from "../../../../generator/core/diagnostics/diagnostic";
import { parseSpec } from "../../../../generator/core/spec/parse";
import { validateSpec, type CheckedSpec } from "../../../../generator/core/spec/validate";

let checked = 0;
afterAll(() => console.log(`validate-meaning: ${checked} specs checked`));

/** Each diagnostic's first line and its help line, in the order `regcache` prints them. */
function problems(lines: readonly string[]): string[] {
  checked++;
  const parsed = parseSpec({ displayPath: "s.yaml", text: lines.join("\n") + "\n" });
  if (!parsed.ok) return parsed.diagnostics.map((d) => formatDiagnostic(d).split("\n")[0]!);
  const r = validateSpec(parsed.doc);
  if (r.ok) return [];
  return sortDiagnostics(r.diagnostics).map((d) => formatDiagnostic(d).split("\n")[0]!);
}

/** The hints (`= help:`) of a bad spec's diagnostics, in print order. */
function hints(lines: readonly string[]): string[] {
  const parsed = parseSpec({ displayPath: "s.yaml", text: lines.join("\n") + "\n" });
  if (!parsed.ok) throw new Error("the spec did not parse");
  const r = validateSpec(parsed.doc);
  if (r.ok) return [];
  return sortDiagnostics(r.diagnostics).map((d) => d.hint);
}

/** A good spec's checked form; throws with the diagnostics when it is not good. */
function accepted(lines: readonly string[]): CheckedSpec {
  checked++;
  const parsed = parseSpec({ displayPath: "s.yaml", text: lines.join("\n") + "\n" });
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join("\n"));
  const r = validateSpec(parsed.doc);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => formatDiagnostic(d)).join("\n"));
  return r.spec;
}

const HEAD = ["regcache: 1", "name: t", "mask: u32"];

/** The defaults a spec without output and api gets (README: C and TypeScript, regcache's runtime API). */
const DEFAULT_OUTPUT = {
  targets: ["c", "ts"],
  kernelHeader: "kvm_cache_regs_gen.h",
  adopts: {
    header: "kvm_cache_regs.h",
    first: "BUILD_KVM_GPR_ACCESSORS",
    last: "kvm_read_edx_eax",
  },
};
const DEFAULT_API = {
  cacheReg: "ops_pointer",
  bitops: "regcache",
  rawPair: false,
  testAndMarkAvailable: false,
  inline: "always_inline",
  alwaysInline: [],
  markForReload: false,
  bulkHelpers: false,
  gprFamily: "plain",
  ePair: [],
};

describe("a document that is not a mapping says what it is (RC122)", () => {
  test.each([
    ["a string", ["hello"], "s.yaml:1:1: error RC122: s.yaml is a string, not a YAML mapping"],
    ["a boolean", ["true"], "s.yaml:1:1: error RC122: s.yaml is a boolean, not a YAML mapping"],
    ["a number", ["3"], "s.yaml:1:1: error RC122: s.yaml is a number, not a YAML mapping"],
    ["null", ["~"], "s.yaml:1:1: error RC122: s.yaml is empty, not a YAML mapping"],
    ["a list", ["- a"], "s.yaml:1:1: error RC122: s.yaml is a list, not a YAML mapping"],
  ])("%s", (_what, lines, want) => {
    expect(problems(lines)).toEqual([want]);
  });
});

describe("register and backend names", () => {
  test.each<[string, string[], string[]]>([
    [
      "a reserved name written as a mapping is pointed at by its name",
      [
        ...HEAD,
        "registers:",
        "  gpr:",
        "    - rax",
        "    - { name: __x, when: CONFIG_X }",
        "backends:",
        "  vmx: { lazy: [] }",
      ],
      ["s.yaml:7:15: error RC108: '__x' is a reserved identifier (starts with '__')"],
    ],
    [
      "a C keyword as a backend name",
      [...HEAD, "registers:", "  gpr:", "    - rax", "backends:", "  int: { lazy: [] }"],
      ["s.yaml:8:3: error RC107: 'int' is a C keyword and cannot be used as a backend name"],
    ],
    [
      "a C keyword as a register name",
      [
        ...HEAD,
        "registers:",
        "  gpr:",
        "    - rax",
        "  extended:",
        "    - while",
        "backends:",
        "  vmx: { lazy: [] }",
      ],
      ["s.yaml:8:7: error RC107: 'while' is a C keyword and cannot be used as a register name"],
    ],
    [
      "a name that is no identifier is only the schema's RC106, however reserved it looks",
      [
        ...HEAD,
        "registers:",
        "  gpr:",
        "    - rax",
        "    - __a-b",
        "backends:",
        "  vmx: { lazy: [] }",
        "  __c-d: { lazy: [] }",
      ],
      [
        "s.yaml:7:7: error RC106: '__a-b' is not a valid register name",
        "s.yaml:10:3: error RC106: '__c-d' is not a valid backend name",
      ],
    ],
    [
      "a register's duplicate after its mapping form says the first line and the case",
      [
        ...HEAD,
        "registers:",
        "  gpr:",
        "    - { name: rax, doc: A }",
        "    - rcx",
        "    - RAX",
        "backends:",
        "  vmx: { lazy: [] }",
      ],
      [
        "s.yaml:8:7: error RC105: duplicate register 'RAX' (first declared at line 6 as 'rax'; case does not matter)",
      ],
    ],
    [
      "an extended register named like a GPR, same case",
      [
        ...HEAD,
        "registers:",
        "  gpr:",
        "    - rax",
        "    - rcx",
        "  extended:",
        "    - { name: rcx }",
        "backends:",
        "  vmx: { lazy: [] }",
      ],
      ["s.yaml:9:15: error RC105: duplicate register 'rcx' (first declared at line 7)"],
    ],
    [
      "a rejected register is not declared: a later one of its name is no duplicate, and a backend naming it is told so",
      [
        ...HEAD,
        "registers:",
        "  gpr:",
        "    - rax",
        "    - linux",
        "    - Linux",
        "backends:",
        "  vmx: { lazy: [linux] }",
      ],
      [
        "s.yaml:7:7: error RC125: 'linux' cannot be used as a register name: GCC predefines it as a macro in GNU C",
        "s.yaml:10:17: error RC104: unknown register 'linux' (did you mean 'Linux'?)",
      ],
    ],
    [
      "a backend whose body is not a mapping still claims its name",
      [
        ...HEAD,
        "registers:",
        "  gpr:",
        "    - rax",
        "backends:",
        "  vmx: 3",
        "  VMX: { lazy: [] }",
      ],
      [
        "s.yaml:8:8: error RC103: backends.vmx must be a mapping, found number 3",
        "s.yaml:9:3: error RC123: backend name 'VMX' is used twice (ignoring case)",
      ],
    ],
    [
      "a rejected backend name does not claim it",
      [
        ...HEAD,
        "registers:",
        "  gpr:",
        "    - rax",
        "backends:",
        "  x: { lazy: [] }",
        "  X: { lazy: [] }",
      ],
      [
        "s.yaml:8:3: error RC125: 'x' cannot be used as a backend name: 'X' is the parameter of the generated KVM_BACKENDS(X) macro",
        "s.yaml:9:3: error RC125: 'X' cannot be used as a backend name: 'X' is the parameter of the generated KVM_BACKENDS(X) macro",
      ],
    ],
    [
      "'x' is a fine register name",
      [...HEAD, "registers:", "  gpr:", "    - x", "backends:", "  vmx: { lazy: [x] }"],
      [],
    ],
  ])("%s", (_what, lines, want) => {
    expect(problems(lines)).toEqual(want);
  });
});

describe("backend lists", () => {
  const regs = [...HEAD, "registers:", "  gpr:", "    - rax", "    - rsp", "backends:"];
  test.each<[string, string[], string[]]>([
    [
      "a misspelt 'lazy' is an unknown key, not a missing list",
      [...regs, "  vmx: { lazzy: [rsp] }"],
      ["s.yaml:9:10: error RC102: unknown key 'lazzy' (did you mean 'lazy'?)"],
    ],
    [
      "a doc alone is a missing list",
      [...regs, "  vmx: { doc: VMX }"],
      ["s.yaml:9:3: error RC110: backend 'vmx' gives neither 'lazy' nor 'available'"],
    ],
    [
      "both lists: pointed at 'available', and neither list is checked",
      [...regs, "  vmx: { available: [rsx], lazy: [rsp, rsp] }"],
      ["s.yaml:9:10: error RC109: backend 'vmx' gives both 'lazy' and 'available'"],
    ],
    [
      "a list that is not a list is the schema's",
      [...regs, "  vmx: { available: rsp }"],
      ["s.yaml:9:21: error RC103: backends.vmx.available must be a list, found 'rsp'"],
    ],
    [
      "an entry that is not a string is the schema's",
      [...regs, "  vmx: { lazy: [rsp, 7] }"],
      ["s.yaml:9:22: error RC103: backends.vmx.lazy[1] must be a string, found number 7"],
    ],
    [
      "an 'available' list is checked like a lazy one",
      [...regs, "  tdx: { available: [rax, RSP, rax] }"],
      [
        "s.yaml:9:27: error RC104: unknown register 'RSP' (did you mean 'rsp'?)",
        "s.yaml:9:32: error RC112: register 'rax' is listed twice in backend 'tdx'",
      ],
    ],
  ])("%s", (_what, lines, want) => {
    expect(problems(lines)).toEqual(want);
  });
});

/** `[r0, r1, …]`: n register names for a flow list. */
const regList = (n: number) => `[${Array.from({ length: n }, (_, i) => `r${i}`).join(", ")}]`;

describe("how many registers a mask holds (RC111)", () => {
  const spec = (mask: string, gprs: number, extended: number) => [
    "regcache: 1",
    "name: t",
    `mask: ${mask}`,
    "registers:",
    `  gpr: ${regList(gprs)}`,
    `  extended: ${regList(extended).replace(/r(\d)/g, "e$1")}`,
    "backends:",
    "  vmx: { lazy: [] }",
  ];
  test.each<[string, string[], string[], string[]]>([
    ["u32 holds 32", spec("u32", 31, 1), [], []],
    [
      "u32 does not hold 33, which u64 does",
      spec("u32", 32, 1),
      ["s.yaml:3:7: error RC111: 33 registers do not fit in a u32 mask (32 bits)"],
      ["use 'mask: u64'"],
    ],
    [
      "u32 does not hold 64, which u64 does",
      spec("u32", 1, 63),
      ["s.yaml:3:7: error RC111: 64 registers do not fit in a u32 mask (32 bits)"],
      ["use 'mask: u64'"],
    ],
    [
      "u32 does not hold 65, nor does u64",
      spec("u32", 64, 1),
      ["s.yaml:3:7: error RC111: 65 registers do not fit in a u32 mask (32 bits)"],
      ["use 'mask: bitmap'"],
    ],
    ["u64 holds 64", spec("u64", 60, 4), [], []],
    [
      "u64 does not hold 65",
      spec("u64", 1, 64),
      ["s.yaml:3:7: error RC111: 65 registers do not fit in a u64 mask (64 bits)"],
      ["use 'mask: bitmap'"],
    ],
    ["a bitmap holds 200", spec("bitmap", 100, 100), [], []],
  ])("%s", (_what, lines, want, wantHints) => {
    expect(problems(lines)).toEqual(want);
    expect(hints(lines)).toEqual(wantHints);
  });
});

describe("doc strings up to 2000 characters (RC124)", () => {
  const regs = [...HEAD, "registers:", "  gpr:"];
  test.each<[string, number, string[], string[]]>([
    [
      "the spec's doc at the limit",
      2000,
      [...HEAD, "doc: DOC", ...regs.slice(3), "    - rax", "backends:", "  vmx: { lazy: [] }"],
      [],
    ],
    [
      "the spec's doc one past it",
      2001,
      [...HEAD, "doc: DOC", ...regs.slice(3), "    - rax", "backends:", "  vmx: { lazy: [] }"],
      ["s.yaml:4:6: error RC124: doc string is longer than 2000 characters"],
    ],
    [
      "a register's doc at the limit",
      2000,
      [...regs, "    - { name: rax, doc: DOC }", "backends:", "  vmx: { lazy: [] }"],
      [],
    ],
    [
      "a register's doc one past it",
      2001,
      [...regs, "    - { name: rax, doc: DOC }", "backends:", "  vmx: { lazy: [] }"],
      ["s.yaml:6:25: error RC124: doc string is longer than 2000 characters"],
    ],
    [
      "a backend's doc at the limit",
      2000,
      [...regs, "    - rax", "backends:", "  vmx: { doc: DOC, lazy: [] }"],
      [],
    ],
    [
      "a backend's doc one past it",
      2001,
      [...regs, "    - rax", "backends:", "  vmx: { doc: DOC, lazy: [] }"],
      ["s.yaml:8:15: error RC124: doc string is longer than 2000 characters"],
    ],
  ])("%s", (_what, length, lines, want) => {
    const doc = "d".repeat(length);
    expect(problems(lines.map((l) => l.replace("DOC", doc)))).toEqual(want);
  });
});

test("a good spec's registers and backends, as checked", () => {
  expect(
    accepted([
      "regcache: 1",
      "name: t.spec-1",
      "doc: The t spec.",
      "mask: u64",
      "registers:",
      "  gpr:",
      "    - rax",
      "    - { name: r8, when: CONFIG_X86_64, doc: The eighth. }",
      "    - { name: rip }",
      "  extended:",
      "    - { name: cr3, doc: Page table base. }",
      "    - pdptr",
      "backends:",
      "  vmx:",
      "    doc: VMX.",
      "    lazy: [rip, cr3]",
      "  tdx:",
      "    available: [rax]",
      "  svm: { lazy: [] }",
    ]),
  ).toStrictEqual({
    name: "t.spec-1",
    doc: "The t spec.",
    mask: "u64",
    registers: [
      { name: "rax", kind: "gpr" },
      { name: "r8", kind: "gpr", guard: "CONFIG_X86_64", doc: "The eighth." },
      { name: "rip", kind: "gpr" },
      { name: "cr3", kind: "extended", doc: "Page table base." },
      { name: "pdptr", kind: "extended" },
    ],
    enum: { gprPrefix: "VCPU_REGS_", extendedPrefix: "VCPU_EXREG_", gprCount: "NR_VCPU_REGS" },
    aliases: [],
    backends: [
      { name: "vmx", declared: "lazy", listed: ["rip", "cr3"], doc: "VMX." },
      { name: "tdx", declared: "available", listed: ["rax"] },
      { name: "svm", declared: "lazy", listed: [] },
    ],
    output: DEFAULT_OUTPUT,
    api: DEFAULT_API,
    accessors: [],
    docs: {},
  });
});

/** Lines 1-13: two GPRs, three extended registers, one backend; output, api and accessors follow from line 14. */
const REGS = [
  ...HEAD,
  "registers:",
  "  gpr:",
  "    - rax",
  "    - rip",
  "  extended:",
  "    - cr0",
  "    - cr3",
  "    - pdptr",
  "backends:",
  "  vmx: { lazy: [rip, cr0, cr3, pdptr] }",
];

describe("accessors", () => {
  test.each<[string, string[], string[]]>([
    [
      "an unknown register with no close name gets no suggestion",
      [...REGS, "accessors:", "  - frobnicator"],
      ["s.yaml:15:5: error RC141: accessors name unknown register 'frobnicator'"],
    ],
    [
      "an extended register by name alone",
      [...REGS, "accessors:", "  - pdptr"],
      ["s.yaml:15:5: error RC143: 'pdptr' is an extended register, with no slot in regs[]"],
    ],
    [
      "a mapping with no function, pointed at by its 'register' key",
      [...REGS, "accessors:", "  - register: cr3", "    field: cr3"],
      ["s.yaml:15:5: error RC144: the accessors of 'cr3' define no function"],
    ],
    [
      "a bit test with a reader but no read_bits",
      [
        ...REGS,
        "accessors:",
        "  - register: cr0",
        "    field: cr0",
        "    read: kvm_read_cr0",
        "    is_bit_set: kvm_is_cr0_bit_set",
      ],
      ["s.yaml:18:5: error RC144: the accessors of 'cr0' test one bit without read_bits"],
    ],
    [
      "read_bits with guest_owned on an indexed field",
      [
        ...REGS,
        "accessors:",
        "  - register: pdptr",
        "    field: walk_mmu->pdptrs",
        "    indexed: true",
        "    read_bits: kvm_read_pdptr_bits",
        "    guest_owned: { possible: KVM_POSSIBLE_CR0_GUEST_BITS, owned: pdptr_owned }",
      ],
      [
        "s.yaml:17:5: error RC144: the accessors of 'pdptr' gate an indexed field on guest-owned bits",
      ],
    ],
    [
      "read_bits alone on an indexed field",
      [
        ...REGS,
        "accessors:",
        "  - register: pdptr",
        "    field: walk_mmu->pdptrs",
        "    indexed: true",
        "    read_bits: kvm_read_pdptr_bits",
      ],
      [
        "s.yaml:17:5: error RC144: the accessors of 'pdptr' gate an indexed field on guest-owned bits",
        "s.yaml:18:5: error RC144: the accessors of 'pdptr' read bits without guest_owned",
      ],
    ],
    [
      "guest_owned alone on an indexed field",
      [
        ...REGS,
        "accessors:",
        "  - register: pdptr",
        "    field: walk_mmu->pdptrs",
        "    read: kvm_pdptr_read",
        "    indexed: true",
        "    guest_owned: { possible: KVM_POSSIBLE_CR0_GUEST_BITS, owned: pdptr_owned }",
      ],
      [
        "s.yaml:18:5: error RC144: the accessors of 'pdptr' gate an indexed field on guest-owned bits",
        "s.yaml:19:5: error RC144: the accessors of 'pdptr' give guest_owned but no read_bits",
      ],
    ],
    [
      "each function name is checked for clashes where it is written",
      [
        ...REGS,
        "accessors:",
        "  - register: cr0",
        "    field: cr0",
        "    write: kvm_rax_write",
        "    read_bits: kvm_rip_read",
        "    is_bit_set: kvm_register_is_dirty",
        "    guest_owned: { possible: KVM_POSSIBLE_CR0_GUEST_BITS, owned: cr0_owned }",
      ],
      [
        "s.yaml:17:12: error RC120: accessor 'kvm_rax_write' would generate 'kvm_rax_write', which register 'rax' also generates",
        "s.yaml:18:16: error RC120: accessor 'kvm_rip_read' would generate 'kvm_rip_read', which register 'rip' also generates",
        "s.yaml:19:17: error RC120: accessor 'kvm_register_is_dirty' would generate 'kvm_register_is_dirty', which the generator already emits",
      ],
    ],
    [
      "a register's second entry is reported even when its first is faulty",
      [
        ...REGS,
        "accessors:",
        "  - { register: cr3, field: cr3 }",
        "  - { register: cr3, field: cr3, read: kvm_read_cr3 }",
      ],
      [
        "s.yaml:15:7: error RC144: the accessors of 'cr3' define no function",
        "s.yaml:16:17: error RC142: register 'cr3' has accessors twice (first at line 15)",
      ],
    ],
  ])("%s", (_what, lines, want) => {
    expect(problems(lines)).toEqual(want);
  });
});

describe("the guest-owned bits' constant, which the ts target must know (RC148)", () => {
  const acc = [
    "accessors:",
    "  - register: cr0",
    "    field: cr0",
    "    read_bits: kvm_read_cr0_bits",
    "    guest_owned: { possible: MY_CR0_BITS, owned: cr0_owned }",
  ];
  const rc148 =
    "s.yaml:18:30: error RC148: the ts target needs the value of 'MY_CR0_BITS', which regcache does not know";
  test.each<[string, string[], string[]]>([
    ["the default targets include ts", [...REGS, ...acc], [rc148]],
    ["ts named", [...REGS, "output:", "  targets: [c, ts]", ...acc], [rc148.replace("18:", "20:")]],
    ["C alone", [...REGS, "output:", "  targets: [c]", ...acc], []],
    ["the kernel block alone", [...REGS, "output:", "  targets: [kernel]", ...acc], []],
    [
      "a constant whose value the spec gives (a hex string or an integer)",
      [...REGS, ...acc.map((l) => l.replace("cr0_owned }", "cr0_owned, value: '0x80000' }"))],
      [],
    ],
    [
      "a constant regcache knows",
      [...REGS, ...acc.map((l) => l.replace("MY_CR0_BITS", "KVM_POSSIBLE_CR4_GUEST_BITS"))],
      [],
    ],
  ])("%s", (_what, lines, want) => {
    expect(problems(lines)).toEqual(want);
    if (want.length > 0)
      expect(hints(lines)).toEqual([
        "give its value (guest_owned.value), name KVM_POSSIBLE_CR0_GUEST_BITS or KVM_POSSIBLE_CR4_GUEST_BITS, or write only the C targets (output.targets: [c] or [kernel])",
      ]);
  });
});

describe("always_inline names a function the spec defines (RC145)", () => {
  const inline = (api: string[], names: string) => [
    ...REGS,
    "api:",
    ...api.map((l) => `  ${l}`),
    `  always_inline: [${names}]`,
    "accessors:",
    "  - rip",
    "  - register: cr0",
    "    field: cr0",
    "    write: kvm_write_cr0",
    "    read_bits: kvm_read_cr0_bits",
    "    is_bit_set: kvm_is_cr0_bit_set",
    "    guest_owned: { possible: KVM_POSSIBLE_CR0_GUEST_BITS, owned: cr0_owned }",
  ];
  const every =
    "BUILD_KVM_GPR_ACCESSORS, kvm_register_is_available, kvm_register_is_dirty, kvm_register_mark_available, " +
    "kvm_register_mark_dirty, kvm_read_edx_eax, kvm_rax_read, kvm_rax_write, kvm_rip_read, kvm_rip_write, " +
    "kvm_write_cr0, kvm_read_cr0_bits, kvm_is_cr0_bit_set";
  test.each<[string, string[], string, string[]]>([
    [
      "every helper and accessor, plain read and write",
      [],
      `${every}, kvm_register_read, kvm_register_write`,
      [],
    ],
    [
      "every helper and accessor, raw pair and test-and-mark",
      ["raw_pair: true", "test_and_mark_available: true"],
      `${every}, kvm_register_read_raw, kvm_register_write_raw, kvm_register_test_and_mark_available`,
      [],
    ],
    [
      "no raw pair unless asked for",
      ["raw_pair: false"],
      "kvm_register_write_raw",
      [
        "s.yaml:16:19: error RC145: always_inline names 'kvm_register_write_raw', which this spec does not define (did you mean 'kvm_register_write'?)",
      ],
    ],
    [
      "no plain pair beside the raw one",
      ["raw_pair: true"],
      "kvm_register_write",
      [
        "s.yaml:16:19: error RC145: always_inline names 'kvm_register_write', which this spec does not define (did you mean 'kvm_register_write_raw'?)",
      ],
    ],
    [
      "no test-and-mark unless asked for",
      ["test_and_mark_available: false"],
      "kvm_rip_read, kvm_register_test_and_mark_available",
      [
        "s.yaml:16:33: error RC145: always_inline names 'kvm_register_test_and_mark_available', which this spec does not define (did you mean 'kvm_register_mark_available'?)",
      ],
    ],
    [
      "an extended register has no GPR accessors",
      ["inline: inline"],
      "kvm_cr0_read",
      [
        "s.yaml:16:19: error RC145: always_inline names 'kvm_cr0_read', which this spec does not define (did you mean 'kvm_rax_read' or 'kvm_rip_read'?)",
      ],
    ],
  ])("%s", (_what, api, names, want) => {
    expect(problems(inline(api, names))).toEqual(want);
  });
});

test("a good spec's output, api and accessors, as checked", () => {
  const spec = accepted([
    ...REGS,
    "output:",
    "  targets: [kernel, c]",
    "  kernel_header: my_regs_gen.h",
    "  spdx: GPL-2.0",
    "api:",
    "  cache_reg: static_call",
    "  bitops: kernel",
    "  raw_pair: true",
    "  test_and_mark_available: true",
    "  inline: inline",
    "  always_inline: [kvm_read_cr0, BUILD_KVM_GPR_ACCESSORS]",
    "accessors:",
    "  - rip",
    "  - register: pdptr",
    "    field: walk_mmu->pdptrs",
    "    type: u64",
    "    indexed: true",
    "    might_sleep: true",
    "    read: kvm_pdptr_read",
    "    write: kvm_pdptr_write",
    "  - register: cr0",
    "    field: cr0",
    "    type: ulong",
    "    indexed: false",
    "    might_sleep: false",
    "    read: kvm_read_cr0",
    "    read_bits: kvm_read_cr0_bits",
    "    is_bit_set: kvm_is_cr0_bit_set",
    "    guest_owned: { possible: MY_CR0_BITS, owned: cr0_guest_owned_bits }",
    "    doc: CR0, partly guest-owned.",
    "  - { register: cr3, field: cr3, write: kvm_write_cr3 }",
  ]);
  expect({ output: spec.output, api: spec.api, accessors: spec.accessors }).toStrictEqual({
    output: {
      targets: ["kernel", "c"],
      kernelHeader: "my_regs_gen.h",
      spdx: "GPL-2.0",
      adopts: DEFAULT_OUTPUT.adopts,
    },
    api: {
      ...DEFAULT_API,
      cacheReg: "static_call",
      bitops: "kernel",
      rawPair: true,
      testAndMarkAvailable: true,
      inline: "inline",
      alwaysInline: ["kvm_read_cr0", "BUILD_KVM_GPR_ACCESSORS"],
    },
    accessors: [
      { kind: "gpr", register: "rip" },
      {
        kind: "extended",
        register: "pdptr",
        field: "walk_mmu->pdptrs",
        type: "u64",
        indexed: true,
        markDirty: false,
        mightSleep: true,
        read: "kvm_pdptr_read",
        write: "kvm_pdptr_write",
      },
      {
        kind: "extended",
        register: "cr0",
        field: "cr0",
        type: "ulong",
        indexed: false,
        markDirty: false,
        mightSleep: false,
        read: "kvm_read_cr0",
        readBits: "kvm_read_cr0_bits",
        isBitSet: "kvm_is_cr0_bit_set",
        guestOwned: { possible: "MY_CR0_BITS", owned: "cr0_guest_owned_bits" },
        doc: "CR0, partly guest-owned.",
      },
      {
        kind: "extended",
        register: "cr3",
        field: "cr3",
        type: "unsigned long",
        indexed: false,
        markDirty: false,
        mightSleep: false,
        write: "kvm_write_cr3",
      },
    ],
  });
});

test.each<[string, string[], object]>([
  ["no output or api: the defaults", [], { output: DEFAULT_OUTPUT, api: DEFAULT_API }],
  [
    "empty output and api mappings: the defaults",
    ["output: {}", "api: {}"],
    { output: DEFAULT_OUTPUT, api: DEFAULT_API },
  ],
  [
    "ts alone; the other dispatch and the default bit operations",
    ["output:", "  targets: [ts]", "api:", "  cache_reg: kvm_x86_call", "  inline: always_inline"],
    {
      output: { ...DEFAULT_OUTPUT, targets: ["ts"] },
      api: { ...DEFAULT_API, cacheReg: "kvm_x86_call" },
    },
  ],
  [
    "the third dispatch, named",
    ["api:", "  cache_reg: ops_pointer", "  bitops: regcache"],
    { output: DEFAULT_OUTPUT, api: DEFAULT_API },
  ],
])("%s", (_what, extra, want) => {
  const spec = accepted([...REGS, ...extra]);
  expect({ output: spec.output, api: spec.api }).toStrictEqual(want);
});

describe("what the schema rejected is not judged again (nor crashes validation)", () => {
  test.each<[string, string[], string[]]>([
    [
      "a list of mappings with a duplicate key: both problems",
      ["- { a: 1, a: 2 }"],
      [
        "s.yaml:1:1: error RC122: s.yaml is a list, not a YAML mapping",
        "s.yaml:1:11: error RC101: duplicate key 'a' (first given at line 1)",
      ],
    ],
    [
      "a register mapping without a name",
      [
        ...HEAD,
        "registers:",
        "  gpr:",
        "    - rax",
        "    - { when: CONFIG_X86_64 }",
        "backends:",
        "  vmx: { lazy: [] }",
      ],
      ["s.yaml:7:7: error RC115: missing required key 'registers.gpr[1].name'"],
    ],
    [
      "accessor entries that are no identifiers",
      [...REGS, "accessors:", "  - r-x", "  - 9x"],
      [
        "s.yaml:15:5: error RC140: accessors[0] 'r-x' is not valid",
        "s.yaml:16:5: error RC140: accessors[1] '9x' is not valid",
      ],
    ],
    [
      "an accessor without a field, whatever else it says",
      [...REGS, "accessors:", "  - { register: cr3 }", "  - { register: cr0, read: kvm_rax_read }"],
      [
        "s.yaml:15:5: error RC115: missing required key 'accessors[0].field'",
        "s.yaml:16:5: error RC115: missing required key 'accessors[1].field'",
      ],
    ],
    [
      "always_inline that is not a list",
      [...REGS, "api:", "  always_inline: kvm_rip_read"],
      ["s.yaml:15:18: error RC103: api.always_inline must be a list, found 'kvm_rip_read'"],
    ],
    [
      "always_inline naming a number",
      [...REGS, "api:", "  always_inline: [kvm_rip_read, 7]"],
      ["s.yaml:15:33: error RC103: api.always_inline[1] must be a string, found number 7"],
    ],
    [
      "targets the schema rejects fall back to the default ones, ts included",
      [
        ...REGS,
        "output:",
        "  targets: [tss]",
        "accessors:",
        "  - register: cr0",
        "    field: cr0",
        "    read_bits: kvm_read_cr0_bits",
        "    guest_owned: { possible: MY_CR0_BITS, owned: cr0_owned }",
      ],
      [
        "s.yaml:15:13: error RC103: output.targets[0] must be one of c, ts, kernel, found 'tss'",
        "s.yaml:20:30: error RC148: the ts target needs the value of 'MY_CR0_BITS', which regcache does not know",
      ],
    ],
    [
      "no targets at all fall back to the default ones too",
      [
        ...REGS,
        "output:",
        "  targets: []",
        "accessors:",
        "  - register: cr0",
        "    field: cr0",
        "    read_bits: kvm_read_cr0_bits",
        "    guest_owned: { possible: MY_CR0_BITS, owned: cr0_owned }",
      ],
      [
        "s.yaml:15:12: error RC116: 'output.targets' is empty",
        "s.yaml:20:30: error RC148: the ts target needs the value of 'MY_CR0_BITS', which regcache does not know",
      ],
    ],
  ])("%s", (_what, lines, want) => {
    expect(problems(lines)).toEqual(want);
  });
});

describe("a faulty accessor entry defines nothing: its functions clash with no one", () => {
  test.each<[string, string[], string[]]>([
    [
      "read_bits without guest_owned",
      [...REGS, "accessors:", "  - register: cr0", "    field: cr0", "    read_bits: kvm_rax_read"],
      ["s.yaml:17:5: error RC144: the accessors of 'cr0' read bits without guest_owned"],
    ],
    [
      "guest_owned without read_bits",
      [
        ...REGS,
        "accessors:",
        "  - register: cr0",
        "    field: cr0",
        "    read: kvm_rax_read",
        "    guest_owned: { possible: KVM_POSSIBLE_CR0_GUEST_BITS, owned: cr0_owned }",
      ],
      ["s.yaml:18:5: error RC144: the accessors of 'cr0' give guest_owned but no read_bits"],
    ],
    [
      "is_bit_set without read_bits",
      [
        ...REGS,
        "accessors:",
        "  - register: cr0",
        "    field: cr0",
        "    read: kvm_rax_read",
        "    is_bit_set: kvm_is_cr0_bit_set",
      ],
      ["s.yaml:18:5: error RC144: the accessors of 'cr0' test one bit without read_bits"],
    ],
    [
      "guest-owned bits on an indexed field",
      [
        ...REGS,
        "accessors:",
        "  - register: pdptr",
        "    field: walk_mmu->pdptrs",
        "    indexed: true",
        "    read: kvm_rax_read",
        "    read_bits: kvm_read_pdptr_bits",
        "    guest_owned: { possible: KVM_POSSIBLE_CR0_GUEST_BITS, owned: pdptr_owned }",
      ],
      [
        "s.yaml:17:5: error RC144: the accessors of 'pdptr' gate an indexed field on guest-owned bits",
      ],
    ],
    [
      "output and api given as nothing",
      [...REGS, "output: ~", "api: ~"],
      [
        "s.yaml:14:9: error RC103: output must be a mapping, found nothing",
        "s.yaml:15:6: error RC103: api must be a mapping, found nothing",
      ],
    ],
  ])("%s", (_what, lines, want) => {
    expect(problems(lines)).toEqual(want);
  });
});

test("a register rejected as a C keyword or a reserved name is not declared: a backend naming it is told so", () => {
  expect(
    problems([
      ...HEAD,
      "registers:",
      "  gpr:",
      "    - rax",
      "    - int",
      "    - __x",
      "backends:",
      "  vmx: { lazy: [int, __x] }",
    ]),
  ).toEqual([
    "s.yaml:7:7: error RC107: 'int' is a C keyword and cannot be used as a register name",
    "s.yaml:8:7: error RC108: '__x' is a reserved identifier (starts with '__')",
    "s.yaml:10:17: error RC104: unknown register 'int'",
    "s.yaml:10:22: error RC104: unknown register '__x'",
  ]);
});

describe("guest_owned.value reaches the ts target, which prints it instead of regcache's own", () => {
  it("KVM_POSSIBLE_CR4_GUEST_BITS with CET (Linux 7.2's value) in ts/registers.ts", async () => {
    const { generateAll } = await import("../../../../generator/generate/produce");
    const spec = [
      ...REGS,
      "accessors:",
      "  - register: cr0",
      "    field: cr4",
      "    read_bits: kvm_read_cr4_bits",
      "    guest_owned: { possible: KVM_POSSIBLE_CR4_GUEST_BITS, owned: cr4_guest_owned_bits, value: 0x81078e }",
    ].join("\n");
    const r = await generateAll({ specPath: "s.yaml", displayPath: "s.yaml", specText: spec });
    if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
    const ts = r.files.find((f) => f.path.endsWith(".ts"))!.contents;
    expect(ts).toMatch(/export const KVM_POSSIBLE_CR4_GUEST_BITS = 0x81078en;/);
    expect(ts).not.toContain("0x1078en");
  });
});
