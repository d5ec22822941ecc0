/*
 * `check --compile-commands`: the spec against the built kernel tree its
 * output lives in. Reads the tree's register enum and backend sets through
 * the tree's own compiler (toolchain/kernel-tree/read.ts), compares them with
 * the spec's model (compare.ts), and words the result for people (text) and
 * for the `tree` object of check's JSON document (docs/ci.md).
 *
 * checkTree is an edge (it runs the tree's compilers through read.ts);
 * the formatters are pure.
 */
import { lineColOf, formatDiagnostic, type Diagnostic } from "../core/diagnostics/diagnostic";
import { loadModel } from "../generate/produce";
import { compareWithTree, TREE_FIX, type TreeComparison } from "../toolchain/kernel-tree/compare";
import { readTreeRegisters } from "../toolchain/kernel-tree/read";

export interface TreeCheckRequest {
  /** The spec (absolute) and how diagnostics name it. */
  readonly specPath: string;
  readonly displayPath: string;
  /** The compile database (absolute). */
  readonly compileDb: string;
  readonly display: (absolutePath: string) => string;
  /** Probes done of total, as read.ts reports them. */
  readonly onProgress?: (done: number, total: number, unit?: string) => void;
}

export type TreeCheckResult =
  | {
      readonly ok: true;
      readonly comparison: TreeComparison;
      /** How many probes the tree's compiler ran. */
      readonly unitsCompiled: number;
      /** How many backend sets the tree builds. */
      readonly sets: number;
    }
  | {
      readonly ok: false;
      readonly diagnostics: readonly Diagnostic[];
      /** The environment failed (a compiler that does not run): exit 3, else 2. */
      readonly environment: boolean;
    };

/** Reads the tree and compares the spec with it; a spec or tree that cannot be read is the failure. */
export async function checkTree(req: TreeCheckRequest): Promise<TreeCheckResult> {
  const loaded = loadModel({ specPath: req.specPath, displayPath: req.displayPath });
  if (!loaded.ok) return { ok: false, diagnostics: loaded.diagnostics, environment: false };
  const read = await readTreeRegisters({
    compileDb: req.compileDb,
    display: req.display,
    ...(req.onProgress ? { onProgress: req.onProgress } : {}),
  });
  if (!read.ok) return read;
  return {
    ok: true,
    comparison: compareWithTree(loaded.model, read.value),
    unitsCompiled: read.value.unitsCompiled,
    sets: read.value.sets.length,
  };
}

/**
 * The text report: one line when they agree; else a summary, one line per
 * difference (backend and register first), the notes, and what to do.
 */
export function treeReportText(
  result: Extract<TreeCheckResult, { ok: true }>,
  ctx: { readonly spec: string; readonly db: string },
): string {
  const { differences, notes } = result.comparison;
  const noteLines = notes.map((n) => `  note: ${n}\n`).join("");
  if (differences.length === 0)
    return (
      `regcache: ${ctx.spec} agrees with the tree of ${ctx.db} (enum kvm_reg and ${result.sets} backend set${result.sets === 1 ? "" : "s"})\n` +
      noteLines
    );
  const k = differences.length;
  const lines = [
    `regcache: ${ctx.spec} disagrees with the tree of ${ctx.db}: ${k} difference${k === 1 ? "" : "s"}\n`,
  ];
  for (const d of differences) {
    const about = [d.backend, d.register].filter((x) => x !== undefined).join(" ");
    lines.push(`  ${about.padEnd(16)} ${d.message}\n`);
  }
  lines.push(noteLines, `regcache: to fix, ${TREE_FIX}\n`);
  return lines.join("");
}

/** The `tree` object of check's JSON document (docs/ci.md). */
export function treeJson(result: TreeCheckResult, db: string): Record<string, unknown> {
  if (!result.ok)
    return {
      compileCommands: db,
      status: "error",
      diagnostics: result.diagnostics.map((d) => {
        const at = d.span ? lineColOf(d.file.text, d.span.start) : undefined;
        return {
          code: d.code,
          message: d.message,
          file: d.file.displayPath,
          line: at?.line ?? null,
          column: at?.col ?? null,
          text: formatDiagnostic(d, false),
        };
      }),
    };
  const { differences, notes } = result.comparison;
  return {
    compileCommands: db,
    status: differences.length === 0 ? "agrees" : "differs",
    unitsCompiled: result.unitsCompiled,
    differences: differences.map((d) => ({
      kind: d.kind,
      register: d.register ?? null,
      backend: d.backend ?? null,
      message: d.message,
    })),
    notes,
    fix: differences.length === 0 ? null : TREE_FIX,
  };
}
