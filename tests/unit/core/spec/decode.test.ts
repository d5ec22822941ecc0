/*
 * Reading a spec's bytes (generator/core/spec/decode.ts): the file read as a
 * regular file of at most MAX_SPEC_BYTES, decoded as strict UTF-8 with a bad
 * byte pointed at, and a lone CR refused at where it stands.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import {
  decodeSpec,
  loneCarriageReturn,
  MAX_SPEC_BYTES,
  readSpecFile,
} from "../../../../generator/core/spec/decode";
import { lineColOf } from "../../../../generator/core/diagnostics/diagnostic";
import { tempDir } from "../../../helpers/temp";

const HEAD =
  "regcache: 1\nname: t\nmask: u32\nregisters:\n  gpr: [rax]\nbackends:\n  vmx: { lazy: [] }\n";

describe("decodeSpec", () => {
  test("any text encoded as UTF-8 decodes to itself", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        fc.pre(!text.startsWith("\ufeff"));
        expect(decodeSpec("s.yaml", Buffer.from(text, "utf8"))).toEqual({ ok: true, text });
      }),
    );
  });

  test("a byte-order mark is dropped", () => {
    expect(decodeSpec("s.yaml", Buffer.from("\ufeffa: 1\n", "utf8"))).toEqual({
      ok: true,
      text: "a: 1\n",
    });
  });

  test.each<[string, number[], string, number]>([
    ["a stray byte on the second line", [0x61, 0x0a, 0x62, 0xff, 0x63], "0xff at byte offset 3", 3],
    ["a sequence cut short at the end", [0x61, 0x62, 0xe2, 0x82], "0xe2 at byte offset 2", 2],
    ["an overlong encoding", [0x61, 0xc0, 0x80], "0xc0 at byte offset 1", 1],
    ["an encoded surrogate", [0xed, 0xa0, 0x80], "0xed at byte offset 0", 0],
    [
      "a continuation byte after a good character",
      [0xc3, 0xa9, 0x80, 0x61],
      "0x80 at byte offset 2",
      1,
    ],
    [
      "UTF-16 (little-endian) says so",
      [0xff, 0xfe, 0x61, 0x00],
      "0xff at byte offset 0; the file looks like UTF-16",
      0,
    ],
    [
      "UTF-16 (big-endian) says so",
      [0xfe, 0xff, 0x00, 0x61],
      "0xfe at byte offset 0; the file looks like UTF-16",
      0,
    ],
  ])("%s: RC002 at the byte", (_what, bytes, says, offset) => {
    const r = decodeSpec("s.yaml", Uint8Array.from(bytes));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostic.code).toBe("RC002");
    expect(r.diagnostic.message).toBe(`s.yaml is not valid UTF-8: byte ${says}`);
    // The span is in the text as shown (the bad byte as U+FFFD), one character wide.
    expect(r.diagnostic.span).toEqual({ start: offset, end: offset + 1 });
    expect(r.diagnostic.file.text[offset]).toBe("\ufffd");
  });

  test("a size over the limit is RC003, whatever the bytes; the limit itself is allowed", () => {
    const over = decodeSpec("s.yaml", new Uint8Array(0), MAX_SPEC_BYTES + 1);
    expect(over.ok ? "" : over.diagnostic.message).toBe(
      `s.yaml is ${MAX_SPEC_BYTES + 1} bytes; specs are limited to ${MAX_SPEC_BYTES} bytes`,
    );
    expect(decodeSpec("s.yaml", new Uint8Array(0), MAX_SPEC_BYTES)).toEqual({ ok: true, text: "" });
  });
});

describe("readSpecFile", () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir("parse");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("reads a regular file's text", () => {
    fs.writeFileSync(path.join(dir, "s.yaml"), HEAD);
    expect(readSpecFile("s.yaml", path.join(dir, "s.yaml"))).toEqual({ ok: true, text: HEAD });
  });

  test("a file that is not there, or a directory, is RC001 with the reason", () => {
    const missing = readSpecFile("no.yaml", path.join(dir, "no.yaml"));
    expect(missing.ok ? "" : `${missing.diagnostic.code} ${missing.diagnostic.message}`).toBe(
      "RC001 cannot read no.yaml: no such file or directory (ENOENT)",
    );
    const directory = readSpecFile("d", dir);
    expect(directory.ok ? "" : directory.diagnostic.message).toBe(
      "cannot read d: it is a directory (EISDIR)",
    );
  });

  test("accepts a spec of exactly the limit and refuses one byte more", () => {
    const pad = (n: number) => HEAD + "#".repeat(n - HEAD.length - 1) + "\n";
    fs.writeFileSync(path.join(dir, "max.yaml"), pad(MAX_SPEC_BYTES));
    fs.writeFileSync(path.join(dir, "over.yaml"), pad(MAX_SPEC_BYTES + 1));
    expect(readSpecFile("max.yaml", path.join(dir, "max.yaml")).ok).toBe(true);
    const over = readSpecFile("over.yaml", path.join(dir, "over.yaml"));
    expect(over.ok ? "" : over.diagnostic.code).toBe("RC003");
  });

  test("refuses a device instead of reading it forever", () => {
    const r = readSpecFile("/dev/zero", "/dev/zero");
    expect(r.ok ? "" : r.diagnostic.message).toBe(
      "cannot read /dev/zero: it is not a regular file",
    );
  });
});

describe("loneCarriageReturn", () => {
  test.each<[string, string, string | undefined]>([
    ["LF line breaks", "a: 1\nb: 2\n", undefined],
    ["CRLF line breaks", "a: 1\r\nb: 2\r\n", undefined],
    ["no line break at all", "a: 1", undefined],
    ["a lone CR between lines", "a: 1\rb: 2\n", "1:5"],
    ["a lone CR after CRLF lines", "a: 1\r\nb: 2\r\rc: 3\n", "2:5"],
    ["a CR as the last character", "a: 1\r\nb: 2\r", "2:5"],
  ])("%s", (_what, text, at) => {
    const d = loneCarriageReturn({ displayPath: "s.yaml", text });
    if (at === undefined) {
      expect(d).toBeUndefined();
      return;
    }
    expect(d?.code).toBe("RC126");
    expect(d?.span?.end).toBe((d?.span?.start ?? 0) + 1);
    expect(text[d?.span?.start ?? -1]).toBe("\r");
    const { line, col } = lineColOf(text, d?.span?.start ?? 0);
    expect(`${line}:${col}`).toBe(at);
  });
});
