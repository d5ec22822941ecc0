/*
 * The size command's diagnostics (generator/size/messages.ts): made from the
 * one catalog by the one formatter, so a value holding a control character
 * (a git error, a path, a launcher's output) is printed escaped on one line,
 * exactly as the spec's own diagnostics are.
 */
import { codesOf, messages } from "../../../generator/core/diagnostics/catalog";
import { formatDiagnostic } from "../../../generator/core/diagnostics/diagnostic";
import { sizeDiagnostic, type SizeDiagnosticCode } from "../../../generator/size/messages";

const commandLine = { displayPath: "command line", text: "" };

test.each([
  [
    "an escape sequence in a git error",
    "RC616",
    ["rev:kvm.yaml", "fatal: \x1b[2Jbad revision"],
    "command line: error RC616: git cannot show rev:kvm.yaml: fatal: \\u{1b}[2Jbad revision\n" +
      "  = help: check the revision and the path inside the repository\n",
  ],
  [
    "a line break in a file name",
    "RC600",
    ["budget\n.yaml", "ENOENT"],
    "command line: error RC600: cannot read budget\\n.yaml: ENOENT\n" +
      "  = help: check the path and its permissions\n",
  ],
  [
    "a control character in a hint's value",
    "RC648",
    ["ccache\x07", "ENOENT"],
    "command line: error RC648: --launcher ccache\\u{7} does not run: ENOENT\n" +
      "  = help: install it (e.g. apt-get install -y ccache\\u{7}) or drop --launcher\n",
  ],
] as const)("%s is printed escaped", (_name, code, args, want) => {
  expect(formatDiagnostic(sizeDiagnostic(code, commandLine, undefined, ...args))).toBe(want);
});

test("a path or another tool's message is printed whole, a quoted name cut like the spec's", () => {
  const tree = `/${"deep/".repeat(30)}tree`;
  const overlay = sizeDiagnostic("RC652", commandLine, undefined, `${tree}/lib/leak.c read it`);
  expect(overlay.message).toBe(`the overlay did not hold: ${tree}/lib/leak.c read it`);
  const name = sizeDiagnostic("RC609", commandLine, undefined, "f".repeat(130));
  expect(name.message).toBe(
    `budget names function '${"f".repeat(119)}…', which matches no measured symbol`,
  );
});

test("a value at a position is escaped, the source line shown with U+FFFD", () => {
  const file = { displayPath: "budget.yaml", text: "budgets:\n  - function: \x1bx\n" };
  const d = sizeDiagnostic("RC609", file, { start: 23, end: 25 }, "\x1bx");
  expect(formatDiagnostic(d)).toBe(
    "budget.yaml:2:15: error RC609: budget names function '\\u{1b}x', which matches no measured symbol\n" +
      "  |\n" +
      "2 |   - function: \ufffdx\n" +
      "  |               ^^\n" +
      "  = help: check the spelling; the report lists every measured function\n",
  );
});

test("every size code is the catalog's entry, filled", () => {
  const file = { displayPath: "f", text: "" };
  const codes = codesOf("size") as SizeDiagnosticCode[];
  expect(codes.length).toBeGreaterThan(0);
  for (const code of codes) {
    const d = sizeDiagnostic(code, file, undefined, "A", "B", "C", "D");
    const want = messages[code].message.replace(
      /\{(\d)(?::\w+)?\}/g,
      (_, i: string) => "ABCD"[Number(i)]!,
    );
    expect([code, d.message, d.severity]).toEqual([code, want, messages[code].severity]);
  }
});
