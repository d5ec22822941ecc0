/*
 * What `regcache check` says about a drift report (drift.ts): as text for
 * people (the diffs, one line per file with its label and reason, the fix
 * last) and as the versioned JSON document for bots (docs/ci.md), including
 * the documents for an invalid spec and for an output directory that could
 * not be read. Pure: the caller prints the strings.
 */
import type { Diagnostic } from "../core/diagnostics/diagnostic";
import { formatDiagnostic, lineColOf, sortDiagnostics } from "../core/diagnostics/diagnostic";
import { TARGETS } from "../targets";
import type { TargetName } from "../targets/types";
import type { CheckReport, Finding } from "./drift";

/** The version of the JSON document `--format json` prints (docs/ci.md). */
export const CHECK_JSON_VERSION = 2;

/** What every JSON document of a check opens with. */
export interface CheckJsonHeader {
  readonly version: number;
  /** The spec as diagnostics name it. */
  readonly spec: string;
  /** The output directory as given, without trailing slashes. */
  readonly out: string;
}

export const checkJsonHeader = (spec: string, out: string): CheckJsonHeader => ({
  version: CHECK_JSON_VERSION,
  spec,
  out,
});

const jsonLine = (value: unknown): string => JSON.stringify(value, null, 2) + "\n";

function diagJson(d: Diagnostic) {
  const at = d.span ? lineColOf(d.file.text, d.span.start) : undefined;
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    hint: d.hint,
    file: d.file.displayPath,
    line: at?.line ?? null,
    column: at?.col ?? null,
    text: formatDiagnostic(d, false),
  };
}

/** The document for a spec that did not validate: its diagnostics, sorted. */
export const invalidJson = (header: CheckJsonHeader, diagnostics: readonly Diagnostic[]): string =>
  jsonLine({
    ...header,
    status: "invalid",
    diagnostics: sortDiagnostics(diagnostics).map(diagJson),
  });

/** The document for an output directory that could not be read (or a path refused). */
export const errorJson = (header: CheckJsonHeader, message: string): string =>
  jsonLine({ ...header, status: "error", error: message });

/**
 * The document for a comparison: in step or drift, each finding, and `fix`
 * when there is drift; `tree` when the spec was also compared with a tree.
 */
export function reportJson(
  header: CheckJsonHeader,
  report: CheckReport,
  inputHashes: Readonly<Record<string, string | undefined>>,
  fix: string,
  /** With --compile-commands: the spec against the tree (tree-check.ts treeJson). */
  tree?: Readonly<Record<string, unknown>>,
): string {
  return jsonLine({
    ...header,
    status: report.findings.length === 0 ? "in-step" : "drift",
    inputHashes,
    files: report.findings.map((f) => ({
      path: `${header.out}/${f.path}`,
      status: f.status,
      handEdited: f.causes.includes("hand-edited"),
      causes: f.causes,
      diff: f.diff ?? null,
    })),
    unchanged: report.unchanged.map((p) => `${header.out}/${p}`),
    fix: report.findings.length === 0 ? null : fix,
    ...(tree ? { tree } : {}),
  });
}

/** What can have changed for a file whose banner records other inputs: its own target's inputs. */
const changed = (target: TargetName): string =>
  `${TARGETS[target].inputsInWords} changed since it was generated`;

/** The label (modified / hand-edited / missing / stale) and the reason shown for one finding. */
export function describeFinding(f: Finding): { label: string; reason: string } {
  const only = f.causes.length === 1 && f.causes[0] === "line-endings";
  if (f.status === "modified" && only)
    return { label: "modified", reason: "only the line endings differ (CRLF); see docs/ci.md" };
  const described = describeContent(f);
  return f.causes.includes("line-endings")
    ? { ...described, reason: `${described.reason}; its line endings are CRLF, too` }
    : described;
}

function describeContent(f: Finding): { label: string; reason: string } {
  const edited = f.causes.includes("hand-edited");
  switch (f.status) {
    case "missing":
      return { label: "missing", reason: "the spec produces it; it is not on disk" };
    case "stale":
      return {
        label: "stale",
        reason:
          "carries regcache's banner but the spec no longer produces it" +
          (edited ? " (and it was edited by hand)" : ""),
      };
    case "modified":
      if (f.causes.includes("no-banner"))
        return { label: "modified", reason: "its regcache banner is missing or damaged" };
      if (edited && f.causes.includes("inputs-changed"))
        return { label: "hand-edited", reason: `edited by hand, and ${changed(f.target)}` };
      if (edited)
        return {
          label: "hand-edited",
          reason:
            "edited by hand: its body no longer matches its banner's hash (what the spec produces did not change)",
        };
      if (f.causes.includes("inputs-changed"))
        return { label: "modified", reason: changed(f.target) };
      return {
        label: "modified",
        reason: "same body, but its banner names another spec path or --out",
      };
  }
}

/** A unified diff with ANSI colours (removed red, added green, hunks cyan, headers bold). */
export function colourDiff(diff: string, colour: boolean): string {
  if (!colour) return diff;
  return diff.replace(/^([-+@]).*$/gm, (line, sign: string) => {
    if (line.startsWith("---") || line.startsWith("+++")) return `\x1b[1m${line}\x1b[0m`;
    const code = sign === "-" ? 31 : sign === "+" ? 32 : 36;
    return `\x1b[${code}m${line}\x1b[0m`;
  });
}

/**
 * The report for people: one line when the output is in step; else each
 * finding's diff, a summary, one line per finding, a note when hand edits
 * would be lost, and the command that fixes it.
 */
export function reportText(
  report: CheckReport,
  ctx: {
    readonly out: string;
    readonly spec: string;
    readonly fix: string;
    readonly colour: boolean;
  },
): string {
  const n = report.unchanged.length;
  if (report.findings.length === 0)
    return `regcache: ${ctx.out}/ is in step with ${ctx.spec} (${n} file${n === 1 ? "" : "s"})\n`;
  const parts: string[] = [];
  for (const f of report.findings) if (f.diff) parts.push(colourDiff(f.diff, ctx.colour));
  const k = report.findings.length;
  parts.push(
    `regcache: ${ctx.out}/ is out of step with ${ctx.spec}: ${k} file${k === 1 ? "" : "s"} differ${k === 1 ? "s" : ""}, ${n} in step\n`,
  );
  for (const f of report.findings) {
    const { label, reason } = describeFinding(f);
    parts.push(`  ${label.padEnd(12)} ${ctx.out}/${f.path}: ${reason}\n`);
  }
  if (report.findings.some((f) => f.causes.includes("hand-edited")))
    parts.push(
      "  note: generate overwrites hand edits; carry them into the spec or the templates first\n",
    );
  parts.push(`regcache: to fix, run: ${ctx.fix}\n`);
  return parts.join("");
}
