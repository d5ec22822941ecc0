/*
 * header.ts on the synthetic trees' headers (each regcache's own kernel block
 * for a shipped spec, laid out as that kernel lays its header out, with
 * comments of the tree's own): what it reads is what the shipped spec says
 * and each comment site's text as the fixture writes it (typed out here),
 * and each way a header can differ changes just what it should.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ImportedEnum } from "../../../generator/toolchain/kernel-tree/assemble";
import { definesGprMacro, readHeader, type HeaderFacts } from "../../../generator/import/header";
import { FIXTURE, FIXTURE_7_2 } from "../../import/synthetic-tree";

const names = (list: string[]) => list.map((name) => ({ name }));
const GPRS = [
  ...["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"],
  ...["r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"],
];
const EXTENDED = ["pdptr", "cr0", "cr3", "cr4", "rflags", "segments", "exit_info_1", "exit_info_2"];

const ENUM_6: ImportedEnum = {
  gprPrefix: "VCPU_REGS_",
  extendedPrefix: "VCPU_EXREG_",
  gprCount: "NR_VCPU_REGS",
};
const ENUM_7_2: ImportedEnum = {
  gprPrefix: "VCPU_REGS_",
  extendedPrefix: "VCPU_REG_",
  gprCount: "NR_VCPU_GENERAL_PURPOSE_REGS",
  total: "NR_VCPU_TOTAL_REGS",
};

const HEADER_6_12 = fs.readFileSync(
  path.join(FIXTURE, "src/arch/x86/kvm/kvm_cache_regs.h"),
  "utf8",
);
const HEADER_7_2 = fs.readFileSync(path.join(FIXTURE_7_2, "src/arch/x86/kvm/regs.h"), "utf8");

const read6 = (text: string) =>
  readHeader({
    name: "kvm_cache_regs.h",
    text,
    enum: ENUM_6,
    gpr: names([...GPRS, "rip"]),
    extended: names(EXTENDED),
  });
const read72 = (text: string) =>
  readHeader({
    name: "regs.h",
    text,
    enum: ENUM_7_2,
    gpr: names(GPRS),
    extended: names(["rip", ...EXTENDED]),
  });

/** The fixtures' comments, as their lines read without the comment's frame. */
const TABLE = [
  "Synthetic tree: what the two bits of a register say.",
  "",
  "avail\tdirty\twhere the value is",
  "no\tno\tonly in the hardware's save area",
  "yes\tno\tin vcpu->arch, same as the hardware's",
  "yes\tyes\tin vcpu->arch, to be written back",
  "no\tyes\ta state that must not happen",
].join("\n");
const NOINSTR =
  "Synthetic tree: test-and-set without the sanitizers' hooks, for the entry\n" +
  "and exit paths that run before instrumentation is allowed.";
const RAW =
  'Synthetic tree: the "raw" pair reads and writes every bit of a register,\n' +
  "whatever the vCPU's mode; a caller that wants the mode's width should\n" +
  "not be here.";
const CR0_DOC =
  "Synthetic tree: CR0 as the guest sees it. Only the bits the guest may own\n" +
  "can be stale, so asking for others never calls cache_reg.";
const PDPTR_DOC =
  "Synthetic tree: the four PDPTEs of PAE paging, fetched on first use; the\n" +
  "fetch may sleep on one backend.";

const crAccessors = (withBitSet: boolean, cr0Doc?: string) =>
  ["cr0", "cr4"].map((cr) => ({
    register: cr,
    field: cr,
    type: "ulong",
    guest_owned: {
      possible: `KVM_POSSIBLE_${cr.toUpperCase()}_GUEST_BITS`,
      owned: `${cr}_guest_owned_bits`,
    },
    read_bits: `kvm_read_${cr}_bits`,
    ...(withBitSet ? { is_bit_set: `kvm_is_${cr}_bit_set` } : {}),
    read: `kvm_read_${cr}`,
    ...(cr === "cr0" && cr0Doc !== undefined ? { doc: cr0Doc } : {}),
  }));
const CR3 = { register: "cr3", field: "cr3", type: "ulong", read: "kvm_read_cr3" };

const WANT_6_12: HeaderFacts = {
  header: "kvm_cache_regs.h",
  output: {
    kernel_header: "kvm_cache_regs_gen.h",
    spdx: "GPL-2.0",
    adopts: {
      header: "kvm_cache_regs.h",
      first: "BUILD_KVM_GPR_ACCESSORS",
      last: "kvm_read_edx_eax",
    },
  },
  api: {
    bitops: "kernel",
    raw_pair: true,
    test_and_mark_available: true,
    mark_for_reload: false,
    bulk_helpers: false,
    gpr_family: "plain",
    e_pair: [],
    inline: "inline",
    always_inline: [
      "BUILD_KVM_GPR_ACCESSORS",
      "kvm_register_test_and_mark_available",
      "kvm_is_cr0_bit_set",
      "kvm_is_cr4_bit_set",
    ],
    docs: {
      BUILD_KVM_GPR_ACCESSORS: "",
      kvm_register_is_available: TABLE,
      kvm_register_is_dirty: "",
      kvm_register_mark_available: "",
      kvm_register_mark_dirty: "",
      kvm_register_test_and_mark_available: NOINSTR,
      kvm_register_read_raw: RAW,
      kvm_register_write_raw: "",
      kvm_read_edx_eax:
        "Synthetic tree: the 64-bit operand of the MSR and XCR instructions, low\n" +
        "half in EAX and high half in EDX.",
    },
  },
  accessors: [
    "rip",
    "rsp",
    {
      register: "pdptr",
      field: "walk_mmu->pdptrs",
      type: "u64",
      indexed: true,
      might_sleep: true,
      read: "kvm_pdptr_read",
      write: "kvm_pdptr_write",
      doc: PDPTR_DOC,
    },
    ...crAccessors(true, CR0_DOC),
    CR3,
  ],
  unread: [],
};

const WANT_7_2: HeaderFacts = {
  header: "regs.h",
  output: {
    kernel_header: "regs_gen.h",
    spdx: "GPL-2.0",
    adopts: { header: "regs.h", first: "__BUILD_KVM_GPR_ACCESSORS", last: "kvm_read_cr4" },
  },
  api: {
    bitops: "kernel",
    raw_pair: true,
    test_and_mark_available: true,
    mark_for_reload: true,
    bulk_helpers: true,
    assert: {
      macro: "kvm_assert_register_caching_allowed",
      condition: "in_task() || kvm_arch_pmi_in_guest(vcpu)",
    },
    gpr_family: "mode_aware",
    mode_mask: "kvm_reg_mode_mask",
    e_pair: ["rax", "rbx", "rcx", "rdx", "rbp", "rsi", "rdi"],
    inline: "inline",
    always_inline: [
      "BUILD_KVM_GPR_ACCESSORS",
      "__BUILD_KVM_GPR_ACCESSORS",
      "kvm_register_test_and_mark_available",
      "kvm_clear_available_registers",
      "kvm_reset_dirty_registers",
      "kvm_is_cr0_bit_set",
      "kvm_is_cr4_bit_set",
    ],
    docs: {
      BUILD_KVM_GPR_ACCESSORS: "",
      kvm_assert_register_caching_allowed:
        "Synthetic tree: only the vCPU's own task may touch the cache, as a value\n" +
        "and its bits change in two steps; a PMI exit is the one exception, as it\n" +
        "reads registers without changing them.",
      kvm_register_is_available: TABLE,
      kvm_register_is_dirty: "",
      kvm_register_mark_for_reload: "",
      kvm_register_mark_available: "",
      kvm_register_mark_dirty: "",
      kvm_register_test_and_mark_available: NOINSTR,
      // The one comment inside its body, as it has none above.
      kvm_clear_available_registers:
        "Synthetic tree: an AND rather than a store, so that a register the\n" +
        "backend always saves keeps its bit even if the mask names it by\n" +
        "mistake (the extra cache_reg then warns).",
      kvm_reset_dirty_registers: "",
      kvm_register_read_raw: RAW,
      kvm_register_read: "",
      kvm_register_write_raw: "",
      kvm_register_write: "",
      kvm_read_edx_eax: "",
    },
  },
  accessors: [
    {
      register: "rip",
      field: "rip",
      read: "kvm_rip_read",
      write: "kvm_rip_write",
      mark_dirty: true,
    },
    "rsp",
    {
      register: "pdptr",
      field: "pdptrs",
      type: "u64",
      indexed: true,
      might_sleep: true,
      read: "kvm_pdptr_read",
      write: "kvm_pdptr_write",
    },
    ...crAccessors(true),
    {
      ...CR3,
      doc:
        "Synthetic tree: CR3 from the VMCS on first use after an exit, when the\n" +
        "backend leaves it there.",
    },
  ],
  unread: [],
};

/** The text with `from` replaced, failing loudly when it is not there. */
function edited(text: string, from: string | RegExp, to: string): string {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`test edit found nothing to replace: ${String(from)}`);
  return next;
}

describe("readHeader on the synthetic trees' headers", () => {
  it("Linux 6.12's shape: what spec/linux-6.12.yaml says", () => {
    expect(read6(HEADER_6_12)).toEqual(WANT_6_12);
  });
  it("Linux 7.2's shape: what spec/linux-7.2.yaml says", () => {
    expect(read72(HEADER_7_2)).toEqual(WANT_7_2);
  });
  it("a header holds the register cache when it defines the GPR macro", () => {
    expect(definesGprMacro(HEADER_6_12)).toBe(true);
    expect(definesGprMacro(HEADER_7_2)).toBe(true);
    expect(
      definesGprMacro("/* #define BUILD_KVM_GPR_ACCESSORS */\nBUILD_KVM_GPR_ACCESSORS(ax, RAX)"),
    ).toBe(false);
  });
});

const changes: [string, { given: () => HeaderFacts; want: (w: HeaderFacts) => HeaderFacts }][] = [
  [
    "every helper __always_inline: inline always_inline, nothing listed",
    {
      given: () => read6(HEADER_6_12.replace(/\bstatic inline\b/g, "static __always_inline")),
      want: (w) => ({ ...w, api: { ...w.api, inline: "always_inline", always_inline: [] } }),
    },
  ],
  [
    "the availability test written without test_bit: bitops not read",
    {
      given: () =>
        read6(
          edited(
            HEADER_6_12,
            "return test_bit(reg, (unsigned long *)&vcpu->arch.regs_avail);",
            "return regcache_test(reg, &vcpu->arch.regs_avail);",
          ),
        ),
      want: (w) => {
        const { bitops: _bitops, ...api } = w.api;
        return { ...w, api, unread: ["api.bitops"] };
      },
    },
  ],
  [
    "no assertion call: no assert",
    {
      given: () =>
        read72(
          edited(
            HEADER_7_2,
            /(kvm_register_is_available\([^]*?\{)\s*kvm_assert_register_caching_allowed\(vcpu\);/,
            "$1",
          ),
        ),
      want: (w) => {
        const { assert: _assert, ...api } = w.api;
        // No assertion, so no site for its macro's comment.
        const { kvm_assert_register_caching_allowed: _comment, ...docs } = api.docs;
        return { ...w, api: { ...api, docs } };
      },
    },
  ],
  [
    "an assertion macro that is not lockdep_assert_once: not read (the spec cannot say it)",
    {
      given: () => read72(edited(HEADER_7_2, "lockdep_assert_once(", "lockdep_assert(")),
      want: (w) => {
        const { assert: _assert, ...api } = w.api;
        const { kvm_assert_register_caching_allowed: _comment, ...docs } = api.docs;
        return { ...w, api: { ...api, docs }, unread: ["api.assert"] };
      },
    },
  ],
  [
    "the assertion macro's parameter named otherwise: the condition names vcpu",
    {
      given: () =>
        read72(
          edited(
            edited(
              HEADER_7_2,
              "#define kvm_assert_register_caching_allowed(vcpu)",
              "#define kvm_assert_register_caching_allowed(v)",
            ),
            "kvm_arch_pmi_in_guest(vcpu))",
            "kvm_arch_pmi_in_guest(v))",
          ),
        ),
      want: (w) => w,
    },
  ],
  [
    "the outer macro instantiated for four registers: those are the e_pair",
    {
      given: () =>
        read72(
          HEADER_7_2.replace(
            /^BUILD_KVM_GPR_ACCESSORS\((bp|si|di), (\w+)\)$/gm,
            "__BUILD_KVM_GPR_ACCESSORS(r$1, $2)",
          ),
        ),
      want: (w) => ({ ...w, api: { ...w.api, e_pair: ["rax", "rbx", "rcx", "rdx"] } }),
    },
  ],
  [
    "RIP's writer not marking it dirty: no mark_dirty",
    {
      given: () =>
        read72(
          edited(
            HEADER_7_2,
            /(vcpu->arch\.rip = value;)\s*kvm_register_mark_dirty\(vcpu, VCPU_REG_RIP\);/,
            "$1",
          ),
        ),
      want: (w) => ({
        ...w,
        accessors: [
          { register: "rip", field: "rip", read: "kvm_rip_read", write: "kvm_rip_write" },
          ...w.accessors.slice(1),
        ],
      }),
    },
  ],
  [
    "no single-bit tests: the CR accessors without is_bit_set, the region ending where it did",
    {
      given: () =>
        read6(
          HEADER_6_12.replace(
            /static __always_inline bool kvm_is_cr[04]_bit_set[^]*?\n\}\n\n/g,
            "",
          ),
        ),
      want: (w) => ({
        ...w,
        api: { ...w.api, always_inline: w.api.always_inline.slice(0, 2) },
        accessors: [...w.accessors.slice(0, 3), ...crAccessors(false, CR0_DOC), CR3],
      }),
    },
  ],
  [
    "no SPDX line: spdx not read",
    {
      given: () => read6(HEADER_6_12.replace(/^.*SPDX.*\n/, "")),
      want: (w) => {
        const { spdx: _spdx, ...output } = w.output;
        return { ...w, output, unread: ["output.spdx"] };
      },
    },
  ],
];

describe("readHeader: a header written otherwise", () => {
  it.each(changes)("%s", (_name, { given, want }) => {
    const base = given().header === "regs.h" ? WANT_7_2 : WANT_6_12;
    expect(given()).toEqual(want(base));
  });
});

describe("the comments at the block's sites", () => {
  const facts = (text: string) => read6(text).api.docs;

  it("a comment with a blank line before its definition is no comment of it", () => {
    const text = edited(
      HEADER_6_12,
      "\n */\nstatic inline bool kvm_register_is_available",
      "\n */\n\nstatic inline bool kvm_register_is_available",
    );
    expect(facts(text)["kvm_register_is_available"]).toBe("");
  });

  it("a one-line comment gives its text; a comment after code on its line is none", () => {
    const one = edited(
      HEADER_6_12,
      "static inline bool kvm_register_is_dirty(",
      "/* Whether regs[] is newer than the hardware. */\nstatic inline bool kvm_register_is_dirty(",
    );
    expect(facts(one)["kvm_register_is_dirty"]).toBe("Whether regs[] is newer than the hardware.");
    const trailing = edited(
      HEADER_6_12,
      "static inline bool kvm_register_is_dirty(",
      "int x; /* not a heading */\nstatic inline bool kvm_register_is_dirty(",
    );
    expect(facts(trailing)["kvm_register_is_dirty"]).toBe("");
  });

  it("text on the opening and closing lines is kept; CRLF lines read as LF", () => {
    const text = edited(
      HEADER_6_12,
      "static inline bool kvm_register_is_dirty(",
      "/* First line\r\n * second line */\r\nstatic inline bool kvm_register_is_dirty(",
    );
    expect(facts(text)["kvm_register_is_dirty"]).toBe("First line\nsecond line");
  });

  it("a comment inside a helper's body counts only when it is its only one and has its own lines", () => {
    const body = (comments: string) =>
      edited(
        HEADER_6_12,
        "\treturn test_bit(reg, (unsigned long *)&vcpu->arch.regs_dirty);",
        `${comments}\treturn test_bit(reg, (unsigned long *)&vcpu->arch.regs_dirty);`,
      );
    expect(facts(body("\t/*\n\t * Inside.\n\t */\n"))["kvm_register_is_dirty"]).toBe("Inside.");
    expect(facts(body("\t/* one */\n\t/* two */\n"))["kvm_register_is_dirty"]).toBe("");
    expect(facts(body("\tint x = 0; /* after code */\n"))["kvm_register_is_dirty"]).toBe("");
  });

  it("the GPR macro's comment stays outside the region adoption replaces: its site is empty", () => {
    const text = edited(
      HEADER_6_12,
      "#define BUILD_KVM_GPR_ACCESSORS",
      "/*\n * Above the macro.\n */\n#define BUILD_KVM_GPR_ACCESSORS",
    );
    expect(facts(text)["BUILD_KVM_GPR_ACCESSORS"]).toBe("");
  });
});
