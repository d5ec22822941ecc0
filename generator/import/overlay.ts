/*
 * The profile's kernel-facing sections (output, api, accessors) with what the
 * tree's own header says laid over them. A key the header answers (header.ts)
 * takes the header's value wherever the profile means something else (a key
 * the profile leaves out means the spec's default); every other key, and every
 * key the header agrees with, stays the profile's node for node, its layout
 * and docs included. So a profile that agrees with the tree is copied as it
 * is, and a tree that has moved on since the profile was written (Linux 7.2
 * against the 6.12 profile) gets its own API all the same.
 *
 * The maintainers' comments are the header's too: api.docs holds the one at
 * each site of the block ("" where the header has none, so the block prints
 * none), and an accessor's doc is the comment above its first function (the
 * profile's doc goes where the header has none). So a tree adopted from an
 * imported spec keeps its own words.
 *
 * What no header answers stays the profile's: output.targets (how the spec is
 * used, not a fact of the tree); so do the keys a header writes in a way
 * regcache cannot read (HeaderFacts.unread): an availability test without
 * test_bit, an assertion that is not lockdep_assert_once, a header with no
 * SPDX line.
 *
 * Pure apart from editing the document it is given: YAML nodes in, the list
 * of keys it changed out.
 */
import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  YAMLMap,
  YAMLSeq,
} from "yaml";
import { DEFAULT_ADOPTS, DEFAULT_API, DEFAULT_OUTPUT } from "../core/spec/kernel-sections";
import type { AccessorEntry } from "./accessors";
import type { HeaderFacts } from "./header";
import { byCodeUnit } from "../util/order";

/** The order a spec writes each section's keys in (spec/linux-7.2.yaml's). */
const ORDER = {
  output: ["targets", "kernel_header", "spdx", "adopts"],
  api: [
    "cache_reg",
    "bitops",
    "raw_pair",
    "test_and_mark_available",
    "mark_for_reload",
    "bulk_helpers",
    "assert",
    "gpr_family",
    "mode_mask",
    "e_pair",
    "inline",
    "always_inline",
    "docs",
  ],
  root: ["output", "api", "accessors"],
} as const;

/** What a key the profile leaves out means: the spec's defaults, spelt as a spec spells them. */
const DEFAULTS: Record<string, Record<string, unknown>> = {
  output: {
    kernel_header: DEFAULT_OUTPUT.kernelHeader,
    spdx: undefined,
    adopts: DEFAULT_ADOPTS,
  },
  api: {
    bitops: DEFAULT_API.bitops,
    raw_pair: DEFAULT_API.rawPair,
    test_and_mark_available: DEFAULT_API.testAndMarkAvailable,
    mark_for_reload: DEFAULT_API.markForReload,
    bulk_helpers: DEFAULT_API.bulkHelpers,
    assert: undefined,
    gpr_family: DEFAULT_API.gprFamily,
    mode_mask: undefined,
    e_pair: DEFAULT_API.ePair,
    inline: DEFAULT_API.inline,
    always_inline: DEFAULT_API.alwaysInline,
    docs: {},
  },
};

/** Keys whose value is a set: the same names in another order mean the same. */
const SETS = new Set(["e_pair", "always_inline"]);
/** Keys a kernel spec writes even with their default value (every shipped profile names its header). */
const EXPLICIT = new Set(["kernel_header"]);
/** Keys written as flow collections, as the shipped profiles write them. */
const FLOW = new Set(["adopts", "e_pair", "guest_owned"]);

export interface OverlayRequest {
  readonly doc: Document;
  /** The spec's root mapping, holding the profile's sections as copied. */
  readonly root: YAMLMap;
  readonly facts: HeaderFacts;
}

/**
 * Lays the header's answers over the profile's sections; the keys it changed,
 * as "api.assert". The comments (api.docs, an accessor's doc) are laid too but
 * not listed: they say nothing the profile could disagree with.
 */
export function overlayHeader(req: OverlayRequest): string[] {
  const changed: string[] = [];
  const { facts } = req;
  const output: Record<string, unknown> = {
    kernel_header: facts.output.kernel_header,
    ...(facts.output.spdx !== undefined ? { spdx: facts.output.spdx } : {}),
    adopts: facts.output.adopts,
  };
  const unread = new Set(facts.unread);
  for (const [key, value] of Object.entries(output)) {
    if (unread.has(`output.${key}`)) continue;
    if (layKey(req, "output", key, value)) changed.push(`output.${key}`);
  }
  const api: Record<string, unknown> = { ...facts.api };
  for (const key of ORDER.api) {
    // cache_reg is the probe's; what the header does not answer is the profile's.
    if (key === "cache_reg" || unread.has(`api.${key}`)) continue;
    // Any other key left out is the header's answer: none (no assertion, no mask helper).
    if (layKey(req, "api", key, api[key]) && key !== "docs") changed.push(`api.${key}`);
  }
  const accessors = layAccessors(req, facts.accessors);
  if (accessors.length) changed.push(`accessors (${accessors.join(", ")})`);
  return changed;
}

const keyOf = (p: Pair): string => String(isScalar(p.key) ? p.key.value : p.key);

/** The section's map, made (in its place among the root's keys) when the profile has none. */
function sectionOf(req: OverlayRequest, section: "output" | "api"): YAMLMap {
  const found = req.root.get(section, true);
  if (isMap(found)) return found;
  const made = new YAMLMap();
  insertInOrder(req.root, req.doc.createPair(section, made), ORDER.root);
  return made;
}

/** Places `pair` before the first key `order` puts after it (at the end if none); keys `order` does not name are passed over. */
function insertInOrder(map: YAMLMap, pair: Pair, order: readonly string[]): void {
  const rank = order.indexOf(keyOf(pair));
  const at = map.items.findIndex((p) => order.indexOf(keyOf(p)) > rank);
  if (at < 0) map.items.push(pair);
  else map.items.splice(at, 0, pair);
}

function sameMeaning(key: string, a: unknown, b: unknown): boolean {
  if (SETS.has(key) && Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x) => b.includes(x));
  return canonical(a) === canonical(b);
}

/** JSON with every mapping's keys sorted: the same meaning, the same text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => byCodeUnit(a, b)))
      : v,
  );
}

/**
 * Sets one key of output or api to the header's value (undefined: the spec's
 * default) unless the profile means the same; whether it changed.
 */
function layKey(
  req: OverlayRequest,
  section: "output" | "api",
  key: string,
  value: unknown,
): boolean {
  const existing = req.root.get(section, true);
  const map = isMap(existing) ? existing : undefined;
  const fallback = DEFAULTS[section][key];
  const wanted = value === undefined ? fallback : value;
  const profiled = map?.has(key) ? toJS(map.get(key, true)) : fallback;
  if (sameMeaning(key, profiled, wanted)) return false;
  const target = sectionOf(req, section);
  if (sameMeaning(key, fallback, wanted) && !EXPLICIT.has(key)) {
    target.delete(key);
    return true;
  }
  const node = req.doc.createNode(wanted) as Node;
  if (FLOW.has(key) && (isMap(node) || isSeq(node))) node.flow = true;
  if (target.has(key)) target.set(key, node);
  else insertInOrder(target, req.doc.createPair(key, node), ORDER[section]);
  return true;
}

const toJS = (node: unknown): unknown =>
  node && typeof (node as { toJSON?: unknown }).toJSON === "function"
    ? (node as { toJSON: () => unknown }).toJSON()
    : node;

/** An accessor entry's meaning: its defaults filled in, its doc left out. */
function meaning(entry: unknown): string {
  if (typeof entry === "string") return `gpr ${entry}`;
  const e = (entry ?? {}) as Record<string, unknown>;
  return canonical([
    e["register"],
    e["field"],
    e["type"] ?? "unsigned long",
    e["indexed"] ?? false,
    e["might_sleep"] ?? false,
    guestOwnedMeaning(e["guest_owned"]),
    e["read_bits"] ?? null,
    e["is_bit_set"] ?? null,
    e["read"] ?? null,
    e["write"] ?? null,
    e["mark_dirty"] ?? false,
  ]);
}

/** guest_owned without its value: the value is the probe's to decide (guest-bits.ts), not the header's. */
function guestOwnedMeaning(owned: unknown): unknown {
  if (!owned || typeof owned !== "object" || Array.isArray(owned)) return owned ?? null;
  const { value: _value, ...rest } = owned as Record<string, unknown>;
  return rest;
}

/** An extended entry's doc, or undefined (a GPR's name has none). */
const docOf = (entry: unknown): string | undefined => {
  const doc = (entry as Record<string, unknown> | null)?.["doc"];
  return typeof entry === "object" && typeof doc === "string" ? doc : undefined;
};

const registerOf = (entry: unknown): string =>
  typeof entry === "string"
    ? entry
    : String((entry as Record<string, unknown> | null)?.["register"] ?? "");

/**
 * The accessors, in the header's order: each the profile's node where it means
 * the same, else the header's. The registers whose entry changed, came or went.
 */
function layAccessors(req: OverlayRequest, entries: readonly AccessorEntry[]): string[] {
  const existing = req.root.get("accessors", true);
  const items = isSeq(existing) ? existing.items : [];
  const profiled = items.map((node) => ({ node, value: toJS(node) }));
  const sameMeaning =
    profiled.length === entries.length &&
    profiled.every((p, i) => meaning(p.value) === meaning(entries[i]));
  const sameDocs = profiled.every((p, i) =>
    [undefined, docOf(p.value)].includes(docOf(entries[i])),
  );
  if (sameMeaning && sameDocs) return [];
  const changed: string[] = [];
  const seq = new YAMLSeq();
  for (const entry of entries) {
    const kept = profiled.find((p) => meaning(p.value) === meaning(entry));
    if (kept) {
      // The profile's node, with the header's comment for its doc.
      const doc = docOf(entry);
      if (doc !== undefined && doc !== docOf(kept.value) && isMap(kept.node)) {
        kept.node.flow = false;
        kept.node.set("doc", req.doc.createNode(doc));
      }
      seq.items.push(kept.node);
      continue;
    }
    const node = req.doc.createNode(entry) as Node;
    if (isMap(node)) {
      const owned = node.get("guest_owned", true);
      if (isMap(owned)) owned.flow = true;
    }
    seq.items.push(node);
    changed.push(registerOf(entry));
  }
  const kept = new Set(entries.map(registerOf));
  for (const p of profiled) {
    const reg = registerOf(p.value);
    if (!kept.has(reg) && !changed.includes(reg)) changed.push(reg);
  }
  if (changed.length === 0 && !sameMeaning) changed.push("their order");
  if (isSeq(existing)) existing.items = seq.items;
  else insertInOrder(req.root, req.doc.createPair("accessors", seq), ORDER.root);
  return changed;
}
