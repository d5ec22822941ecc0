/*
 * accessors.ts on small headers written here: which functions are a
 * register's accessors, and which only look like one; an accessor's doc, the
 * comment of its first function.
 */
import { readAccessors } from "../../../generator/import/accessors";
import { definitions } from "../../../generator/import/c-text";

const names = {
  enum: { gprPrefix: "VCPU_REGS_", extendedPrefix: "VCPU_REG_", gprCount: "NR_GPRS" },
  gpr: [{ name: "rax" }, { name: "rsp" }],
  extended: [{ name: "cr3" }, { name: "cr4" }, { name: "efer" }],
};

const entriesOf = (lines: string[]) =>
  readAccessors(names, definitions(lines.join("\n")).functions).entries;

const cases: [string, { lines: string[]; want: unknown[] }][] = [
  [
    "a writer before its reader: found all the same",
    {
      lines: [
        "static inline void kvm_write_cr3(struct kvm_vcpu *vcpu, ulong v)",
        "{ vcpu->arch.cr3 = v; }",
        "static inline ulong kvm_read_cr3(struct kvm_vcpu *vcpu)",
        "{ if (!kvm_register_is_available(vcpu, VCPU_REG_CR3)) fetch(vcpu, VCPU_REG_CR3);",
        "  return vcpu->arch.cr3; }",
      ],
      want: [
        {
          register: "cr3",
          field: "cr3",
          type: "ulong",
          read: "kvm_read_cr3",
          write: "kvm_write_cr3",
        },
      ],
    },
  ],
  [
    "a function naming two registers is no accessor",
    {
      lines: [
        "static inline ulong both(struct kvm_vcpu *vcpu)",
        "{ if (!kvm_register_is_available(vcpu, VCPU_REG_CR3) ||",
        "      !kvm_register_is_available(vcpu, VCPU_REG_CR4)) return 0;",
        "  return vcpu->arch.cr3; }",
      ],
      want: [],
    },
  ],
  [
    "a GPR's reader on the cached pair is listed only under its own name",
    {
      lines: [
        "static inline unsigned long kvm_stack_read(struct kvm_vcpu *vcpu)",
        "{ return kvm_register_read_raw(vcpu, VCPU_REGS_RSP); }",
        "static inline unsigned long kvm_rsp_read(struct kvm_vcpu *vcpu)",
        "{ return kvm_register_read_raw(vcpu, VCPU_REGS_RSP); }",
      ],
      want: ["rsp"],
    },
  ],
  [
    "a reader that never tests availability is no accessor",
    {
      lines: [
        "static inline u64 kvm_read_efer(struct kvm_vcpu *vcpu)",
        "{ return vcpu->arch.efer; }",
      ],
      want: [],
    },
  ],
  [
    "a caller of a single-bit test is no accessor; the test and the full read are",
    {
      lines: [
        "static inline ulong kvm_read_cr4_bits(struct kvm_vcpu *vcpu, ulong mask)",
        "{ ulong g = mask & KVM_POSSIBLE_CR4_GUEST_BITS;",
        "  if ((g & vcpu->arch.cr4_guest_owned_bits) && !kvm_register_is_available(vcpu, VCPU_REG_CR4))",
        "    fetch(vcpu, VCPU_REG_CR4);",
        "  return vcpu->arch.cr4 & mask; }",
        "static __always_inline bool kvm_is_cr4_bit_set(struct kvm_vcpu *vcpu, unsigned long bit)",
        "{ return !!kvm_read_cr4_bits(vcpu, bit); }",
        "static inline bool is_pae(struct kvm_vcpu *vcpu)",
        "{ return kvm_is_cr4_bit_set(vcpu, X86_CR4_PAE); }",
        "static inline ulong kvm_read_cr4(struct kvm_vcpu *vcpu)",
        "{ return kvm_read_cr4_bits(vcpu, ~0UL); }",
      ],
      want: [
        {
          register: "cr4",
          field: "cr4",
          type: "ulong",
          guest_owned: { possible: "KVM_POSSIBLE_CR4_GUEST_BITS", owned: "cr4_guest_owned_bits" },
          read_bits: "kvm_read_cr4_bits",
          is_bit_set: "kvm_is_cr4_bit_set",
          read: "kvm_read_cr4",
        },
      ],
    },
  ],
];

describe("readAccessors", () => {
  it.each(cases)("%s", (_name, { lines, want }) => {
    expect(entriesOf(lines)).toEqual(want);
  });
});

describe("readAccessors: an accessor's doc", () => {
  it("is what commentOf gives for its first function in the header, the writer here", () => {
    const lines = [
      "static inline void kvm_write_cr3(struct kvm_vcpu *vcpu, ulong v)",
      "{ vcpu->arch.cr3 = v; }",
      "static inline ulong kvm_read_cr3(struct kvm_vcpu *vcpu)",
      "{ if (!kvm_register_is_available(vcpu, VCPU_REG_CR3)) fetch(vcpu, VCPU_REG_CR3);",
      "  return vcpu->arch.cr3; }",
    ];
    const asked: string[] = [];
    const { entries } = readAccessors(names, definitions(lines.join("\n")).functions, (f) => {
      asked.push(f.name);
      return `above ${f.name}`;
    });
    expect(entries).toEqual([
      {
        register: "cr3",
        field: "cr3",
        type: "ulong",
        read: "kvm_read_cr3",
        write: "kvm_write_cr3",
        doc: "above kvm_write_cr3",
      },
    ]);
    expect(asked).toEqual(["kvm_write_cr3"]);
  });

  it("is left out when commentOf gives none", () => {
    const lines = [
      "static inline ulong kvm_read_cr3(struct kvm_vcpu *vcpu)",
      "{ if (!kvm_register_is_available(vcpu, VCPU_REG_CR3)) fetch(vcpu, VCPU_REG_CR3);",
      "  return vcpu->arch.cr3; }",
    ];
    const { entries } = readAccessors(
      names,
      definitions(lines.join("\n")).functions,
      () => undefined,
    );
    expect(entries).toEqual([
      { register: "cr3", field: "cr3", type: "ulong", read: "kvm_read_cr3" },
    ]);
  });
});
