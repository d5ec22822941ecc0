/*
 * `regcache check`: is the output directory what the spec produces? Regenerates
 * in memory, reads the output directory once, and prints the findings of
 * check.ts as text (diffs, one line per file, the fix last) or as versioned
 * JSON for bots (docs/ci.md). Exit 0 in step, 1 drift, 2 invalid spec or
 * refused path, 3 the output directory could not be read.
 */
import type { Argv } from "yargs";
import { compareOutput, type CheckReport, type Finding } from "../../output/drift";
import type { Diagnostic } from "../../core/diagnostics/diagnostic";
import { formatDiagnostic, lineColOf, sortDiagnostics } from "../../core/diagnostics/diagnostic";
import { ExitCode, type Io } from "../io";
import { OutputPathError, readOutputTree, type OutputTree } from "../../output/writer";
import { displayPathOf, locate, printDiagnostics } from "../common";
import {
  generateCommandFor,
  prepareTarget,
  requestFor,
  targetOptions,
  type TargetArgs,
} from "./generate";
import type { Prepared } from "../usage";

export interface CheckArgs extends TargetArgs {
  readonly format: "text" | "json";
}

/** The version of the JSON document `--format json` prints (docs/ci.md). */
export const CHECK_JSON_VERSION = 2;

export function builder(y: Argv): Argv<CheckArgs> {
  return targetOptions(y)
    .option("format", {
      choices: ["text", "json"] as const,
      default: "text" as const,
      describe: "text for people, json (versioned, see docs/ci.md) for bots",
    })
    .example("$0 check", "Is generated/ what spec/x86-kvm.yaml produces?")
    .example(
      "$0 check --out /tmp/v52 --all-cached --format json",
      "Check a tree generated with --all-cached, findings as JSON",
    ) as unknown as Argv<CheckArgs>;
}

export function prepare(args: CheckArgs, io: Io): Prepared<CheckArgs> {
  return prepareTarget(args, io, { writes: false });
}

export async function run(args: CheckArgs, io: Io): Promise<number> {
  const where = locate(io, args.spec, args.out, args.anchor);
  const out = where.outArg.replace(/\/+$/, "");
  const json = args.format === "json";
  const header = { version: CHECK_JSON_VERSION, spec: where.displayPath, out };

  const result = await requestFor(where, args, io.env);
  if (!result.ok) {
    printDiagnostics(io, result.diagnostics);
    if (json)
      io.stdout(
        jsonLine({
          ...header,
          status: "invalid",
          diagnostics: sortDiagnostics(result.diagnostics).map(diagJson),
        }),
      );
    return ExitCode.invalidInput;
  }

  let tree: OutputTree;
  try {
    tree = readOutputTree(
      where.outDir,
      result.files.map((f) => f.path),
    );
  } catch (err) {
    const refused = err instanceof OutputPathError;
    const e = err as NodeJS.ErrnoException;
    if (!refused && !(e.code && e.syscall)) throw err;
    const message = refused
      ? err.message
      : `cannot read ${e.path ? displayPathOf(io, e.path) : `${out}/`}: ${e.code} (${e.syscall})`;
    io.stderr(`regcache: error: ${message}\n`);
    if (json) io.stdout(jsonLine({ ...header, status: "error", error: message }));
    return refused ? ExitCode.invalidInput : ExitCode.environment;
  }

  const report = compareOutput(result.files, tree, {
    diffs: true,
    label: (p) => `${out}/${p}`,
  });
  const fix = generateCommandFor(args);
  if (json) io.stdout(jsonLine(reportJson(header, report, result.inputHashes, fix)));
  else io.stdout(reportText(report, { out, spec: where.displayPath, fix, io }));
  return report.findings.length === 0 ? ExitCode.ok : ExitCode.different;
}

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

function reportJson(
  header: { version: number; spec: string; out: string },
  report: CheckReport,
  inputHashes: Readonly<Record<string, string | undefined>>,
  fix: string,
) {
  return {
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
  };
}

/** What can have changed for a file whose banner records other inputs: its own target's inputs. */
const changed = (path: string): string =>
  path.startsWith("c/")
    ? "the spec, the templates, the generator or the options changed since it was generated"
    : "the spec, the generator, ts-morph or prettier, or the options changed since it was generated";

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
        return { label: "hand-edited", reason: `edited by hand, and ${changed(f.path)}` };
      if (edited)
        return {
          label: "hand-edited",
          reason:
            "edited by hand: its body no longer matches its banner's hash (what the spec produces did not change)",
        };
      if (f.causes.includes("inputs-changed"))
        return { label: "modified", reason: changed(f.path) };
      return {
        label: "modified",
        reason: "same body, but its banner names another spec path or --out",
      };
  }
}

function colourDiff(diff: string, colour: boolean): string {
  if (!colour) return diff;
  return diff.replace(/^([-+@]).*$/gm, (line, sign: string) => {
    if (line.startsWith("---") || line.startsWith("+++")) return `\x1b[1m${line}\x1b[0m`;
    const code = sign === "-" ? 31 : sign === "+" ? 32 : 36;
    return `\x1b[${code}m${line}\x1b[0m`;
  });
}

function reportText(
  report: CheckReport,
  ctx: { out: string; spec: string; fix: string; io: Io },
): string {
  const n = report.unchanged.length;
  if (report.findings.length === 0)
    return `regcache: ${ctx.out}/ is in step with ${ctx.spec} (${n} file${n === 1 ? "" : "s"})\n`;
  const colour = ctx.io.isTTY && !ctx.io.env["NO_COLOR"];
  const parts: string[] = [];
  for (const f of report.findings) if (f.diff) parts.push(colourDiff(f.diff, colour));
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
