/*
 * Measuring a real tree from its compile database: each selected unit is
 * compiled with its own recorded command twice, once per side, against a
 * private overlay of the header's directory (overlay.ts) with outputs
 * redirected (rewrite.ts). Edge module: it writes under the run's private
 * root and runs compilers through toolchain/compilers.ts; the user's tree and build
 * directory are only read.
 *
 *   <root>/overlay/<side>/…             the mirror of the header's directory
 *   <root>/<side>/<path in tree>.o      objects (and .o.d dependency files)
 *   <root>/commands.sh                  the exact commands, runnable by hand
 *
 * A unit that includes none of the overridden files is compiled once (head)
 * and left out of the report: its object is the same on both sides. The
 * dependency files decide that, and they also prove the overlay held: a unit
 * that reached one of the tree's own overridden files is an error.
 */
import * as fs from "fs";
import * as path from "path";
import type { CompileCommand } from "../../toolchain/compile-db";
import { inside } from "../../util/paths";
import { ExecContext, execCompile, runPool } from "../../toolchain/compilers";
import { measureObjects } from "./build";
import { createOverlay, OverlayFile } from "./overlay";
import { rewriteCommand } from "./rewrite";
import { SymbolSize } from "../../toolchain/symbols";

export interface TreeSide {
  /** "base" or "head": the directory name. */
  readonly name: string;
  /** Files the side puts into the overlaid directory (relative names). */
  readonly files: readonly OverlayFile[];
}

export interface TreePlan {
  /** The run's private root (temp dir or --keep). */
  readonly root: string;
  /** Source tree root: objects are named by their path below it. */
  readonly treeRoot: string;
  /** The overlaid directory (absolute), where the generated header stands. */
  readonly headerDir: string;
  readonly units: readonly CompileCommand[];
  /** Exactly two: base first, then head. */
  readonly sides: readonly [TreeSide, TreeSide];
}

interface UnitJob {
  readonly unit: CompileCommand;
  readonly side: TreeSide;
  readonly argv: readonly string[];
  readonly object: string;
  readonly depfile: string;
}

export type TreePlanResult =
  | { ok: true; jobs: { base: UnitJob[]; head: UnitJob[] } }
  | { ok: false; problems: { unit: CompileCommand; problem: string }[] };

const overlayDirOf = (root: string, side: TreeSide) => path.join(root, "overlay", side.name);

function objectName(plan: TreePlan, unit: CompileCommand): string {
  const rel = inside(plan.treeRoot, unit.file);
  const stem = rel ?? path.join("outside-tree", `${unit.index}-${path.basename(unit.file)}`);
  return stem.replace(/\.[^./]+$/, "") + ".o";
}

/** Rewrites every unit's command for both sides; all problems at once, before anything runs. */
export function planTree(plan: TreePlan): TreePlanResult {
  const problems: { unit: CompileCommand; problem: string }[] = [];
  const jobsOf = (side: TreeSide) =>
    plan.units.flatMap((unit) => {
      const object = path.join(plan.root, side.name, objectName(plan, unit));
      const depfile = `${object}.d`;
      const map = { treeDir: plan.headerDir, overlayDir: overlayDirOf(plan.root, side) };
      const rewritten = rewriteCommand(unit, map, { object, depfile });
      if (!rewritten.ok) {
        if (side.name === plan.sides[1].name) problems.push({ unit, problem: rewritten.problem });
        return [];
      }
      return [{ unit, side, argv: rewritten.argv, object, depfile }];
    });
  const head = jobsOf(plan.sides[1]);
  const base = jobsOf(plan.sides[0]);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, jobs: { base, head } };
}

export interface TreeMeasurement {
  readonly base: readonly SymbolSize[];
  readonly head: readonly SymbolSize[];
  /** Units whose objects the report holds (they include an overridden file), tree-relative. */
  readonly measuredUnits: readonly string[];
  /** Units compiled once and left out: they include none of the overridden files. */
  readonly unaffectedUnits: readonly string[];
}

export type TreeResult =
  | { ok: true; measurement: TreeMeasurement }
  | { ok: false; kind: "compile"; failures: { argv: readonly string[]; output: string }[] }
  | { ok: false; kind: "overlay"; problems: string[] };

function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_\-+=/.,:@%]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function writeCommands(plan: TreePlan, jobs: readonly UnitJob[]): void {
  const lines = ["#!/bin/sh", "# regcache size --compile-commands: the commands as run.", "set -e"];
  for (const job of jobs)
    lines.push(
      `mkdir -p ${shellQuote(path.dirname(job.object))}`,
      `(cd ${shellQuote(job.unit.directory)} && ${job.argv.map(shellQuote).join(" ")})`,
    );
  fs.writeFileSync(path.join(plan.root, "commands.sh"), lines.join("\n") + "\n", { mode: 0o755 });
}

/**
 * Builds the overlays, compiles head for every unit and base for the units
 * whose head compile read an overridden file, checks that no compile read
 * the tree's own copy of one, and folds each side's symbols.
 */
export async function measureTree(
  plan: TreePlan,
  jobs: { base: readonly UnitJob[]; head: readonly UnitJob[] },
  options: {
    readonly parallel: number;
    readonly exec: ExecContext;
    /**
     * Units done of all units (a unit is done when the compiles it needs have
     * finished: head, and base when head read an overridden file); called as
     * each compile starts, with that unit's tree-relative path and side, and
     * as each unit is done, without one.
     */
    readonly onProgress?: (done: number, total: number, current?: string) => void;
  },
): Promise<TreeResult> {
  for (const side of plan.sides)
    createOverlay(plan.headerDir, overlayDirOf(plan.root, side), side.files);
  writeCommands(plan, [...jobs.head, ...jobs.base]);

  const overridden = [...new Set(plan.sides.flatMap((s) => s.files.map((f) => f.name)))];
  const treeCopies = new Set(
    overridden
      .map((name) => path.join(plan.headerDir, ...name.split("/")))
      .filter((file) => fs.existsSync(file)),
  );
  const headOverridden = new Set(
    overridden.map((name) => path.join(overlayDirOf(plan.root, plan.sides[1]), ...name.split("/"))),
  );
  const problems: string[] = [];
  const checkLeak = (job: UnitJob, deps: readonly string[]) => {
    const leaked = deps.filter((d) => treeCopies.has(d));
    if (leaked.length > 0)
      problems.push(
        `${job.unit.file} (${job.side.name}) read ${leaked.join(", ")} from the tree, not the overlay: it reaches the header by a path outside ${plan.headerDir}`,
      );
  };

  type Outcome =
    | { ok: true; deps: readonly string[]; affected: boolean }
    | { ok: false; argv: readonly string[]; output: string };
  const headResults: Promise<Outcome>[] = [];
  const resolvers: ((o: Outcome) => void)[] = [];
  for (let i = 0; i < jobs.head.length; i++)
    headResults.push(new Promise<Outcome>((resolve) => resolvers.push(resolve)));

  const total = jobs.head.length;
  let unitsDone = 0;
  const unitDone = () => options.onProgress?.(++unitsDone, total);
  const run = async (job: UnitJob): Promise<Outcome> => {
    const shown = inside(plan.treeRoot, job.unit.file) ?? job.unit.file;
    options.onProgress?.(unitsDone, total, `${shown} (${job.side.name})`);
    const result = await execCompile(
      { argv: job.argv, cwd: job.unit.directory, object: job.object, depfile: job.depfile },
      options.exec,
    );
    if (!result.ok) return { ok: false, argv: job.argv, output: result.output };
    const deps = result.deps ?? [];
    checkLeak(job, deps);
    return { ok: true, deps, affected: deps.some((d) => headOverridden.has(d)) };
  };
  const baseByFile = new Map(jobs.base.map((job) => [job.unit.file, job]));
  const needsBase = (job: UnitJob, head: Outcome) =>
    head.ok && head.affected && baseByFile.has(job.unit.file);
  const headTasks = jobs.head.map((job, i) => async () => {
    const outcome = await run(job);
    if (!needsBase(job, outcome)) unitDone();
    resolvers[i](outcome);
    return outcome;
  });
  const baseTasks = jobs.head.map((headJob, i) => async (): Promise<Outcome | undefined> => {
    const head = await headResults[i];
    if (!needsBase(headJob, head)) return undefined;
    const outcome = await run(baseByFile.get(headJob.unit.file)!);
    unitDone();
    return outcome;
  });
  const all = await runPool<Outcome | undefined>([...headTasks, ...baseTasks], options.parallel);
  const failures = all.filter(
    (o): o is Extract<Outcome, { ok: false }> => o !== undefined && !o.ok,
  );
  if (failures.length > 0) return { ok: false, kind: "compile", failures };
  if (problems.length > 0) return { ok: false, kind: "overlay", problems };

  const headOutcomes = all.slice(0, jobs.head.length) as Extract<Outcome, { ok: true }>[];
  const measured = jobs.head.filter((_, i) => headOutcomes[i].affected);
  const unaffected = jobs.head.filter((_, i) => !headOutcomes[i].affected);
  const relative = (job: UnitJob) => objectName(plan, job.unit).replace(/\.o$/, "");
  const headSizes = measureObjects(measured.map((j) => j.object));
  const baseSizes = measureObjects(measured.map((j) => baseByFile.get(j.unit.file)!.object));
  if (!headSizes.ok || !baseSizes.ok)
    return {
      ok: false,
      kind: "compile",
      failures: [
        {
          argv: [],
          output: (!headSizes.ok ? headSizes : (baseSizes as { message: string })).message,
        },
      ],
    };
  return {
    ok: true,
    measurement: {
      base: baseSizes.symbols,
      head: headSizes.symbols,
      measuredUnits: measured.map(relative),
      unaffectedUnits: unaffected.map(relative),
    },
  };
}
