/*
 * The kernel target's view (generator/targets/kernel/view.ts), and the block
 * templates/kernel/ prints from it: the GPR macro of Linux 6.x, Linux 7.2's
 * mode_aware family (masked read, raw pair, 32-bit pair) direct and under
 * --all-cached, in the macro style and expanded; the assertion hook as the
 * first statement of exactly the six per-register helpers; mark_for_reload,
 * the bulk helpers, the masking wrappers of the raw pair, the range warning's
 * bound, RIP's dirty-marking writer, and kvm_read_edx_eax through the 32-bit
 * pair; each comment site's text from api.docs (or an accessor's doc) as
 * written in place of regcache's own, and none for an empty one. Models are
 * built from small specs by core/ alone.
 */
import { kernelView } from "../../../../generator/targets/kernel/view";
import { readTemplates, render } from "../../../../generator/targets/render/templates";
import type { Model } from "../../../../generator/core/model/types";
import { linux72, modelOf } from "../spec-model";

/** The kernel block as the template prints it. */
function block(model: Model): string {
  const [template] = readTemplates(["kernel/kernel_block.h.hbs"]);
  return render(template!, kernelView(model));
}

/** Each function the block defines (not the macros'), by name: its body's statements. */
function functionsOf(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith("static ") || lines[i]!.endsWith("\\")) continue;
    let head = lines[i]!;
    while (lines[i + 1] !== "{") head += ` ${lines[++i]!.trim()}`;
    const name = /(\w+)\(/.exec(head)![1]!;
    const body: string[] = [];
    for (i += 2; lines[i] !== "}"; i++) if (lines[i]!.trim()) body.push(lines[i]!.trim());
    out.set(name, body);
  }
  return out;
}

/** A macro's lines without their continuation backslashes. */
const macroLines = (text: string) => text.split("\n").map((l) => l.replace(/\s*\\$/, ""));

/** Linux 6.12's shape, small: plain family, u64 mask, kernel bitops. */
const LINUX_612 = [
  "regcache: 1",
  "name: k",
  "mask: u64",
  "registers:",
  "  gpr: [rax, rcx, rdx, rsp, rip, { name: r8, when: CONFIG_X86_64 }]",
  "  extended: [cr0]",
  "backends:",
  "  vmx: { lazy: [rsp, rip, cr0] }",
  "output:",
  "  targets: [kernel]",
  "api:",
  "  cache_reg: kvm_x86_call",
  "  bitops: kernel",
  "  test_and_mark_available: true",
  "accessors:",
  "  - rip",
  "  - rsp",
  "  - register: cr0",
  "    field: cr0",
  "    type: ulong",
  "    guest_owned: { possible: KVM_POSSIBLE_CR0_GUEST_BITS, owned: cr0_guest_owned_bits }",
  "    read_bits: kvm_read_cr0_bits",
  "    is_bit_set: kvm_is_cr0_bit_set",
  "    read: kvm_read_cr0",
];

describe("the plain family (Linux 6.x)", () => {
  test("one GPR macro, direct, the macro first; guarded GPRs in their own run", () => {
    const view = kernelView(modelOf(LINUX_612));
    expect(macroLines(view["gprMacro"] as string)).toEqual([
      "#define BUILD_KVM_GPR_ACCESSORS(lname, uname)",
      "\tstatic __always_inline unsigned long",
      "\tkvm_##lname##_read(struct kvm_vcpu *vcpu)",
      "\t{",
      "\t\treturn vcpu->arch.regs[VCPU_REGS_##uname];",
      "\t}",
      "\tstatic __always_inline void",
      "\tkvm_##lname##_write(struct kvm_vcpu *vcpu, unsigned long val)",
      "\t{",
      "\t\tvcpu->arch.regs[VCPU_REGS_##uname] = val;",
      "\t}",
    ]);
    expect(view["macroFirst"]).toBe(true);
    const runs = view["macroRuns"] as {
      guard?: string;
      accessors: { name: string; macroName: string }[];
    }[];
    expect(runs.map((r) => [r.guard, r.accessors.map((a) => `${a.macroName}(${a.name})`)])).toEqual(
      [
        [
          undefined,
          [
            "BUILD_KVM_GPR_ACCESSORS(rax)",
            "BUILD_KVM_GPR_ACCESSORS(rcx)",
            "BUILD_KVM_GPR_ACCESSORS(rdx)",
          ],
        ],
        ["CONFIG_X86_64", ["BUILD_KVM_GPR_ACCESSORS(r8)"]],
      ],
    );
  });

  test("--all-cached: the macro goes through the cached pair, after it", () => {
    const model = modelOf(LINUX_612, { allCached: true });
    const view = kernelView(model);
    expect(view["macroFirst"]).toBe(false);
    expect(macroLines(view["gprMacro"] as string)).toContain(
      "\t\treturn kvm_register_read(vcpu, VCPU_REGS_##uname);",
    );
    expect(macroLines(view["gprMacro"] as string)).toContain(
      "\t\tkvm_register_write(vcpu, VCPU_REGS_##uname, val);",
    );
    const text = block(model);
    expect(text.indexOf("#define BUILD_KVM_GPR_ACCESSORS")).toBeGreaterThan(
      text.indexOf("kvm_register_write(struct kvm_vcpu"),
    );
  });

  test("no assertion, no mark_for_reload, no bulk helpers, no masking wrappers", () => {
    const view = kernelView(modelOf(LINUX_612));
    expect([
      view["assertMacro"],
      view["markForReload"],
      view["bulk"],
      view["modeWrappers"],
    ]).toEqual([undefined, false, false, undefined]);
    const fns = functionsOf(block(modelOf(LINUX_612)));
    expect(fns.get("kvm_register_is_available")).toEqual([
      "return test_bit(reg, (unsigned long *)&vcpu->arch.regs_avail);",
    ]);
    expect([...fns.keys()].filter((n) => /reload|clear_available|reset_dirty/.test(n))).toEqual([]);
    expect(fns.get("kvm_read_edx_eax")).toEqual([
      "return (kvm_rax_read(vcpu) & -1u) |",
      "((u64)(kvm_rdx_read(vcpu) & -1u) << 32);",
    ]);
  });
});

describe("the mode_aware family (Linux 7.2)", () => {
  test("direct: the inner macro masks the read and keeps the raw pair; the outer adds the 32-bit pair", () => {
    const view = kernelView(modelOf(linux72()));
    expect(macroLines(view["gprMacro"] as string)).toEqual([
      "#define __BUILD_KVM_GPR_ACCESSORS(lname, uname)",
      "\tstatic inline unsigned long",
      "\tkvm_##lname##_read(struct kvm_vcpu *vcpu)",
      "\t{",
      "\t\treturn vcpu->arch.regs[VCPU_REGS_##uname] & kvm_reg_mode_mask(vcpu);",
      "\t}",
      "\tstatic inline unsigned long",
      "\tkvm_##lname##_read_raw(struct kvm_vcpu *vcpu)",
      "\t{",
      "\t\treturn vcpu->arch.regs[VCPU_REGS_##uname];",
      "\t}",
      "\tstatic inline void",
      "\tkvm_##lname##_write_raw(struct kvm_vcpu *vcpu, unsigned long val)",
      "\t{",
      "\t\tvcpu->arch.regs[VCPU_REGS_##uname] = val;",
      "\t}",
      "",
      "#define BUILD_KVM_GPR_ACCESSORS(lname, uname)",
      "\tstatic inline u32",
      "\tkvm_e##lname##_read(struct kvm_vcpu *vcpu)",
      "\t{",
      "\t\treturn vcpu->arch.regs[VCPU_REGS_##uname];",
      "\t}",
      "\tstatic inline void",
      "\tkvm_e##lname##_write(struct kvm_vcpu *vcpu, u32 val)",
      "\t{",
      "\t\tvcpu->arch.regs[VCPU_REGS_##uname] = val;",
      "\t}",
      "\t__BUILD_KVM_GPR_ACCESSORS(r##lname, uname)",
    ]);
  });

  test("--all-cached: masked read through kvm_register_read, raw pair and 32-bit pair through the raw pair", () => {
    const view = kernelView(modelOf(linux72(), { allCached: true }));
    const bodies = macroLines(view["gprMacro"] as string).filter((l) => l.startsWith("\t\t"));
    expect(bodies).toEqual([
      "\t\treturn kvm_register_read(vcpu, VCPU_REGS_##uname);",
      "\t\treturn kvm_register_read_raw(vcpu, VCPU_REGS_##uname);",
      "\t\tkvm_register_write_raw(vcpu, VCPU_REGS_##uname, val);",
      "\t\treturn (u32)kvm_register_read_raw(vcpu, VCPU_REGS_##uname);",
      "\t\tkvm_register_write_raw(vcpu, VCPU_REGS_##uname, (u32)val);",
    ]);
    expect(view["macroFirst"]).toBe(false);
  });

  test("an e_pair GPR is built by the outer macro by its short name, the others by the inner one", () => {
    const runs = kernelView(modelOf(linux72()))["macroRuns"] as {
      guard?: string;
      accessors: { name: string; upper: string; macroName: string }[];
    }[];
    expect(
      runs.map((r) => [r.guard, r.accessors.map((a) => `${a.macroName}(${a.name}, ${a.upper})`)]),
    ).toEqual([
      [
        undefined,
        [
          "BUILD_KVM_GPR_ACCESSORS(ax, RAX)",
          "__BUILD_KVM_GPR_ACCESSORS(rcx, RCX)",
          "BUILD_KVM_GPR_ACCESSORS(dx, RDX)",
          "BUILD_KVM_GPR_ACCESSORS(bx, RBX)",
        ],
      ],
      ["CONFIG_X86_64", ["__BUILD_KVM_GPR_ACCESSORS(r8, R8)"]],
    ]);
  });

  test.each<[string, boolean, Record<string, string[]>]>([
    [
      "direct",
      false,
      {
        kvm_rax_read: ["return vcpu->arch.regs[VCPU_REGS_RAX] & kvm_reg_mode_mask(vcpu);"],
        kvm_rax_read_raw: ["return vcpu->arch.regs[VCPU_REGS_RAX];"],
        kvm_rax_write_raw: ["vcpu->arch.regs[VCPU_REGS_RAX] = val;"],
        kvm_eax_read: ["return vcpu->arch.regs[VCPU_REGS_RAX];"],
        kvm_eax_write: ["vcpu->arch.regs[VCPU_REGS_RAX] = val;"],
        kvm_rcx_read: ["return vcpu->arch.regs[VCPU_REGS_RCX] & kvm_reg_mode_mask(vcpu);"],
      },
    ],
    [
      "--all-cached",
      true,
      {
        kvm_rax_read: ["return kvm_register_read(vcpu, VCPU_REGS_RAX);"],
        kvm_rax_read_raw: ["return kvm_register_read_raw(vcpu, VCPU_REGS_RAX);"],
        kvm_rax_write_raw: ["kvm_register_write_raw(vcpu, VCPU_REGS_RAX, val);"],
        kvm_eax_read: ["return (u32)kvm_register_read_raw(vcpu, VCPU_REGS_RAX);"],
        kvm_eax_write: ["kvm_register_write_raw(vcpu, VCPU_REGS_RAX, (u32)val);"],
        kvm_rcx_read: ["return kvm_register_read(vcpu, VCPU_REGS_RCX);"],
      },
    ],
  ])("expanded, %s: each function written out", (_what, allCached, want) => {
    const fns = functionsOf(block(modelOf(linux72(), { allCached, cStyle: "expanded" })));
    for (const [name, body] of Object.entries(want))
      expect([name, fns.get(name)]).toEqual([name, body]);
    // rcx has no 32-bit pair; no GPR of the family has a plain full-width write.
    expect(fns.has("kvm_ecx_read")).toBe(false);
    expect(fns.has("kvm_rax_write")).toBe(false);
    // The guarded GPR's functions sit inside its #ifdef.
    const text = block(modelOf(linux72(), { allCached, cStyle: "expanded" }));
    const r8 = text.indexOf("kvm_r8_read(");
    expect(text.lastIndexOf("#ifdef CONFIG_X86_64", r8)).toBeGreaterThan(
      text.lastIndexOf("#endif", r8),
    );
  });

  test("a listed GPR keeps the plain full-width pair, through the raw pair when lazily loaded", () => {
    const fns = functionsOf(block(modelOf(linux72())));
    expect(fns.get("kvm_rsp_read")).toEqual(["return kvm_register_read_raw(vcpu, VCPU_REGS_RSP);"]);
    expect(fns.get("kvm_rsp_write")).toEqual(["kvm_register_write_raw(vcpu, VCPU_REGS_RSP, val);"]);
    expect(fns.has("kvm_rsp_read_raw")).toBe(false);
  });

  test("a lazily loaded GPR of the family gets its functions of its own, through the cached paths", () => {
    const spec = linux72().map((l) =>
      l.replace("lazy: [rsp, rip, cr3]", "lazy: [rsp, rbx, rip, cr3]"),
    );
    const fns = functionsOf(block(modelOf(spec)));
    expect(fns.get("kvm_rbx_read")).toEqual(["return kvm_register_read(vcpu, VCPU_REGS_RBX);"]);
    expect(fns.get("kvm_rbx_read_raw")).toEqual([
      "return kvm_register_read_raw(vcpu, VCPU_REGS_RBX);",
    ]);
    expect(fns.get("kvm_rbx_write_raw")).toEqual([
      "kvm_register_write_raw(vcpu, VCPU_REGS_RBX, val);",
    ]);
    expect(fns.get("kvm_ebx_read")).toEqual([
      "return (u32)kvm_register_read_raw(vcpu, VCPU_REGS_RBX);",
    ]);
    expect(fns.get("kvm_ebx_write")).toEqual([
      "kvm_register_write_raw(vcpu, VCPU_REGS_RBX, (u32)val);",
    ]);
  });

  test("the masking wrappers of the raw pair, and the raw pair's range warning at the spec's gpr_count", () => {
    const fns = functionsOf(block(modelOf(linux72())));
    expect(fns.get("kvm_register_read")).toEqual([
      "return kvm_register_read_raw(vcpu, reg) & kvm_reg_mode_mask(vcpu);",
    ]);
    expect(fns.get("kvm_register_write")).toEqual([
      "kvm_register_write_raw(vcpu, reg, val & kvm_reg_mode_mask(vcpu));",
    ]);
    expect(fns.get("kvm_register_read_raw")).toEqual([
      "if (WARN_ON_ONCE((unsigned int)reg >= NR_VCPU_GENERAL_PURPOSE_REGS))",
      "return 0;",
      "if (!kvm_register_is_available(vcpu, reg))",
      "kvm_x86_call(cache_reg)(vcpu, reg);",
      "return vcpu->arch.regs[reg];",
    ]);
    expect(fns.get("kvm_register_write_raw")?.[0]).toBe(
      "if (WARN_ON_ONCE((unsigned int)reg >= NR_VCPU_GENERAL_PURPOSE_REGS))",
    );
  });

  test("kvm_read_edx_eax reads through the 32-bit pair when rax and rdx have it", () => {
    expect(functionsOf(block(modelOf(linux72()))).get("kvm_read_edx_eax")).toEqual([
      "return kvm_eax_read(vcpu) | (u64)kvm_edx_read(vcpu) << 32;",
    ]);
    const noEdx = linux72().map((l) => l.replace("e_pair: [rax, rdx, rbx]", "e_pair: [rax, rbx]"));
    expect(functionsOf(block(modelOf(noEdx))).get("kvm_read_edx_eax")).toEqual([
      "return (kvm_rax_read(vcpu) & -1u) |",
      "((u64)(kvm_rdx_read(vcpu) & -1u) << 32);",
    ]);
  });
});

describe("the assertion hook", () => {
  const PER_REGISTER = [
    "kvm_register_is_available",
    "kvm_register_is_dirty",
    "kvm_register_mark_for_reload",
    "kvm_register_mark_available",
    "kvm_register_mark_dirty",
    "kvm_register_test_and_mark_available",
  ];

  test.each([
    ["direct", {}],
    ["--all-cached", { allCached: true }],
    ["expanded", { cStyle: "expanded" as const }],
  ])("%s: its call opens exactly the six per-register helpers", (_what, options) => {
    const fns = functionsOf(block(modelOf(linux72(), options)));
    const opened = [...fns].filter(([, body]) => body[0] === "kvm_assert_x(vcpu);").map(([n]) => n);
    expect(opened).toEqual(PER_REGISTER);
    const calling = [...fns]
      .filter(([, body]) => body.some((s) => s.includes("kvm_assert_x")))
      .map(([n]) => n);
    expect(calling).toEqual(PER_REGISTER);
    expect(fns.get("kvm_clear_available_registers")).toBeDefined();
    expect(fns.get("kvm_reset_dirty_registers")).toBeDefined();
  });

  test("the six bodies after it, as the kernel bitops on a bitmap spell them", () => {
    const fns = functionsOf(block(modelOf(linux72())));
    expect(PER_REGISTER.map((n) => fns.get(n)!.slice(1))).toEqual([
      ["return test_bit(reg, vcpu->arch.regs_avail);"],
      ["return test_bit(reg, vcpu->arch.regs_dirty);"],
      ["__clear_bit(reg, vcpu->arch.regs_avail);", "__clear_bit(reg, vcpu->arch.regs_dirty);"],
      ["__set_bit(reg, vcpu->arch.regs_avail);"],
      ["__set_bit(reg, vcpu->arch.regs_avail);", "__set_bit(reg, vcpu->arch.regs_dirty);"],
      ["return arch___test_and_set_bit(reg, vcpu->arch.regs_avail);"],
    ]);
  });

  test("the macro is defined once, before its first use, as lockdep_assert_once of the condition", () => {
    const view = kernelView(modelOf(linux72()));
    expect(macroLines((view["assertMacro"] as { define: string }).define)).toEqual([
      "#define kvm_assert_x(vcpu)",
      "\tlockdep_assert_once(in_task())",
    ]);
    const text = block(modelOf(linux72()));
    expect(text.split("#define kvm_assert_x(vcpu)")).toHaveLength(2);
    expect(text.indexOf("#define kvm_assert_x")).toBeLessThan(text.indexOf("kvm_assert_x(vcpu);"));
  });

  test("without api.assert, no helper calls anything first", () => {
    const spec = linux72().filter((l) => !l.includes("assert:"));
    const view = kernelView(modelOf(spec));
    expect(view["assertMacro"]).toBeUndefined();
    for (const key of [
      "isAvailable",
      "isDirty",
      "markAvailable",
      "markDirty",
      "markForReload",
      "testAndMark",
    ])
      expect([key, (view[key] as { body: string }).body.includes("(vcpu);")]).toEqual([key, false]);
  });
});

describe("mark_for_reload and the bulk helpers", () => {
  test("each only when the api asks for it", () => {
    const without = linux72().filter((l) => !/mark_for_reload|bulk_helpers/.test(l));
    const fns = functionsOf(block(modelOf(without)));
    expect(fns.has("kvm_register_mark_for_reload")).toBe(false);
    expect(fns.has("kvm_clear_available_registers")).toBe(false);
    expect(fns.has("kvm_reset_dirty_registers")).toBe(false);
  });

  test("the bulk helpers work on the bitmaps' one word, checked at build time", () => {
    const fns = functionsOf(block(modelOf(linux72())));
    expect(fns.get("kvm_clear_available_registers")).toEqual([
      "BUILD_BUG_ON(sizeof(clear_mask) != sizeof(vcpu->arch.regs_avail[0]));",
      "BUILD_BUG_ON(ARRAY_SIZE(vcpu->arch.regs_avail) != 1);",
      "vcpu->arch.regs_avail[0] &= ~clear_mask;",
    ]);
    expect(fns.get("kvm_reset_dirty_registers")).toEqual([
      "BUILD_BUG_ON(ARRAY_SIZE(vcpu->arch.regs_dirty) != 1);",
      "vcpu->arch.regs_dirty[0] = 0;",
    ]);
  });

  test("the bulk helpers' heads take the mask and nothing, with their own linkage", () => {
    const view = kernelView(modelOf(linux72(["  always_inline: [kvm_reset_dirty_registers]"])));
    expect(view["bulk"]).toEqual({
      clearHead:
        "static inline void kvm_clear_available_registers(struct kvm_vcpu *vcpu,\n\t\t\t\t\t\t unsigned long clear_mask)",
      resetHead: "static __always_inline void kvm_reset_dirty_registers(struct kvm_vcpu *vcpu)",
    });
  });
});

describe("an extended register's writer", () => {
  test("marks the register dirty when the spec says mark_dirty, after storing the value", () => {
    const fns = functionsOf(block(modelOf(linux72())));
    expect(fns.get("kvm_rip_write")).toEqual([
      "vcpu->arch.rip = value;",
      "kvm_register_mark_dirty(vcpu, VCPU_REG_RIP);",
    ]);
    expect(fns.get("kvm_rip_read")).toEqual([
      "if (!kvm_register_is_available(vcpu, VCPU_REG_RIP))",
      "kvm_x86_call(cache_reg)(vcpu, VCPU_REG_RIP);",
      "return vcpu->arch.rip;",
    ]);
  });

  test("stores only, without mark_dirty", () => {
    const spec = linux72().map((l) => l.replace(", mark_dirty: true", ""));
    expect(functionsOf(block(modelOf(spec))).get("kvm_rip_write")).toEqual([
      "vcpu->arch.rip = value;",
    ]);
  });
});

test("the include guard is the header's name; the block ends with it", () => {
  const spec = linux72().map((l) =>
    l === "  targets: [kernel]" ? "  targets: [kernel]\n  kernel_header: regs_gen.h" : l,
  );
  const text = block(modelOf(spec));
  expect(text.startsWith("#ifndef REGS_GEN_H\n#define REGS_GEN_H\n")).toBe(true);
  expect(text.endsWith("\n#endif /* REGS_GEN_H */\n")).toBe(true);
});

describe("the GPR macros paste the spec's GPR prefix (enum.gpr_prefix)", () => {
  const withPrefix = (prefix: string) =>
    linux72().map((l) => (l === "enum:" ? `enum:\n  gpr_prefix: ${prefix}` : l));
  test.each([
    ["macro", {}],
    ["--all-cached", { allCached: true }],
  ])("%s: every enumerator the block names is the spec's", (_name, options) => {
    const text = block(modelOf(withPrefix("VCPU_GPR_"), options));
    const pasted = [...text.matchAll(/(\w*)##uname/g)].map((m) => m[1]);
    expect(pasted.length).toBeGreaterThan(3);
    expect(new Set(pasted)).toEqual(new Set(["VCPU_GPR_"]));
    expect(text).not.toContain("VCPU_REGS_");
    expect(text).toContain("VCPU_GPR_RSP");
  });
  test("the default prefix is Linux's", () => {
    const text = block(modelOf(linux72()));
    expect(new Set([...text.matchAll(/(\w*)##uname/g)].map((m) => m[1]))).toEqual(
      new Set(["VCPU_REGS_"]),
    );
  });
});

describe("comments: the spec's text in place of regcache's own", () => {
  /** The comment right above the line that starts with `head`, or undefined. */
  const commentAbove = (text: string, head: string): string | undefined => {
    const lines = text.split("\n");
    const at = lines.findIndex((l) => l.startsWith(head));
    if (at < 0) throw new Error(`no ${head} in the block`);
    if (lines[at - 1] !== " */" && !/^\/\*.*\*\/$/.test(lines[at - 1]!)) return undefined;
    let from = at - 1;
    while (!lines[from]!.startsWith("/*")) from--;
    return lines.slice(from, at).join("\n");
  };
  const sites: [string, string][] = [
    ["BUILD_KVM_GPR_ACCESSORS", "#define __BUILD_KVM_GPR_ACCESSORS"],
    ["kvm_assert_x", "#define kvm_assert_x"],
    ["kvm_register_is_available", "static inline bool kvm_register_is_available("],
    ["kvm_register_is_dirty", "static inline bool kvm_register_is_dirty("],
    ["kvm_register_mark_for_reload", "static inline void kvm_register_mark_for_reload("],
    ["kvm_register_mark_available", "static inline void kvm_register_mark_available("],
    ["kvm_register_mark_dirty", "static inline void kvm_register_mark_dirty("],
    [
      "kvm_register_test_and_mark_available",
      "static inline bool kvm_register_test_and_mark_available(",
    ],
    ["kvm_clear_available_registers", "static inline void kvm_clear_available_registers("],
    ["kvm_reset_dirty_registers", "static inline void kvm_reset_dirty_registers("],
    ["kvm_register_read_raw", "static inline unsigned long kvm_register_read_raw("],
    ["kvm_register_read", "static inline unsigned long kvm_register_read("],
    ["kvm_register_write_raw", "static inline void kvm_register_write_raw("],
    ["kvm_register_write", "static inline void kvm_register_write("],
    ["kvm_read_edx_eax", "static inline u64 kvm_read_edx_eax("],
  ];

  test.each(sites)("%s: the doc's lines, as written, right above it", (site, head) => {
    const docs = [
      "  docs:",
      `    ${site}: |`,
      `      The comment of ${site}.`,
      "",
      "      \tIts second paragraph, tabbed.",
    ];
    const text = block(modelOf(linux72(docs)));
    expect(commentAbove(text, head)).toBe(
      ["/*", ` * The comment of ${site}.`, " *", " * \tIts second paragraph, tabbed.", " */"].join(
        "\n",
      ),
    );
    // Nothing else changed: the block without the doc, with that one comment swapped.
    const without = block(modelOf(linux72()));
    const own = commentAbove(without, head);
    const doc = commentAbove(text, head)!;
    expect(text).toBe(
      own === undefined
        ? without.replace(`\n${head}`, `\n${doc}\n${head}`)
        : without.replace(own, doc),
    );
  });

  test.each(sites)("%s: an empty doc leaves it without a comment", (site, head) => {
    const text = block(modelOf(linux72(["  docs:", `    ${site}: ''`])));
    expect(commentAbove(text, head)).toBeUndefined();
  });

  test("without docs, regcache's own comments stand where it has them", () => {
    const text = block(modelOf(linux72()));
    const own = sites.filter(([, head]) => commentAbove(text, head) !== undefined).map(([s]) => s);
    expect(own).toEqual([
      "BUILD_KVM_GPR_ACCESSORS",
      "kvm_assert_x",
      "kvm_register_is_available",
      "kvm_register_mark_for_reload",
      "kvm_register_test_and_mark_available",
      "kvm_clear_available_registers",
      "kvm_register_read_raw",
      "kvm_register_read",
      "kvm_read_edx_eax",
    ]);
  });

  test("an extended accessor's doc is printed as written above its functions", () => {
    const long = `${"word ".repeat(20)}end`;
    const spec = linux72().map((l) =>
      l.includes("register: cr3")
        ? `  - register: cr3\n    field: cr3\n    read: kvm_read_cr3\n    doc: "${long}\\n\\tsecond"`
        : l,
    );
    const text = block(modelOf(spec));
    expect(commentAbove(text, "static inline unsigned long kvm_read_cr3(")).toBe(
      ["/*", ` * ${long}`, " * \tsecond", " */"].join("\n"),
    );
  });
});
