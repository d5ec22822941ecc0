/*
 * C integer semantics on bigint: every value the runtime stores is a u64 in
 * [0, 2^64), and these helpers are the conversions the C code does
 * implicitly (truncation to u32/u16/u8, sign extension of an int).
 */
export const U64_MASK = (1n << 64n) - 1n;
export const U32_MASK = 0xffffffffn;

/** (u64)x: wraps modulo 2^64, as unsigned arithmetic does in C. */
export const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);
/** (u32)x */
export const u32 = (x: bigint): bigint => BigInt.asUintN(32, x);
/** (u16)x */
export const u16 = (x: bigint): bigint => BigInt.asUintN(16, x);
/** (u64)(s64)(int)x: an int (the low 32 bits, signed) widened to 64 bits. */
export const fromInt = (x: bigint | number): bigint =>
  BigInt.asUintN(64, BigInt.asIntN(32, BigInt(x)));
/** (int)x: the low 32 bits as a signed number. */
export const toInt = (x: bigint): number => Number(BigInt.asIntN(32, x));
/** A C truth value as a u64. */
export const fromBool = (b: boolean): bigint => (b ? 1n : 0n);

/** splitmix64's finalizer, as the C runtime's mix64(). */
export function mix64(x: bigint): bigint {
  x ^= x >> 30n;
  x = (x * 0xbf58476d1ce4e5b9n) & U64_MASK;
  x ^= x >> 27n;
  x = (x * 0x94d049bb133111ebn) & U64_MASK;
  x ^= x >> 31n;
  return x;
}

/** __builtin_popcountl */
export function popcount(x: bigint): number {
  let n = 0;
  for (let v = x; v !== 0n; v &= v - 1n) n++;
  return n;
}
