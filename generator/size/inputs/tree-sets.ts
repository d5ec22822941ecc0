/*
 * Whether the spec size measures agrees with the kernel tree it measures on:
 * a spec that makes a register always available while the tree's backend set
 * still fetches it lazily builds smaller code that reads a stale register, so
 * size says so before its report (one warning per difference, then what to
 * do). It measures; it does not judge: the report and the exit code stay as
 * they are. A tree without KVM units where a kernel keeps them (the handler
 * suite's own trees) has no sets to compare and gets no line.
 *
 * Edge: runs the tree's compilers through toolchain/kernel-tree/read.ts.
 */
import * as path from "node:path";
import type { Model } from "../../core/model/types";
import { compareWithTree, TREE_FIX } from "../../toolchain/kernel-tree/compare";
import { readTreeRegisters } from "../../toolchain/kernel-tree/read";
import { shownPath } from "../../util/paths";

/** The warning lines (without the program's name) for the spec's model on the tree of `compileCommands` (relative to cwd). */
export async function treeSetWarnings(
  cwd: string,
  model: Model,
  compileCommands: string,
): Promise<string[]> {
  const read = await readTreeRegisters({
    compileDb: path.resolve(cwd, compileCommands),
    display: (p) => shownPath(cwd, p),
  });
  if (!read.ok) {
    if (read.diagnostics.every((d) => d.code === "RC803")) return [];
    const why = read.diagnostics[0]!.message;
    return [`warning: the spec was not compared with the tree's register sets: ${why}`];
  }
  const { differences } = compareWithTree(model, read.value);
  if (differences.length === 0) return [];
  return [
    ...differences.map((d) => `warning: the spec disagrees with the tree: ${d.message}`),
    `warning: the report below measures code that would read stale registers on this tree; ${TREE_FIX} (regcache check --compile-commands names every difference)`,
  ];
}
