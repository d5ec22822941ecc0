/*
 * `regcache size` as a library: a SizeRequest in, a SizeReport out (or the
 * kind of failure that stopped it). It generates the headers of both sides
 * (head from the spec, base from --base), compiles the handler suite on every
 * config of the matrix or a real tree's units with their own commands, and
 * measures every function the way scripts/bloat-o-meter does; with a budget,
 * the report carries its breaches. Every input is read and checked before the
 * first compile. Edge: reads the inputs, runs compilers, writes only under a
 * private root (or the request's keep directory); never prints.
 */
import * as fs from "fs";
import type { SourceFile } from "../core/diagnostics/diagnostic";
import { loadModel } from "../generate/produce";
import { resolveSpecArg } from "../generate/specs";
import { packageRoot, shownPath } from "../util/paths";
import { loadBudget, readInput } from "./inputs/files";
import {
  defaultConfigs,
  DispatchStyle,
  mergeConfigs,
  parseConfigFile,
  selectConfigs,
  selectionOf,
  SizeConfig,
  withDispatch,
} from "./inputs/matrix";
import { prepareKeepDir } from "./inputs/output";
import { generateSides } from "./inputs/sides";
import { parseBaseOption } from "./inputs/sources";
import { checkTreeOptions, PreparedTree, prepareTree, treeConfig } from "./inputs/tree";
import { treeSetWarnings } from "./inputs/tree-sets";
import { detectCompilers, HeaderSet } from "./measure/build";
import { finishExec, prepareExec } from "./measure/exec";
import { explainRows, planWhatIfs, registersReached } from "./measure/explain";
import { findSuite } from "./measure/suite";
import { checkSuiteRegisters, runSuite } from "./measure/suite-run";
import { runTree } from "./measure/tree-run";
import { sizeDiagnostic } from "./messages";
import { failure, invalid, SizeHooks, SizeOutcome } from "./outcome";
import { applyBudget, checkBudgetConfigs } from "./report/budget";
import { buildReport } from "./report/report";

/** What to measure, and against what. Paths are relative to `cwd`. */
export interface SizeRequest extends SizeHooks {
  readonly cwd: string;
  /** For the object cache's settings and the compilers' identities. */
  readonly env: NodeJS.ProcessEnv;
  /** The head spec: a file, or a bundled spec's name. */
  readonly spec: string;
  /** all-cached (default), a spec file, git:REV[:PATH], or (with compileCommands) tree. */
  readonly base?: string;
  /** Compiler families and config names to run (default: all); a value may list several, comma-separated. */
  readonly compilers?: readonly string[];
  readonly configs?: readonly string[];
  /** A YAML/JSON file adding configs to the matrix. */
  readonly configFile?: string;
  readonly dispatch?: readonly DispatchStyle[];
  /** A budget file: the report carries its breaches. */
  readonly budget?: string;
  /** Keep headers, objects and commands here instead of a scratch directory. */
  readonly keep?: string;
  /** Parallel compiles (default: the number of cores). */
  readonly jobs?: number;
  readonly explain?: boolean;
  /** Measure a real tree: its compile_commands.json, the header it stands for, unit globs. */
  readonly compileCommands?: string;
  readonly header?: string;
  readonly units?: readonly string[];
  readonly launcher?: string;
  /** false: compile everything, the object cache unused. */
  readonly cache?: boolean;
}

const DEFAULT_BASE = "all-cached";
const commandLine: SourceFile = { displayPath: "command line", text: "" };

export async function runSize(request: SizeRequest): Promise<SizeOutcome> {
  const { cwd } = request;
  const baseOption = request.base ?? DEFAULT_BASE;
  const hooks: SizeHooks = request;

  // A compile database is one config; the cache and the launcher are checked up front.
  const treeMode = request.compileCommands !== undefined;
  const optionProblems = checkTreeOptions({ ...request, base: baseOption });
  if (optionProblems.length > 0) return invalid(optionProblems);
  const exec = await prepareExec(request, request.env);
  if (!exec.ok) return invalid(exec.diagnostics);

  // The matrix.
  let all: SizeConfig[] = treeMode ? [] : defaultConfigs();
  if (request.configFile) {
    const read = readInput(cwd, request.configFile);
    if (!read.ok) return invalid([read.diagnostic]);
    const parsed = parseConfigFile(read.file);
    if (!parsed.ok) return invalid(parsed.diagnostics);
    all = mergeConfigs(all, parsed.configs);
  }
  const selected = selectConfigs(all, selectionOf(request.compilers, request.configs));
  if (!selected.ok)
    return invalid(
      selected.problems.map((p) => sizeDiagnostic(p.code, commandLine, undefined, ...p.args)),
    );

  // The budget, checked before any compile so a typo fails fast. The config names its
  // rules give are checked against the matrix here, and against a tree's one config once
  // the tree is prepared (its name is its recorded compiler's).
  const budget = request.budget ? loadBudget(cwd, request.budget) : undefined;
  if (budget && !budget.ok) return invalid(budget.diagnostics);
  const budgetConfigProblems = (names: readonly string[]) =>
    budget?.ok ? checkBudgetConfigs(budget.budget, names) : [];
  if (!treeMode) {
    const problems = budgetConfigProblems(all.map((c) => c.name));
    if (problems.length > 0) return invalid(problems);
  }
  if (request.keep) {
    const problem = prepareKeepDir(cwd, request.keep, { dryRun: true });
    if (problem) return failure("invalid-input", { problems: [problem] });
  }

  // Head and base headers, generated while the compilers are probed.
  const baseIsTree = treeMode && baseOption === "tree";
  const base = baseIsTree ? ({ kind: "all-cached" } as const) : parseBaseOption(baseOption);
  if (!base) return invalid([sizeDiagnostic("RC615", commandLine, undefined, baseOption)]);
  const configs = withDispatch(selected.configs, request.dispatch ?? []);
  const compilers = detectCompilers(configs);
  const specPath = resolveSpecArg(cwd, request.spec).specPath;
  const generated = generateSides({ cwd, spec: request.spec, base });
  if (!generated.ok) return failure(generated.kind, { diagnostics: generated.diagnostics });
  const sides = baseIsTree ? { ...generated, base: [], baseLabel: "tree" } : generated;
  let tree: PreparedTree | undefined;
  if (request.compileCommands !== undefined) {
    const prepared = prepareTree(
      cwd,
      { ...request, compileCommands: request.compileCommands, baseIsTree, kernel: sides.kernel },
      { head: sides.head, ...(baseIsTree ? {} : { base: sides.base }) },
    );
    if (!prepared.ok) return invalid(prepared.diagnostics);
    tree = prepared.tree;
    all = [treeConfig(tree)];
    // The spec against the tree's own sets: warned of before the report, never judged.
    const loaded = loadModel({ specPath, displayPath: request.spec });
    if (loaded.ok)
      for (const line of await treeSetWarnings(cwd, loaded.model, request.compileCommands))
        hooks.onNote?.(line);
    const problems = budgetConfigProblems(all.map((c) => c.name));
    if (problems.length > 0) return invalid(problems);
  } else {
    // The handler suite includes c/kvm_cache_regs.h; a kernel spec writes only the kernel's block.
    for (const [side, files] of [
      [request.spec, sides.head],
      [baseOption, sides.base],
    ] as const)
      if (!files.some((f) => f.path === "c/kvm_cache_regs.h"))
        return invalid([
          sizeDiagnostic(
            "RC660",
            commandLine,
            undefined,
            side === "all-cached" ? request.spec : side,
          ),
        ]);
    // One suite per accessor shape: both sides must be of the head's.
    if (baseOption !== "all-cached" && sides.modeAware.head !== sides.modeAware.base) {
      const shape = (modeAware: boolean) =>
        modeAware ? "Linux 7.2's (gpr_family: mode_aware)" : "Linux 6.x's";
      return invalid([
        sizeDiagnostic(
          "RC661",
          commandLine,
          undefined,
          request.spec,
          shape(sides.modeAware.head),
          sides.baseLabel,
          shape(sides.modeAware.base),
        ),
      ]);
    }
  }
  const headerSets: HeaderSet[] = [
    { name: "base", files: sides.base },
    { name: "head", files: sides.head },
  ];

  // What-if header sets for --explain: only registers the suite reaches can change its size.
  const found = findSuite(packageRoot(), sides.modeAware.head ? "7.2" : "6.x");
  let whatIfs: ReturnType<typeof planWhatIfs> | undefined;
  let unreached: { name: string; lazyIn: readonly string[] }[] = [];
  if (request.explain) {
    const loaded = loadModel({ specPath, displayPath: request.spec });
    if (!loaded.ok) return invalid(loaded.diagnostics);
    const lazy = loaded.model.registers.filter((r) => r.lazyIn.length > 0);
    const reached = found.ok
      ? registersReached(
          loaded.model,
          lazy.map((r) => r.name),
          found.suite.sources.map((p) => ({ path: p, text: fs.readFileSync(p, "utf8") })),
        )
      : new Set(lazy.map((r) => r.name));
    unreached = lazy.filter((r) => !reached.has(r.name));
    whatIfs = planWhatIfs(
      { specPath, displayPath: request.spec, text: loaded.specText },
      lazy.filter((r) => reached.has(r.name)),
    );
    if (!whatIfs.ok) return invalid(whatIfs.diagnostics);
    headerSets.push(...whatIfs.whatIfs.map((w) => w.headers));
  }

  // The handler suite's accessor calls against each side's registers (RC619, RC622), before compiling.
  if (!tree && found.ok) {
    const dropped = checkSuiteRegisters(
      found.suite,
      [
        { label: request.spec, files: sides.head, registers: sides.headRegisters },
        // An all-cached base is the head spec itself: one report of its registers is enough.
        ...(sides.baseLabel === "all-cached"
          ? []
          : [{ label: sides.baseLabel, files: sides.base, registers: sides.baseRegisters }]),
      ],
      (file) => shownPath(cwd, file),
    );
    if (dropped.length > 0) return invalid(dropped);
  }

  // Compile and measure: the tree's units, or the handler suite over the matrix.
  const where = { cwd, env: request.env, keep: request.keep, jobs: request.jobs, hooks };
  let ran;
  if (tree) ran = await runTree(tree, { ...where, exec: exec.context });
  else {
    const detected = await compilers;
    if (!found.ok) return failure("environment", { messages: [found.message] });
    ran = await runSuite(found.suite, detected, headerSets, { ...where, exec: exec.context });
  }
  if (!ran.ok) return ran;
  const { measured, skipped, sizes } = ran;
  const execLine = finishExec(exec.context, tree !== undefined);
  if (execLine) hooks.onNote?.(execLine);

  // The report, and the budget's breaches.
  const report = buildReport({
    spec: request.spec,
    base: sides.baseLabel,
    measured,
    skipped,
    baseFiles: sides.base,
    headFiles: sides.head,
    ...(whatIfs?.ok
      ? {
          explain: explainRows(
            whatIfs.whatIfs,
            measured.map((m) => m.name),
            sizes,
            unreached,
          ),
        }
      : {}),
  });
  if (!budget?.ok || !request.budget) return { ok: true, report };
  const checked = applyBudget(
    report,
    budget.budget,
    request.budget,
    all.map((c) => c.name),
  );
  return checked.ok ? { ok: true, report: checked.report } : invalid(checked.diagnostics);
}
