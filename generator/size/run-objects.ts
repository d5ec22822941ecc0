/*
 * `regcache size --objects OLD NEW` as a library: one report over two object
 * files or two object trees someone else built (measure/objects.ts says how
 * they are paired and how `ld -r` composites are counted once). Nothing is
 * compiled; the budget and both paths are checked before anything is read in
 * bulk. Edge: reads the objects and the budget file; writes nothing.
 */
import * as path from "path";
import { loadBudget } from "./inputs/files";
import { measureTree, pairObjects, readSide } from "./measure/objects";
import { failure, invalid, SizeOutcome } from "./outcome";
import { applyBudget } from "./report/budget";
import { configReport, crossConfigRows, REPORT_VERSION, SizeReport } from "./report/report";

export interface ObjectsRequest {
  readonly cwd: string;
  /** An object file or a directory of them, as built before and after. */
  readonly old: string;
  readonly new: string;
  readonly budget?: string;
}

/** The report's one "config": the objects as they were built, by whatever built them. */
export const OBJECTS_CONFIG = "objects";

export function runObjects(request: ObjectsRequest): SizeOutcome {
  const budget = request.budget ? loadBudget(request.cwd, request.budget) : undefined;
  const [oldPath, newPath] = [request.old, request.new].map((p) => path.resolve(request.cwd, p));
  const input = pairObjects(oldPath, newPath);
  if (!input.ok || (budget && !budget.ok))
    return failure("invalid-input", {
      problems: input.ok ? [] : [input.problem],
      diagnostics: budget && !budget.ok ? budget.diagnostics : [],
    });

  const trees = [];
  for (const [side, file] of [
    ["old", oldPath],
    ["new", newPath],
  ] as const) {
    const read = readSide(file, input.kind, input.pairs, side);
    if (!read.ok) return failure("invalid-input", { problems: [read.problem] });
    trees.push(measureTree(read.objects));
  }
  const [oldTree, newTree] = trees;
  const config = configReport({
    name: OBJECTS_CONFIG,
    compiler: "none",
    command: "",
    compilerVersion: "",
    retpoline: false,
    flags: [],
    base: oldTree.symbols,
    head: newTree.symbols,
  });
  const report: SizeReport = {
    version: REPORT_VERSION,
    spec: request.new,
    base: request.old,
    configs: [config],
    skipped: [],
    crossConfig: crossConfigRows([config]),
    sources: [],
    objects: {
      kind: input.kind,
      pairs:
        input.kind === "file"
          ? [{ path: path.basename(request.new), old: true, new: true }]
          : input.pairs.map((p) => ({ ...p })),
      composites: [
        ...oldTree.composites.map((c) => ({ side: "old" as const, ...c })),
        ...newTree.composites.map((c) => ({ side: "new" as const, ...c })),
      ],
    },
  };
  if (!budget?.ok || !request.budget) return { ok: true, report };
  const checked = applyBudget(report, budget.budget, request.budget, [OBJECTS_CONFIG]);
  return checked.ok ? { ok: true, report: checked.report } : invalid(checked.diagnostics);
}
