/*
 * One measurement run: write each side's generated headers under the output
 * root, compile the suite for every (config, side), and fold each build's
 * symbols. Edge module: it writes files and runs compilers through compile.ts.
 *
 *   <root>/headers/<side>/c/*.h         the generated headers each side used
 *   <root>/<config>/<side>/*.o          the objects
 *   <root>/<config>/commands.sh         the exact compile commands
 */
import * as fs from "fs";
import * as path from "path";
import {
  compileAll,
  CompileFailure,
  DetectedCompiler,
  ExecContext,
  measureObjects,
  planJobs,
  Side,
  writeCommandScripts,
} from "./compile";
import { SizeConfig } from "./matrix";
import { Suite } from "./suite";
import { SymbolSize } from "../toolchain/symbols";

export interface HeaderSet {
  /** base, head, or what-if-<register>: the side's directory name. */
  readonly name: string;
  readonly files: readonly { readonly path: string; readonly contents: string }[];
}

export interface Runnable {
  readonly config: SizeConfig;
  readonly compiler: DetectedCompiler;
}

export interface BuildContext {
  readonly root: string;
  readonly cwd: string;
  readonly suite: Suite;
  readonly parallel: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Launcher and object cache (none: compile everything directly). */
  readonly exec?: ExecContext;
}

/** Sizes per config name, then per side name. */
export type Measurements = ReadonlyMap<string, ReadonlyMap<string, readonly SymbolSize[]>>;

export type BuildResult =
  | { ok: true; sizes: Measurements }
  | { ok: false; failures: readonly CompileFailure[] }
  | { ok: false; message: string; failures?: undefined };

function writeHeaders(root: string, set: HeaderSet): Side {
  const dir = path.join(root, "headers", set.name);
  const includeDirs = new Set<string>();
  for (const file of set.files) {
    const target = path.join(dir, ...file.path.split("/"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.contents);
    if (file.path.endsWith(".h")) includeDirs.add(path.dirname(target));
  }
  return { name: set.name, includeDirs: [...[...includeDirs].sort()] };
}

export async function buildAndMeasure(
  ctx: BuildContext,
  runnables: readonly Runnable[],
  headerSets: readonly HeaderSet[],
): Promise<BuildResult> {
  const sides = headerSets.map((set) => {
    const side = writeHeaders(ctx.root, set);
    return { ...side, includeDirs: [...side.includeDirs, ...ctx.suite.includeDirs] };
  });
  const jobs = planJobs(
    ctx.root,
    runnables.map((r) => ({ ...r, sides })),
    ctx.suite.sources,
  );
  writeCommandScripts(ctx.root, jobs, ctx.cwd);
  const failures = await compileAll(jobs, {
    cwd: ctx.cwd,
    parallel: ctx.parallel,
    onProgress: ctx.onProgress,
    exec: ctx.exec,
  });
  if (failures.length > 0) return { ok: false, failures };

  const sizes = new Map<string, Map<string, readonly SymbolSize[]>>();
  for (const { config } of runnables) {
    const perSide = new Map<string, readonly SymbolSize[]>();
    for (const side of sides) {
      const objects = jobs
        .filter((j) => j.config === config && j.side.name === side.name)
        .map((j) => j.object);
      const measured = measureObjects(objects);
      if (!measured.ok) return { ok: false, message: measured.message };
      perSide.set(side.name, measured.symbols);
    }
    sizes.set(config.name, perSide);
  }
  return { ok: true, sizes };
}
