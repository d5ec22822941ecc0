/*
 * The shape of one catalog entry, and the constructor the per-stage data
 * files write their entries with. Types and one pure function.
 *
 * A message or hint is a template: {0}, {1}… are the values a diagnostic is
 * given, in order. fill() in diagnostic.ts escapes control characters in
 * every value, whatever the code, and cuts a long one; the form after a colon
 * says otherwise: {n:whole} is not cut (a path, a list, another tool's
 * message), {n:lines} keeps its line breaks and is not cut (a compiler's
 * output), {n:x} prints a number in hexadecimal (0x…).
 */

export type Severity = "error" | "warning";

export interface CatalogEntry {
  readonly severity: Severity;
  readonly message: string;
  /** What to do about it; "" where the message says it all. */
  readonly hint: string;
  /** Kept in the catalog and the docs though no source emits it. */
  readonly reserved?: true;
}

/** An entry of severity error. */
export function error(message: string, hint: string): CatalogEntry {
  return { severity: "error", message, hint };
}
