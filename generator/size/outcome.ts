/*
 * What a size run gives back, the vocabulary of size/'s three entry points
 * (run.ts, run-objects.ts, run-merge.ts): a report, or a kind of failure with
 * what to say about it. Also the hooks a caller may pass to hear about a run
 * while it runs. Types and two small constructors; pure.
 */
import type { ExecContext } from "../toolchain/compilers";
import type { Diagnostic } from "../core/diagnostics/diagnostic";
import type { SizeReport } from "./report/report";

/** Why a run stopped: its input (spec, options, files; fix and rerun) or its environment. */
export type SizeFailureKind = "invalid-input" | "environment";

export interface SizeFailure {
  readonly ok: false;
  readonly kind: SizeFailureKind;
  /** Problems in a file or an option, each with a code. */
  readonly diagnostics: readonly Diagnostic[];
  /** Problems with the request stated in one line each ("--out x is a directory"). */
  readonly problems: readonly string[];
  /** What went wrong around the run (a compile's output, a missing compiler). */
  readonly messages: readonly string[];
}

export type SizeOutcome = { readonly ok: true; readonly report: SizeReport } | SizeFailure;

/** Progress and notes while a run runs; a run without hooks is silent. */
export interface SizeHooks {
  /** A line worth telling the user (skipped configs, warnings, what the cache gave). */
  readonly onNote?: (line: string) => void;
  /**
   * Progress while compiling: for the handler suite ("suite") compiles done
   * of total, for a tree ("tree") units done of total, called also as each
   * unit's compile starts, with `current` naming it ("arch/x86/kvm/x86.c
   * (head)").
   */
  readonly onProgress?: (
    done: number,
    total: number,
    what: "suite" | "tree",
    current?: string,
  ) => void;
}

/** Where and how a measurement runs: the handler suite's and a tree's alike. */
export interface MeasureOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Keep headers, objects and commands here instead of a scratch directory. */
  readonly keep?: string;
  /** Parallel compiles. */
  readonly jobs?: number;
  readonly exec: ExecContext;
  readonly hooks: SizeHooks;
}

export function failure(
  kind: SizeFailureKind,
  parts: {
    readonly diagnostics?: readonly Diagnostic[];
    readonly problems?: readonly string[];
    readonly messages?: readonly string[];
  },
): SizeFailure {
  return {
    ok: false,
    kind,
    diagnostics: parts.diagnostics ?? [],
    problems: parts.problems ?? [],
    messages: parts.messages ?? [],
  };
}

/** Stopped by its input, with diagnostics only. */
export const invalid = (diagnostics: readonly Diagnostic[]): SizeFailure =>
  failure("invalid-input", { diagnostics });
