/*
 * The spec's shape (generator/core/spec/schema.ts): each kind of schema
 * violation as the diagnostic regcache prints for it, at the key or value it
 * is about: an unknown key with a suggestion (and its misspelt required key
 * not reported again), a missing key with what to add, a wrong type, the
 * format version, a value outside its enum, a name that fails its pattern
 * (spec name, register, backend, guard, and the output, api and accessors
 * values, each with its own hint), an empty list or mapping. A good shape is
 * no diagnostic at all. Lines and columns are counted by hand from the text.
 */
import { lineColOf } from "../../../../generator/core/diagnostics/diagnostic";
import { parseSpec } from "../../../../generator/core/spec/parse";
import { AJV_OPTIONS, checkShape } from "../../../../generator/core/spec/schema";

const HEAD = ["regcache: 1", "name: t", "mask: u32"];
const REGS = ["registers:", "  gpr: [rax]"];
const BACKENDS = ["backends:", "  vmx: { lazy: [] }"];
const GOOD = [...HEAD, ...REGS, ...BACKENDS];

/** Each shape diagnostic as "CODE line:col message | hint". */
function shape(lines: readonly string[]): string[] {
  const text = lines.join("\n") + "\n";
  const parsed = parseSpec({ displayPath: "s.yaml", text });
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join("\n"));
  return checkShape(parsed.doc).map((d) => {
    const at = d.span ? lineColOf(text, d.span.start) : undefined;
    return `${d.code} ${at ? `${at.line}:${at.col}` : "-"} ${d.message} | ${d.hint}`;
  });
}

const TOP_KEYS = "regcache, name, doc, mask, enum, registers, backends, output, api, accessors";
const C_IDENTIFIER =
  "use a C identifier: an ASCII letter or '_', then ASCII letters, digits or '_'";

test("a spec of the right shape has no shape diagnostic, nor do the bundled kernel sections", () => {
  expect(shape(GOOD)).toEqual([]);
  expect(
    shape([
      ...GOOD,
      "output: { targets: [kernel], kernel_header: regs_gen.h, spdx: GPL-2.0 OR MIT }",
      "api: { bitops: kernel, e_pair: [rax], assert: { macro: m, condition: 'in_task()' } }",
      "accessors:",
      "  - { register: cr3, field: walk_mmu->pdptrs, read: kvm_read_cr3 }",
    ]),
  ).toEqual([]);
});

test("ajv reports every error, not the first (allErrors)", () => {
  expect(AJV_OPTIONS.allErrors).toBe(true);
  expect(shape(["regcache: 2", "name: -t", "mask: u16", ...REGS, ...BACKENDS])).toHaveLength(3);
});

describe("unknown and missing keys", () => {
  test("an unknown key is pointed at, with the nearest allowed key and the allowed ones", () => {
    expect(shape([...GOOD, "maks: u64"])).toEqual([
      `RC102 8:1 unknown key 'maks' (did you mean 'mask'?) | allowed keys here: ${TOP_KEYS}`,
    ]);
  });

  test("a misspelt required key is reported once, as unknown, not again as missing", () => {
    expect(shape([...HEAD, "registrs:", "  gpr: [rax]", ...BACKENDS])).toEqual([
      `RC102 4:1 unknown key 'registrs' (did you mean 'registers'?) | allowed keys here: ${TOP_KEYS}`,
    ]);
  });

  test.each<[string, string[], string]>([
    [
      "a top-level key, at the document's start",
      ["regcache: 1", "name: t", ...REGS, ...BACKENDS],
      "RC115 1:1 missing required key 'mask' | add 'mask: u32 (or u64, bitmap)'",
    ],
    [
      "a nested key, at the start of its mapping's key, named by its path",
      [...HEAD, "registers:", "  extended: [cr3]", ...BACKENDS],
      "RC115 4:1 missing required key 'registers.gpr' | add 'gpr: [rax, ...]'",
    ],
    [
      "a register's name, with a register's example rather than the spec's",
      [...HEAD, "registers:", "  gpr: [{ when: CONFIG_X }]", ...BACKENDS],
      "RC115 5:9 missing required key 'registers.gpr[0].name' | add 'name: rax'",
    ],
  ])("a missing key: %s", (_what, lines, want) => {
    expect(shape(lines)).toEqual([want]);
  });

  test("a key with no example of its own is shown as 'key: ...'", () => {
    expect(shape([...GOOD, "output: { adopts: { header: regs.h } }"])).toEqual([
      "RC115 8:11 missing required key 'output.adopts.first' | add 'first: ...'",
      "RC115 8:11 missing required key 'output.adopts.last' | add 'last: ...'",
    ]);
  });
});

describe("types, the version and enums", () => {
  test.each<[string, string[], string]>([
    [
      "a mapping where a list goes",
      [...HEAD, "registers:", "  gpr: { a: 1 }", ...BACKENDS],
      "RC103 5:8 registers.gpr must be a list, found a mapping | write a list here",
    ],
    [
      "a number where a string goes",
      [...GOOD, "doc: 3"],
      "RC103 8:6 doc must be a string, found number 3 | write a string here",
    ],
    [
      "a string where true or false goes",
      [...GOOD, "api: { raw_pair: yes }"],
      "RC103 8:18 api.raw_pair must be true or false, found 'yes' | write true or false here",
    ],
    [
      "nothing where a mapping goes",
      [...HEAD, ...REGS, "backends:", "  vmx: ~"],
      "RC103 7:8 backends.vmx must be a mapping, found nothing | write a mapping here",
    ],
    [
      "a value outside its enum",
      ["regcache: 1", "name: t", "mask: u16", ...REGS, ...BACKENDS],
      "RC103 3:7 mask must be one of u32, u64, bitmap, found 'u16' | write one of u32, u64, bitmap here",
    ],
    [
      "a list item outside its enum, named by its index",
      [...GOOD, "output: { targets: [c, rust] }"],
      "RC103 8:24 output.targets[1] must be one of c, ts, kernel, found 'rust' | write one of c, ts, kernel here",
    ],
    [
      "another format version",
      ["regcache: 2", "name: t", "mask: u32", ...REGS, ...BACKENDS],
      "RC114 1:11 unsupported format version 2 | write 'regcache: 1', the only format version this regcache reads",
    ],
    [
      "the version as a string",
      ["regcache: '1'", "name: t", "mask: u32", ...REGS, ...BACKENDS],
      "RC114 1:11 unsupported format version '1' (not the number 1) | write 'regcache: 1', the only format version this regcache reads",
    ],
  ])("%s", (_what, lines, want) => {
    expect(shape(lines)).toEqual([want]);
  });

  test("a document that is no mapping is 'the spec'", () => {
    expect(shape(["- a"])).toEqual([
      "RC103 1:1 the spec must be a mapping, found a list | write a mapping here",
    ]);
  });
});

describe("names that fail their pattern", () => {
  test("the spec's name, a register, a guard and a backend each have their own code", () => {
    expect(
      shape([
        "regcache: 1",
        "name: -t",
        "mask: u32",
        "registers:",
        "  gpr: [1rax, { name: rbx, when: 'A B' }]",
        "backends:",
        "  1vmx: { lazy: [] }",
      ]),
    ).toEqual([
      "RC121 2:7 '-t' is not a valid spec name | use letters, digits, '.', '_' or '-'",
      `RC106 5:9 '1rax' is not a valid register name | ${C_IDENTIFIER}`,
      "RC113 5:34 guard 'A B' is not a plain preprocessor identifier | use a macro name such as CONFIG_X86_64",
      `RC106 7:3 '1vmx' is not a valid backend name | ${C_IDENTIFIER}`,
    ]);
  });

  test("a backend list's odd name is left to validation, which knows the registers", () => {
    expect(shape([...HEAD, ...REGS, "backends:", "  vmx: { lazy: [2x] }"])).toEqual([]);
  });

  test("output, api and accessors values are RC140, each with the hint for what it is", () => {
    expect(
      shape([
        ...GOOD,
        "output:",
        "  kernel_header: foo.c",
        "  spdx: 'GPL 2'",
        "accessors:",
        "  - { register: cr3, field: '3x' }",
        "api:",
        "  always_inline: ['a b']",
      ]),
    ).toEqual([
      "RC140 9:18 output.kernel_header 'foo.c' is not valid | a file name ending in .h, e.g. kvm_cache_regs_gen.h",
      "RC140 10:9 output.spdx 'GPL 2' is not valid | an SPDX license expression, e.g. GPL-2.0 or GPL-2.0 OR MIT",
      `RC140 14:19 api.always_inline[0] 'a b' is not valid | ${C_IDENTIFIER}`,
      "RC140 12:29 accessors[0].field '3x' is not valid | a member below vcpu->arch: a C identifier, or a path such as walk_mmu->pdptrs",
    ]);
  });
});

test("an empty list or mapping that needs an entry is RC116, each once", () => {
  expect(shape([...HEAD, "registers:", "  gpr: []", "backends: {}"])).toEqual([
    "RC116 5:8 'registers.gpr' is empty | declare at least one entry",
    "RC116 6:11 'backends' is empty | declare at least one entry",
  ]);
});

describe("the 7.2 keys' shapes say what is wrong in their own words", () => {
  test.each<[string, string[], string]>([
    [
      "a list with a duplicate",
      ["output:", "  targets: [c, c]"],
      "RC103 output.targets must be a list without duplicates, found 'c' twice",
    ],
    [
      "an empty assertion condition",
      ["api:", "  assert: { macro: m, condition: '' }"],
      "RC103 api.assert.condition must be a non-empty string, found ''",
    ],
    [
      "a condition with a backslash",
      ["api:", "  assert: { macro: m, condition: 'a\\' }"],
      "RC140 api.assert.condition 'a\\' is not valid",
    ],
    [
      "an alias that is no identifier",
      ["registers:", "  gpr: [rax]", "  aliases: { 1x: rax }"],
      "RC106 '1x' is not a valid alias name",
    ],
    [
      "an enum value that is no identifier",
      ["enum:", "  gpr_prefix: 1A"],
      "RC140 enum.gpr_prefix '1A' is not valid",
    ],
    [
      "a negative mask value (minimum)",
      [
        "accessors:",
        "  - register: cr3",
        "    field: cr3",
        "    read_bits: kvm_read_cr3_bits",
        "    guest_owned: { possible: P, owned: o, value: -1 }",
      ],
      "RC103 accessors[0].guest_owned.value must be a number of at least 0, found number -1",
    ],
  ])("%s", (_what, lines, want) => {
    const base = lines[0] === "registers:" ? [...HEAD, ...BACKENDS] : GOOD;
    const said = shape([...base, ...lines]).map((s) =>
      s.replace(/^(RC\d+) \S+ /, "$1 ").replace(/ \| [^]*$/, ""),
    );
    expect(said).toEqual([want]);
  });
});

test("a condition's hint speaks of a C expression, not an identifier", () => {
  const said = shape([...GOOD, "api:", "  assert: { macro: m, condition: 'a\\' }"]);
  expect(said).toHaveLength(1);
  expect(said[0]).toMatch(/\| a C expression on one line, without a backslash/);
});
