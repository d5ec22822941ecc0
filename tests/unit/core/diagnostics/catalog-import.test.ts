/*
 * `regcache import`'s entries (generator/core/diagnostics/catalog-import.ts):
 * exactly the catalog's import codes, each an error that prints every value;
 * a compiler's output keeps its lines (RC808) and a set's value is printed in
 * hexadecimal (RC811).
 */
import { codesOf, messages } from "../../../../generator/core/diagnostics/catalog";
import { importEntries } from "../../../../generator/core/diagnostics/catalog-import";
import { diagnose } from "../../../../generator/core/diagnostics/diagnostic";
import { gaps, placeholders, stagesOf } from "./entries";

const file = { displayPath: "compile_commands.json", text: "" };

test("its codes are exactly the catalog's import codes", () => {
  expect([...new Set(stagesOf(importEntries).values())]).toEqual(["import"]);
  expect(Object.keys(importEntries)).toEqual(codesOf("import"));
  for (const [code, entry] of Object.entries(importEntries))
    expect([code, messages[code as keyof typeof messages]]).toEqual([code, entry]);
});

test("every entry is an error that prints every value; only a compiler's output spans lines", () => {
  for (const [code, entry] of Object.entries(importEntries)) {
    expect([code, entry.severity, entry.reserved, gaps(entry)]).toEqual([
      code,
      "error",
      undefined,
      [],
    ]);
    const multiline = placeholders(entry.message).some((p) => p.form === "lines");
    expect([code, entry.message.includes("\n")]).toEqual([code, multiline]);
    expect([code, /\.$/.test(entry.message), /\.$/.test(entry.hint)]).toEqual([code, false, false]);
  }
});

test("RC808 prints the compiler's output on lines of their own, each escaped but uncut", () => {
  const long = "e".repeat(300);
  const d = diagnose(
    "RC808",
    file,
    undefined,
    "VMX_REGS_LAZY_LOAD_SET",
    "arch/x86/kvm/vmx/vmx.c",
    1,
    `a.c:1: error\n${long}\n\x1b[31mred`,
  );
  expect(d.message).toBe(
    `the probe for VMX_REGS_LAZY_LOAD_SET did not compile with the flags of arch/x86/kvm/vmx/vmx.c (exit 1):\na.c:1: error\n${long}\n\\u{1b}[31mred`,
  );
});

test("RC811 prints the set's value in hexadecimal, as the C source writes it", () => {
  const d = diagnose("RC811", file, undefined, "SVM_REGS_LAZY_LOAD_SET", 0x200n, 9);
  expect(d.message).toBe(
    "SVM_REGS_LAZY_LOAD_SET = 0x200 names bit 9, which is no register of enum kvm_reg",
  );
});

test("RC803 says how many entries were looked through", () => {
  expect(diagnose("RC803", file, undefined, 1234).message).toBe(
    "no KVM translation unit in the compile database (looked for a 'file' under arch/x86/kvm/ among 1234 entries)",
  );
});
