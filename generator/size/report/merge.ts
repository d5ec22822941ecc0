/*
 * `regcache size merge`: one report from the JSON reports of CI jobs that each
 * ran part of the matrix (docs/ci.md shows the GitHub Actions matrix). Pure:
 * takes the parsed JSON of each file and returns the merged report model, or
 * every reason the files cannot be merged.
 *
 * Rules: every input must be a valid report of this version (the JSON
 * schema); all must have measured the same spec against the same base, from
 * the same generated sources; a config may appear in one input only (two
 * jobs measuring gcc-O2 is a CI mistake, and their figures could differ);
 * --explain figures merge only when every input has them. A config one job
 * skipped (its compiler missing) and another ran counts as ran. Budgets of
 * the inputs are dropped: a budget is checked against the merged report.
 */
import Ajv2020 from "ajv/dist/2020";
import { schemaErrorText } from "../../util/schema-words";
import {
  ConfigReport,
  crossConfigRows,
  ExplainRow,
  percentOf,
  rankExplain,
  REPORT_VERSION,
  SizeReport,
  SkippedConfig,
  SourceRow,
} from "./report";
import { sizeReportSchema } from "../formats/report-schema";

export interface MergeInput {
  /** The path as the user gave it, for messages. */
  readonly file: string;
  /** JSON.parse of the file. */
  readonly json: unknown;
}

export type MergeResult = { ok: true; report: SizeReport } | { ok: false; problems: string[] };

interface JsonReport {
  version: number;
  spec: string;
  base: string;
  configs: (Omit<ConfigReport, "functions" | "total"> & {
    functions: {
      name: string;
      kind: "function" | "data";
      base: number | null;
      head: number | null;
      delta: number;
    }[];
    total: { base: number; head: number; delta: number };
  })[];
  skipped: SkippedConfig[];
  sources: SourceRow[];
  explain?: ExplainRow[];
  objects?: SizeReport["objects"];
}

let validator: ReturnType<Ajv2020["compile"]> | undefined;
function validate(json: unknown): string | undefined {
  validator ??= new Ajv2020({ strict: true, allErrors: false }).compile(sizeReportSchema);
  if (validator(json)) return undefined;
  const error = validator.errors?.[0];
  return error ? schemaErrorText(error, "the report") : "does not match the schema";
}

function toConfig(c: JsonReport["configs"][number]): ConfigReport {
  return {
    ...c,
    functions: c.functions.map((f) => ({ ...f, percent: percentOf(f.delta, f.base) })),
    total: { ...c.total, percent: percentOf(c.total.delta, c.total.base) },
  };
}

export function mergeReports(inputs: readonly MergeInput[]): MergeResult {
  const problems: string[] = [];
  if (inputs.length < 2) problems.push(`merge needs two reports or more; got ${inputs.length}`);
  const reports: { file: string; report: JsonReport }[] = [];
  for (const { file, json } of inputs) {
    const version = (json as { version?: unknown } | null)?.version;
    if (typeof version === "number" && version !== REPORT_VERSION) {
      problems.push(
        `${file}: report version ${version}; this regcache reads version ${REPORT_VERSION} (rerun the job with the same regcache)`,
      );
      continue;
    }
    const invalid = validate(json);
    if (invalid) problems.push(`${file}: not a regcache size JSON report: ${invalid}`);
    else reports.push({ file, report: json as JsonReport });
  }
  if (problems.length > 0) return { ok: false, problems };

  const first = reports[0];
  const differ = (what: string, pick: (r: JsonReport) => string) => {
    for (const { file, report } of reports.slice(1))
      if (pick(report) !== pick(first.report))
        problems.push(
          `${file} measured ${what} ${JSON.stringify(pick(report))}, ${first.file} ${JSON.stringify(pick(first.report))}: reports of different ${what}s cannot be merged`,
        );
  };
  differ("spec", (r) => r.spec);
  differ("base", (r) => r.base);
  differ("generated source", (r) => JSON.stringify(r.sources));
  const seen = new Map<string, string>();
  for (const { file, report } of reports)
    for (const c of report.configs) {
      const other = seen.get(c.name);
      if (other)
        problems.push(
          `config ${c.name} is in both ${other} and ${file}; each config must come from one job`,
        );
      else seen.set(c.name, file);
    }
  const withExplain = reports.filter((r) => r.report.explain);
  if (withExplain.length > 0 && withExplain.length < reports.length)
    problems.push(
      `${withExplain.map((r) => r.file).join(", ")} ran --explain, ${reports
        .filter((r) => !r.report.explain)
        .map((r) => r.file)
        .join(", ")} did not: run every job with the same options`,
    );
  const withObjects = reports.filter((r) => r.report.objects);
  if (withObjects.length > 0)
    problems.push(
      `${withObjects.map((r) => r.file).join(", ")}: --objects reports are one comparison each and are not merged`,
    );
  if (problems.length > 0) return { ok: false, problems };

  const configs = reports.flatMap((r) => r.report.configs.map(toConfig));
  const ran = new Set(configs.map((c) => c.name));
  const skipped: SkippedConfig[] = [];
  for (const s of reports.flatMap((r) => r.report.skipped))
    if (!ran.has(s.name) && !skipped.some((k) => k.name === s.name)) skipped.push(s);

  let explain: ExplainRow[] | undefined;
  if (withExplain.length === reports.length) {
    // Same spec, so the same lazy registers; each report's saved[] follows its configs.
    const registers = first.report.explain!.map((e) => e.register).sort();
    for (const { file, report } of reports)
      if (
        JSON.stringify(report.explain!.map((e) => e.register).sort()) !== JSON.stringify(registers)
      )
        problems.push(`${file}: --explain ranked other registers than ${first.file}`);
    if (problems.length > 0) return { ok: false, problems };
    explain = rankExplain(
      registers.map((register) => {
        const rows = reports.map((r) => r.report.explain!.find((e) => e.register === register)!);
        return {
          register,
          lazyIn: rows[0].lazyIn,
          reached: rows[0].reached,
          saved: rows.flatMap((row) => row.saved),
        };
      }),
    );
  }
  return {
    ok: true,
    report: {
      version: REPORT_VERSION,
      spec: first.report.spec,
      base: first.report.base,
      configs,
      skipped,
      crossConfig: crossConfigRows(configs),
      sources: first.report.sources,
      ...(explain ? { explain } : {}),
    },
  };
}
