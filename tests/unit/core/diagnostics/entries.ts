/*
 * What every per-stage data file of the catalog (catalog-spec.ts,
 * catalog-size.ts, catalog-adopt.ts, catalog-import.ts) is held to, shared
 * by their unit tests: the placeholders a template uses, and the codes of a
 * stage according to catalog.ts's ranges.
 */
import {
  rangeOf,
  type CatalogEntry,
  type Stage,
} from "../../../../generator/core/diagnostics/catalog";

export interface Placeholder {
  readonly index: number;
  readonly form?: "x" | "lines" | "whole";
  /** The template's characters just before and after it. */
  readonly before: string;
  readonly after: string;
}

/** The placeholders of a template, {0}, {1:whole} …, in the order they appear. */
export function placeholders(template: string): Placeholder[] {
  return [...template.matchAll(/\{(\d+)(?::(x|lines|whole))?\}/g)].map((m) => ({
    index: Number(m[1]),
    ...(m[2] !== undefined ? { form: m[2] as Placeholder["form"] } : {}),
    before: template.slice(m.index - 1, m.index),
    after: template.slice(m.index + m[0].length, m.index + m[0].length + 1),
  }));
}

/**
 * The value numbers an entry's message and hint print that leave a gap: with
 * {0} and {2} but no {1}, value 1 would be passed and never shown.
 */
export function gaps(entry: CatalogEntry): number[] {
  const used = new Set(
    [...placeholders(entry.message), ...placeholders(entry.hint)].map((p) => p.index),
  );
  const top = Math.max(-1, ...used);
  return Array.from({ length: top + 1 }, (_, i) => i).filter((i) => !used.has(i));
}

/** The stage each code of a data file belongs to, by catalog.ts's ranges. */
export function stagesOf(entries: Record<string, CatalogEntry>): Map<string, Stage | undefined> {
  return new Map(Object.keys(entries).map((code) => [code, rangeOf(code)?.stage]));
}
