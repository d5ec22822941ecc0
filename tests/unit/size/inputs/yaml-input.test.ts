/*
 * The size command's small YAML/JSON inputs (generator/size/inputs/yaml-input.ts):
 * a plain tree that keeps each node's span, syntax errors as RC601 at their
 * position, and the shared checks of budget and config files: unknown keys
 * (RC603), a string or list of strings (RC602), and a file that is one list
 * under one key (RC602, RC604).
 */
import type { Diagnostic, SourceFile } from "../../../../generator/core/diagnostics/diagnostic";
import {
  describeNode,
  entry,
  parseInput,
  parseListFile,
  stringList,
  unknownKeys,
  type InputNode,
} from "../../../../generator/size/inputs/yaml-input";

const file = (text: string): SourceFile => ({ displayPath: "in.yaml", text });

function root(text: string): InputNode {
  const parsed = parseInput(file(text));
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join("\n"));
  return parsed.root;
}

/** The text a node's span covers. */
const spanned = (text: string, node: { span: { start: number; end: number } }) =>
  text.slice(node.span.start, node.span.end);

describe("parseInput", () => {
  test("maps, lists and scalars with their spans and keys' spans", () => {
    const text = "a: 1\nb: [x, true]\nc: ~\n";
    const tree = root(text);
    expect(tree.kind).toBe("map");
    if (tree.kind !== "map") return;
    expect(tree.entries.map((e) => e.key)).toEqual(["a", "b", "c"]);
    const [a, b, c] = tree.entries;
    expect(a.value).toMatchObject({ kind: "scalar", value: 1 });
    expect(text.slice(a.keySpan.start, a.keySpan.end)).toBe("a");
    expect(b.value.kind).toBe("seq");
    if (b.value.kind !== "seq") return;
    expect(b.value.items.map((i) => (i.kind === "scalar" ? i.value : i.kind))).toEqual(["x", true]);
    expect(spanned(text, b.value)).toBe("[x, true]");
    expect(spanned(text, b.value.items[1])).toBe("true");
    expect(c.value).toMatchObject({ kind: "scalar", value: null });
  });

  test("JSON is YAML", () => {
    const tree = root('{"budgets": [{"max": 3}]}');
    expect(tree.kind === "map" && tree.entries[0].key).toBe("budgets");
  });

  test("an empty file is one null scalar", () => {
    expect(root("")).toEqual({ kind: "scalar", span: { start: 0, end: 0 }, value: null });
  });

  test("a syntax error and a duplicate key: RC601 at their positions, one line each", () => {
    const text = "a: [1\nb: 2\n";
    const parsed = parseInput(file(text));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.diagnostics.every((d) => d.code === "RC601")).toBe(true);
    expect(parsed.diagnostics[0].message).toMatch(/^in\.yaml is not valid YAML or JSON: [^\n]+$/);
    const dup = parseInput(file("a: 1\na: 2\n"));
    expect(dup.ok ? [] : dup.diagnostics.map((d) => [d.code, d.span])).toEqual([
      ["RC601", { start: 5, end: 6 }],
    ]);
  });
  test.each([
    ["!!binary, which would be a Buffer", "budgets: !!binary aGVsbG8=\n", "!!binary", "aGVsbG8="],
    ["!!set", "a: !!set {x: null}\n", "!!set", "{x: null}"],
    ["a custom tag", "a:\n  - !foo x\n", "!foo", "x"],
  ])(
    "%s: RC621 at the tagged value (as a spec's RC119), never resolved",
    (_name, text, tag, at) => {
      const parsed = parseInput(file(text));
      expect(
        parsed.ok
          ? []
          : parsed.diagnostics.map((d) => [
              d.code,
              d.message,
              text.slice(d.span!.start, d.span!.end),
            ]),
      ).toEqual([["RC621", `tag '${tag}' is not allowed in in.yaml`, at]]);
    },
  );

  test("the core schema's own tags change nothing and are allowed", () => {
    expect(root("a: !!str 1\n")).toMatchObject({ entries: [{ value: { value: "1" } }] });
  });

  test("a merge key is a plain key, not a merge", () => {
    const tree = root("<<: {a: 1}\n");
    expect(tree.kind === "map" && tree.entries.map((e) => e.key)).toEqual(["<<"]);
  });
});

test.each([
  ["a: 1", "a mapping"],
  ["[1]", "a list"],
  ["~", "nothing"],
  ["'x'", 'string "x"'],
  ["3", "number 3"],
  ["true", "boolean true"],
])("describeNode(%s) = %s", (text, want) => expect(describeNode(root(text))).toBe(want));

test("unknownKeys: one RC603 per key not allowed, at the key, naming the allowed ones", () => {
  const text = "name: x\nflag: 1\nnmae: y\n";
  const tree = root(text);
  if (tree.kind !== "map") throw new Error("not a map");
  const found = unknownKeys(file(text), tree, ["name", "flags"]);
  expect(
    found.map((d) => [d.code, d.message, d.hint, text.slice(d.span!.start, d.span!.end)]),
  ).toEqual([
    ["RC603", "unknown key 'flag'", "allowed keys here: name, flags", "flag"],
    ["RC603", "unknown key 'nmae'", "allowed keys here: name, flags", "nmae"],
  ]);
  expect(entry(tree, "name")?.value).toMatchObject({ value: "x" });
  expect(entry(tree, "missing")).toBeUndefined();
});

describe("stringList", () => {
  test.each([
    ["one string is a list of one", "gcc", ["gcc"]],
    ["a list of strings", "[gcc, clang]", ["gcc", "clang"]],
    ["an empty list", "[]", []],
  ])("%s", (_name, text, want) => {
    const out: Diagnostic[] = [];
    expect(stringList(file(text), root(text), "'config'", out)).toEqual(want);
    expect(out).toEqual([]);
  });

  test.each([
    ["a number", "3", "'config' must be a list of strings, found number 3"],
    ["a list holding a number", "[gcc, 3]", "'config' must be a list of strings, found a list"],
    ["a mapping", "a: b", "'config' must be a list of strings, found a mapping"],
  ])("%s: RC602 over the node", (_name, text, message) => {
    const out: Diagnostic[] = [];
    expect(stringList(file(text), root(text), "'config'", out)).toBeUndefined();
    expect(out.map((d) => [d.code, d.message, spanned(text, { span: d.span! })])).toEqual([
      ["RC602", message, text],
    ]);
  });

  test("what was expected, as the caller words it", () => {
    const out: Diagnostic[] = [];
    stringList(file("1"), root("1"), "'flags'", out, "compiler flags");
    expect(out[0].message).toBe("'flags' must be compiler flags, found number 1");
  });
});

describe("parseListFile", () => {
  const shape = {
    key: "budgets",
    what: "a budget file",
    list: "a list of rules",
    hint: "a budget file is `budgets:` and a list of rules",
  };
  const parse = (text: string) => parseListFile(file(text), shape);
  const messages = (result: ReturnType<typeof parse>) =>
    result.diagnostics.map((d) => `${d.code} ${d.message}`);

  test("the list's items, and the unknown keys beside it so far", () => {
    const result = parse("budgets:\n  - a\n  - b\nextra: 1\n");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.items.map(describeNode)).toEqual(['string "a"', 'string "b"']);
    expect(messages(result)).toEqual(["RC603 unknown key 'extra'"]);
  });

  test.each([
    [
      "a list at the root",
      "- a\n",
      ["RC602 a budget file must be a mapping with 'budgets', found a list"],
    ],
    ["an empty file", "", ["RC602 a budget file must be a mapping with 'budgets', found nothing"]],
    [
      "the key missing, another there",
      "budget: []\n",
      ["RC603 unknown key 'budget'", "RC604 missing required key 'budgets'"],
    ],
    [
      "the key holding a mapping",
      "budgets: {a: 1}\n",
      ["RC602 'budgets' must be a list of rules, found a mapping"],
    ],
    ["a syntax error", "budgets: [\n", [expect.stringMatching(/^RC601 /)]],
  ])("refused: %s", (_name, text, want) => {
    const result = parse(text);
    expect(result.ok).toBe(false);
    expect(messages(result)).toEqual(want);
  });

  test("the missing key's hint is the caller's", () => {
    expect(parse("{}\n").diagnostics[0].hint).toBe(shape.hint);
  });
});
