/*
 * A size run of a real tree, once its inputs are prepared (inputs/tree.ts):
 * probe the database's compiler, compile every unit on both sides in a
 * private root (a scratch directory, or --keep DIR, cleared and recorded as
 * for the handler suite: private-root.ts), measure, and return the one
 * measured config. Edge: runs compilers, writes under the private root
 * only.
 */
import * as os from "os";
import { DetectedCompiler, ExecContext, forRun } from "../../toolchain/compilers";
import { diag, PreparedTree, treeConfig } from "../inputs/tree";
import { failure, invalid, type MeasureOptions, SizeFailure, SizeHooks } from "../outcome";
import type { MeasuredConfig } from "../report/report";
import { detectCompilers, Measured } from "./build";
import { inPrivateRoot } from "./private-root";
import { measureTree, planTree } from "./tree";

/** Compiles and measures the prepared tree with `compiler` under `root`. */
async function measurePreparedTree(
  tree: PreparedTree,
  ctx: {
    readonly root: string;
    readonly compiler: DetectedCompiler;
    readonly parallel: number;
    readonly exec: ExecContext;
    readonly hooks: SizeHooks;
  },
): Promise<{ ok: true; measured: MeasuredConfig } | SizeFailure> {
  const planned = planTree({ ...tree, root: ctx.root });
  if (!planned.ok)
    return invalid(
      planned.problems.map((p) =>
        diag("RC651", `entry ${p.unit.index} (${p.unit.file})`, p.problem),
      ),
    );
  const onProgress = ctx.hooks.onProgress;
  const result = await measureTree({ ...tree, root: ctx.root }, planned.jobs, {
    parallel: ctx.parallel,
    exec: ctx.exec,
    ...(onProgress
      ? { onProgress: (done, total, current) => onProgress(done, total, "tree", current) }
      : {}),
  });
  if (!result.ok) {
    if (result.kind === "overlay") return invalid(result.problems.map((p) => diag("RC652", p)));
    const messages = result.failures
      .slice(0, 5)
      .map((f) => `compile failed:\n  ${f.argv.join(" ")}\n${f.output}`);
    if (result.failures.length > 5)
      messages.push(`${result.failures.length - 5} more compile failures`);
    return failure("environment", { messages });
  }
  const m = result.measurement;
  if (m.measuredUnits.length === 0) return invalid([diag("RC647", tree.header)]);
  ctx.hooks.onNote?.(
    `${m.measuredUnits.length} units include ${tree.header}` +
      (m.unaffectedUnits.length > 0
        ? `; ${m.unaffectedUnits.length} do not (compiled once, not reported)`
        : ""),
  );
  // Named as the run's matrix names it (treeConfig), which budget rules are checked against.
  const config = treeConfig(tree);
  return {
    ok: true,
    measured: {
      name: config.name,
      compiler: /clang/i.test(ctx.compiler.version) ? "clang" : "gcc",
      command: ctx.compiler.command,
      compilerVersion: ctx.compiler.version,
      retpoline: config.retpoline,
      flags: config.flags,
      base: m.base,
      head: m.head,
    },
  };
}

/** Probes the tree's compiler, compiles both sides, measures. */
export async function runTree(
  tree: PreparedTree,
  options: MeasureOptions,
): Promise<Measured | SizeFailure> {
  const { runnables } = await detectCompilers([treeConfig(tree)]);
  if (runnables.length === 0)
    return failure("environment", {
      messages: [`the database's compiler ${tree.compiler} does not run`],
    });
  const compiler = runnables[0].compiler;
  const result = await inPrivateRoot(options, (root) =>
    measurePreparedTree(tree, {
      root,
      compiler,
      parallel: options.jobs && options.jobs > 0 ? options.jobs : os.availableParallelism(),
      exec: forRun(options.exec, root, [compiler], options.env),
      hooks: options.hooks,
    }),
  );
  if (!result.ok) return result;
  const sizes = new Map([
    [
      result.measured.name,
      new Map([
        ["base", result.measured.base],
        ["head", result.measured.head],
      ]),
    ],
  ]);
  return { ok: true, measured: [result.measured], skipped: [], sizes };
}
