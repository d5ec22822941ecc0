/*
 * `regcache watch`: regenerate whenever the spec or a template changes. The
 * file-system side (the spec's directory known by its identity and re-armed
 * when replaced or back after removal, a symlinked spec followed, the
 * templates watched with editor noise ignored) is util/watch-sources.ts;
 * its changes are debounced (util/change-queue.ts: editors save in bursts).
 * Each run prints one line saying what changed and what it wrote; an invalid
 * spec prints its diagnostics and leaves the last good output alone. While
 * the spec's directory or the templates are gone, watch says so once (rather
 * than reporting the unreadable source as an invalid spec) and keeps the
 * last output; so it does, at each change, while the spec file (or a symlinked
 * spec's target) is gone. Stops on the abort signal (SIGINT/SIGTERM when run
 * from the CLI) and returns 0; a watch that fails stops it with the failure's
 * exit code.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Argv } from "yargs";
import { ExitCode, exitCodeOf, type Io } from "../io";
import { errnoText, faultOf } from "../../util/errno";
import { templatesDir } from "../../util/paths";
import { changeQueue } from "../../util/change-queue";
import { watchSources, type SourceWatch } from "../../util/watch-sources";
import { linkChain } from "../../util/link-chain";
import { displayPathOf, locate, printDiagnostics } from "../common";
import { describePlanLine } from "../../output/plan-report";
import { prepareTarget, regenerate, targetOptions, type TargetArgs } from "./generate";
import type { Prepared } from "../usage";

export type WatchArgs = TargetArgs;

export interface WatchOptions {
  /** Stops watching; watch() then resolves with 0. */
  readonly signal: AbortSignal;
  /** Quiet time after the last change before regenerating. */
  readonly debounceMs?: number;
}

export const DEFAULT_DEBOUNCE_MS = 100;

export function builder(y: Argv): Argv<WatchArgs> {
  return targetOptions(y).example(
    "$0 watch",
    "Regenerate generated/ whenever spec/x86-kvm.yaml or a template changes",
  ) as unknown as Argv<WatchArgs>;
}

export function prepare(args: WatchArgs, io: Io): Prepared<WatchArgs> {
  return prepareTarget(args, io, { writes: true });
}

export async function run(args: WatchArgs, io: Io): Promise<number> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    return await watch(args, io, { signal: controller.signal });
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

const clock = (): string => new Date().toTimeString().slice(0, 8);

export function watch(args: WatchArgs, io: Io, options: WatchOptions): Promise<number> {
  const where = locate(io, args.spec, args.out, args.anchor);
  const out = where.outArg.replace(/\/+$/, "");
  const templates = templatesDir();
  const templatesShown = displayPathOf(io, templates);
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;

  /** Whether a run of this watch wrote (or found) output the spec produces. */
  let produced = false;
  /** Whether a run of this watch found the spec file there (so that its absence is news). */
  let specSeen = false;
  let sources: SourceWatch | undefined;
  const goneLine = (prefix: string, what: string): void =>
    io.stdout(
      `${prefix}${what} is gone; ` +
        (produced
          ? `keeping the last good output in ${out}/`
          : `nothing written to ${out}/ (left as it was)`) +
        `; waiting for it to come back\n`,
    );
  const gone = (dir: string): void => goneLine(`[${clock()}] `, `${displayPathOf(io, dir)}/`);
  /** One regeneration; `why` names what changed, or is empty for the first run. */
  const once = async (why: readonly string[]): Promise<void> => {
    if (!sources?.present()) return;
    const outcome = await regenerate(where, args, io.env);
    // A source gone while the run read it: present() has said so; the unreadable file is not news.
    if (outcome.kind === "invalid" && !sources?.present()) return;
    const prefix = `[${clock()}] ${why.length ? `${why.join(", ")} changed: ` : ""}`;
    // The spec file gone (or a symlinked spec's target) after a run read it: not an invalid
    // spec either. Never there (a mistyped path): its RC001 below says so.
    const missing =
      outcome.kind === "invalid" ? missingSpec(io, where.specPath, where.displayPath) : "";
    if (missing && specSeen) return goneLine(prefix, missing);
    if (!missing) specSeen = true;
    switch (outcome.kind) {
      case "invalid":
        printDiagnostics(io, outcome.diagnostics);
        io.stdout(
          produced
            ? `${prefix}invalid spec; keeping the last good output in ${out}/\n`
            : `${prefix}invalid spec; nothing written to ${out}/ (left as it was); waiting for a fix\n`,
        );
        return;
      case "refused":
        io.stderr(`regcache: error: ${outcome.message}\n`);
        io.stdout(`${prefix}could not write ${out}/; will retry on the next change\n`);
        return;
      case "failed":
        io.stderr(`regcache: error: ${outcome.message}\n`);
        io.stderr(`  = help: ${outcome.help}\n`);
        io.stdout(`${prefix}could not write ${out}/; will retry on the next change\n`);
        return;
      case "done":
        produced = true;
        io.stdout(`${prefix}${describePlanLine(outcome.plan, out)}\n`);
    }
  };

  return new Promise<number>((resolve, reject) => {
    let finished = false;
    // A bug in regcache, not in the spec, stops watching: the CLI reports it.
    const queue = changeQueue(once, { quietMs: debounceMs, onError: (error) => finish({ error }) });

    const finish = (outcome: { code: number } | { error: unknown }) => {
      if (finished) return;
      finished = true;
      sources?.close();
      options.signal.removeEventListener("abort", onAbort);
      // Let a run in progress finish its writes before returning.
      void queue
        .close()
        .then(() => ("code" in outcome ? resolve(outcome.code) : reject(outcome.error)));
    };
    const onAbort = () => {
      const stopped = () => io.stdout(`[${clock()}] stopped watching\n`);
      void queue.idle().then(stopped);
      finish({ code: ExitCode.ok });
    };
    const failed = (file: string, err: Error) => {
      io.stderr(`regcache: error: cannot watch ${displayPathOf(io, file)}: ${errnoText(err)}\n`);
      finish({ code: exitCodeOf(faultOf(err)) });
    };

    if (options.signal.aborted) return finish({ code: ExitCode.ok });
    options.signal.addEventListener("abort", onAbort);
    try {
      sources = watchSources(
        {
          file: where.specPath,
          fileLabel: where.displayPath,
          tree: templates,
          treeLabel: templatesShown,
        },
        { changed: (what) => queue.changed(what), gone, failed },
      );
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return failed(e.path ?? path.dirname(where.specPath), e);
    }
    queue.run([], () =>
      io.stdout(
        `[${clock()}] watching ${where.shownSpec} and ${templatesShown}/ (Ctrl-C to stop)\n`,
      ),
    );
  });
}

/**
 * How a spec that is not there is named: "spec/x.yaml", or for a symlink (or a chain of them)
 * whose end is missing "the target of spec/x.yaml (store/a.yaml)", that end as messages show
 * paths; "" when the spec file is there (or cannot be looked up for another reason than ENOENT).
 */
function missingSpec(io: Io, specPath: string, shown: string): string {
  try {
    fs.statSync(specPath);
    return "";
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") return "";
  }
  const end = linkChain(specPath).at(-1);
  return end === undefined ? shown : `the target of ${shown} (${displayPathOf(io, end)})`;
}
