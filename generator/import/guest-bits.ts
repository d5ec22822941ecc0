/*
 * The possible-guest-owned-bits macros an imported spec's accessors name
 * (guest_owned.possible), and their values as the tree's compiler gives them.
 * The probe asks for each macro under #ifdef, so a macro the unit does not
 * define reads back absent instead of failing the compile. A value is written
 * into the spec (guest_owned.value, lowercase hex) only where it differs from
 * regcache's own (core/kernel.ts KERNEL_CONSTANTS) or regcache has none.
 *
 * Pure: names in, probe items out; probe values in, per-macro decisions out;
 * and the edit of a spec document's accessors.
 */
import { type Document, isMap, isScalar, isSeq, Scalar, type YAMLMap } from "yaml";
import { KERNEL_CONSTANTS } from "../core/kernel";
import type { ProbeItem } from "../toolchain/kernel-tree/probe";

export const guestBitsKey = (macro: string) => `guest_bits:${macro}`;

/** A C identifier, the only thing asked about: the name goes into the probe's C text. */
const MACRO = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One probe item per macro, each present only where the unit defines it. */
export function guestBitsProbeItems(macros: readonly string[]): ProbeItem[] {
  return macros
    .filter((m) => MACRO.test(m))
    .map((m) => ({ key: guestBitsKey(m), expression: m, condition: `#ifdef ${m}` }));
}

/** What the tree says of each macro: its value, or that the probe could not evaluate it. */
export interface GuestBits {
  /** Macro → the tree's value, for every macro the probe evaluated. */
  readonly values: ReadonlyMap<string, bigint>;
  /** Macros the probe could not evaluate, in the order asked. */
  readonly unevaluated: readonly string[];
  /** The unit the probe compiled, relative to the tree's root (for the spec's header comment). */
  readonly unit?: string;
}

/** Reads the probe's answers (undefined values: not defined in the unit) for `macros`. */
export function readGuestBits(
  macros: readonly string[],
  probed: ReadonlyMap<string, bigint | undefined> | undefined,
  unit?: string,
): GuestBits {
  const values = new Map<string, bigint>();
  const unevaluated: string[] = [];
  for (const m of macros) {
    const v = probed?.get(guestBitsKey(m));
    if (v === undefined) unevaluated.push(m);
    else values.set(m, v);
  }
  return { values, unevaluated, ...(unit !== undefined ? { unit } : {}) };
}

/** The value to write for `macro`: the tree's, when it is not regcache's own; else undefined. */
export function writtenValue(macro: string, tree: bigint | undefined): bigint | undefined {
  if (tree === undefined) return undefined;
  return KERNEL_CONSTANTS[macro]?.value === tree ? undefined : tree;
}

/**
 * A value as a spec writes it: a plain lowercase 0x… integer, or, past what a
 * YAML reader holds exactly as a number, the same digits as a string.
 */
export function valueNode(value: bigint): Scalar {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return new Scalar(`0x${value.toString(16)}`);
  const node = new Scalar(value);
  node.format = "HEX";
  return node;
}

/** The guest_owned mappings of a spec document's accessors. */
function guestOwnedMaps(doc: Document): YAMLMap[] {
  const accessors = doc.get("accessors", true);
  if (!isSeq(accessors)) return [];
  return accessors.items.flatMap((item) => {
    if (!isMap(item)) return [];
    const owned = item.get("guest_owned", true);
    return isMap(owned) ? [owned] : [];
  });
}

const possibleOf = (owned: YAMLMap): string | undefined => {
  const p = owned.get("possible");
  return typeof p === "string" ? p : undefined;
};

/** The macros the document's accessors name as guest_owned.possible, each once, in order. */
export function guestBitsMacros(doc: Document): string[] {
  const names = guestOwnedMaps(doc).flatMap((o) => possibleOf(o) ?? []);
  return [...new Set(names)];
}

/**
 * Sets each accessor's guest_owned.value to what the tree says (writtenValue),
 * removing a value copied from the profile where the tree's is regcache's own
 * or was not evaluated.
 */
export function layGuestBits(doc: Document, bits: GuestBits): void {
  for (const owned of guestOwnedMaps(doc)) {
    const macro = possibleOf(owned);
    const value = macro === undefined ? undefined : writtenValue(macro, bits.values.get(macro));
    if (value === undefined) {
      owned.delete("value");
      continue;
    }
    const node = valueNode(value);
    const existing = owned.get("value", true);
    if (isScalar(existing)) node.comment = existing.comment;
    owned.set("value", node);
  }
}
