/*
 * The json format: the report model itself, versioned (`version: 1`), with
 * the field names docs/size-report.md documents. Keys keep a fixed order and
 * the output ends with a newline, so two runs on the same objects give the
 * same bytes.
 */
import { SizeReport } from "../report/report";

export function formatJson(report: SizeReport): string {
  const json = {
    version: report.version,
    spec: report.spec,
    base: report.base,
    configs: report.configs.map((c) => ({
      name: c.name,
      compiler: c.compiler,
      command: c.command,
      compilerVersion: c.compilerVersion,
      retpoline: c.retpoline,
      flags: c.flags,
      summary: c.summary,
      functions: c.functions.map((f) => ({
        name: f.name,
        kind: f.kind,
        base: f.base,
        head: f.head,
        delta: f.delta,
      })),
      total: { base: c.total.base, head: c.total.head, delta: c.total.delta },
    })),
    skipped: report.skipped,
    sources: report.sources,
    ...(report.explain ? { explain: report.explain } : {}),
    ...(report.budget ? { budget: report.budget } : {}),
    ...(report.objects ? { objects: report.objects } : {}),
  };
  return JSON.stringify(json, null, 2) + "\n";
}
