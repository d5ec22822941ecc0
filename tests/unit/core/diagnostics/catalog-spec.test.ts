/*
 * The spec's own stages' entries (generator/core/diagnostics/catalog-spec.ts):
 * they are exactly the catalog's read, project, spec and sections codes;
 * each is an error, written in the catalog's style, and prints every value
 * it is given, in the place its wording says.
 */
import { codesOf, messages } from "../../../../generator/core/diagnostics/catalog";
import { specEntries } from "../../../../generator/core/diagnostics/catalog-spec";
import { diagnose } from "../../../../generator/core/diagnostics/diagnostic";
import { gaps, placeholders, stagesOf } from "./entries";

const file = { displayPath: "s.yaml", text: "" };
const entries = () => Object.entries(specEntries);

test("its codes are exactly the catalog's read, project, spec and sections codes", () => {
  const stages = ["read", "project", "spec", "sections"] as const;
  const outside = [...stagesOf(specEntries)].filter(
    ([, stage]) => !stages.includes(stage as (typeof stages)[number]),
  );
  expect(outside).toEqual([]);
  expect(Object.keys(specEntries)).toEqual(stages.flatMap((s) => codesOf(s)));
  for (const [code, entry] of entries())
    expect([code, messages[code as keyof typeof messages]]).toEqual([code, entry]);
});

test("every entry is an error, one line, lower case, without a closing full stop", () => {
  for (const [code, entry] of entries()) {
    expect([code, entry.severity, entry.reserved]).toEqual([code, "error", undefined]);
    for (const template of [entry.message, entry.hint]) {
      expect([code, template.includes("\n")]).toEqual([code, false]);
      expect([code, /\.$/.test(template)]).toEqual([code, false]);
      // An acronym may open a message (YAML), a capitalised word may not.
      expect([code, /^[A-Z][a-z]/.test(template)]).toEqual([code, false]);
    }
  }
});

test("every value an entry is given is printed: its placeholders leave no gap", () => {
  expect(entries().filter(([, e]) => gaps(e).length > 0)).toEqual([]);
  // Every value is cut to length: the spec's messages quote names, never whole outputs.
  const forms = entries().flatMap(([code, e]) =>
    [...placeholders(e.message), ...placeholders(e.hint)]
      .filter((p) => p.form !== undefined)
      .map((p) => `${code} {${p.index}:${p.form}}`),
  );
  expect(forms).toEqual([]);
});

describe("filled in, each value lands where the wording says", () => {
  test.each<[string, (string | number)[], string, string]>([
    [
      "RC105",
      ["RAX", 5, " as 'rax'; case does not matter"],
      "duplicate register 'RAX' (first declared at line 5 as 'rax'; case does not matter)",
      "register names must be unique, ignoring case",
    ],
    [
      "RC111",
      [40, "u32", 32, "u64"],
      "40 registers do not fit in a u32 mask (32 bits)",
      "use 'mask: u64'",
    ],
    [
      "RC127",
      ["eraps", "cr2", " (did you mean 'cr3'?)"],
      "alias 'eraps' names 'cr2', which is not a register (did you mean 'cr3'?)",
      "an alias stands for a register declared under registers.gpr or registers.extended",
    ],
    [
      "RC128",
      ["eraps", "cr3"],
      "'eraps' is an alias of 'cr3', not a register",
      "an alias takes no bit of its own: name 'cr3' here",
    ],
    [
      "RC129",
      ["total", "NR_X", "is also gpr_count", "give them different names"],
      "enum.total 'NR_X' is also gpr_count",
      "give them different names",
    ],
    [
      "RC147",
      ["kvm_cache_regs.h", "kvm_cache_regs.h", "kvm_cache_regs_gen.h"],
      "kernel_header 'kvm_cache_regs.h' is the name of the kernel's own header",
      "a quoted #include of it beside kvm_cache_regs.h would include itself; keep kvm_cache_regs_gen.h",
    ],
    [
      "RC149",
      ["bulk_helpers", "mask: bitmap and bitops: kernel", "why"],
      "bulk_helpers needs mask: bitmap and bitops: kernel",
      "why",
    ],
    [
      "RC150",
      [66],
      "the bulk helpers work on one word of the bitmap, but this spec has 66 registers",
      "keep at most 64 registers, or leave out api.bulk_helpers",
    ],
    [
      "RC151",
      ["r8", "which has no 32-bit name", "only rax-style names have one"],
      "e_pair names 'r8', which has no 32-bit name",
      "only rax-style names have one",
    ],
    [
      "RC152",
      ["output.adopts"],
      "output.adopts is written only by the kernel target, which this spec does not write",
      "add kernel to output.targets, or leave out output.adopts",
    ],
  ])("%s", (code, args, message, hint) => {
    const d = diagnose(code as keyof typeof specEntries, file, undefined, ...args);
    expect({ severity: d.severity, message: d.message, hint: d.hint }).toEqual({
      severity: "error",
      message,
      hint,
    });
  });
});
