/*
 * The probe's text and its answer (generator/toolchain/kernel-tree/probe.ts): a unit that
 * includes the tree's own file and then lists { present, value } pairs in a
 * section of their own, each under its condition; and the section's bytes
 * read back in item order, with the release string up to its NUL.
 */
import {
  decodeProbe,
  PROBE_SECTION,
  probeSource,
  RELEASE_SECTION,
} from "../../../../generator/toolchain/kernel-tree/probe";

describe("probeSource", () => {
  test("the unit, then one pair per item, a conditional one with an absent pair in its #else", () => {
    const text = probeSource("/k/arch/x86/kvm/x86.c", [
      { key: "enum:VCPU_REGS_RAX", expression: "VCPU_REGS_RAX" },
      { key: "enum:VCPU_REGS_R8", expression: "VCPU_REGS_R8", condition: "#ifdef CONFIG_X86_64" },
    ]);
    expect(text.split("\n").slice(0, 13)).toEqual([
      "/* regcache probe: the unit below, then the values it asks for. */",
      '#include "/k/arch/x86/kvm/x86.c"',
      "",
      "static const unsigned long long regcache_probe_values[][2]",
      `\t__attribute__((used, aligned(8), section("${PROBE_SECTION}"))) = {`,
      "\t{ 1, (unsigned long long)(VCPU_REGS_RAX) },",
      "#ifdef CONFIG_X86_64",
      "\t{ 1, (unsigned long long)(VCPU_REGS_R8) },",
      "#else",
      "\t{ 0, 0 },",
      "#endif",
      "};",
      "",
    ]);
    expect(text).toContain("#if __has_include(<generated/utsrelease.h>)");
    expect(text).toContain(`section("${RELEASE_SECTION}"))) = UTS_RELEASE;`);
    expect(text.endsWith("\n")).toBe(true);
  });

  test("a path with quotes or backslashes is a valid C string", () => {
    expect(probeSource('/k/a "b"\\c.c', [])).toContain('#include "/k/a \\"b\\"\\\\c.c"');
  });
});

describe("decodeProbe", () => {
  const items = [
    { key: "a", expression: "A" },
    { key: "b", expression: "B", condition: "#ifdef X" },
    { key: "c", expression: "C" },
  ];
  /** The section as the compiler lays it out: little-endian pairs of 64-bit words. */
  function section(pairs: [bigint, bigint][]): Buffer {
    const b = Buffer.alloc(pairs.length * 16);
    pairs.forEach(([present, value], i) => {
      b.writeBigUInt64LE(present, i * 16);
      b.writeBigUInt64LE(value, i * 16 + 8);
    });
    return b;
  }

  test("values in item order, an absent pair without a value; the release up to its NUL", () => {
    expect(
      decodeProbe(
        items,
        section([
          [1n, 0n],
          [0n, 0n],
          [1n, 0xffff_ffff_ffff_ffffn],
        ]),
        Buffer.from("6.1.158\0junk", "latin1"),
      ),
    ).toEqual({
      ok: true,
      values: [{ key: "a", value: 0n }, { key: "b" }, { key: "c", value: 0xffff_ffff_ffff_ffffn }],
      release: "6.1.158",
    });
  });

  test("a release without a NUL is taken whole; no release section is empty", () => {
    const values = section([
      [1n, 1n],
      [1n, 2n],
      [1n, 3n],
    ]);
    expect(decodeProbe(items, values, Buffer.from("6.12.0")).ok && "6.12.0").toBe("6.12.0");
    const none = decodeProbe(items, values, undefined);
    expect(none.ok && none.release).toBe("");
  });

  test("no probe section, or one of the wrong size: said so", () => {
    expect(decodeProbe(items, undefined, undefined)).toEqual({
      ok: false,
      message: `the object has no ${PROBE_SECTION} section`,
    });
    expect(decodeProbe(items, Buffer.alloc(40), undefined)).toEqual({
      ok: false,
      message: `${PROBE_SECTION} holds 40 bytes, expected 48`,
    });
  });
});
