/*
 * Parsing a spec's text (generator/core/spec/parse.ts): the YAML parsed to
 * plain data on null-prototype objects, with the span of every key and value
 * by path; and each way a text can fail (lone CR, tabs, syntax, a second
 * document, unknown alias, a tag, a complex key, too many nodes through
 * aliases) as its own diagnostic. A duplicate key does not stop the parse: it
 * is a problem carried beside the value.
 */
import fc from "fast-check";
import {
  MAX_ALIAS_NODES,
  parseSpec,
  pathKey,
  type DocPath,
} from "../../../../generator/core/spec/parse";
import { MAX_SPEC_BYTES } from "../../../../generator/core/spec/decode";
import { lineColOf } from "../../../../generator/core/diagnostics/diagnostic";
import { MAX_ALIASES, MAX_DEPTH, MAX_DIAGNOSTICS } from "../../../../generator/core/spec/limits";

/** A parse that must succeed. */
function parsed(text: string) {
  const r = parseSpec({ displayPath: "s.yaml", text });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return r.doc;
}

/** A parse that must fail: each diagnostic as code, line:col and message. */
function failures(text: string): string[] {
  const r = parseSpec({ displayPath: "s.yaml", text });
  if (r.ok) throw new Error("the text parsed");
  return r.diagnostics.map((d) => {
    const at = d.span ? lineColOf(text, d.span.start) : undefined;
    return `${d.code} ${at ? `${at.line}:${at.col}` : "-"} ${d.message}`;
  });
}

/** The text a span of the document covers, for the path's key or value. */
function spanned(text: string, p: DocPath, which: "key" | "value" = "value"): string | undefined {
  const loc = parsed(text).spans.get(pathKey(p));
  const span = which === "key" ? loc?.key : loc?.value;
  return span && text.slice(span.start, span.end);
}

describe("pathKey", () => {
  test.each<[DocPath, string]>([
    [[], "/"],
    [["backends", "vmx", "lazy", 2], "/backends/vmx/lazy/2"],
    [["a/b"], "/a~1b"],
    [["~x"], "/~0x"],
    [["~1"], "/~01"],
    [[""], "/"],
  ])("%j is %s", (p, key) => {
    expect(pathKey(p)).toBe(key);
  });

  test("two paths of non-empty names have one key only if they are the same path", () => {
    const segment = fc.oneof(fc.string({ minLength: 1, maxLength: 4 }), fc.nat(20));
    fc.assert(
      fc.property(
        fc.array(segment, { maxLength: 4 }),
        fc.array(segment, { maxLength: 4 }),
        (a, b) => {
          const same = a.length === b.length && a.every((x, i) => String(x) === String(b[i]));
          expect(pathKey(a) === pathKey(b)).toBe(same);
        },
      ),
    );
  });
});

describe("parseSpec: values and where they were written", () => {
  const text = "a: 1\nb: [x, y]\nc:\nd: { e: 'f' }\n";

  test("the value is plain data", () => {
    expect(parsed(text).value).toEqual({ a: 1, b: ["x", "y"], c: null, d: { e: "f" } });
  });

  test.each<[DocPath, "key" | "value", string | undefined]>([
    [["a"], "key", "a"],
    [["a"], "value", "1"],
    [["b"], "value", "[x, y]"],
    [["b", 1], "value", "y"],
    [["b", 1], "key", undefined],
    [["d", "e"], "key", "e"],
    [["d", "e"], "value", "'f'"],
    [["c"], "key", "c"],
    // A key without a value: its value spans nothing, where the value would be.
    [["c"], "value", ""],
    [["nowhere"], "value", undefined],
  ])("%j's %s spans %j", (p, which, want) => {
    expect(spanned(text, p, which)).toBe(want);
  });

  test("the document's own span is the whole text; an empty text is null, spanning nothing", () => {
    expect(spanned(text, [])).toBe(text);
    const empty = parsed("");
    expect(empty.value).toBeNull();
    expect(empty.spans.get("/")).toEqual({ value: { start: 0, end: 0 } });
  });

  test("a value reached through an alias is pointed at where the alias is written", () => {
    const t = "a: &x [1, 2]\nb: *x\n";
    expect(parsed(t).value).toEqual({ a: [1, 2], b: [1, 2] });
    expect(spanned(t, ["a", 1])).toBe("2");
    expect(spanned(t, ["b"])).toBe("*x");
    expect(spanned(t, ["b", 1])).toBe("*x");
  });

  test("the core schema's own tags change nothing", () => {
    expect(parsed("a: !!str 1\nb: !!int 2\n").value).toEqual({ a: "1", b: 2 });
  });

  test("keeps __proto__ as an own key, never a prototype", () => {
    const value = parsed(
      "__proto__: { polluted: true }\nconstructor: { prototype: { polluted: true } }\n",
    ).value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.keys(value)).toEqual(["__proto__", "constructor"]);
    expect(Object.getPrototypeOf(value["__proto__"])).toBeNull();
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  test("a duplicate key keeps the first value and is carried as a problem (RC101)", () => {
    const doc = parsed("a: 1\nb: 2\na: 3\n");
    expect(doc.value).toEqual({ a: 1, b: 2 });
    expect(doc.problems?.map((d) => [d.code, d.message, d.span])).toEqual([
      ["RC101", "duplicate key 'a' (first given at line 1)", { start: 10, end: 11 }],
    ]);
    expect(parsed("a: 1\n").problems).toBeUndefined();
  });
});

describe("parseSpec: what it refuses", () => {
  test.each<[string, string, string[]]>([
    ["a lone CR", "a: 1\rb: 2\n", ["RC126 1:5 lone carriage return (CR) used as a line break"]],
    ["a tab as indentation", "a:\n\tb: 1\n", ["RC117 2:1 tab character used for indentation"]],
    [
      "a syntax error, in the parser's words without its position",
      "a: [1,,2]\n",
      ["RC100 1:7 YAML syntax error: Unexpected , in flow sequence"],
    ],
    [
      "a second document",
      "a: 1\n---\nb: 2\n",
      [
        "RC100 2:1 YAML syntax error: the file holds more than one YAML document (a second '---'); a spec is one document",
      ],
    ],
    ["an unknown alias", "a: *nope\n", ["RC100 1:4 YAML syntax error: unknown alias '*nope'"]],
    // A tag is pointed at by the value it tags, as the error baselines show it.
    [
      "a tag beyond the core schema's",
      "a: !!binary dTMy\n",
      ["RC119 1:13 tag '!!binary' is not allowed in a spec"],
    ],
    ["a local tag", "a: !foo u32\n", ["RC119 1:9 tag '!foo' is not allowed in a spec"]],
    [
      "a complex key",
      "? [a]\n: 1\n",
      ["RC103 1:3 a mapping key must be a plain string, found a complex key"],
    ],
  ])("%s", (_what, text, want) => {
    expect(failures(text)).toEqual(want);
  });

  test("a duplicate key beside another problem is reported with it", () => {
    expect(failures("a: 1\na: 2\nb: !foo x\n")).toEqual([
      "RC101 2:1 duplicate key 'a' (first given at line 1)",
      "RC119 3:9 tag '!foo' is not allowed in a spec",
    ]);
  });

  test("nodes reached through aliases are counted, and the walk stops at the budget (RC118)", () => {
    const items = (n: number) => Array.from({ length: n }, (_, i) => i).join(", ");
    // An anchor of 99 items is 100 nodes; referenced 100 times, exactly the budget.
    const refs = (n: number) => `r: [${Array.from({ length: n }, () => "*x").join(", ")}]\n`;
    const within = `x: &x [${items(99)}]\n${refs(MAX_ALIAS_NODES / 100)}`;
    expect(parsed(within).value).toHaveProperty("r");
    const beyond = `x: &x [${items(99)}]\n${refs(MAX_ALIAS_NODES / 100 + 1)}`;
    expect(failures(beyond)).toEqual([
      `RC118 2:${5 + 4 * (MAX_ALIAS_NODES / 100)} the document expands to more than ${MAX_ALIAS_NODES} nodes through aliases`,
    ]);
  });
});

describe("parseSpec: nesting, recursive aliases and counts are refused before the work they cost", () => {
  const flow = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

  test("nesting: the top-level mapping is level 1; MAX_DEPTH levels parse, one more is RC130", () => {
    // x's list opens level 2.
    const within = `x: ${flow(MAX_DEPTH - 1)}\n`;
    expect(parsed(within).value).toHaveProperty("x");
    const over = `x: ${flow(MAX_DEPTH)}\n`;
    expect(failures(over)).toEqual([
      `RC130 1:${4 + MAX_DEPTH - 1} the document nests more than ${MAX_DEPTH} levels deep`,
    ]);
  });

  // Block nesting costs its indentation: about 1,400 levels of it fill a spec's MAX_SPEC_BYTES.
  test.each<[string, (depth: number) => string, number[]]>([
    ["flow lists", (n) => `x: ${flow(n)}\n`, [800, 100_000]],
    ["flow mappings", (n) => `x: ${"{a: ".repeat(n)}1${"}".repeat(n)}\n`, [800, 100_000]],
    [
      "block mappings",
      (n) => Array.from({ length: n }, (_, i) => `${" ".repeat(i)}k:\n`).join(""),
      [800, 1_400],
    ],
    [
      "block lists",
      (n) => Array.from({ length: n }, (_, i) => `${" ".repeat(i)}-\n`).join(""),
      [800, 1_400],
    ],
    ["compact block lists", (n) => `${"- ".repeat(n)}x\n`, [800, 100_000]],
  ])("%s nested far past the limit are RC130, not a stack overflow", (_, make, depths) => {
    for (const depth of depths) {
      const text = make(depth);
      expect(text.length).toBeLessThanOrEqual(MAX_SPEC_BYTES);
      const got = failures(text);
      expect(got).toHaveLength(1);
      expect(got[0]).toMatch(
        new RegExp(`^RC130 \\d+:\\d+ the document nests more than ${MAX_DEPTH} levels deep$`),
      );
    }
  });

  test("aliases deepen the document too: nesting reached through aliases is counted", () => {
    // Each anchor nests 20 levels below the one it aliases: a3 (81 levels) passes the limit only
    // through its aliases.
    const levels = 20;
    let text = `a0: &a0 ${flow(levels)}\n`;
    for (let i = 1; i <= 4; i++)
      text += `a${i}: &a${i} ${"[".repeat(levels)}*a${i - 1}${"]".repeat(levels)}\n`;
    const got = failures(text);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(/^RC130 4:\d+ /);
  });

  test.each<[string, string, string]>([
    [
      "a list holding itself",
      "a: &a [*a]\n",
      "RC131 1:8 alias '*a' refers to a node that contains it",
    ],
    [
      "a mapping holding itself",
      "a: &m { b: *m }\n",
      "RC131 1:12 alias '*m' refers to a node that contains it",
    ],
    [
      "through another anchor",
      "a: &a { b: &b [1, { c: *a }] }\n",
      "RC131 1:24 alias '*a' refers to a node that contains it",
    ],
  ])("a recursive alias (%s) is RC131 at the alias", (_, text, want) => {
    expect(failures(text)).toEqual([want]);
  });

  test("an alias names the last anchor of its name written before it", () => {
    const text = "a: &x 1\nb: *x\nc: &x 2\nd: *x\ne: [&y 3, *y]\n";
    expect(parsed(text).value).toEqual({ a: 1, b: 1, c: 2, d: 2, e: [3, 3] });
    // An alias written before its anchor is unknown, as in the yaml library.
    expect(failures("a: *z\nb: &z 1\n")).toEqual([
      "RC100 1:4 YAML syntax error: unknown alias '*z'",
    ]);
  });

  test("aliases: MAX_ALIASES are expanded, one more is RC132 at the first alias past the limit", () => {
    const refs = (n: number) =>
      `one: &one 1\nr: [${Array.from({ length: n }, () => "*one").join(", ")}]\n`;
    expect((parsed(refs(MAX_ALIASES)).value as { r: unknown[] }).r).toHaveLength(MAX_ALIASES);
    expect(failures(refs(MAX_ALIASES + 1))).toEqual([
      `RC132 2:${5 + 6 * MAX_ALIASES} the document has ${MAX_ALIASES + 1} aliases; a spec may have at most ${MAX_ALIASES}`,
    ]);
  });

  test("duplicate keys past the report limit are counted in RC135, and the value is still kept", () => {
    const n = MAX_DIAGNOSTICS + 7;
    const text = `a: 0\n${Array.from({ length: n }, (_, i) => `a: ${i + 1}\n`).join("")}`;
    const doc = parsed(text);
    expect(doc.value).toEqual({ a: 0 });
    expect(doc.problems).toHaveLength(MAX_DIAGNOSTICS);
    expect(doc.problemsLeftOut).toBe(7);
  });

  test("syntax errors past the report limit end in RC135", () => {
    const text =
      Array.from({ length: MAX_DIAGNOSTICS + 5 }, (_, i) => `k${i}: [\n`).join("") + "x: ]\n";
    const got = failures(text);
    expect(got).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(got[got.length - 1]).toMatch(/^RC135 \d+:1 \d+ more problems are not shown$/);
  });
});
