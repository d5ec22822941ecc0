/*
 * Everything a command prints, in one place: diagnostics (coloured on a
 * terminal unless NO_COLOR), a library's failure as lines and an exit code,
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
import { checkOutPath } from "../size/inputs/output";
import { ExitCode, Io } from "./io";
import { writeFileAtomic } from "../util/atomic-file";

export function printDiagnostics(io: Io, diagnostics: readonly Diagnostic[]): void {
  const color = io.isTTY && !io.env.NO_COLOR;
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

/** A size run's notes on stderr, and its progress line when stdout is a terminal. */
export function sizeHooks(io: Io, program: string): SizeHooks {
  return {
    onNote: (line) => io.stderr(`${program}: ${line}\n`),
    ...(io.isTTY
      ? {
          onProgress: (done: number, total: number, what: "suite" | "tree") =>
            io.stderr(
              `\r${program}: ${what === "suite" ? "compiled " : ""}${done}/${total}` +
                (done === total ? "\r\x1b[K" : ""),
            ),
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
  const color = !options.out && io.isTTY && !io.env.NO_COLOR;
  const text = renderReport(report, options.format, { color });
  if (!options.out) {
    io.stdout(text);
    return undefined;
  }
  try {
    const target = path.resolve(io.cwd, options.out);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // Atomic: a failure (or a kill) keeps the previous report whole.
    writeFileAtomic(target, text);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    io.stderr(`${SIZE}: cannot write ${options.out}: ${code}\n`);
    return ExitCode.environment;
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
 * the report cannot be written to (size/inputs/output.ts), each on a line
 * with exit 2 before any work; else the library's run, its outcome printed.
 */
export async function runSizeCommand(
  io: Io,
  program: string,
  problems: readonly string[],
  options: { readonly format: ReportFormat; readonly out?: string },
  run: () => SizeOutcome | Promise<SizeOutcome>,
): Promise<number> {
  const outProblem = options.out ? checkOutPath(io.cwd, options.out) : undefined;
  const all = outProblem ? [...problems, outProblem] : problems;
  if (all.length > 0) {
    printProblems(io, program, all);
    return ExitCode.invalidInput;
  }
  return printSizeOutcome(io, program, await run(), options);
}
