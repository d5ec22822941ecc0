/*
 * A size run of the handler suite (runtime/handlers): first every accessor
 * the suite calls checked against each side's registers (RC619, RC622), then every
 * installed config of the matrix compiled against every header set in a
 * private root (a scratch directory, or --keep DIR), measured, and each
 * promised handler looked for in the objects. Edge: reads the suite, runs
 * compilers, writes under the private root only.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Diagnostic } from "../../core/diagnostics/diagnostic";
import type { GeneratedFile } from "../../targets/types";
import { ExecContext, forRun } from "../../toolchain/compilers";
import { sizeDiagnostic } from "../messages";
import { failure, type MeasureOptions, SizeFailure } from "../outcome";
import type { MeasuredConfig } from "../report/report";
import { buildAndMeasure, detectCompilers, HeaderSet, Measured } from "./build";
import { inPrivateRoot } from "./private-root";
import type { Suite } from "./suite";
import { accessorCalls, missingRegisters } from "./suite-registers";

const readOrEmpty = (file: string) => {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
};

/** A side as the register check sees it: its label, generated files and registers. */
export interface CheckedSide {
  readonly label: string;
  readonly files: readonly GeneratedFile[];
  readonly registers: ReadonlySet<string>;
}

/**
 * RC619 for every register a side's spec lacks but the suite calls an accessor
 * of, RC622 for every GPR whose 32-bit pair the suite calls but the side does
 * not generate.
 */
export function checkSuiteRegisters(
  suite: Suite,
  sides: readonly CheckedSide[],
  display: (file: string) => string,
): Diagnostic[] {
  const calls = accessorCalls(
    suite.sources.map((file) => ({ path: display(file), text: readOrEmpty(file) })),
  );
  const runtimeHeaders = suite.includeDirs.flatMap((dir) => {
    try {
      return fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".h"))
        .map((f) => readOrEmpty(path.join(dir, f)));
    } catch {
      return [];
    }
  });
  const diagnostics: Diagnostic[] = [];
  for (const { label, files, registers } of sides) {
    const missing = missingRegisters(calls, registers, [
      ...files.map((f) => f.contents),
      ...runtimeHeaders,
    ]);
    for (const { register, pairOnly, call } of missing) {
      const d = sizeDiagnostic(
        pairOnly ? "RC622" : "RC619",
        { displayPath: label, text: "" },
        undefined,
        label,
        register,
        `${call.path}:${call.line}:${call.column}`,
        call.call,
      );
      // Head and base may be one spec under one label (--spec S --base S): said once.
      if (!diagnostics.some((e) => e.code === d.code && e.message === d.message))
        diagnostics.push(d);
    }
  }
  return diagnostics;
}

/** Every runnable config, every header set; a missing compiler is skipped with its install hint. */
export async function runSuite(
  suite: Suite,
  detected: Awaited<ReturnType<typeof detectCompilers>>,
  headerSets: readonly HeaderSet[],
  options: MeasureOptions,
): Promise<Measured | SizeFailure> {
  const { runnables, skipped } = detected;
  const { hooks } = options;
  for (const s of skipped) hooks.onNote?.(`skipping ${s.name}: ${s.reason} (install: ${s.hint})`);
  if (runnables.length === 0)
    return failure("environment", { messages: ["no configured compiler is installed"] });

  const onProgress = hooks.onProgress;
  const built = await inPrivateRoot(options, (root) =>
    buildAndMeasure(
      {
        root,
        cwd: options.cwd,
        suite,
        parallel: options.jobs && options.jobs > 0 ? options.jobs : os.availableParallelism(),
        ...(onProgress ? { onProgress: (d: number, t: number) => onProgress(d, t, "suite") } : {}),
        exec: forRun(
          options.exec,
          root,
          runnables.map((r) => r.compiler),
          options.env,
        ),
      },
      runnables,
      headerSets,
    ),
  );
  if (!built.ok && "kind" in built) return built;
  if (!built.ok) {
    if (!built.failures) return failure("environment", { messages: [built.message] });
    const messages = built.failures
      .slice(0, 5)
      .map(
        (f) =>
          `${f.job.config.name}/${f.job.side.name}: compile failed:\n  ${f.job.argv.join(" ")}\n${f.output}`,
      );
    if (built.failures.length > 5)
      messages.push(`${built.failures.length - 5} more compile failures`);
    return failure("environment", { messages });
  }

  const sizes = built.sizes;
  const measured: MeasuredConfig[] = runnables.map(({ config, compiler }) => ({
    name: config.name,
    compiler: config.compiler,
    command: compiler.command,
    compilerVersion: compiler.version,
    retpoline: config.retpoline,
    flags: config.flags,
    base: sizes.get(config.name)?.get("base") ?? [],
    head: sizes.get(config.name)?.get("head") ?? [],
  }));
  // A promised handler missing from the objects would make the report quietly incomplete.
  for (const m of measured)
    for (const side of ["base", "head"] as const) {
      const names = new Set(m[side].map((s) => s.name));
      const missing = suite.functions.filter((f) => !names.has(f));
      if (missing.length > 0)
        hooks.onNote?.(
          `warning: ${m.name}/${side}: handlers.json lists ${missing.join(", ")}, not found in the objects`,
        );
    }
  return { ok: true, measured, skipped, sizes };
}
