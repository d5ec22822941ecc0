/*
 * The kernel adoption's entries (generator/core/diagnostics/catalog-adopt.ts):
 * exactly the catalog's adopt codes, each an error that prints every value it
 * is given and names the macro or function that bounds the block.
 */
import { codesOf, messages } from "../../../../generator/core/diagnostics/catalog";
import { adoptEntries } from "../../../../generator/core/diagnostics/catalog-adopt";
import { diagnose } from "../../../../generator/core/diagnostics/diagnostic";
import { gaps, placeholders, stagesOf } from "./entries";

const file = { displayPath: "regs.h", text: "" };

test("its codes are exactly the catalog's adopt codes", () => {
  expect([...new Set(stagesOf(adoptEntries).values())]).toEqual(["adopt"]);
  expect(Object.keys(adoptEntries)).toEqual(codesOf("adopt"));
  for (const [code, entry] of Object.entries(adoptEntries))
    expect([code, messages[code as keyof typeof messages]]).toEqual([code, entry]);
});

test("every entry is an error that prints every value, and names the bound ({0}) in its message", () => {
  for (const [code, entry] of Object.entries(adoptEntries)) {
    expect([code, entry.severity, entry.reserved, gaps(entry)]).toEqual([
      code,
      "error",
      undefined,
      [],
    ]);
    expect([code, placeholders(entry.message).some((p) => p.index === 0)]).toEqual([code, true]);
  }
});

test.each<[string, string[], string, string]>([
  [
    "RC700",
    ["__BUILD_KVM_GPR_ACCESSORS", "", "regs.h"],
    "no register-cache block: found no definition of __BUILD_KVM_GPR_ACCESSORS",
    "pass the kernel's arch/x86/kvm/regs.h (the block starts at the definition of __BUILD_KVM_GPR_ACCESSORS)",
  ],
  [
    "RC700",
    [
      "BUILD_KVM_GPR_ACCESSORS",
      ' (the header already includes "g.h": adopted before?)',
      "kvm_cache_regs.h",
    ],
    'no register-cache block: found no definition of BUILD_KVM_GPR_ACCESSORS (the header already includes "g.h": adopted before?)',
    "pass the kernel's arch/x86/kvm/kvm_cache_regs.h (the block starts at the definition of BUILD_KVM_GPR_ACCESSORS)",
  ],
  [
    "RC702",
    ["kvm_read_cr4", "__BUILD_KVM_GPR_ACCESSORS"],
    "no definition of kvm_read_cr4() after __BUILD_KVM_GPR_ACCESSORS",
    "the block ends with the closing brace of kvm_read_cr4(); the header must define it after __BUILD_KVM_GPR_ACCESSORS",
  ],
])("%s %j", (code, args, message, hint) => {
  const d = diagnose(code as keyof typeof adoptEntries, file, undefined, ...args);
  expect([d.message, d.hint]).toEqual([message, hint]);
});

test("RC701 says how many times the macro is defined", () => {
  expect(diagnose("RC701", file, undefined, "BUILD_KVM_GPR_ACCESSORS", 2).message).toBe(
    "'#define BUILD_KVM_GPR_ACCESSORS' appears 2 times",
  );
});
