/*
 * Strict UTF-8 decoding of an input file's bytes, the one rule every reader
 * of user files follows (specs, project files, size budgets and config files,
 * JSON reports, compile databases): a leading UTF-8 byte order mark is
 * dropped, as editors on Windows write one; any byte that is not UTF-8 is
 * refused, with where it is. Pure.
 */

export type Utf8Result =
  | { readonly ok: true; readonly text: string }
  | {
      readonly ok: false;
      /** Byte offset of the first byte that is not UTF-8. */
      readonly offset: number;
      /** That byte, e.g. "0xff". */
      readonly byte: string;
      /** The text decoded leniently (bad bytes as U+FFFD), for showing the source line. */
      readonly text: string;
      /** Index in `text` (UTF-16 code units) where the bad byte's U+FFFD stands. */
      readonly at: number;
      /** Whether the bytes start with a UTF-16 byte order mark. */
      readonly utf16: boolean;
    };

export function decodeUtf8(bytes: Uint8Array): Utf8Result {
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    const offset = firstBadUtf8(bytes);
    const lenient = new TextDecoder("utf-8", { fatal: false });
    return {
      ok: false,
      offset,
      byte: `0x${bytes[offset]!.toString(16).padStart(2, "0")}`,
      text: lenient.decode(bytes),
      at: lenient.decode(bytes.subarray(0, offset)).length,
      utf16:
        bytes.length >= 2 &&
        ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)),
    };
  }
}

/** Offset of the first byte of `bytes` that does not begin a valid UTF-8 sequence. */
function firstBadUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
    if (len === 0) return i;
    try {
      decoder.decode(bytes.subarray(i, i + len));
      i += len - 1;
    } catch {
      return i;
    }
  }
  return 0;
}
