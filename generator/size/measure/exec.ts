/*
 * How a size run's compiles run: --launcher (checked by running it with
 * --version) and the object cache (REGCACHE_CACHE_DIR, REGCACHE_CACHE_MAX,
 * --no-cache), checked before any work; and afterwards the cache trimmed to
 * its bound and one line saying what ran and what the cache gave. Edge: runs
 * the launcher once, trims the cache directory.
 */
import type { Diagnostic } from "../../core/diagnostics/diagnostic";
import { splitCommand } from "../../toolchain/compile-db";
import { ExecContext, execContext, probeLauncher } from "../../toolchain/compilers";
import { cacheFromEnv, trim } from "../../toolchain/object-cache";
import { diag } from "../inputs/tree";

/** The launcher and the object cache, checked before any work. */
export async function prepareExec(
  options: { readonly launcher?: string; readonly cache?: boolean },
  env: NodeJS.ProcessEnv,
): Promise<{ ok: true; context: ExecContext } | { ok: false; diagnostics: Diagnostic[] }> {
  const problems: Diagnostic[] = [];
  const fromEnv = cacheFromEnv(env);
  if (!fromEnv.ok) problems.push(diag("RC650", fromEnv.problem));
  let launcher: string[] | undefined;
  if (options.launcher !== undefined) {
    const split = splitCommand(options.launcher);
    if (!split.ok) problems.push(diag("RC654", options.launcher, `it has ${split.why}`));
    else if (split.argv.length === 0) problems.push(diag("RC654", options.launcher, "it is empty"));
    else {
      launcher = split.argv;
      const failed = await probeLauncher(launcher[0]);
      if (failed) problems.push(diag("RC648", options.launcher, failed));
    }
  }
  if (problems.length > 0) return { ok: false, diagnostics: problems };
  const cache = options.cache !== false && fromEnv.ok ? fromEnv.cache : undefined;
  return { ok: true, context: execContext(launcher, cache) };
}

/**
 * Trims the cache to its bound; then the line saying what ran and what the
 * cache gave, when `verbose` (a tree run, which already reports its units)
 * or a launcher is in use. The handler-suite run stays quiet, as ccache does.
 */
export function finishExec(exec: ExecContext, verbose: boolean): string | undefined {
  if (exec.cache) {
    try {
      trim(exec.cache.cache);
    } catch {
      // Trimming is housekeeping; a failure costs disk, never a figure.
    }
  }
  // Silent when neither is in use: the line is about the cache and the launcher.
  if (!exec.stats || (!exec.cache && !exec.launcher) || (!verbose && !exec.launcher))
    return undefined;
  const { compiled, cached } = exec.stats;
  const via = exec.launcher ? ` through ${exec.launcher.join(" ")}` : "";
  return (
    `${compiled} compiled${via}, ${cached} from the object cache` +
    (exec.cache ? ` (${exec.cache.cache.dir})` : " (cache off)")
  );
}
