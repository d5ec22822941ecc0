/*
 * One regeneration: what a spec produces (generate/), planned against the
 * output directory and, unless it is a dry run, written by the writer under
 * the directory's lock. The outcome is data for `generate` and `watch` to
 * print; a spec's mistakes, a refused path, a busy lock and a failing disk
 * are outcomes, never exceptions.
 */
import type { Diagnostic } from "../core/diagnostics/diagnostic";
import type { GenerateResult } from "../generate/produce";
import { applyPlan, OutputPathError, planWrite, type ApplyHooks, type WritePlan } from "./writer";
import { LOCK_NAME, OutputBusyError, withOutputLock, type LockOptions } from "./lock";

/** The outcome of one regeneration. */
export type Regeneration =
  | { readonly kind: "invalid"; readonly diagnostics: readonly Diagnostic[] }
  | { readonly kind: "refused"; readonly message: string }
  | { readonly kind: "failed"; readonly message: string; readonly help: string }
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
      ? planWrite(outDir, result.files)
      : withOutputLock(
          outDir,
          () => {
            const planned = planWrite(outDir, result.files);
            applyPlan(planned, hooks);
            return planned;
          },
          hooks,
        );
    return { kind: "done", plan };
  } catch (err) {
    if (err instanceof OutputPathError) return { kind: "refused", message: err.message };
    if (err instanceof OutputBusyError) {
      return {
        kind: "failed",
        message: `cannot write ${shown}/: ${err.message}`,
        help: `if no regcache run is active, remove ${shown}/${LOCK_NAME}; nothing was changed`,
      };
    }
    const e = err as NodeJS.ErrnoException;
    if (e.code && e.syscall) {
      return {
        kind: "failed",
        message: `cannot write ${shown}/: ${e.code} (${e.syscall}${e.path ? ` ${e.path}` : ""})`,
        help: "check that the output directory is writable; nothing was changed",
      };
    }
    throw err;
  }
}
