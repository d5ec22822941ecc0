/*
 * A set of file changes as one unified diff that `patch -p1` applies from the
 * tree's top: `a/` and `b/` prefixes, /dev/null for a file created or
 * removed. The hunks come from the `diff` package (already the drift check's
 * dependency) rather than code of our own. Pure.
 */
import { structuredPatch } from "diff";

export interface FileChange {
  /** Relative to the tree's top, forward slashes. */
  readonly path: string;
  /** The text before, undefined when the file does not exist. */
  readonly before: string | undefined;
  /** The text after, undefined when the file is removed. */
  readonly after: string | undefined;
}

/** The unified diff of the changes, in the order given; "" when none changes anything. */
export function unifiedDiff(changes: readonly FileChange[]): string {
  let out = "";
  for (const c of changes) {
    if (c.before === c.after) continue;
    const from = c.before === undefined ? "/dev/null" : `a/${c.path}`;
    const to = c.after === undefined ? "/dev/null" : `b/${c.path}`;
    const patch = structuredPatch(from, to, c.before ?? "", c.after ?? "", "", "", { context: 3 });
    out += `--- ${from}\n+++ ${to}\n`;
    for (const h of patch.hunks) {
      // An empty side starts at the line before it (GNU diff's `-0,0`), as patch expects.
      const old = `${h.oldLines === 0 ? h.oldStart - 1 : h.oldStart},${h.oldLines}`;
      const neu = `${h.newLines === 0 ? h.newStart - 1 : h.newStart},${h.newLines}`;
      out += `@@ -${old} +${neu} @@\n${h.lines.join("\n")}\n`;
    }
  }
  return out;
}
