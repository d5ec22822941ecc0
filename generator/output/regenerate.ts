/*
 * One regeneration: what a spec produces (generate/), planned against the
 * output directory and, unless it is a dry run, written by the writer under
 * the directory's lock. The outcome is data for `generate` and `watch` to
 * print; a spec's mistakes, a refused path, a busy lock and a failing disk
 * are outcomes, never exceptions.
 */
import * as path from "node:path";
import type { Diagnostic } from "../core/diagnostics/diagnostic";
import { pathFault, type FaultKind } from "../util/errno";
import type { GenerateResult } from "../generate/produce";
import {
  applyPlan,
  NotRegularFileError,
  OutputPathError,
  planWrite,
  type ApplyHooks,
  type WritePlan,
} from "./writer";
import { LOCK_NAME, OutputBusyError, withOutputLock, type LockOptions } from "./lock";

/** The outcome of one regeneration. */
export type Regeneration =
  | { readonly kind: "invalid"; readonly diagnostics: readonly Diagnostic[] }
  | { readonly kind: "refused"; readonly message: string }
  | {
      readonly kind: "failed";
      /** usage: a path in the output directory is the wrong kind; else the environment's. */
      readonly fault: FaultKind;
      readonly message: string;
      readonly help: string;
    }
  | { readonly kind: "done"; readonly plan: WritePlan };

/**
 * Produced files → plan → (unless dryRun) disk. `outDir` is the output
 * directory; `shown` is how messages name it (as the user typed it).
 */
export async function writeProduced(
  produced: Promise<GenerateResult>,
  outDir: string,
  shown: string,
  options: { readonly dryRun: boolean; readonly hooks: ApplyHooks & LockOptions },
): Promise<Regeneration> {
  const result = await produced;
  if (!result.ok) return { kind: "invalid", diagnostics: result.diagnostics };
  const { hooks } = options;
  try {
    // Plan and apply under the lock: a plan made while another run writes would be stale.
    const plan = options.dryRun
      ? planWrite(outDir, result.files, hooks.fs)
      : withOutputLock(
          outDir,
          () => {
            const planned = planWrite(outDir, result.files, hooks.fs);
            applyPlan(planned, hooks);
            return planned;
          },
          hooks,
        );
    return { kind: "done", plan };
  } catch (err) {
    if (err instanceof NotRegularFileError) return { kind: "refused", message: err.within(shown) };
    if (err instanceof OutputPathError) return { kind: "refused", message: err.message };
    if (err instanceof OutputBusyError) {
      return {
        kind: "failed",
        fault: "environment",
        message: `cannot write ${shown}/: ${err.message}`,
        help: `if no regcache run is active, remove ${shown}/${LOCK_NAME}; nothing was changed`,
      };
    }
    const e = err as NodeJS.ErrnoException;
    if (e.code && e.syscall) {
      const inside = e.path ? path.relative(outDir, e.path) : "";
      const where =
        inside === "" ? `${shown}/` : inside.startsWith("..") ? e.path! : `${shown}/${inside}`;
      const fault = pathFault(err, "write", where);
      return {
        kind: "failed",
        fault: fault.kind,
        message: fault.message,
        help: `${fault.help}; nothing was changed`,
      };
    }
    throw err;
  }
}
