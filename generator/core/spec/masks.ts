/*
 * Facts about the spec format that more than one stage needs: validation
 * checks a mask's capacity against them and the model sizes the mask words.
 */

/** The `mask:` kinds a spec may name: u32, u64, or an array of unsigned long. */
export type MaskKind = "u32" | "u64" | "bitmap";

/** Bits a fixed-width mask holds (the bitmap grows to fit). */
export const MASK_BITS: Record<Exclude<MaskKind, "bitmap">, number> = { u32: 32, u64: 64 };
