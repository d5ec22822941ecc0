/*
 * Size budgets: what CI runs to stop a spec change that makes code bigger.
 * A budget file (YAML or JSON) lists rules; every rule is checked against
 * every config it applies to, and every breach is reported (exit 1).
 *
 *   budgets:
 *     - function: kvm_emulate_cpuid   # a name, or a pattern with '*'
 *       max: 200                      # absolute: head ≤ 200 bytes
 *     - function: "*"
 *       growth: 0                     # against base: head − base ≤ 0 bytes
 *     - total: true
 *       growth: "-1%"                 # against base: (head − base) / base ≤ −1%
 *       config: [gcc-O2, clang-O2]    # optional; default every config that ran
 *
 * `max` is bytes; `growth` is bytes (a number) or percent of base (a string
 * ending in '%'). A symbol that is new in head (no base) breaches any
 * percentage growth limit, since it cannot be measured against nothing.
 */
import { Diagnostic, SourceFile, Span } from "../../core/diagnostics/diagnostic";
import { sizeDiagnostic } from "../messages";
import { BudgetBreach, ConfigReport, percentOf, SizeReport } from "./report";
import {
  describeNode,
  entry,
  InputNode,
  parseListFile,
  stringList,
  unknownKeys,
} from "../inputs/yaml-input";

export type Limit =
  | { readonly unit: "bytes"; readonly value: number }
  | { readonly unit: "percent"; readonly value: number };

export interface BudgetRule {
  /** A function name or '*' pattern; undefined for a total rule. */
  readonly function?: string;
  readonly max?: number;
  readonly growth?: Limit;
  /** Config names; empty for all. */
  readonly configs: readonly string[];
  /** Where the rule is, for diagnostics about it. */
  readonly span: Span;
  readonly functionSpan?: Span;
  readonly configSpan?: Span;
}

export interface Budget {
  readonly file: SourceFile;
  readonly rules: readonly BudgetRule[];
}

export type BudgetParseResult =
  { ok: true; budget: Budget } | { ok: false; diagnostics: Diagnostic[] };

const RULE_KEYS = ["function", "total", "max", "growth", "config"];

function parseLimit(file: SourceFile, node: InputNode, out: Diagnostic[]): Limit | undefined {
  if (node.kind === "scalar" && typeof node.value === "number" && Number.isFinite(node.value)) {
    return { unit: "bytes", value: node.value };
  }
  if (node.kind === "scalar" && typeof node.value === "string") {
    const match = /^\s*([+\-−]?)(\d+(?:\.\d+)?)\s*%\s*$/.exec(node.value);
    if (match)
      return {
        unit: "percent",
        value: (match[1] === "" || match[1] === "+" ? 1 : -1) * Number(match[2]),
      };
  }
  out.push(
    sizeDiagnostic(
      "RC605",
      file,
      node.span,
      node.kind === "scalar" ? String(node.value) : describeNode(node),
    ),
  );
  return undefined;
}

function parseRule(file: SourceFile, node: InputNode, out: Diagnostic[]): BudgetRule | undefined {
  if (node.kind !== "map") {
    out.push(
      sizeDiagnostic("RC602", file, node.span, "a budget rule", "a mapping", describeNode(node)),
    );
    return undefined;
  }
  const before = out.length;
  out.push(...unknownKeys(file, node, RULE_KEYS));
  const fn = entry(node, "function");
  const total = entry(node, "total");
  if (
    fn &&
    (fn.value.kind !== "scalar" || typeof fn.value.value !== "string" || fn.value.value === "")
  ) {
    out.push(
      sizeDiagnostic(
        "RC602",
        file,
        fn.value.span,
        "'function'",
        "a function name",
        describeNode(fn.value),
      ),
    );
  }
  if (total && !(total.value.kind === "scalar" && total.value.value === true)) {
    out.push(
      sizeDiagnostic("RC602", file, total.value.span, "'total'", "true", describeNode(total.value)),
    );
  }
  if (Boolean(fn) === Boolean(total)) out.push(sizeDiagnostic("RC606", file, node.span));
  const maxEntry = entry(node, "max");
  const growthEntry = entry(node, "growth");
  if (!maxEntry && !growthEntry) out.push(sizeDiagnostic("RC607", file, node.span));
  // A byte count past 2^53 - 1 was rounded when it was parsed: it is refused,
  // shown as written, never compared.
  const written = (node: InputNode, value: number) =>
    Number.isSafeInteger(value) ? value : file.text.slice(node.span.start, node.span.end);
  const range = (value: number, low: string) =>
    Number.isInteger(value) && !Number.isSafeInteger(value) ? `, from ${low} to 2^53 - 1` : "";
  let max: number | undefined;
  if (maxEntry) {
    const limit = parseLimit(file, maxEntry.value, out);
    if (limit?.unit === "percent") out.push(sizeDiagnostic("RC608", file, maxEntry.value.span));
    else if (limit && (!Number.isSafeInteger(limit.value) || limit.value < 0))
      out.push(
        sizeDiagnostic(
          "RC618",
          file,
          maxEntry.value.span,
          "'max'",
          written(maxEntry.value, limit.value),
          range(limit.value, "0") || ", 0 or more",
        ),
      );
    else if (limit) max = limit.value;
  }
  const growth = growthEntry ? parseLimit(file, growthEntry.value, out) : undefined;
  // A growth in bytes may be negative (a required saving) but is whole bytes.
  if (growthEntry && growth?.unit === "bytes" && !Number.isSafeInteger(growth.value))
    out.push(
      sizeDiagnostic(
        "RC618",
        file,
        growthEntry.value.span,
        "'growth'",
        written(growthEntry.value, growth.value),
        range(growth.value, "-(2^53 - 1)"),
      ),
    );
  const configEntry = entry(node, "config");
  const configs = configEntry
    ? (stringList(file, configEntry.value, "'config'", out, "a config name or a list of them") ??
      [])
    : [];
  if (out.length > before) return undefined;
  return {
    ...(fn
      ? { function: String((fn.value as { value: unknown }).value), functionSpan: fn.value.span }
      : {}),
    ...(max !== undefined ? { max } : {}),
    ...(growth ? { growth } : {}),
    configs,
    span: node.span,
    ...(configEntry ? { configSpan: configEntry.value.span } : {}),
  };
}

export function parseBudget(file: SourceFile): BudgetParseResult {
  const read = parseListFile(file, {
    key: "budgets",
    what: "a budget file",
    list: "a list of rules",
    hint: "list the rules under 'budgets:'",
  });
  if (!read.ok) return read;
  const { diagnostics } = read;
  const rules: BudgetRule[] = [];
  for (const item of read.items) {
    const rule = parseRule(file, item, diagnostics);
    if (rule) rules.push(rule);
  }
  return diagnostics.length > 0
    ? { ok: false, diagnostics }
    : { ok: true, budget: { file, rules } };
}

function patternMatcher(pattern: string): (name: string) => boolean {
  if (!pattern.includes("*")) return (name) => name === pattern;
  const re = new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  return (name) => re.test(name);
}

interface Measured {
  readonly base: number | null;
  readonly head: number | null;
  readonly delta: number;
}

type Breach = Omit<BudgetBreach, "config" | "target">;

function breachesOf(rule: BudgetRule, m: Measured): Breach[] {
  const found: Breach[] = [];
  const figures = { base: m.base, head: m.head, delta: m.delta };
  if (rule.max !== undefined && m.head !== null && m.head > rule.max) {
    found.push({ check: "max", unit: "bytes", limit: rule.max, ...figures });
  }
  if (rule.growth) {
    const { unit, value } = rule.growth;
    // A name new in head has no base to take a percentage of: any percent limit is breached.
    const over =
      unit === "bytes"
        ? m.delta > value
        : m.base === null || m.base === 0
          ? m.head !== null && m.head > 0
          : (percentOf(m.delta, m.base) ?? 0) > value;
    if (over) found.push({ check: "growth", unit, limit: value, ...figures });
  }
  return found;
}

/**
 * Problems found from the budget file and the list of configs alone, so a
 * run reports them together with the file's own before anything is compiled:
 * a config name the matrix does not have (RC610).
 */
export function checkBudgetConfigs(
  budget: Budget,
  allConfigNames: readonly string[],
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const rule of budget.rules) {
    for (const name of rule.configs) {
      if (!allConfigNames.includes(name))
        diagnostics.push(
          sizeDiagnostic("RC610", budget.file, rule.configSpan, name, allConfigNames.join(", ")),
        );
    }
  }
  return diagnostics;
}

export type BudgetCheck =
  { ok: true; breaches: BudgetBreach[] } | { ok: false; diagnostics: Diagnostic[] };

/**
 * Checks every rule against every config it applies to. A rule whose name or
 * pattern matches no measured symbol in any config it applies to is an error
 * (RC609), never a silent pass; every such rule is reported at once.
 */
export function checkBudget(
  budget: Budget,
  configs: readonly ConfigReport[],
  allConfigNames: readonly string[],
): BudgetCheck {
  const diagnostics = checkBudgetConfigs(budget, allConfigNames);
  const applies = (rule: BudgetRule, config: ConfigReport) =>
    rule.configs.length === 0 || rule.configs.includes(config.name);
  for (const rule of budget.rules) {
    if (rule.function === undefined) continue;
    const matches = patternMatcher(rule.function);
    const ran = configs.filter((c) => applies(rule, c));
    if (ran.length > 0 && !ran.some((c) => c.functions.some((f) => matches(f.name))))
      diagnostics.push(sizeDiagnostic("RC609", budget.file, rule.functionSpan, rule.function));
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics };

  const breaches: BudgetBreach[] = [];
  for (const config of configs) {
    for (const rule of budget.rules) {
      if (!applies(rule, config)) continue;
      if (rule.function === undefined) {
        for (const b of breachesOf(rule, config.total))
          breaches.push({ config: config.name, target: "total", ...b });
        continue;
      }
      const matches = patternMatcher(rule.function);
      for (const row of config.functions) {
        if (!matches(row.name)) continue;
        for (const b of breachesOf(rule, row))
          breaches.push({ config: config.name, target: row.name, ...b });
      }
    }
  }
  return { ok: true, breaches };
}

/**
 * The report with its budget section: the breaches of every rule, or what is
 * wrong with the rules (a config or a function they name that is not there).
 */
export function applyBudget(
  report: SizeReport,
  budget: Budget,
  file: string,
  allConfigNames: readonly string[],
): { ok: true; report: SizeReport } | { ok: false; diagnostics: Diagnostic[] } {
  const checked = checkBudget(budget, report.configs, allConfigNames);
  if (!checked.ok) return checked;
  return { ok: true, report: { ...report, budget: { file, breaches: checked.breaches } } };
}
