/*
 * The spec's output and accessors sections
 * (generator/core/spec/kernel-sections.ts), checked by checkApi itself over
 * a parsed spec (check-api.ts): what they come to (the defaults, Linux 7.2's
 * adopted region, the targets, each accessor's settings), and each of their
 * diagnostics firing exactly when it should: an accessor naming an alias
 * (RC128), mark_dirty without a writer or on an indexed field (RC144), the
 * kernel header named as the header that includes it (RC147), and a
 * guest-owned constant the ts target cannot print (RC148). The api section
 * is kernel-api.test.ts's; RC127 and RC129 are validate.ts's and enum.ts's.
 * Lines and columns are counted by hand.
 */
import {
  DEFAULT_ADOPTS,
  DEFAULT_API,
  DEFAULT_OUTPUT,
} from "../../../../generator/core/spec/kernel-sections";
import { API_72, check, KERNEL } from "./check-api";

describe("what the sections come to", () => {
  test("a spec without output and api gets the defaults: C and TypeScript, regcache's runtime API", () => {
    const { checked, said } = check(KERNEL.slice(0, 8));
    expect(said).toEqual([]);
    expect(checked.output).toEqual(DEFAULT_OUTPUT);
    expect(checked.api).toEqual(DEFAULT_API);
    expect(checked.accessors).toEqual([]);
  });

  test("Linux 7.2's accessors: RIP's writer marks it dirty, RSP keeps its name", () => {
    const { checked, said } = check([...KERNEL, ...API_72]);
    expect(said).toEqual([]);
    expect(checked.accessors).toEqual([
      {
        kind: "extended",
        register: "rip",
        field: "rip",
        type: "unsigned long",
        indexed: false,
        mightSleep: false,
        read: "kvm_rip_read",
        write: "kvm_rip_write",
        markDirty: true,
      },
      { kind: "gpr", register: "rsp" },
    ]);
    expect(checked.accessorNames.map((n) => `${n.register}:${n.name}`)).toEqual([
      "rip:kvm_rip_read",
      "rip:kvm_rip_write",
    ]);
  });

  test("output.adopts names the kernel's header and the region's bounds; partial, it is the default", () => {
    const adopts = (line: string) =>
      check([...KERNEL, `  adopts: ${line}`, "  spdx: GPL-2.0", "  kernel_header: regs_gen.h"])
        .checked.output;
    expect(
      adopts("{ header: regs.h, first: __BUILD_KVM_GPR_ACCESSORS, last: kvm_read_cr4 }"),
    ).toEqual({
      targets: ["kernel"],
      kernelHeader: "regs_gen.h",
      spdx: "GPL-2.0",
      adopts: { header: "regs.h", first: "__BUILD_KVM_GPR_ACCESSORS", last: "kvm_read_cr4" },
    });
    expect(adopts("{ header: regs.h, first: X }").adopts).toEqual(DEFAULT_ADOPTS);
  });

  test("targets keep their order, once each, and only the known ones", () => {
    const targets = (list: string) =>
      check([...KERNEL.slice(0, 9), `  targets: ${list}`]).checked.output.targets;
    expect(targets("[kernel, c]")).toEqual(["kernel", "c"]);
    expect(targets("[ts, c, ts]")).toEqual(["ts", "c"]);
    expect(targets("[rust, c]")).toEqual(["c"]);
    expect(targets("[rust]")).toEqual(DEFAULT_OUTPUT.targets);
  });

  test("mark_dirty is the writer's, false unless the spec says true", () => {
    const rip = (extra: string) =>
      check([
        ...KERNEL,
        "accessors:",
        `  - { register: rip, field: rip, write: kvm_rip_write${extra} }`,
      ]).checked.accessors[0];
    expect(rip(", mark_dirty: true")).toMatchObject({ write: "kvm_rip_write", markDirty: true });
    expect(rip(", mark_dirty: false")).toMatchObject({ markDirty: false });
    expect(rip("")).toMatchObject({ markDirty: false });
  });
});

describe("RC128: an accessor naming an alias", () => {
  const aliased = (accessor: string) =>
    check([
      ...KERNEL.slice(0, 6),
      "  aliases: { eraps: cr3 }",
      ...KERNEL.slice(6),
      "accessors:",
      accessor,
    ]);

  test("as a name or as a mapping's register, pointed at where it is written", () => {
    expect(aliased("  - eraps").said).toEqual([
      "RC128 13:5 'eraps' is an alias of 'cr3', not a register",
    ]);
    expect(aliased("  - { register: eraps, field: cr3, read: kvm_read_eraps }").said).toEqual([
      "RC128 13:17 'eraps' is an alias of 'cr3', not a register",
    ]);
    expect(aliased("  - eraps").hints).toEqual([
      "an alias takes no bit of its own: name 'cr3' here",
    ]);
    expect(aliased("  - eraps").checked.accessors).toEqual([]);
  });

  test("not for the register it names, nor for an unknown name (RC141)", () => {
    expect(aliased("  - { register: cr3, field: cr3, read: kvm_read_cr3 }").said).toEqual([]);
    // An alias is no candidate for a misspelt register either.
    expect(aliased("  - erapz").said).toEqual([
      "RC141 13:5 accessors name unknown register 'erapz'",
    ]);
  });
});

describe("RC144: mark_dirty belongs to a writer of one value", () => {
  const rip = (entry: string) =>
    check([...KERNEL, "accessors:", `  - { register: rip, field: rip, ${entry} }`]);

  test.each<[string, string, string[]]>([
    ["with a writer", "write: kvm_rip_write, mark_dirty: true", []],
    [
      "without a writer",
      "read: kvm_rip_read, mark_dirty: true",
      ["RC144 12:54 the accessors of 'rip' mark dirty without a writer"],
    ],
    [
      "on an indexed field",
      "write: kvm_rip_write, indexed: true, mark_dirty: true",
      ["RC144 12:71 the accessors of 'rip' mark an indexed field dirty"],
    ],
    ["mark_dirty: false without a writer", "read: kvm_rip_read, mark_dirty: false", []],
  ])("%s", (_what, entry, want) => {
    const r = rip(entry);
    expect(r.said).toEqual(want);
    // A faulty entry defines nothing.
    expect(r.checked.accessors).toHaveLength(want.length === 0 ? 1 : 0);
  });
});

describe("RC147: the kernel target's header may not be the header that includes it", () => {
  const spec = (output: string[]) => check([...KERNEL, ...output]).said;

  test.each<[string, string[], string[]]>([
    [
      "the default adopted header",
      ["  kernel_header: kvm_cache_regs.h"],
      ["RC147 11:18 kernel_header 'kvm_cache_regs.h' is the name of the kernel's own header"],
    ],
    [
      "the header output.adopts names",
      ["  kernel_header: regs.h", "  adopts: { header: regs.h, first: A, last: b }"],
      ["RC147 11:18 kernel_header 'regs.h' is the name of the kernel's own header"],
    ],
    [
      "the default's name once adopts names another header",
      ["  kernel_header: kvm_cache_regs.h", "  adopts: { header: regs.h, first: A, last: b }"],
      [],
    ],
    ["another name", ["  kernel_header: regs_gen.h"], []],
    ["no name (the default kvm_cache_regs_gen.h)", [], []],
  ])("%s", (_what, output, want) => {
    expect(spec(output)).toEqual(want);
  });

  test("the hint names the adopted header and the default to keep", () => {
    const r = check([
      ...KERNEL,
      "  kernel_header: regs.h",
      "  adopts: { header: regs.h, first: A, last: b }",
    ]);
    expect(r.hints).toEqual([
      "a quoted #include of it beside regs.h would include itself; keep kvm_cache_regs_gen.h",
    ]);
  });
});

describe("RC148: the ts target must know the guest-owned bits' constant", () => {
  const spec = (targets: string | undefined, possible: string) =>
    check([
      ...KERNEL.slice(0, 8),
      ...(targets ? ["output:", `  targets: ${targets}`] : []),
      "accessors:",
      "  - register: cr3",
      "    field: cr3",
      "    read_bits: kvm_read_cr3_bits",
      `    guest_owned: { possible: ${possible}, owned: cr3_owned }`,
    ]).said.filter((s) => s.startsWith("RC148"));

  test.each<[string | undefined, string, number]>([
    [undefined, "MY_BITS", 1],
    ["[ts]", "MY_BITS", 1],
    ["[c, kernel]", "MY_BITS", 0],
    [undefined, "KVM_POSSIBLE_CR0_GUEST_BITS", 0],
    ["[ts]", "KVM_POSSIBLE_CR4_GUEST_BITS", 0],
  ])("targets %s, possible %s: %i", (targets, possible, n) => {
    expect(spec(targets, possible)).toHaveLength(n);
  });

  test("a constant regcache does not know is fine when the spec gives its value", () => {
    expect(spec("[ts]", "MY_BITS, value: 0x8")).toEqual([]);
    expect(spec("[ts]", "MY_BITS, value: 8")).toEqual([]);
    // A value that is no number is no value.
    expect(spec("[ts]", "MY_BITS, value: eight")).toHaveLength(1);
  });
});

describe("one guest-owned macro, one value", () => {
  const acc = (register: string, value: string) =>
    `  - { register: ${register}, field: ${register}, read_bits: kvm_read_${register}_bits, guest_owned: { possible: MY_BITS, owned: o_${register}, value: ${value} } }`;
  test("two accessors giving MY_BITS different values: RC144 at the second", () => {
    const r = check([...KERNEL, "accessors:", acc("rip", "0x8"), acc("cr3", "0x10")]);
    expect(r.said).toEqual([
      "RC144 13:119 the accessors of 'cr3' give MY_BITS the value 0x10, but those of 'rip' give it 0x8",
    ]);
    expect(r.checked.accessors.map((a) => a.register)).toEqual(["rip"]);
  });
  test("the same value twice, or one left out: no diagnostic", () => {
    expect(check([...KERNEL, "accessors:", acc("rip", "0x8"), acc("cr3", "8")]).said).toEqual([]);
    const without = acc("cr3", "0x8").replace(", value: 0x8", "");
    expect(check([...KERNEL, "accessors:", acc("rip", "0x8"), without]).said).toEqual([]);
  });
});
