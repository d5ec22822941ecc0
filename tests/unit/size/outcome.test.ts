/*
 * The size library's failure constructors (generator/size/outcome.ts): a
 * failure always carries all three lists, empty where nothing was given, so
 * a printer never meets an undefined one.
 */
import { failure, invalid } from "../../../generator/size/outcome";
import { sizeDiagnostic } from "../../../generator/size/messages";

const diagnostic = sizeDiagnostic(
  "RC615",
  { displayPath: "command line", text: "" },
  undefined,
  "x",
);

test.each([
  ["nothing given", "environment", {}, { diagnostics: [], problems: [], messages: [] }],
  [
    "messages only",
    "environment",
    { messages: ["gcc not found"] },
    { diagnostics: [], problems: [], messages: ["gcc not found"] },
  ],
  [
    "every part",
    "invalid-input",
    { diagnostics: [diagnostic], problems: ["--out x is a directory"], messages: ["m"] },
    { diagnostics: [diagnostic], problems: ["--out x is a directory"], messages: ["m"] },
  ],
] as const)("failure: %s", (_name, kind, parts, want) => {
  expect(failure(kind, parts)).toEqual({ ok: false, kind, ...want });
});

test("invalid: stopped by its input, with the diagnostics only", () => {
  expect(invalid([diagnostic])).toEqual({
    ok: false,
    kind: "invalid-input",
    diagnostics: [diagnostic],
    problems: [],
    messages: [],
  });
});
