/*
 * What `generate` and `watch` say about a write plan (writer.ts): generate's
 * lines, one per file created, updated or removed (a file whose hand edits
 * are lost says so) and a summary; watch's one line per run. Pure: the
 * caller prints the strings.
 */
import { isHandEdited } from "./drift";
import type { WritePlan } from "./writer";

/**
 * generate's report: a line per changed file, then the summary. `outArg`
 * names the output directory as the user gave it; with `dryRun` the verbs
 * say what would happen.
 */
export function describePlan(plan: WritePlan, outArg: string, dryRun: boolean): string {
  const changed = plan.files.filter((f) => f.action !== "unchanged");
  const unchanged = plan.files.length - changed.length;
  const verb = {
    create: dryRun ? "would create" : "created",
    update: dryRun ? "would update" : "updated",
    remove: dryRun ? "would remove" : "removed",
  };
  const lines = changed.map((f) => {
    const lost = f.current !== undefined && isHandEdited(f.current);
    const note = lost
      ? ` (it had been edited by hand; those edits ${dryRun ? "would be" : "are"} gone)`
      : "";
    return `  ${verb[f.action as keyof typeof verb]} ${outArg}/${f.path}${note}\n`;
  });
  const summary =
    changed.length === 0
      ? `regcache: ${outArg}/ is up to date (${unchanged} file${unchanged === 1 ? "" : "s"} unchanged)\n`
      : `regcache: ${dryRun ? "would change" : "changed"} ${changed.length} file${changed.length === 1 ? "" : "s"} in ${outArg}/, ${unchanged} unchanged${dryRun ? "; nothing was written (--dry-run)" : ""}\n`;
  return lines.join("") + summary;
}

/**
 * watch's line for a run that wrote: generate's per-file lines joined by
 * commas with the counts, or, when nothing changed, generate's summary
 * without its "regcache: ". No newline.
 */
export function describePlanLine(plan: WritePlan, outArg: string): string {
  const changed = plan.files.filter((f) => f.action !== "unchanged");
  const summary = describePlan(plan, outArg, false)
    .trimEnd()
    .split("\n")
    .map((l) => l.trim());
  return changed.length === 0
    ? summary[summary.length - 1]!.replace(/^regcache: /, "")
    : `${summary.slice(0, -1).join(", ")} (${changed.length} changed, ${plan.files.length - changed.length} unchanged)`;
}
