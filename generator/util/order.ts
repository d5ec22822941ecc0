/*
 * The one order for names and paths wherever regcache lists them: by UTF-16
 * code unit, as `<` compares strings. Unlike localeCompare it depends on no
 * locale or ICU data, so a listing is the same on every machine.
 */

/**
 * Negative, zero or positive as `a` sorts before, with or after `b`, by UTF-16
 * code unit ("B" < "a" < "kvm_x" < "kvm_x_y").
 */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
