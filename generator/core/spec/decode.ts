/*
 * A spec's bytes → its text: the file read as a regular file of at most
 * MAX_SPEC_BYTES (RC001, RC003), decoded as strict UTF-8 with a bad byte
 * pointed at (RC002), and its line breaks checked (a lone CR, RC126) before
 * the YAML parser (parse.ts) reads it. readSpecFile is the edge that reads
 * the file; the rest is pure.
 */
import * as fs from "node:fs";
import { errnoText } from "../../util/errno";
import { decodeUtf8 } from "../../util/utf8";
import { diagnose, type Diagnostic, type SourceFile } from "../diagnostics/diagnostic";

/** Bytes a spec file may hold (RC003). */
export const MAX_SPEC_BYTES = 1024 * 1024;

export type DecodeResult = { ok: true; text: string } | { ok: false; diagnostic: Diagnostic };

/**
 * Reads a spec file, refusing anything that is not a regular file and never
 * reading more than the size limit allows (a spec pointed at /dev/zero or a
 * FIFO fails at once instead of filling memory). The file is opened
 * non-blocking, as open(2) of a FIFO for reading otherwise waits for a
 * writer; a regular file reads the same either way. RC001 when it cannot be
 * read, else decodeSpec's result.
 */
export function readSpecFile(displayPath: string, filePath: string): DecodeResult {
  const nofile: SourceFile = { displayPath, text: "" };
  const cannot = (reason: string) => ({
    ok: false as const,
    diagnostic: diagnose("RC001", nofile, undefined, displayPath, reason),
  });
  let fd: number;
  try {
    fd = fs.openSync(filePath, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    return cannot(errnoText(err));
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) return cannot("it is a directory (EISDIR)");
    if (!stat.isFile()) return cannot("it is not a regular file");
    if (stat.size > MAX_SPEC_BYTES) return decodeSpec(displayPath, new Uint8Array(0), stat.size);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > MAX_SPEC_BYTES) return decodeSpec(displayPath, new Uint8Array(0), total);
    }
    return decodeSpec(displayPath, Buffer.concat(chunks, total));
  } catch (err) {
    return cannot(errnoText(err));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Decodes bytes as strict UTF-8 and enforces the size limit (`size`, in
 * bytes, defaults to the bytes' length): RC003 over the limit, RC002 at a
 * bad byte, reported at its line and column and shown as U+FFFD in the
 * source line.
 */
export function decodeSpec(
  displayPath: string,
  bytes: Uint8Array,
  size = bytes.length,
): DecodeResult {
  const nofile: SourceFile = { displayPath, text: "" };
  if (size > MAX_SPEC_BYTES) {
    return {
      ok: false,
      diagnostic: diagnose("RC003", nofile, undefined, displayPath, size, MAX_SPEC_BYTES),
    };
  }
  const decoded = decodeUtf8(bytes);
  if (decoded.ok) return decoded;
  const { text, at, byte, offset, utf16 } = decoded;
  return {
    ok: false,
    diagnostic: diagnose(
      "RC002",
      { displayPath, text },
      { start: at, end: at + 1 },
      displayPath,
      `${byte} at byte offset ${offset}${utf16 ? "; the file looks like UTF-16" : ""}`,
    ),
  };
}

/**
 * RC126 at the first CR not followed by LF (old Mac line endings, which the
 * YAML parser reads as one long line), or undefined when there is none.
 */
export function loneCarriageReturn(file: SourceFile): Diagnostic | undefined {
  const { text } = file;
  for (let i = text.indexOf("\r"); i >= 0; i = text.indexOf("\r", i + 1)) {
    if (text.charCodeAt(i + 1) !== 10) return diagnose("RC126", file, { start: i, end: i + 1 });
  }
  return undefined;
}
