/*
 * `regcache size`'s entries (generator/core/diagnostics/catalog-size.ts): they
 * are exactly the catalog's size codes; a name the message quotes ('{n}') is
 * cut to length, and every value it does not quote (a path, a list, another
 * tool's message) is printed whole; every value given is printed.
 */
import { codesOf, messages } from "../../../../generator/core/diagnostics/catalog";
import { sizeEntries } from "../../../../generator/core/diagnostics/catalog-size";
import { diagnose } from "../../../../generator/core/diagnostics/diagnostic";
import { gaps, placeholders, stagesOf } from "./entries";

const file = { displayPath: "budget.yaml", text: "" };
const entries = () => Object.entries(sizeEntries);

test("its codes are exactly the catalog's size codes", () => {
  expect([...new Set(stagesOf(sizeEntries).values())]).toEqual(["size"]);
  expect(Object.keys(sizeEntries)).toEqual(codesOf("size"));
  for (const [code, entry] of entries())
    expect([code, messages[code as keyof typeof messages]]).toEqual([code, entry]);
});

test("a quoted value is cut to length, an unquoted one is printed whole", () => {
  const wrong = entries().flatMap(([code, e]) =>
    [...placeholders(e.message), ...placeholders(e.hint)]
      .filter((p) => (p.before === "'" && p.after === "'") === (p.form === "whole"))
      .map((p) => `${code} ${p.before}{${p.index}${p.form ? `:${p.form}` : ""}}${p.after}`),
  );
  expect(wrong).toEqual([]);
});

test("every entry is an error, one line, without a closing full stop, and prints every value", () => {
  for (const [code, entry] of entries()) {
    expect([code, entry.severity, entry.reserved]).toEqual([code, "error", undefined]);
    for (const template of [entry.message, entry.hint])
      expect([code, template.includes("\n"), /\.$/.test(template)]).toEqual([code, false, false]);
  }
  expect(entries().filter(([, e]) => gaps(e).length > 0)).toEqual([]);
});

test("a long path is printed whole where a long quoted name is cut", () => {
  const longPath = `/${"d/".repeat(100)}budget.yaml`;
  const longName = "f".repeat(200);
  const read = diagnose("RC600", file, undefined, longPath, "ENOENT");
  expect(read.message).toBe(`cannot read ${longPath}: ENOENT`);
  const unknown = diagnose("RC609", file, undefined, longName);
  expect(unknown.message).toBe(
    `budget names function '${"f".repeat(119)}…', which matches no measured symbol`,
  );
});

test.each<[string, (string | number)[], string]>([
  // RC618's third value is an optional tail: 'max' gives it, 'growth' does not.
  [
    "RC618",
    ["'max'", "-3", ", 0 or more"],
    "'max' must be a whole number of bytes, 0 or more, found -3",
  ],
  ["RC618", ["'growth'", "1.5"], "'growth' must be a whole number of bytes, found 1.5"],
  [
    "RC619",
    ["t.yaml", "rsp", "kvm_rsp_read", "handlers/emulate.c"],
    "t.yaml has no register 'rsp', which the handler suite uses (kvm_rsp_read calls handlers/emulate.c)",
  ],
  [
    "RC622",
    ["t.yaml", "rbp", "handlers/emulate.c:3:2", "kvm_ebp_read"],
    "t.yaml generates no 32-bit pair for 'rbp', which the handler suite uses (handlers/emulate.c:3:2 calls kvm_ebp_read)",
  ],
])("%s %j", (code, args, message) => {
  expect(diagnose(code as keyof typeof sizeEntries, file, undefined, ...args).message).toBe(
    message,
  );
});

test("a hint may repeat a value of the message", () => {
  const d = diagnose("RC648", file, undefined, "distcc", "ENOENT");
  expect(d.message).toBe("--launcher distcc does not run: ENOENT");
  expect(d.hint).toBe("install it (e.g. apt-get install -y distcc) or drop --launcher");
});
