/*
 * The diagnostic catalog: one entry per code (severity, message template,
 * hint) for every problem regcache can report about its input, whichever
 * stage finds it. docs/errors.md is generated from it. Pure data and lookups.
 *
 * Codes by stage:
 *
 *   RC001–RC019  read       reading a spec or a template file
 *   RC020–RC039  project    the project file, regcache.config.yaml
 *   RC100–RC139  spec       the spec's YAML, its shape, its registers, backends and names
 *                           (parse, schema, validate)
 *   RC140–RC199  sections   the spec's output, api and accessors sections (validate)
 *   RC600–RC699  size       `regcache size`: options, config and budget files, bases (600–639),
 *                           --compile-commands and the tree it names (640–659), the handler
 *                           suite (660–699)
 *   RC700–RC799  adopt      finding the register-cache block in a kernel's kvm_cache_regs.h
 *   RC800–RC899  import     `regcache import`: the compile database, the kernel's headers,
 *                           the probes
 *
 * RC040–RC099, RC200–RC599 and RC900–RC999 are unassigned: building the model
 * and emitting the targets report nothing (a checked spec always builds). A
 * code, once given, keeps its meaning: scripts match on them.
 *
 * The entries live in one data file per stage; `messages` is the one object
 * every diagnostic is made from (diagnose() in diagnostic.ts).
 */
import { adoptEntries } from "./catalog-adopt";
import { importEntries } from "./catalog-import";
import { sizeEntries } from "./catalog-size";
import { specEntries } from "./catalog-spec";
import type { CatalogEntry } from "./entry";

export type { CatalogEntry, Severity } from "./entry";

export const messages = {
  ...specEntries,
  ...sizeEntries,
  ...adoptEntries,
  ...importEntries,
} as const satisfies Record<`RC${number}`, CatalogEntry>;

export type DiagnosticCode = keyof typeof messages;

export type Stage = "read" | "project" | "spec" | "sections" | "size" | "adopt" | "import";

export interface CodeRange {
  readonly stage: Stage;
  /** First and last code of the range, as numbers (RC140 is 140). */
  readonly first: number;
  readonly last: number;
  /** What the stage reads, as docs/errors.md names it. */
  readonly about: string;
}

export const RANGES: readonly CodeRange[] = [
  { stage: "read", first: 1, last: 19, about: "reading a spec or a template file" },
  { stage: "project", first: 20, last: 39, about: "the project file, `regcache.config.yaml`" },
  {
    stage: "spec",
    first: 100,
    last: 139,
    about: "the spec's YAML, its shape, its registers, backends and names",
  },
  { stage: "sections", first: 140, last: 199, about: "the spec's output, api and accessors" },
  {
    stage: "size",
    first: 600,
    last: 699,
    about: "`regcache size`: its options, config and budget files, compile databases",
  },
  {
    stage: "adopt",
    first: 700,
    last: 799,
    about: "the register-cache block of a kernel's `kvm_cache_regs.h`",
  },
  {
    stage: "import",
    first: 800,
    last: 899,
    about: "`regcache import`: a kernel tree's compile database and headers",
  },
];

/** The range a code belongs to; undefined for a code in no range. */
export function rangeOf(code: string): CodeRange | undefined {
  const n = /^RC(\d{3})$/.exec(code)?.[1];
  if (n === undefined) return undefined;
  return RANGES.find((r) => Number(n) >= r.first && Number(n) <= r.last);
}

/** The codes of one stage, in catalog order. */
export function codesOf(stage: Stage): DiagnosticCode[] {
  return (Object.keys(messages) as DiagnosticCode[]).filter((c) => rangeOf(c)?.stage === stage);
}
