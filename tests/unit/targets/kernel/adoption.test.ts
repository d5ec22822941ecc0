/*
 * The adoption step on small headers written for these tests (shaped like a
 * kernel's kvm_cache_regs.h, not copied from one). The real headers of 6.1
 * and 6.12 are exercised by the kernel suite (npm run test:kernel).
 */
import {
  adoptGeneratedHeader,
  findCacheBlock,
  maskCommentsAndStrings,
} from "../../../../generator/targets/kernel/adoption";
import { formatDiagnostic } from "../../../../generator/core/diagnostics/diagnostic";

const BEFORE = [
  "/* a header shaped like the kernel's */",
  "#ifndef SHAPED_REGS_H",
  "#define SHAPED_REGS_H",
  "",
  "#define SHAPED_GUEST_BITS 0x3",
  "",
].join("\n");

const BLOCK = [
  "#define BUILD_KVM_GPR_ACCESSORS(lname, uname)\t\\",
  "static __always_inline unsigned long kvm_##lname##_read(struct kvm_vcpu *v)\t\\",
  "{\t\\",
  "\treturn v->arch.regs[VCPU_REGS_##uname];\t\\",
  "}",
  "BUILD_KVM_GPR_ACCESSORS(rax, RAX)",
  "",
  "/* kvm_read_edx_eax(x) { mentioned in a comment, not defined } */",
  "static inline int kvm_register_is_available(struct kvm_vcpu *v, int r)",
  "{",
  "\treturn r > 0;",
  "}",
  "",
  "static inline u64 kvm_read_edx_eax(struct kvm_vcpu *v)",
  "{",
  "\tif (v) { /* } in a comment */ return '}'; }",
  '\treturn "{"[0];',
  "}",
].join("\n");

const AFTER = ["", "", "static inline void stays_hand_written(void) {}", "#endif", ""].join("\n");

const file = (text: string) => ({ displayPath: "kvm_cache_regs.h", text });

describe("findCacheBlock / adoptGeneratedHeader", () => {
  const ok: [string, { given: string; block: string; adopted: string }][] = [
    [
      "block between hand-written parts",
      {
        given: BEFORE + BLOCK + AFTER,
        block: BLOCK,
        adopted: BEFORE + '#include "kvm_cache_regs_gen.h"' + AFTER,
      },
    ],
    [
      "CRLF line endings are kept around the include",
      {
        given: (BEFORE + BLOCK + AFTER).replace(/\n/g, "\r\n"),
        block: BLOCK.replace(/\n/g, "\r\n"),
        adopted: (BEFORE + '#include "kvm_cache_regs_gen.h"' + AFTER).replace(/\n/g, "\r\n"),
      },
    ],
    [
      "parameters on two lines, brace on the same line",
      {
        given:
          "#define BUILD_KVM_GPR_ACCESSORS(a, b)\nu64 kvm_read_edx_eax(struct kvm_vcpu\n\t*v) { return 0; }\nx",
        block:
          "#define BUILD_KVM_GPR_ACCESSORS(a, b)\nu64 kvm_read_edx_eax(struct kvm_vcpu\n\t*v) { return 0; }",
        adopted: '#include "kvm_cache_regs_gen.h"\nx',
      },
    ],
  ];
  test.each(ok)("%s", (_name, { given, block, adopted }) => {
    const found = findCacheBlock(file(given));
    expect(found.ok && found.block.text).toBe(block);
    const result = adoptGeneratedHeader(file(given));
    expect(result.ok && result.text).toBe(adopted);
  });

  const bad: [string, { given: string; code: string; line?: number; says: RegExp }][] = [
    [
      "no start macro",
      {
        given: BEFORE + AFTER,
        code: "RC700",
        says: /no definition of BUILD_KVM_GPR_ACCESSORS\n[^]*arch\/x86\/kvm\/kvm_cache_regs.h/,
      },
    ],
    [
      "already adopted",
      {
        given: BEFORE + '#include "kvm_cache_regs_gen.h"' + AFTER,
        code: "RC700",
        says: /already includes "kvm_cache_regs_gen.h"/,
      },
    ],
    [
      "start macro only in a comment",
      {
        given: "/*\n#define BUILD_KVM_GPR_ACCESSORS(a, b)\n*/\n",
        code: "RC700",
        says: /found no definition of BUILD_KVM_GPR_ACCESSORS/,
      },
    ],
    [
      "start macro twice",
      {
        given: BLOCK + "\n#define BUILD_KVM_GPR_ACCESSORS(x, y)\n" + AFTER,
        code: "RC701",
        line: 19,
        says: /appears 2 times/,
      },
    ],
    [
      "end function only declared",
      {
        given: "#define BUILD_KVM_GPR_ACCESSORS(a, b)\nu64 kvm_read_edx_eax(struct kvm_vcpu *v);\n",
        code: "RC702",
        line: 1,
        says: /no definition of kvm_read_edx_eax\(\) after BUILD_KVM_GPR_ACCESSORS/,
      },
    ],
    [
      "end function defined before the macro",
      {
        given: "u64 kvm_read_edx_eax(void) { return 0; }\n#define BUILD_KVM_GPR_ACCESSORS(a, b)\n",
        code: "RC702",
        line: 2,
        says: /no definition of kvm_read_edx_eax/,
      },
    ],
    [
      "end function never closes",
      {
        given:
          "#define BUILD_KVM_GPR_ACCESSORS(a, b)\nu64 kvm_read_edx_eax(void)\n{\n\tif (1) {\n}\n",
        code: "RC703",
        line: 3,
        says: /never closes/,
      },
    ],
  ];
  test.each(bad)("%s", (_name, { given, code, line, says }) => {
    const result = adoptGeneratedHeader(file(given));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const printed = formatDiagnostic(result.diagnostic);
    expect(result.diagnostic.code).toBe(code);
    expect(printed).toMatch(says);
    if (line !== undefined) expect(printed.startsWith(`kvm_cache_regs.h:${line}:`)).toBe(true);
    else expect(result.diagnostic.span).toBeUndefined();
    expect(findCacheBlock(file(given)).ok).toBe(false);
  });
});

describe("maskCommentsAndStrings", () => {
  const cases: [string, { given: string; want: string }][] = [
    ["block comment", { given: "a/*{*/b", want: "a     b" }],
    ["line comment keeps the newline", { given: "a// {\nb", want: "a    \nb" }],
    ["string with an escaped quote", { given: 'x "a\\"{" y', want: 'x "    " y' }],
    ["character literal", { given: "c = '}';", want: "c = ' ';" }],
  ];
  test.each(cases)("%s", (_name, { given, want }) => {
    expect(maskCommentsAndStrings(given)).toBe(want);
    expect(maskCommentsAndStrings(given)).toHaveLength(given.length);
  });
});

/** Linux 7.2's shape: regs.h, from __BUILD_KVM_GPR_ACCESSORS through kvm_read_cr4. */
describe("a region the spec's output.adopts names", () => {
  const bounds = { header: "regs.h", first: "__BUILD_KVM_GPR_ACCESSORS", last: "kvm_read_cr4" };
  const before = [
    "static __always_inline unsigned long kvm_reg_mode_mask(struct kvm_vcpu *vcpu)",
    "{",
    "\treturn ~0ul;",
    "}",
    "",
    "",
  ].join("\n");
  const region = [
    "#define __BUILD_KVM_GPR_ACCESSORS(lname, uname) \\",
    "static inline int kvm_##lname##_read(void) { return 0; }",
    "#define BUILD_KVM_GPR_ACCESSORS(lname, uname) __BUILD_KVM_GPR_ACCESSORS(r##lname, uname)",
    "static inline u64 kvm_read_edx_eax(struct kvm_vcpu *vcpu)",
    "{",
    "\treturn 0;",
    "}",
    "static inline ulong kvm_read_cr4(struct kvm_vcpu *vcpu)",
    "{",
    "\treturn kvm_read_cr4_bits(vcpu, ~0UL);",
    "}",
  ].join("\n");
  const after = "\n\nstatic inline bool __kvm_is_valid_cr4(void) { return 1; }\n";
  const regs = (text: string) => ({ displayPath: "regs.h", text });

  it("runs past kvm_read_edx_eax to the last definition, and keeps what is around it", () => {
    const found = findCacheBlock(regs(before + region + after), bounds, "regs_gen.h");
    expect(found.ok && found.block.text).toBe(region);
    const result = adoptGeneratedHeader(regs(before + region + after), "regs_gen.h", bounds);
    expect(result.ok && result.text).toBe(before + '#include "regs_gen.h"' + after);
  });

  it("starts at a function when the first definition is one", () => {
    const from = { ...bounds, first: "kvm_reg_mode_mask" };
    const found = findCacheBlock(regs(before + region + after), from);
    expect(found.ok && found.block.text).toBe(before + region);
  });

  it("says which header and definition it looked for, and that it was adopted", () => {
    const result = adoptGeneratedHeader(
      regs(before + '#include "regs_gen.h"' + after),
      "regs_gen.h",
      bounds,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const printed = formatDiagnostic(result.diagnostic);
    expect(result.diagnostic.code).toBe("RC700");
    expect(printed).toMatch(/no definition of __BUILD_KVM_GPR_ACCESSORS/);
    expect(printed).toMatch(/already includes "regs_gen.h"/);
    expect(printed).toMatch(/arch\/x86\/kvm\/regs.h/);
  });

  it("6.x's boundaries do not fit 7.2's header: its first macro is not there", () => {
    const text = before + region.replace(/^#define BUILD_KVM_GPR_ACCESSORS.*$/m, "") + after;
    expect(findCacheBlock(regs(text)).ok).toBe(false);
  });
});
