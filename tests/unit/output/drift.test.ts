/*
 * Why a file is out of step, as pure data: compareOutput's findings and
 * causes for every kind of difference, stale files included (a stale file
 * that was also edited by hand says so). How the check command words them is
 * check-report.test.ts's. The end-to-end check tests drive the same cases
 * through the CLI; this table pins every cause down on its own.
 */
import { withBanner } from "../../../generator/targets/banner";
import { causesOf, compareOutput, unifiedDiff, type Cause } from "../../../generator/output/drift";

const info = (command = "regcache generate --spec spec/x86-kvm.yaml") => ({
  version: "0.1.0",
  specPath: "spec/x86-kvm.yaml",
  command,
});
const body = "#define X 1\n";
/** What the spec produced when the file was written; it produces `body` now. */
const older = "#define X 0\n";
const wanted = withBanner(info(), body);
/** A file as regcache wrote it, then edited below its banner. */
const edited = (text: string) => text.replace(/#define X \d/, "#define X 2");

describe("causesOf: why the bytes on disk differ from what the spec produces", () => {
  test.each<[string, string, Cause[]]>([
    ["CRLF line endings only", wanted.replace(/\n/g, "\r\n"), ["line-endings"]],
    ["CRLF, and no banner", body.replace(/\n/g, "\r\n"), ["no-banner", "line-endings"]],
    [
      "CRLF, and another output",
      withBanner(info(), older).replace(/\n/g, "\r\n"),
      ["inputs-changed", "line-endings"],
    ],
    ["no banner at all", body, ["no-banner"]],
    ["a damaged banner", wanted.replace("regcache-body", "regcache-bod"), ["no-banner"]],
    ["another output", withBanner(info(), older), ["inputs-changed"]],
    ["edited by hand, same output", edited(wanted), ["hand-edited"]],
    [
      "edited by hand, and another output",
      edited(withBanner(info(), older)),
      ["inputs-changed", "hand-edited"],
    ],
    [
      "same body, intact, another --spec path or --out",
      withBanner(info("regcache generate --spec other.yaml"), body),
      ["banner-differs"],
    ],
    [
      "a banner with a regcache-inputs line, same body",
      wanted.replace(
        " * regcache-body:",
        ` * regcache-inputs: sha256:${"a".repeat(64)}\n * regcache-body:`,
      ),
      ["banner-differs"],
    ],
  ])("%s", (_name, current, want) => expect(causesOf(current, wanted)).toEqual(want));
});

describe("compareOutput: one finding per file, sorted, with its causes", () => {
  const produced = [
    { path: "c/b.h", contents: wanted },
    { path: "c/a.h", contents: wanted },
    { path: "c/same.h", contents: wanted },
  ];
  let report: ReturnType<typeof compareOutput>;
  beforeEach(() => {
    report = compareOutput(
      produced,
      {
        outDir: "generated",
        current: new Map([
          ["c/b.h", withBanner(info(), older)],
          ["c/same.h", wanted],
        ]),
        stale: [
          { path: "c/old.h", current: wanted },
          { path: "c/old-edited.h", current: edited(wanted) },
        ],
        leftovers: [],
      },
      { diffs: true, label: (p) => `generated/${p}`, targetOf: { "c/a.h": "c", "c/b.h": "c" } },
    );
  });

  test("findings and the files in step; a produced file names its target, a stale one none", () => {
    expect(
      report.findings.map((f) => [f.path, f.status, f.causes, "target" in f ? f.target : "-"]),
    ).toEqual([
      ["c/a.h", "missing", [], "c"],
      ["c/b.h", "modified", ["inputs-changed"], "c"],
      ["c/old-edited.h", "stale", ["hand-edited"], "-"],
      ["c/old.h", "stale", [], "-"],
    ]);
    expect(report.unchanged).toEqual(["c/same.h"]);
  });

  test("a modified file carries a diff from disk to the spec's output; others none", () => {
    const diffs = Object.fromEntries(report.findings.map((f) => [f.path, f.diff]));
    expect(diffs["c/b.h"]).toMatch(/^--- a\/generated\/c\/b\.h\n\+\+\+ b\/generated\/c\/b\.h\n@@ /);
    expect(diffs["c/b.h"]).toContain("\n-#define X 0\n+#define X 1\n");
    expect([diffs["c/a.h"], diffs["c/old.h"]]).toEqual([undefined, undefined]);
  });
});

describe("unifiedDiff and ordering, exactly", () => {
  /** "l1\n" … "l<n>\n". */
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `l${i + 1}\n`).join("");
  test.each([
    ["one line changed", "a\n", "b\n", "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"],
    // As diff -u prints them: an empty side is "-0,0" / "+0,0".
    ["a line added to nothing", "", "b\n", "--- a/x\n+++ b/x\n@@ -0,0 +1 @@\n+b\n"],
    ["every line removed", "a\n", "", "--- a/x\n+++ b/x\n@@ -1 +0,0 @@\n-a\n"],
    [
      "two lines, one changed",
      "k\na\n",
      "k\nb\n",
      "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n k\n-a\n+b\n",
    ],
    // Three lines of context, as diff -u (GNU diffutils 3.8) prints these two.
    [
      "one line changed in the middle of twelve",
      lines(12),
      lines(12).replace("l6\n", "six\n"),
      "--- a/x\n+++ b/x\n@@ -3,7 +3,7 @@\n l3\n l4\n l5\n-l6\n+six\n l7\n l8\n l9\n",
    ],
    [
      "two changes far apart make two hunks",
      lines(16),
      lines(16).replace("l2\n", "two\n").replace("l14\n", "fourteen\n"),
      "--- a/x\n+++ b/x\n" +
        "@@ -1,5 +1,5 @@\n l1\n-l2\n+two\n l3\n l4\n l5\n" +
        "@@ -11,6 +11,6 @@\n l11\n l12\n l13\n-l14\n+fourteen\n l15\n l16\n",
    ],
  ])("%s", (_name, onDisk, wanted, want) => expect(unifiedDiff("x", onDisk, wanted)).toBe(want));

  test("findings and files in step come sorted by path whatever the input order", () => {
    const names = ["c/k.h", "c/j.h", "c/i.h", "c/h.h", "c/g.h", "c/f.h", "c/e.h", "c/d.h", "c/c.h"];
    const produced = [...names, ...names.map((n) => n.replace("c/", "d/"))].map((path) => ({
      path,
      contents: wanted,
    }));
    const current = new Map(
      produced.filter((f) => f.path.startsWith("d/")).map((f) => [f.path, wanted]),
    );
    const report = compareOutput(
      produced,
      {
        outDir: "generated",
        current,
        stale: [
          { path: "b/z.h", current: wanted },
          { path: "b/a.h", current: wanted },
        ],
        leftovers: [],
      },
      {
        diffs: false,
        label: (p) => p,
        targetOf: Object.fromEntries(produced.map((f) => [f.path, "c" as const])),
      },
    );
    const sorted = (xs: string[]) => [...xs].sort();
    const findings = report.findings.map((f) => f.path);
    expect(findings).toEqual(sorted(findings));
    expect(findings[0]).toBe("b/a.h");
    expect(report.unchanged).toEqual(sorted([...current.keys()]));
  });
});
