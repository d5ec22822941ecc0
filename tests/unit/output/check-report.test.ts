/*
 * How `regcache check` words a drift report: the label and reason of each
 * finding, the text for people (in step, drift, the hand-edit note, the fix,
 * colours on request) and the JSON documents for bots (in step, drift, an
 * invalid spec, an unreadable output directory). The findings come from
 * compareOutput over files made here, so the words are checked against the
 * causes drift.ts really gives.
 */
import { withBanner } from "../../../generator/targets/banner";
import { compareOutput, type CheckReport } from "../../../generator/output/drift";
import {
  CHECK_JSON_VERSION,
  checkJsonHeader,
  colourDiff,
  describeFinding,
  errorJson,
  invalidJson,
  reportJson,
  reportText,
} from "../../../generator/output/check-report";
import { loadModel } from "../../../generator/generate/produce";

const info = {
  version: "0.1.0",
  specPath: "spec/x86-kvm.yaml",
  command: "regcache generate --spec spec/x86-kvm.yaml",
};
const body = "#define X 1\n";
const older = "#define X 0\n";
const wanted = withBanner(info, body);
const edited = (text: string) => text.replace(/#define X \d/, "#define X 2");

/** Which target writes a path in these tests: c/ the C headers, ts/ the TypeScript, else the kernel's. */
const targetOf = (paths: readonly string[]) =>
  Object.fromEntries(
    paths.map(
      (p) => [p, p.startsWith("c/") ? "c" : p.startsWith("ts/") ? "ts" : "kernel"] as const,
    ),
  );

/** What the spec produces, beside an output directory holding `current` and the `stale` files. */
function reportOf(
  current: Record<string, string>,
  stale: Record<string, string> = {},
  produced = Object.keys(current),
): CheckReport {
  return compareOutput(
    produced.map((path) => ({ path, contents: wanted })),
    {
      outDir: "generated",
      current: new Map(Object.entries(current)),
      stale: Object.entries(stale).map(([path, text]) => ({ path, current: text })),
      leftovers: [],
    },
    { diffs: true, label: (p) => `generated/${p}`, targetOf: targetOf(produced) },
  );
}

describe("describeFinding: the label and reason of one finding", () => {
  test.each<[string, string, string | undefined, { label: string; reason: string }]>([
    [
      "missing",
      "c/a.h",
      undefined,
      { label: "missing", reason: "the spec produces it; it is not on disk" },
    ],
    [
      "a C file from other inputs",
      "c/b.h",
      withBanner(info, older),
      {
        label: "modified",
        reason:
          "the spec, the templates, the generator or the options changed since it was generated",
      },
    ],
    [
      "the TypeScript file from other inputs",
      "ts/registers.ts",
      withBanner(info, older),
      {
        label: "modified",
        reason:
          "the spec, the generator, ts-morph or prettier, or the options changed since it was generated",
      },
    ],
    [
      "the kernel target's header from other inputs: its one template, no TypeScript tools",
      "kvm_cache_regs_gen.h",
      withBanner(info, older),
      {
        label: "modified",
        reason:
          "the spec, the template, the generator or the options changed since it was generated",
      },
    ],
    [
      "edited by hand and from other inputs",
      "c/b.h",
      edited(withBanner(info, older)),
      {
        label: "hand-edited",
        reason:
          "edited by hand, and the spec, the templates, the generator or the options changed since it was generated",
      },
    ],
    [
      "edited by hand only",
      "c/b.h",
      edited(wanted),
      {
        label: "hand-edited",
        reason:
          "edited by hand: its body no longer matches its banner's hash (what the spec produces did not change)",
      },
    ],
    [
      "no banner",
      "c/b.h",
      body,
      { label: "modified", reason: "its regcache banner is missing or damaged" },
    ],
    [
      "CRLF only",
      "c/b.h",
      wanted.replace(/\n/g, "\r\n"),
      { label: "modified", reason: "only the line endings differ (CRLF); see docs/ci.md" },
    ],
    [
      "CRLF and no banner",
      "c/b.h",
      body.replace(/\n/g, "\r\n"),
      {
        label: "modified",
        reason: "its regcache banner is missing or damaged; its line endings are CRLF, too",
      },
    ],
    [
      "another spec path or --out",
      "c/b.h",
      withBanner({ ...info, command: "regcache generate --spec other.yaml" }, body),
      { label: "modified", reason: "same body, but its banner names another spec path or --out" },
    ],
  ])("%s", (_what, path, current, want) => {
    const report = reportOf(current === undefined ? {} : { [path]: current }, {}, [path]);
    expect(report.findings.map(describeFinding)).toEqual([want]);
  });

  test("stale files, edited by hand or not", () => {
    const report = reportOf({}, { "c/old.h": wanted, "c/old-edited.h": edited(wanted) }, []);
    expect(report.findings.map((f) => [f.path, describeFinding(f)])).toEqual([
      [
        "c/old-edited.h",
        {
          label: "stale",
          reason:
            "carries regcache's banner but the spec no longer produces it (and it was edited by hand)",
        },
      ],
      [
        "c/old.h",
        { label: "stale", reason: "carries regcache's banner but the spec no longer produces it" },
      ],
    ]);
  });
});

describe("reportText: the report for people", () => {
  const ctx = {
    out: "generated",
    spec: "spec/x86-kvm.yaml",
    fix: "regcache generate",
    colour: false,
  };

  test("in step: one line counting the files", () => {
    expect(reportText(reportOf({ "c/a.h": wanted }), ctx)).toBe(
      "regcache: generated/ is in step with spec/x86-kvm.yaml (1 file)\n",
    );
    expect(reportText(reportOf({ "c/a.h": wanted, "c/b.h": wanted }), ctx)).toBe(
      "regcache: generated/ is in step with spec/x86-kvm.yaml (2 files)\n",
    );
  });

  test("drift: the diffs, the summary, a line per file, the hand-edit note and the fix", () => {
    const report = reportOf({ "c/a.h": wanted, "c/b.h": edited(wanted) }, { "c/old.h": wanted }, [
      "c/a.h",
      "c/b.h",
      "c/missing.h",
    ]);
    const diff = report.findings.find((f) => f.path === "c/b.h")!.diff!;
    expect(reportText(report, ctx)).toBe(
      diff +
        "regcache: generated/ is out of step with spec/x86-kvm.yaml: 3 files differ, 1 in step\n" +
        "  hand-edited  generated/c/b.h: edited by hand: its body no longer matches its banner's hash (what the spec produces did not change)\n" +
        "  missing      generated/c/missing.h: the spec produces it; it is not on disk\n" +
        "  stale        generated/c/old.h: carries regcache's banner but the spec no longer produces it\n" +
        "  note: generate overwrites hand edits; carry them into the spec or the templates first\n" +
        "regcache: to fix, run: regcache generate\n",
    );
  });

  test("one file differing, none edited by hand: singular, and no note", () => {
    expect(reportText(reportOf({}, {}, ["c/a.h"]), ctx)).toBe(
      "regcache: generated/ is out of step with spec/x86-kvm.yaml: 1 file differs, 0 in step\n" +
        "  missing      generated/c/a.h: the spec produces it; it is not on disk\n" +
        "regcache: to fix, run: regcache generate\n",
    );
  });

  test("colour: the diff only, in ANSI colours", () => {
    const report = reportOf({ "c/b.h": withBanner(info, older) });
    const text = reportText(report, { ...ctx, colour: true });
    expect(text).toContain("\x1b[1m--- a/generated/c/b.h\x1b[0m\n");
    expect(text).toContain("\x1b[31m-#define X 0\x1b[0m\n\x1b[32m+#define X 1\x1b[0m\n");
    expect(text).toMatch(/\x1b\[36m@@ [^\n]*\x1b\[0m\n/);
    expect(text).toContain("\n  modified     generated/c/b.h: ");
  });
});

describe("colourDiff", () => {
  const diff = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n c\n";
  test("without colour the diff is as it was", () => expect(colourDiff(diff, false)).toBe(diff));
  test("headers bold, hunks cyan, removed red, added green, context plain", () =>
    expect(colourDiff(diff, true)).toBe(
      "\x1b[1m--- a/x\x1b[0m\n\x1b[1m+++ b/x\x1b[0m\n\x1b[36m@@ -1 +1 @@\x1b[0m\n" +
        "\x1b[31m-a\x1b[0m\n\x1b[32m+b\x1b[0m\n c\n",
    ));
});

describe("the JSON documents", () => {
  const header = checkJsonHeader("spec/x86-kvm.yaml", "generated");
  const hashes = { c: "c".repeat(64), ts: undefined };

  test("the header names the document's version", () =>
    expect(header).toEqual({
      version: CHECK_JSON_VERSION,
      spec: "spec/x86-kvm.yaml",
      out: "generated",
    }));

  test("in step: no files, every file unchanged, no fix; one document and a newline", () => {
    const text = reportJson(header, reportOf({ "c/a.h": wanted }), hashes, "regcache generate");
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2) + "\n");
    expect(JSON.parse(text)).toEqual({
      version: 2,
      spec: "spec/x86-kvm.yaml",
      out: "generated",
      status: "in-step",
      inputHashes: { c: "c".repeat(64) },
      files: [],
      unchanged: ["generated/c/a.h"],
      fix: null,
    });
  });

  test("drift: each file with its status, causes and diff, and the fix", () => {
    const report = reportOf({ "c/b.h": edited(wanted) }, {}, ["c/a.h", "c/b.h"]);
    const doc = JSON.parse(reportJson(header, report, hashes, "regcache generate"));
    expect(doc.status).toBe("drift");
    expect(doc.fix).toBe("regcache generate");
    expect(doc.files).toEqual([
      {
        path: "generated/c/a.h",
        status: "missing",
        handEdited: false,
        causes: [],
        diff: null,
      },
      {
        path: "generated/c/b.h",
        status: "modified",
        handEdited: true,
        causes: ["hand-edited"],
        diff: report.findings[1]!.diff,
      },
    ]);
    expect(doc.unchanged).toEqual([]);
  });

  test("an invalid spec: its diagnostics, sorted, each with its position and text", () => {
    const loaded = loadModel({ specPath: "bad.yaml", specText: "registers: [\n" });
    if (loaded.ok) throw new Error("the spec was meant to be invalid");
    const doc = JSON.parse(invalidJson(header, loaded.diagnostics));
    expect(doc).toMatchObject({ version: 2, status: "invalid", out: "generated" });
    expect(doc.diagnostics.length).toBe(loaded.diagnostics.length);
    const first = doc.diagnostics[0];
    expect(first).toEqual({
      code: expect.stringMatching(/^RC\d{3}$/),
      severity: "error",
      message: expect.any(String),
      hint: expect.any(String),
      file: "bad.yaml",
      line: expect.any(Number),
      column: expect.any(Number),
      text: expect.stringContaining(`bad.yaml:${first.line}:${first.column}: error ${first.code}`),
    });
  });

  test("an output directory that could not be read: the message", () =>
    expect(JSON.parse(errorJson(header, "cannot read generated/: EACCES (scandir)"))).toEqual({
      version: 2,
      spec: "spec/x86-kvm.yaml",
      out: "generated",
      status: "error",
      error: "cannot read generated/: EACCES (scandir)",
    }));
});
