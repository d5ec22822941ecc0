/*
 * Everything a command prints, in one place: diagnostics (coloured when
 * stderr is a terminal, io.ts colourFor), a library's failure as lines and an exit code,
 * budget breaches, the size report (on stdout or written to --out), the
 * hooks that show a size run's notes and progress, and the tail every size
 * command shares (its problems, or the run and its report). Edge: writes through the
 * Io and, for --out, the report file.
 */
import * as fs from "fs";
import * as path from "path";
import { Diagnostic, formatDiagnostic } from "../core/diagnostics/diagnostic";
import type { SizeFailure, SizeHooks, SizeOutcome } from "../size/outcome";
import { SizeReport } from "../size/report/report";
import { ASCII_MINUS, formatLimit, formatMeasured } from "../size/report/figures";
import { renderReport, ReportFormat } from "../size/formats/render";
import { writableFile } from "./usage";
import { colourFor, ExitCode, exitCodeOf, Io } from "./io";
import { pathFault } from "../util/errno";
import { progressPrinter } from "./progress";
import { writeFileAtomic } from "../util/atomic-file";
import { makeDirs } from "../util/make-dirs";

export function printDiagnostics(io: Io, diagnostics: readonly Diagnostic[]): void {
  const color = colourFor(io, "stderr");
  for (const d of diagnostics) io.stderr(formatDiagnostic(d, color));
}

/** Usage problems stated in one line each: `regcache size: error: …`. */
export function printProblems(io: Io, program: string, problems: readonly string[]): void {
  for (const p of problems) io.stderr(`${program}: error: ${p}\n`);
}

/** A library's failure: its problems, diagnostics and messages; the exit code of its kind. */
export function printFailure(io: Io, program: string, failure: SizeFailure): number {
  printProblems(io, program, failure.problems);
  printDiagnostics(io, failure.diagnostics);
  for (const m of failure.messages) io.stderr(`${program}: ${m}\n`);
  return failure.kind === "environment" ? ExitCode.environment : ExitCode.invalidInput;
}

/** A size run's notes on stderr, and its progress (cli/progress.ts). */
export function sizeHooks(io: Io, program: string): SizeHooks {
  return {
    onNote: (line) => io.stderr(`${program}: ${line}\n`),
    // Without a terminal the plain lines need a clock to pace them; an Io without one
    // (in-process callers) gets no progress there.
    ...(io.isErrTTY || io.now
      ? {
          onProgress: progressPrinter({
            program,
            write: io.stderr,
            tty: io.isErrTTY === true,
            now: io.now ?? (() => 0),
          }),
        }
      : {}),
  };
}

/** Every size command's report lines (breaches, the report written) start so. */
const SIZE = "regcache size";

/** One line per budget breach: `regcache size: budget breach: CONFIG: TARGET: measured, limit L`. */
export function printBreaches(io: Io, report: SizeReport): number {
  const breaches = report.budget?.breaches ?? [];
  for (const b of breaches)
    io.stderr(
      `${SIZE}: budget breach: ${b.config}: ${b.target}: ${formatMeasured(b, ASCII_MINUS)}, limit ${formatLimit(b, ASCII_MINUS)}\n`,
    );
  return breaches.length;
}

/** Renders the report to stdout, or writes it to `out`; an exit code only when that fails. */
export function printReport(
  io: Io,
  report: SizeReport,
  options: { readonly format: ReportFormat; readonly out?: string },
): number | undefined {
  const color = !options.out && colourFor(io, "stdout");
  const text = renderReport(report, options.format, { color });
  if (!options.out) {
    io.stdout(text);
    return undefined;
  }
  try {
    const target = path.resolve(io.cwd, options.out);
    makeDirs(path.dirname(target));
    // Atomic: a failure (or a kill) keeps the previous report whole.
    writeFileAtomic(target, text);
  } catch (err) {
    const fault = pathFault(err, "write", options.out);
    io.stderr(`${SIZE}: error: ${fault.message}\n  = help: ${fault.help}\n`);
    return exitCodeOf(fault.kind);
  }
  io.stderr(`${SIZE}: wrote ${options.out}\n`);
  return undefined;
}

/**
 * The tail of every size command: a failure printed with its exit code
 * (`program` names the command in its lines), or the breaches and the
 * report, then 1 when the budget was breached, else 0.
 */
export function printSizeOutcome(
  io: Io,
  program: string,
  outcome: SizeOutcome,
  options: { readonly format: ReportFormat; readonly out?: string },
): number {
  if (!outcome.ok) return printFailure(io, program, outcome);
  const breaches = printBreaches(io, outcome.report);
  return (
    printReport(io, outcome.report, options) ?? (breaches > 0 ? ExitCode.different : ExitCode.ok)
  );
}

/**
 * A size command from its checks on: the usage problems it found, and a --out
 * the report cannot be written to (usage.ts writableFile), each on a line
 * before any work, exit 2, or 3 when the only problem is an --out the system
 * will not let us write; else the library's run, its outcome printed.
 */
export async function runSizeCommand(
  io: Io,
  program: string,
  problems: readonly string[],
  options: { readonly format: ReportFormat; readonly out?: string },
  run: () => SizeOutcome | Promise<SizeOutcome>,
): Promise<number> {
  const outProblem = options.out ? writableFile(io, "out", options.out) : undefined;
  const all = outProblem ? [...problems, outProblem.message] : problems;
  if (all.length > 0) {
    printProblems(io, program, all);
    if (outProblem?.fault) io.stderr(`  = help: ${outProblem.help}\n`);
    return exitCodeOf(problems.length === 0 && outProblem?.fault ? outProblem.fault : "usage");
  }
  return printSizeOutcome(io, program, await run(), options);
}
