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
 * The figures of each config must agree with each other as `size` computes
 * them (each row's delta is head − base, a name has one row, the totals and
 * the bloat-o-meter summary are those of the rows; an --explain register has
 * one row, with one saving per config): a report edited by hand
 * or cut short is refused, naming the file, the config and the row.
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

type JsonConfig = JsonReport["configs"][number];

/** Every figure of `c` that contradicts its rows, as "file: config X: …" problems. */
function contradictions(file: string, c: JsonConfig, index: number): string[] {
  const at = `${file}: config ${JSON.stringify(c.name)} (/configs/${index})`;
  const problems: string[] = [];
  const rowAt = new Map<string, number>();
  const summary = { add: 0, remove: 0, grow: 0, shrink: 0, up: 0, down: 0, net: 0 };
  const total = { base: 0, head: 0 };
  c.functions.forEach((row, i) => {
    const where = `${at}: row ${JSON.stringify(row.name)} (/configs/${index}/functions/${i})`;
    const first = rowAt.get(row.name);
    if (first !== undefined)
      problems.push(`${where} repeats the row at /configs/${index}/functions/${first}`);
    else rowAt.set(row.name, i);
    if (row.base === null && row.head === null)
      problems.push(`${where} has neither a base nor a head size`);
    const delta = (row.head ?? 0) - (row.base ?? 0);
    if (row.delta !== delta)
      problems.push(`${where}: delta ${row.delta} is not head − base (${delta})`);
    total.base += row.base ?? 0;
    total.head += row.head ?? 0;
    if (row.base === null) summary.add++;
    else if (row.head === null) summary.remove++;
    else if (delta > 0) summary.grow++;
    else if (delta < 0) summary.shrink++;
    if (delta > 0) summary.up += delta;
    else summary.down -= delta;
  });
  summary.net = summary.up - summary.down;
  const want = { ...total, delta: total.head - total.base };
  for (const key of ["base", "head", "delta"] as const)
    if (c.total[key] !== want[key])
      problems.push(`${at}: total.${key} ${c.total[key]} is not that of its rows (${want[key]})`);
  for (const key of Object.keys(summary) as (keyof typeof summary)[])
    if (c.summary[key] !== summary[key])
      problems.push(
        `${at}: summary.${key} ${c.summary[key]} is not that of its rows (${summary[key]})`,
      );
  return problems;
}

/** --explain rows that contradict the report: a register twice, or not one saving per config. */
function explainContradictions(file: string, report: JsonReport): string[] {
  const problems: string[] = [];
  const rowAt = new Map<string, number>();
  (report.explain ?? []).forEach((row, i) => {
    const where = `${file}: --explain row ${JSON.stringify(row.register)} (/explain/${i})`;
    const first = rowAt.get(row.register);
    if (first !== undefined) problems.push(`${where} repeats the row at /explain/${first}`);
    else rowAt.set(row.register, i);
    if (row.saved.length !== report.configs.length)
      problems.push(
        `${where} has ${row.saved.length} savings for the report's ${report.configs.length} configs`,
      );
  });
  return problems;
}

function toConfig(c: JsonConfig): ConfigReport {
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
    else {
      const report = json as JsonReport;
      report.configs.forEach((c, i) => problems.push(...contradictions(file, c, i)));
      problems.push(...explainContradictions(file, report));
      reports.push({ file, report });
    }
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
