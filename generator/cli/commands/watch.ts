/*
 * `regcache watch`: regenerate whenever the spec or a template changes. Events
 * from fs.watch are debounced (util/change-queue.ts: editors save in bursts),
 * each run prints one line saying what changed and what it wrote, and an
 * invalid spec prints its diagnostics and leaves the last good output alone.
 * The spec's directory is watched rather than the file, so an editor that
 * saves by renaming a new file over the old one is still seen; its parent is
 * watched too, so a directory removed and re-created (`rm -rf spec && git
 * checkout spec`, a tool that replaces it) is watched again when it is back.
 * While it is gone, watch says so once and keeps the last output. Stops on the
 * abort signal (SIGINT/SIGTERM when run from the CLI) and returns 0.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Argv } from "yargs";
import { ExitCode, exitCodeOf, type Io } from "../io";
import { errnoText, faultOf } from "../../util/errno";
import { templatesDir } from "../../util/paths";
import { changeQueue } from "../../util/change-queue";
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

/** `dev:ino` of the directory at `dir`, or undefined if there is none (missing, or not a directory). */
function dirIdentity(dir: string): string | undefined {
  try {
    const stat = fs.statSync(dir);
    return stat.isDirectory() ? `${stat.dev}:${stat.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/** Ignore editor droppings (swap files, backups) in the watched directories. */
const isNoise = (name: string): boolean => /(^|\/)\.[^/]*$|~$|\.swp$|\.swx$|^4913$/.test(name);

export function watch(args: WatchArgs, io: Io, options: WatchOptions): Promise<number> {
  const where = locate(io, args.spec, args.out, args.anchor);
  const out = where.outArg.replace(/\/+$/, "");
  const specName = path.basename(where.specPath);
  const templates = templatesDir();
  const templatesShown = displayPathOf(io, templates);
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;

  /** Whether a run of this watch wrote (or found) output the spec produces. */
  let produced = false;
  const specDir = path.dirname(where.specPath);
  const specDirShown = displayPathOf(io, specDir);
  /** Whether the spec's directory is known to be gone (and was reported so). */
  let specDirGone = false;
  const reportSpecDirGone = (): void => {
    if (specDirGone) return;
    specDirGone = true;
    io.stdout(
      `[${clock()}] ${specDirShown}/ is gone; ` +
        (produced
          ? `keeping the last good output in ${out}/`
          : `nothing written to ${out}/ (left as it was)`) +
        `; waiting for it to come back\n`,
    );
  };
  /** One regeneration; `why` names what changed, or is empty for the first run. */
  const once = async (why: readonly string[]): Promise<void> => {
    if (dirIdentity(specDir) === undefined) return reportSpecDirGone();
    const outcome = await regenerate(where, args, io.env);
    const prefix = `[${clock()}] ${why.length ? `${why.join(", ")} changed: ` : ""}`;
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
    const watchers: fs.FSWatcher[] = [];
    let finished = false;
    // A bug in regcache, not in the spec, stops watching: the CLI reports it.
    const queue = changeQueue(once, { quietMs: debounceMs, onError: (error) => finish({ error }) });

    const finish = (outcome: { code: number } | { error: unknown }) => {
      if (finished) return;
      finished = true;
      for (const w of watchers) w.close();
      specDirWatch?.watcher.close();
      target?.watcher?.close();
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
    const failed = (what: string) => (err: Error) => {
      io.stderr(`regcache: error: cannot watch ${what}: ${errnoText(err)}\n`);
      finish({ code: exitCodeOf(faultOf(err)) });
    };

    /*
     * A symlinked spec: edits land on the file it points to, in that file's
     * directory, so that directory is watched too, and re-resolved whenever the
     * link's own directory changes (the link swapped to another spec).
     */
    let target: { path: string; watcher?: fs.FSWatcher } | undefined;
    const followLink = () => {
      let real: string | undefined;
      try {
        real = fs.realpathSync(where.specPath);
      } catch {
        real = undefined; // a dangling link or a missing spec: the next run reports it
      }
      if (real === target?.path) return;
      target?.watcher?.close();
      target = real === undefined ? undefined : { path: real };
      if (!target || finished) return;
      const realName = path.basename(target.path);
      const realDir = path.dirname(target.path);
      if (realDir === path.dirname(where.specPath) && realName === specName) return;
      try {
        const watcher = fs.watch(realDir, (_event, name) => {
          if (name === null || name === realName) queue.changed(where.displayPath);
        });
        watcher.on("error", () => undefined); // its directory went away: the link will change too
        target.watcher = watcher;
      } catch {
        // the target's directory cannot be watched; the link's directory still is
      }
    };

    /*
     * The spec's directory, known by its identity: a watcher follows the inode
     * it was opened on, so one on a directory since removed or replaced sees
     * nothing more. Re-checked on every event in it or in its parent; a new
     * directory gets a new watcher and a run (its spec may differ).
     */
    let specDirWatch: { watcher: fs.FSWatcher; identity: string } | undefined;
    const armSpecDir = (): void => {
      if (finished) return;
      const identity = dirIdentity(specDir);
      if (identity !== undefined && identity === specDirWatch?.identity) return;
      // Another directory than the one watched, or one back after it was gone.
      const replaced = specDirWatch !== undefined || specDirGone;
      specDirWatch?.watcher.close();
      specDirWatch = undefined;
      if (identity === undefined) return reportSpecDirGone();
      let watcher: fs.FSWatcher;
      try {
        watcher = fs.watch(specDir, (_event, name) => {
          armSpecDir();
          if (name === null || name === specName) {
            followLink(); // the link itself may now point elsewhere
            queue.changed(where.displayPath);
          }
        });
      } catch (err) {
        // Gone again between the check and the watch: its parent's next event re-arms.
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return reportSpecDirGone();
        return failed(specDirShown)(err as Error);
      }
      watcher.on("error", failed(specDirShown));
      specDirWatch = { watcher, identity };
      specDirGone = false;
      if (replaced) {
        followLink();
        queue.changed(where.displayPath);
      }
    };

    if (options.signal.aborted) return finish({ code: ExitCode.ok });
    options.signal.addEventListener("abort", onAbort);
    try {
      // At the start the directory must exist: a path the user named.
      if (dirIdentity(specDir) === undefined) {
        fs.statSync(specDir); // throws its errno when missing
        throw Object.assign(new Error("not a directory"), { code: "ENOTDIR", path: specDir });
      }
      armSpecDir();
      if (finished) return;
      const specParent = path.dirname(specDir);
      if (specParent !== specDir) {
        const parentName = path.basename(specDir);
        const parentWatcher = fs.watch(specParent, (_event, name) => {
          if (name === null || name === parentName) armSpecDir();
        });
        // The parent itself gone: the spec's directory cannot come back without it.
        parentWatcher.on("error", () => undefined);
        watchers.push(parentWatcher);
      }
      followLink();
      const templateWatcher = fs.watch(templates, { recursive: true }, (_event, name) => {
        const file = name === null ? "" : String(name).split(path.sep).join("/");
        if (!isNoise(file)) queue.changed(file ? `${templatesShown}/${file}` : templatesShown);
      });
      templateWatcher.on("error", failed(templatesShown));
      watchers.push(templateWatcher);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      failed(displayPathOf(io, e.path ?? path.dirname(where.specPath)))(e);
      return;
    }
    queue.run([], () =>
      io.stdout(
        `[${clock()}] watching ${where.displayPath} and ${templatesShown}/ (Ctrl-C to stop)\n`,
      ),
    );
  });
}
