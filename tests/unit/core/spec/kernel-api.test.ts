/*
 * The spec's api section (generator/core/spec/kernel-api.ts), run as
 * validation runs it (checkApi over a parsed spec, check-api.ts): which
 * helpers a spec defines and so may name in always_inline (RC145), Linux
 * 7.2's settings as checked (assert, mark_for_reload, bulk_helpers, the
 * mode_aware family, e_pair), and each of the section's diagnostics firing
 * exactly when it should (RC149–RC152, RC155): a table of the cases around
 * each rule, and properties over every combination of the settings a rule
 * reads, against an oracle written here from the format's wording
 * (docs/spec.md, the schema's descriptions). Lines and columns are counted by
 * hand.
 */
import fc from "fast-check";
import { coreHelpers, gprFunctionNames } from "../../../../generator/core/spec/kernel-api";
import {
  GPR_INNER_MACRO,
  GPR_MACRO,
  DEFAULT_API,
} from "../../../../generator/core/spec/kernel-shape";
import { API_72, check, KERNEL } from "./check-api";

describe("the helpers a spec defines", () => {
  test("the helpers of the default api, and of Linux 7.2's, in definition order", () => {
    expect(coreHelpers(DEFAULT_API)).toEqual([
      "BUILD_KVM_GPR_ACCESSORS",
      "kvm_register_is_available",
      "kvm_register_is_dirty",
      "kvm_register_mark_available",
      "kvm_register_mark_dirty",
      "kvm_register_read",
      "kvm_register_write",
      "kvm_read_edx_eax",
    ]);
    expect(
      coreHelpers({
        rawPair: true,
        testAndMarkAvailable: true,
        markForReload: true,
        bulkHelpers: true,
        gprFamily: "mode_aware",
      }),
    ).toEqual([
      "__BUILD_KVM_GPR_ACCESSORS",
      "BUILD_KVM_GPR_ACCESSORS",
      "kvm_register_is_available",
      "kvm_register_is_dirty",
      "kvm_register_mark_for_reload",
      "kvm_register_mark_available",
      "kvm_register_mark_dirty",
      "kvm_register_test_and_mark_available",
      "kvm_clear_available_registers",
      "kvm_reset_dirty_registers",
      "kvm_register_read_raw",
      "kvm_register_read",
      "kvm_register_write_raw",
      "kvm_register_write",
      "kvm_read_edx_eax",
    ]);
  });

  test("each api setting adds exactly its own helpers", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), (...b) => {
        const [rawPair, testAndMarkAvailable, markForReload, bulkHelpers, modeAware] = b;
        const names = new Set(
          coreHelpers({
            rawPair,
            testAndMarkAvailable,
            markForReload,
            bulkHelpers,
            gprFamily: modeAware ? "mode_aware" : "plain",
          }),
        );
        expect(names.has("kvm_register_read_raw")).toBe(rawPair);
        expect(names.has("kvm_register_write_raw")).toBe(rawPair);
        // The masking pair wraps the raw one under mode_aware; without raw_pair it is the cached pair.
        expect(names.has("kvm_register_read")).toBe(!rawPair || modeAware);
        expect(names.has("kvm_register_test_and_mark_available")).toBe(testAndMarkAvailable);
        expect(names.has("kvm_register_mark_for_reload")).toBe(markForReload);
        expect(names.has("kvm_clear_available_registers")).toBe(bulkHelpers);
        expect(names.has("kvm_reset_dirty_registers")).toBe(bulkHelpers);
        expect(names.has(GPR_INNER_MACRO)).toBe(modeAware);
        expect(names.has(GPR_MACRO) && names.has("kvm_read_edx_eax")).toBe(true);
      }),
    );
  });

  test.each<[string, "plain" | "mode_aware", string[], boolean, string[]]>([
    ["plain", "plain", [], false, ["kvm_rax_read", "kvm_rax_write"]],
    ["plain, listed", "plain", ["rax"], true, ["kvm_rax_read", "kvm_rax_write"]],
    [
      "mode_aware",
      "mode_aware",
      [],
      false,
      ["kvm_rax_read", "kvm_rax_read_raw", "kvm_rax_write_raw"],
    ],
    [
      "mode_aware with the 32-bit pair",
      "mode_aware",
      ["rax"],
      false,
      ["kvm_rax_read", "kvm_rax_read_raw", "kvm_rax_write_raw", "kvm_eax_read", "kvm_eax_write"],
    ],
    // A GPR the accessors list keeps the plain full-width pair, whatever e_pair says.
    ["mode_aware, listed", "mode_aware", ["rax"], true, ["kvm_rax_read", "kvm_rax_write"]],
  ])("rax's functions, %s", (_what, gprFamily, ePair, listed, want) => {
    expect(gprFunctionNames({ gprFamily, ePair }, "rax", listed)).toEqual(want);
  });
});

describe("what the api section comes to", () => {
  test("Linux 7.2's api, in full, as checked", () => {
    const { checked, said } = check([...KERNEL, ...API_72]);
    expect(said).toEqual([]);
    expect(checked.api).toEqual({
      cacheReg: "kvm_x86_call",
      bitops: "kernel",
      rawPair: true,
      testAndMarkAvailable: true,
      inline: "inline",
      alwaysInline: ["__BUILD_KVM_GPR_ACCESSORS", "kvm_clear_available_registers", "kvm_eax_read"],
      assert: { macro: "kvm_assert_x", condition: "in_task()" },
      markForReload: true,
      bulkHelpers: true,
      gprFamily: "mode_aware",
      modeMask: "kvm_reg_mode_mask",
      ePair: ["rax", "rdx"],
    });
  });

  test("an assertion needs both its macro and a condition", () => {
    const api = (line: string) => check([...KERNEL, "api:", line]).checked.api;
    expect(api("  assert: { macro: m, condition: 'a && b' }").assert).toEqual({
      macro: "m",
      condition: "a && b",
    });
    expect("assert" in api("  assert: { macro: m }")).toBe(false);
    expect("assert" in api("  assert: { condition: x }")).toBe(false);
    // A blank condition is no assertion.
    expect("assert" in api("  assert: { macro: m, condition: '  ' }")).toBe(false);
  });
});

describe("always_inline names only what the spec defines (RC145)", () => {
  const api = (settings: string[], name: string) =>
    check([
      ...KERNEL,
      "api:",
      ...settings.map((s) => `  ${s}`),
      `  always_inline: [${name}]`,
      "accessors: [rsp]",
    ]);
  const MODE_AWARE = ["raw_pair: true", "gpr_family: mode_aware", "mode_mask: m"];

  test.each<[string, string[], string, boolean]>([
    ["the inner macro under mode_aware", MODE_AWARE, "__BUILD_KVM_GPR_ACCESSORS", true],
    ["the inner macro under plain", [], "__BUILD_KVM_GPR_ACCESSORS", false],
    ["mark_for_reload's helper", ["mark_for_reload: true"], "kvm_register_mark_for_reload", true],
    ["mark_for_reload's helper, without it", [], "kvm_register_mark_for_reload", false],
    ["a bulk helper", ["bitops: kernel", "bulk_helpers: true"], "kvm_reset_dirty_registers", true],
    ["a bulk helper, without them", ["bitops: kernel"], "kvm_reset_dirty_registers", false],
    ["a GPR's raw read under mode_aware", MODE_AWARE, "kvm_rax_read_raw", true],
    ["a GPR's raw read under plain", [], "kvm_rax_read_raw", false],
    ["a GPR's plain write under mode_aware", MODE_AWARE, "kvm_rax_write", false],
    ["a listed GPR's plain write under mode_aware", MODE_AWARE, "kvm_rsp_write", true],
    ["a 32-bit pair e_pair gives", [...MODE_AWARE, "e_pair: [rax]"], "kvm_eax_write", true],
    ["a 32-bit pair e_pair does not give", [...MODE_AWARE, "e_pair: [rax]"], "kvm_edx_read", false],
    ["the masking read over the raw pair", MODE_AWARE, "kvm_register_read", true],
    ["the cached read under raw_pair alone", ["raw_pair: true"], "kvm_register_read", false],
  ])("%s", (_what, settings, name, defined) => {
    const said = api(settings, name).said.filter((s) => s.startsWith("RC145"));
    expect(said.length === 0).toBe(defined);
    if (!defined)
      expect(said[0]).toMatch(new RegExp(`^RC145 \\d+:\\d+ always_inline names '${name}'`));
    expect(api(settings, name).checked.api.alwaysInline).toEqual(defined ? [name] : []);
  });
});

describe("RC149: settings that need another", () => {
  interface Api {
    mask: "u64" | "bitmap";
    bitops?: "regcache" | "kernel";
    rawPair?: boolean;
    gprFamily?: "plain" | "mode_aware";
    modeMask?: boolean;
    bulkHelpers?: boolean;
    ePair?: readonly string[];
  }
  const lines = (a: Api) => [
    ...KERNEL.slice(0, 2),
    `mask: ${a.mask}`,
    ...KERNEL.slice(3),
    "api:",
    ...(a.bitops ? [`  bitops: ${a.bitops}`] : []),
    ...(a.rawPair !== undefined ? [`  raw_pair: ${a.rawPair}`] : []),
    ...(a.gprFamily ? [`  gpr_family: ${a.gprFamily}`] : []),
    ...(a.modeMask ? ["  mode_mask: kvm_reg_mode_mask"] : []),
    ...(a.bulkHelpers !== undefined ? [`  bulk_helpers: ${a.bulkHelpers}`] : []),
    ...(a.ePair ? [`  e_pair: [${a.ePair.join(", ")}]`] : []),
  ];
  const rc149 = (a: Api) => check(lines(a)).said.filter((s) => s.startsWith("RC149"));

  test("each is pointed at by the key that needs the other, with what to do", () => {
    const r = check(
      lines({ mask: "u64", gprFamily: "mode_aware", bulkHelpers: true, bitops: "kernel" }),
    );
    expect(r.said).toEqual([
      "RC149 13:3 gpr_family: mode_aware needs api.mode_mask",
      "RC149 13:3 gpr_family: mode_aware needs raw_pair: true",
      "RC149 14:3 bulk_helpers needs mask: bitmap and bitops: kernel",
    ]);
    expect(r.hints).toEqual([
      "name the kernel's helper that gives the operand-width mask: mode_mask: kvm_reg_mode_mask",
      "the masking kvm_register_read/_write wrap kvm_register_read_raw/_write_raw",
      "the bulk helpers write the bitmaps' first word, vcpu->arch.regs_avail[0]",
    ]);
    expect(rc149({ mask: "bitmap", modeMask: true, ePair: ["rax"] })).toEqual([
      "RC149 12:3 mode_mask needs gpr_family: mode_aware",
      "RC149 13:3 e_pair needs gpr_family: mode_aware",
    ]);
  });

  test("fire exactly when docs/spec.md says a setting lacks what it needs", () => {
    const arbitrary = fc.record({
      mask: fc.constantFrom("u64" as const, "bitmap" as const),
      bitops: fc.constantFrom(undefined, "regcache" as const, "kernel" as const),
      rawPair: fc.constantFrom(undefined, false, true),
      gprFamily: fc.constantFrom(undefined, "plain" as const, "mode_aware" as const),
      modeMask: fc.boolean(),
      bulkHelpers: fc.constantFrom(undefined, false, true),
      ePair: fc.constantFrom(undefined, [], ["rax"]),
    });
    fc.assert(
      fc.property(arbitrary, (a) => {
        const modeAware = a.gprFamily === "mode_aware";
        const want = [
          ...(modeAware && !a.modeMask ? ["gpr_family: mode_aware needs api.mode_mask"] : []),
          ...(modeAware && a.rawPair !== true
            ? ["gpr_family: mode_aware needs raw_pair: true"]
            : []),
          ...(!modeAware && a.modeMask ? ["mode_mask needs gpr_family: mode_aware"] : []),
          ...(a.bulkHelpers === true && !(a.mask === "bitmap" && a.bitops === "kernel")
            ? ["bulk_helpers needs mask: bitmap and bitops: kernel"]
            : []),
          ...(!modeAware && (a.ePair?.length ?? 0) > 0
            ? ["e_pair needs gpr_family: mode_aware"]
            : []),
        ];
        expect(
          rc149(a)
            .map((s) => s.replace(/^RC149 \d+:\d+ /, ""))
            .sort(),
        ).toEqual(want.sort());
      }),
      { numRuns: 150 },
    );
  });
});

describe("RC150: the bulk helpers work on one word of the bitmap", () => {
  const spec = (n: number) =>
    check([
      ...KERNEL.slice(0, 4),
      `  gpr: [${Array.from({ length: n }, (_, i) => `g${i}`).join(", ")}]`,
      "backends:",
      "  vmx: { lazy: [g0] }",
      "output:",
      "  targets: [kernel]",
      "api:",
      "  bitops: kernel",
      "  bulk_helpers: true",
    ]).said;

  test("64 registers fit; 65 do not, and the count is said at bulk_helpers' value", () => {
    expect(spec(64)).toEqual([]);
    expect(spec(65)).toEqual([
      "RC150 12:17 the bulk helpers work on one word of the bitmap, but this spec has 65 registers",
    ]);
  });

  test("not without bulk_helpers, nor on a mask RC149 already refuses", () => {
    const gprs = `  gpr: [${Array.from({ length: 65 }, (_, i) => `g${i}`).join(", ")}]`;
    const base = [
      ...KERNEL.slice(0, 4),
      gprs,
      "backends:",
      "  vmx: { lazy: [] }",
      "output:",
      "  targets: [kernel]",
      "api:",
    ];
    expect(check([...base, "  bitops: kernel", "  bulk_helpers: false"]).said).toEqual([]);
    expect(
      check([
        ...base.map((l) => l.replace("mask: bitmap", "mask: u64")),
        "  bitops: kernel",
        "  bulk_helpers: true",
      ]).said.map((s) => s.slice(0, 5)),
    ).toEqual(["RC149"]);
  });
});

describe("RC151: e_pair names a GPR with a 32-bit name the accessors leave to the family", () => {
  const MODE_AWARE = [
    "api:",
    "  raw_pair: true",
    "  gpr_family: mode_aware",
    "  mode_mask: kvm_reg_mode_mask",
  ];

  test("each bad name at its place in the list; the good ones kept, in order", () => {
    const r = check([
      ...KERNEL,
      ...MODE_AWARE,
      "  e_pair: [rax, r8, rsp, cr3, rbp, rbx]",
      "accessors:",
      "  - rsp",
    ]);
    expect(r.said).toEqual([
      "RC151 15:17 e_pair names 'r8', which has no 32-bit name",
      "RC151 15:21 e_pair names 'rsp', which accessors names (it keeps the plain full-width pair)",
      "RC151 15:26 e_pair names 'cr3', an extended register, with no slot in regs[]",
      "RC151 15:31 e_pair names 'rbp', which is not a register (did you mean 'rbx' or 'rsp'?)",
    ]);
    expect(r.hints).toEqual([
      "the pair is named from the register without its leading r (rax gives kvm_eax_read): only rax-style names have one",
      "leave rsp out of e_pair, or out of accessors",
      "name GPRs declared under registers.gpr",
      "name GPRs declared under registers.gpr",
    ]);
    expect(r.checked.api.ePair).toEqual(["rax", "rbx"]);
  });

  test("a GPR named like r8 has no 32-bit name whether or not it is declared", () => {
    const said = (gprs: string, ePair: string) =>
      check([
        ...KERNEL.slice(0, 4),
        `  gpr: [${gprs}]`,
        "  extended: [cr3]",
        ...KERNEL.slice(6),
        ...MODE_AWARE,
        `  e_pair: [${ePair}]`,
      ]).said;
    expect(said("rax, r8, r15", "r8, r15")).toEqual([
      "RC151 15:12 e_pair names 'r8', which has no 32-bit name",
      "RC151 15:16 e_pair names 'r15', which has no 32-bit name",
    ]);
    // Undeclared, the name is first of all no register.
    expect(said("rax, rcx", "r8")).toEqual([
      "RC151 15:12 e_pair names 'r8', which is not a register",
    ]);
    // Every rax-style GPR has one: rip too, when a spec declares it a GPR.
    expect(said("rax, rip, rsi", "rip, rsi")).toEqual([]);
  });

  test("exactly the declared rax-style GPRs the accessors do not list are accepted", () => {
    const names = ["rax", "rbx", "rsp", "rsi", "r8", "r9", "rip", "cr3", "rzz", "xax"];
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...names), { minLength: 1 }),
        fc.boolean(),
        (ePair, listRsp) => {
          const r = check([
            ...KERNEL.slice(0, 4),
            "  gpr: [rax, rbx, rsp, rsi, r8, r9]",
            "  extended: [rip, cr3]",
            ...KERNEL.slice(6),
            ...MODE_AWARE,
            `  e_pair: [${ePair.join(", ")}]`,
            ...(listRsp ? ["accessors: [rsp]"] : []),
          ]);
          const good = (n: string) =>
            ["rax", "rbx", "rsp", "rsi"].includes(n) && !(listRsp && n === "rsp");
          expect(r.checked.api.ePair).toEqual(ePair.filter(good));
          expect(
            r.said.filter((s) => s.startsWith("RC151")).map((s) => /'(\w+)'/.exec(s)![1]),
          ).toEqual(ePair.filter((n) => !good(n)));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("RC152: a setting only the kernel target writes, in a spec without it", () => {
  /** Each 7.2 setting, as the check names it. */
  const FEATURES = [
    "enum",
    "registers.aliases",
    "api.assert",
    "api.mark_for_reload",
    "api.bulk_helpers",
    "api.mode_mask",
    "api.e_pair",
    "gpr_family: mode_aware",
    "output.adopts",
    "mark_dirty",
  ] as const;
  type Feature = (typeof FEATURES)[number];

  /** A spec with the chosen settings on, and the others off (false, plain) or left out. */
  function spec(on: ReadonlySet<Feature>, off: ReadonlySet<Feature>, targets: string): string[] {
    const set = (f: Feature, yes: string, no?: string) =>
      on.has(f) ? [yes] : off.has(f) && no !== undefined ? [no] : [];
    return [
      "regcache: 1",
      "name: t",
      "mask: bitmap",
      ...set("enum", "enum: { total: NR_T }"),
      "registers:",
      "  gpr: [rax, rcx, rdx, rbx, rsp]",
      "  extended: [rip, cr3]",
      ...set("registers.aliases", "  aliases: { eraps: cr3 }"),
      "backends:",
      "  vmx: { lazy: [rsp, rip, cr3] }",
      "output:",
      `  targets: ${targets}`,
      ...set("output.adopts", "  adopts: { header: regs.h, first: A, last: b }"),
      "api:",
      "  bitops: kernel",
      ...set("api.assert", "  assert: { macro: kvm_assert_x, condition: 'in_task()' }"),
      ...set("api.mark_for_reload", "  mark_for_reload: true", "  mark_for_reload: false"),
      ...set("api.bulk_helpers", "  bulk_helpers: true", "  bulk_helpers: false"),
      ...set("api.mode_mask", "  mode_mask: kvm_reg_mode_mask"),
      ...set("api.e_pair", "  e_pair: [rax]"),
      ...set("gpr_family: mode_aware", "  gpr_family: mode_aware", "  gpr_family: plain"),
      "accessors:",
      `  - { register: rip, field: rip, write: kvm_rip_write${on.has("mark_dirty") ? ", mark_dirty: true" : off.has("mark_dirty") ? ", mark_dirty: false" : ""} }`,
    ];
  }
  const rc152 = (lines: string[]) => check(lines).said.filter((s) => s.startsWith("RC152"));

  /** RC152's message for a setting. */
  const said = (where: string, f: string) =>
    `RC152 ${where} ${f} is written only by the kernel target, which this spec does not write`;

  test("every target writes every 7.2 setting but the adoption, which needs the kernel target", () => {
    expect(rc152(spec(new Set(FEATURES), new Set(), "[kernel, ts, c]"))).toEqual([]);
    expect(rc152(spec(new Set(FEATURES), new Set(), "[c]"))).toEqual([
      said("13:3", "output.adopts"),
    ]);
    expect(rc152(spec(new Set(FEATURES), new Set(), "[c, ts]"))).toEqual([
      said("13:3", "output.adopts"),
    ]);
    expect(rc152(spec(new Set(FEATURES), new Set(), "[kernel, c]"))).toEqual([]);
  });

  test("a spec without an output section writes c and ts, which write the settings", () => {
    const lines = spec(new Set(["api.mark_for_reload"]), new Set(), "[kernel]").filter(
      (l) => !/^output:|^ {2}targets:/.test(l),
    );
    expect(rc152(lines)).toEqual([]);
  });

  test("fires for exactly the adoption, on, in a spec that does not write the kernel target", () => {
    const subset = fc.subarray([...FEATURES]);
    const targets = fc.constantFrom(
      "[kernel]",
      "[c]",
      "[ts]",
      "[kernel, c]",
      "[ts, kernel]",
      "[c, ts]",
      "[ts, c]",
    );
    fc.assert(
      fc.property(subset, subset, targets, (on, off, t) => {
        const onSet = new Set(on);
        const offSet = new Set(off.filter((f) => !onSet.has(f)));
        const list = t.replace(/[[\]]/g, "").split(", ");
        const want =
          onSet.has("output.adopts") && !list.includes("kernel") ? ["output.adopts"] : [];
        const got = rc152(spec(onSet, offSet, t)).map(
          (s) =>
            / (\S+) is written only by the kernel target, which this spec does not write$/.exec(
              s,
            )![1],
        );
        expect(got).toEqual(want);
      }),
      { numRuns: 100 },
    );
  });
});

describe("an assertion whose condition is blank", () => {
  test("RC149 at api.assert, and no assertion in the checked api", () => {
    const api = API_72.map((l) => l.replace("condition: 'in_task()'", "condition: '   '"));
    const r = check([...KERNEL, ...api]);
    expect(r.said).toEqual(["RC149 18:3 api.assert needs a condition"]);
    expect(r.checked.api.assert).toBeUndefined();
  });
  test("a condition with text: no diagnostic, kept as written", () => {
    const r = check([...KERNEL, ...API_72]);
    expect(r.said).toEqual([]);
    expect(r.checked.api.assert).toEqual({ macro: "kvm_assert_x", condition: "in_task()" });
  });
});

describe("RC155: the c target's runtime defines one mode mask helper", () => {
  const rc155 = (targets: string, modeMask: string) =>
    check([
      ...KERNEL.slice(0, 2),
      "mask: bitmap",
      ...KERNEL.slice(3, 8),
      "output:",
      `  targets: ${targets}`,
      "api:",
      "  bitops: kernel",
      "  raw_pair: true",
      "  gpr_family: mode_aware",
      `  mode_mask: ${modeMask}`,
    ]).said.filter((s) => s.startsWith("RC155"));

  test("another name with the c target is refused at its value; kvm_reg_mode_mask is not", () => {
    expect(rc155("[c]", "my_mask")).toEqual([
      "RC155 15:14 mode_mask names 'my_mask', but the c target's runtime defines the mode mask as kvm_reg_mode_mask",
    ]);
    expect(rc155("[kernel, c]", "kvm_reg_mode_mask")).toEqual([]);
  });

  test("the kernel target calls whatever helper the spec names", () => {
    expect(rc155("[kernel]", "my_mask")).toEqual([]);
  });
});
