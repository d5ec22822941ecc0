/*
 * How a diagnostic is made and printed (generator/core/diagnostics/diagnostic.ts), exactly: the
 * location (line and column of an offset, CRLF and empty lines included), the
 * underline's width under wide, combining and control characters (terminal
 * columns, from Unicode's East Asian Width: W and F take two), the window cut
 * from a long line, the colours, the help line, a user's value cut to length,
 * and the order diagnostics are listed in. Each expected value is written out
 * by hand.
 */
import { messages, type DiagnosticCode } from "../../../../generator/core/diagnostics/catalog";
import {
  diagnose,
  fill,
  formatDiagnostic,
  lineColOf,
  printable,
  sortDiagnostics,
  type Diagnostic,
  type Span,
} from "../../../../generator/core/diagnostics/diagnostic";

const at = (text: string, span: Span | undefined, extra: Partial<Diagnostic> = {}): Diagnostic => ({
  code: "RC104",
  severity: "error",
  message: "the message",
  hint: "the hint",
  file: { displayPath: "s.yaml", text },
  span,
  ...extra,
});

/** The underline line of a printed diagnostic: what follows the gutter's "| ". */
const underline = (printed: string): string => printed.split("\n")[3]!.replace(/^\s*\| /, "");
/** The source line as printed: what follows "N | ". */
const sourceLine = (printed: string): string => printed.split("\n")[2]!.replace(/^\d+ \| /, "");

describe("lineColOf: line and column of an offset", () => {
  test.each([
    ["the first character", "ab\ncd", 0, { line: 1, col: 1, lineStart: 0, lineEnd: 2 }],
    [
      "the line break itself belongs to its line",
      "ab\ncd",
      2,
      { line: 1, col: 3, lineStart: 0, lineEnd: 2 },
    ],
    [
      "the first character after a line break",
      "ab\ncd",
      3,
      { line: 2, col: 1, lineStart: 3, lineEnd: 5 },
    ],
    [
      "a text that starts with a line break",
      "\nab",
      1,
      { line: 2, col: 1, lineStart: 1, lineEnd: 3 },
    ],
    ["an empty first line", "\nab", 0, { line: 1, col: 1, lineStart: 0, lineEnd: 0 }],
    ["an empty line in the middle", "a\n\nb", 2, { line: 2, col: 1, lineStart: 2, lineEnd: 2 }],
    [
      "CRLF: the CR is not part of the line",
      "ab\r\ncd",
      2,
      { line: 1, col: 3, lineStart: 0, lineEnd: 2 },
    ],
    [
      "CRLF: the LF is one column further",
      "ab\r\ncd",
      3,
      { line: 1, col: 4, lineStart: 0, lineEnd: 2 },
    ],
    ["CRLF: the next line", "ab\r\ncd", 4, { line: 2, col: 1, lineStart: 4, lineEnd: 6 }],
    [
      "columns count code points, not UTF-16 units",
      "é😀x",
      3,
      { line: 1, col: 3, lineStart: 0, lineEnd: 4 },
    ],
    ["an offset past the end is the end", "ab", 9, { line: 1, col: 3, lineStart: 0, lineEnd: 2 }],
  ])("%s", (_name, text, offset, want) => {
    expect(lineColOf(text, offset)).toEqual(want);
  });
});

describe("the underline under one character is as wide as the terminal shows it", () => {
  // [character, its East Asian Width in Unicode's EastAsianWidth.txt (15.0.0), columns]. The
  // wide ranges are checked at both ends and just outside; combining marks take none.
  test.each([
    ["x", "Na", 1],
    ["\u10ff", "N (Georgian, before Hangul Jamo)", 1],
    ["\u1100", "W (Hangul choseong kiyeok, first)", 2],
    ["\u115f", "W (Hangul choseong filler, last)", 2],
    ["\u2e80", "W (CJK radical repeat, first)", 2],
    ["\u2e7f", "N (before the CJK radicals)", 1],
    ["\u303f", "N (ideographic half fill space, inside the CJK range)", 1],
    ["\u4e00", "W (CJK unified ideograph)", 2],
    ["\uac00", "W (Hangul syllable GA, first)", 2],
    ["\ud7a3", "W (Hangul syllable HIH, last)", 2],
    ["\uf900", "W (CJK compatibility ideograph, first)", 2],
    ["\ufaff", "W (CJK compatibility ideographs block, default W)", 2],
    ["\ufe30", "W (vertical two dot leader, first)", 2],
    ["\ufe4f", "W (dashed low line, last)", 2],
    ["\uff01", "F (fullwidth exclamation mark)", 2],
    ["\uff60", "F (fullwidth right white parenthesis, last)", 2],
    ["\uff61", "H (halfwidth ideographic full stop)", 1],
    ["\uffe0", "F (fullwidth cent sign, first)", 2],
    ["\uffe6", "F (fullwidth won sign, last)", 2],
    ["\u{1f300}", "W (cyclone, first)", 2],
    ["\u{1f600}", "W (grinning face)", 2],
    ["\u{1fb00}", "N (legacy computing, after the emoji)", 1],
    ["\u{20000}", "W (CJK extension B, first)", 2],
    ["\u{3fffd}", "W (plane 3, default W, last)", 2],
    ["\u{f0000}", "A (private use plane 15: narrow outside CJK)", 1],
    // Outside the CJK blocks: emoji with emoji presentation and other wide symbols,
    // with a narrow neighbour each (a hand-kept range table had them all as 1).
    ["\u2319", "N (turned not sign, before the watch)", 1],
    ["\u231a", "W (watch)", 2],
    ["\u231b", "W (hourglass)", 2],
    ["\u231c", "N (top left corner, after the hourglass)", 1],
    ["\u2329", "W (left-pointing angle bracket)", 2],
    ["\u232a", "W (right-pointing angle bracket)", 2],
    ["\u232b", "N (erase to the left)", 1],
    ["\u2705", "W (white heavy check mark)", 2],
    ["\u2b50", "W (white medium star)", 2],
    ["\u3000", "F (ideographic space)", 2],
    ["\u3248", "A (circled number ten on black square: ambiguous, narrow here)", 1],
    ["\u4dc0", "N (hexagram for the creative heaven, between CJK blocks)", 1],
    ["\ufe10", "W (presentation form for vertical comma, first)", 2],
    ["\ufe19", "W (presentation form for vertical horizontal ellipsis, last)", 2],
    ["\ufe50", "W (small comma)", 2],
    ["\ufe6b", "W (small commercial at)", 2],
    ["\u{17000}", "W (Tangut ideograph)", 2],
    ["\u{1f003}", "N (mahjong tile north wind)", 1],
    ["\u{1f004}", "W (mahjong tile red dragon)", 2],
    ["\u{1f321}", "N (thermometer, among the wide emoji)", 1],
    ["\u1160", "N (Hangul jungseong filler, after the wide choseong)", 1],
  ])("U+%s", (ch, _eaw, columns) => {
    const text = `name: ${ch}\n`;
    const printed = formatDiagnostic(at(text, { start: 6, end: 6 + ch.length }));
    expect(underline(printed)).toBe(" ".repeat(6) + "^".repeat(columns));
    // Before the span, the same character moves the underline as far.
    const after = formatDiagnostic(at(`${ch}=x`, { start: ch.length + 1, end: ch.length + 2 }));
    expect(underline(after)).toBe(" ".repeat(columns + 1) + "^");
  });

  test.each([
    ["a combining acute accent", "e\u0301"],
    ["an enclosing circle", "e\u20dd"],
    ["a zero-width joiner", "e\u200d"],
  ])("%s takes no column", (_name, s) => {
    const printed = formatDiagnostic(at(`k: ${s}z\n`, { start: 3, end: 3 + s.length }));
    expect(underline(printed)).toBe("   ^");
    const after = formatDiagnostic(at(`${s}z`, { start: s.length, end: s.length + 1 }));
    expect(underline(after)).toBe(" ^");
  });

  test("control characters and bidi overrides are shown as U+FFFD, one column each", () => {
    const text = "k: a\u0007\u202eb\n";
    const printed = formatDiagnostic(at(text, { start: 3, end: 7 }));
    expect(sourceLine(printed)).toBe("k: a\ufffd\ufffdb");
    expect(underline(printed)).toBe("   ^^^^");
  });

  test("a tab is shown as one space, one column", () => {
    const printed = formatDiagnostic(at("k:\tvalue\n", { start: 3, end: 8 }));
    expect(sourceLine(printed)).toBe("k: value");
    expect(underline(printed)).toBe("   ^^^^^");
  });
});

describe("a long line is shown as a window around the span", () => {
  const line = (n: number) => Array.from({ length: n }, (_, i) => "abcdefghij"[i % 10]).join("");

  test("a line of exactly 160 columns is shown whole", () => {
    const text = line(160);
    const printed = formatDiagnostic(at(text, { start: 100, end: 101 }));
    expect(sourceLine(printed)).toBe(text);
    expect(underline(printed)).toBe(" ".repeat(100) + "^");
  });

  test("161 columns: cut 40 characters before the span and 120 from it, with ellipses", () => {
    const text = line(300);
    const printed = formatDiagnostic(at(text, { start: 100, end: 103 }));
    expect(sourceLine(printed)).toBe("…" + text.slice(60, 100) + text.slice(100, 220) + "…");
    expect(underline(printed)).toBe(" ".repeat(41) + "^^^");
  });

  test("only the span's own line counts: a short line among long ones is shown whole", () => {
    const short = "key: " + line(60);
    const text = `${line(300)}\n${short}\n${line(300)}\n`;
    const start = 301 + 50;
    const printed = formatDiagnostic(at(text, { start, end: start + 1 }));
    expect(sourceLine(printed)).toBe(short);
    expect(underline(printed)).toBe(" ".repeat(50) + "^");
  });

  test("no ellipsis on a side that fits: exactly 40 before, exactly 120 from the span", () => {
    const text = line(40) + line(121).slice(1) + line(1); // 40 + 120 + 1 columns
    const printed = formatDiagnostic(at(text, { start: 40, end: 41 }));
    expect(sourceLine(printed)).toBe(text.slice(0, 160) + "…");
    const fromEnd = formatDiagnostic(at(text, { start: 41, end: 42 }));
    expect(sourceLine(fromEnd)).toBe("…" + text.slice(1));
    expect(underline(fromEnd)).toBe(" ".repeat(41) + "^");
  });
});

describe("formatDiagnostic: the whole text", () => {
  test("with a span: location, excerpt, underline, help", () => {
    expect(formatDiagnostic(at("a: 1\nbb: 2\n", { start: 5, end: 7 }))).toBe(
      "s.yaml:2:1: error RC104: the message\n" +
        "  |\n" +
        "2 | bb: 2\n" +
        "  | ^^\n" +
        "  = help: the hint\n",
    );
  });

  test("without a hint there is no help line, with a span or without", () => {
    expect(formatDiagnostic(at("a: 1\n", { start: 0, end: 1 }, { hint: "" }))).toBe(
      "s.yaml:1:1: error RC104: the message\n  |\n1 | a: 1\n  | ^\n",
    );
    expect(formatDiagnostic(at("a: 1\n", undefined, { hint: "" }))).toBe(
      "s.yaml: error RC104: the message\n",
    );
    expect(formatDiagnostic(at("a: 1\n", undefined))).toBe(
      "s.yaml: error RC104: the message\n  = help: the hint\n",
    );
  });

  test("colours: errors bold red, warnings bold yellow, the underline red; none unless asked", () => {
    const d = at("a: 1\n", { start: 0, end: 1 });
    expect(formatDiagnostic(d, true)).toBe(
      "s.yaml:1:1: \x1b[1;31merror\x1b[0m RC104: the message\n" +
        "  |\n" +
        "1 | a: 1\n" +
        "  | \x1b[1;31m^\x1b[0m\n" +
        "  = help: the hint\n",
    );
    expect(formatDiagnostic({ ...d, severity: "warning" }, true)).toContain(
      "s.yaml:1:1: \x1b[1;33mwarning\x1b[0m RC104",
    );
    expect(formatDiagnostic({ ...d, severity: "warning" }, false)).toContain(
      "s.yaml:1:1: warning RC104",
    );
    expect(formatDiagnostic(d)).not.toContain("\x1b");
  });
});

describe("a user's value in a message", () => {
  test.each([
    ["120 characters stay whole", "x".repeat(120), "x".repeat(120)],
    ["121 are cut to 119 and an ellipsis", "x".repeat(121), "x".repeat(119) + "…"],
    ["code points are counted, not UTF-16 units", "😀".repeat(121), "😀".repeat(119) + "…"],
    ["a line break is escaped", "a\nb", "a\\nb"],
  ])("%s", (_name, value, want) => {
    expect(printable(value)).toBe(want);
  });

  test("diagnose fills the catalog's placeholders; a missing argument prints as nothing", () => {
    const file = { displayPath: "s.yaml", text: "" };
    // RC104 is "unknown register '{0}'{1}", {1} a suggestion.
    const full = diagnose("RC104", file, undefined, "rqx", "; did you mean 'rax'?");
    const short = diagnose("RC104", file, undefined, "rqx");
    expect(full.message).toBe("unknown register 'rqx'; did you mean 'rax'?");
    expect(short.message).toBe("unknown register 'rqx'");
  });
});

describe("fill: every value of every template, the same way", () => {
  test.each([
    ["a string", "'{0}'", ["x"], "'x'"],
    ["an escape sequence is escaped", "'{0}'", ["\x1b[2J"], "'\\u{1b}[2J'"],
    ["a line break is escaped", "'{0}'", ["a\nb"], "'a\\nb'"],
    ["a CR and a tab", "'{0}'", ["a\rb\tc"], "'a\\rb\\tc'"],
    ["a bidi override", "'{0}'", ["a\u202eb"], "'a\\u{202e}b'"],
    ["a long value is cut", "{0}", ["y".repeat(130)], "y".repeat(119) + "…"],
    ["a number", "{0} bytes", [12], "12 bytes"],
    ["a bigint", "{0}", [2n ** 40n], "1099511627776"],
    ["{n:x}: a number in hexadecimal", "{0:x}", [255], "0xff"],
    ["{n:x}: a bigint in hexadecimal", "{0:x}", [2n ** 40n], "0x10000000000"],
    ["a value used twice", "{0} and {0}", ["a"], "a and a"],
    ["a missing value prints as nothing", "a{1}b", ["x"], "ab"],
    [
      "a value past the ninth: {10}",
      "{10}",
      ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "ten"],
      "ten",
    ],
    ["{n:whole} is not cut", "{0:whole}", ["y".repeat(130)], "y".repeat(130)],
    ["{n:whole} is escaped", "{0:whole}", ["a\x1bb\n"], "a\\u{1b}b\\n"],
    ["{n:lines} keeps its line breaks", "{0:lines}", ["one\ntwo\n"], "one\ntwo\n"],
    [
      "{n:lines} escapes every other control character",
      "{0:lines}",
      ["\x1b[31mred\r\nnext\x07"],
      "\\u{1b}[31mred\\r\nnext\\u{7}",
    ],
    ["{n:lines} is not cut", "{0:lines}", ["z".repeat(300)], "z".repeat(300)],
  ] as const)("%s", (_name, template, args, want) => {
    expect(fill(template, args)).toBe(want);
  });

  test("no value can put a control character into any code's message or hint", () => {
    const file = { displayPath: "f", text: "" };
    const hostile = "a\x1b]0;title\x07\r\n\u2028b";
    const controls = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/u;
    for (const code of Object.keys(messages) as DiagnosticCode[]) {
      const d = diagnose(code, file, undefined, hostile, hostile, hostile, hostile);
      const template = messages[code];
      expect([code, controls.test(d.message), controls.test(d.hint)]).toEqual([code, false, false]);
      // A line break only where the template has one or keeps a value's lines.
      const breaks = (t: string) => t.includes("\n") || t.includes(":lines}");
      if (!breaks(template.message))
        expect([code, d.message.includes("\n")]).toEqual([code, false]);
      if (!breaks(template.hint)) expect([code, d.hint.includes("\n")]).toEqual([code, false]);
    }
  });

  test("diagnose takes the severity from the catalog", () => {
    const file = { displayPath: "f", text: "" };
    expect(diagnose("RC104", file, undefined, "x").severity).toBe(messages.RC104.severity);
    expect(diagnose("RC700", file, undefined, "M", "").severity).toBe("error");
  });

  test("a compiler's output in RC808 keeps its lines, its escape sequences escaped", () => {
    const file = { displayPath: "compile_commands.json", text: "" };
    const stderr = "t.c:1:1: \x1b[01;31merror:\x1b[m unknown\n    1 | x\n";
    const d = diagnose("RC808", file, undefined, "SVM_SET", "svm.c", 1, stderr);
    expect(formatDiagnostic(d)).toBe(
      "compile_commands.json: error RC808: the probe for SVM_SET did not compile with the flags" +
        " of svm.c (exit 1):\n" +
        "t.c:1:1: \\u{1b}[01;31merror:\\u{1b}[m unknown\n    1 | x\n\n" +
        `  = help: ${messages.RC808.hint}\n`,
    );
  });
});

describe("sortDiagnostics: by file, then position, then code", () => {
  const d = (file: string, start: number | undefined, code: `RC${number}`): Diagnostic => ({
    ...at("", start === undefined ? undefined : { start, end: start + 1 }),
    code,
    file: { displayPath: file, text: "" },
  });
  test("any input order gives the same list", () => {
    const want = [
      d("a.yaml", undefined, "RC110"),
      d("a.yaml", 0, "RC104"),
      d("a.yaml", 0, "RC105"),
      d("a.yaml", 7, "RC101"),
      d("b.yaml", undefined, "RC101"),
    ];
    const label = (x: Diagnostic) => `${x.file.displayPath}:${x.span?.start}:${x.code}`;
    expect(sortDiagnostics([...want].reverse()).map(label)).toEqual(want.map(label));
    expect(sortDiagnostics([want[3]!, want[0]!, want[4]!, want[2]!, want[1]!]).map(label)).toEqual(
      want.map(label),
    );
  });
});
