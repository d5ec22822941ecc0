/*
 * The spec's size limits (generator/core/spec/limits.ts): registers and
 * backends counted before validation (RC133, RC134), and the diagnostic list
 * that keeps MAX_DIAGNOSTICS and counts the rest in one RC135 at the end.
 */
import {
  checkSpecSize,
  DiagnosticList,
  MAX_BACKENDS,
  MAX_DIAGNOSTICS,
  MAX_REGISTERS,
} from "../../../../generator/core/spec/limits";
import { diagnose, type SourceFile } from "../../../../generator/core/diagnostics/diagnostic";

const file: SourceFile = { displayPath: "s.yaml", text: "registers:\nbackends:\n" };
const names = (n: number) => Array.from({ length: n }, (_, i) => `r${i}`);
const at = (key: string) => ({ start: file.text.indexOf(key), end: file.text.indexOf(key) + 1 });
const codes = (root: Record<string, unknown>) =>
  checkSpecSize(file, root, at).map((d) => `${d.code} ${d.span?.start} ${d.message}`);

describe("checkSpecSize", () => {
  test("registers are gpr, extended and aliases together; the limit itself is allowed", () => {
    const half = Math.floor(MAX_REGISTERS / 2);
    const within = {
      registers: {
        gpr: names(half),
        extended: names(MAX_REGISTERS - half - 1),
        aliases: { a: "r0" },
      },
    };
    expect(codes(within)).toEqual([]);
    const over = { registers: { ...within.registers, aliases: { a: "r0", b: "r1" } } };
    expect(codes(over)).toEqual([
      `RC133 0 the spec declares ${MAX_REGISTERS + 1} registers; a spec may declare at most ${MAX_REGISTERS}`,
    ]);
  });

  test("backends: the limit is allowed, one more is RC134 at the backends key", () => {
    const backends = (n: number) => Object.fromEntries(names(n).map((b) => [b, {}]));
    expect(codes({ backends: backends(MAX_BACKENDS) })).toEqual([]);
    expect(codes({ backends: backends(MAX_BACKENDS + 1) })).toEqual([
      `RC134 11 the spec declares ${MAX_BACKENDS + 1} backends; a spec may declare at most ${MAX_BACKENDS}`,
    ]);
  });

  test("sections of the wrong shape count as empty (the schema reports them)", () => {
    expect(codes({ registers: "x", backends: [1, 2] })).toEqual([]);
    expect(codes({ registers: { gpr: "x" } })).toEqual([]);
  });
});

describe("DiagnosticList", () => {
  const d = (code: "RC101" | "RC102", i: number) =>
    code === "RC101"
      ? diagnose("RC101", file, { start: i, end: i + 1 }, `k${i}`, 1)
      : diagnose("RC102", file, { start: i, end: i + 1 }, `k${i}`, "", "a");

  test("keeps every diagnostic up to the limit, without RC135", () => {
    const list = new DiagnosticList(file);
    for (let i = 0; i < MAX_DIAGNOSTICS; i++) list.push(d("RC102", i));
    expect(list.wanted()).toBe(false);
    expect(list.length).toBe(MAX_DIAGNOSTICS);
    expect(list.leftOut).toBe(0);
    expect(list.all().map((x) => x.code)).toEqual(Array(MAX_DIAGNOSTICS).fill("RC102"));
  });

  test("past the limit: counts the rest, built or skipped, in one RC135 at the end of the text", () => {
    const list = new DiagnosticList(file, 2);
    expect(list.wanted()).toBe(true);
    for (let i = 0; i < MAX_DIAGNOSTICS + 3; i++) list.push(d("RC102", i));
    list.skip("RC101");
    expect(list.length).toBe(MAX_DIAGNOSTICS + 6);
    expect(list.leftOut).toBe(6);
    expect(list.shown()).toHaveLength(MAX_DIAGNOSTICS);
    const all = list.all();
    expect(all).toHaveLength(MAX_DIAGNOSTICS + 1);
    const last = all[all.length - 1]!;
    expect([last.code, last.message, last.span]).toEqual([
      "RC135",
      "6 more problems are not shown",
      { start: file.text.length, end: file.text.length },
    ]);
  });

  test("tells duplicate keys (which do not stop the parse) from other problems, shown or not", () => {
    const dupes = new DiagnosticList(file);
    expect(dupes.someBesidesDuplicateKeys()).toBe(false);
    for (let i = 0; i < MAX_DIAGNOSTICS + 1; i++) dupes.push(d("RC101", i));
    dupes.skip("RC101");
    expect(dupes.someBesidesDuplicateKeys()).toBe(false);
    dupes.skip("RC102");
    expect(dupes.someBesidesDuplicateKeys()).toBe(true);
    const shown = new DiagnosticList(file);
    shown.push(d("RC101", 0), d("RC102", 1));
    expect(shown.someBesidesDuplicateKeys()).toBe(true);
  });
});
