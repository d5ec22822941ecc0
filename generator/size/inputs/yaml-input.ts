/*
 * Small YAML (and so JSON) input files for the size command — budgets and
 * config files — read into a plain tree that remembers each node's span, so
 * the checkers in budget.ts and matrix.ts can point at the offending text.
 * Read as strictly as a spec (core/spec/parse.ts): the YAML core schema, no
 * tag but its own (RC621: `!!binary`, `!!set` or a custom tag is refused,
 * never resolved), no merge keys, no duplicate keys.
 */
import { isMap, isScalar, isSeq, LineCounter, Node, parseDocument, visit } from "yaml";
import { Diagnostic, SourceFile, Span } from "../../core/diagnostics/diagnostic";
import { ALLOWED_TAGS } from "../../core/spec/parse";
import { sizeDiagnostic } from "../messages";

export type InputNode =
  | { readonly kind: "map"; readonly span: Span; readonly entries: readonly InputEntry[] }
  | { readonly kind: "seq"; readonly span: Span; readonly items: readonly InputNode[] }
  | { readonly kind: "scalar"; readonly span: Span; readonly value: unknown };

export interface InputEntry {
  readonly key: string;
  readonly keySpan: Span;
  readonly value: InputNode;
}

export type InputResult = { ok: true; root: InputNode } | { ok: false; diagnostics: Diagnostic[] };

function spanOf(node: Node | null | undefined): Span {
  const range = node?.range;
  return range ? { start: range[0], end: range[1] } : { start: 0, end: 0 };
}

function convert(node: unknown): InputNode {
  if (isMap(node)) {
    const entries: InputEntry[] = node.items.map((pair) => {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      return { key, keySpan: spanOf(pair.key as Node), value: convert(pair.value) };
    });
    return { kind: "map", span: spanOf(node), entries };
  }
  if (isSeq(node)) return { kind: "seq", span: spanOf(node), items: node.items.map(convert) };
  if (isScalar(node)) return { kind: "scalar", span: spanOf(node), value: node.value };
  return { kind: "scalar", span: { start: 0, end: 0 }, value: null };
}

export function parseInput(file: SourceFile): InputResult {
  const doc = parseDocument(file.text, {
    lineCounter: new LineCounter(),
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
    merge: false,
    customTags: [],
    schema: "core",
  });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      diagnostics: doc.errors.map((error) =>
        sizeDiagnostic(
          "RC601",
          file,
          { start: error.pos[0], end: error.pos[1] },
          file.displayPath,
          error.message.split("\n")[0],
        ),
      ),
    };
  }
  const tags: Diagnostic[] = [];
  visit(doc, (_key, node) => {
    const tag = (node as { tag?: string } | null)?.tag;
    if (tag && !ALLOWED_TAGS.has(tag))
      tags.push(
        sizeDiagnostic(
          "RC621",
          file,
          spanOf(node as Node),
          tag.replace(/^tag:yaml\.org,2002:/, "!!"),
          file.displayPath,
        ),
      );
  });
  if (tags.length > 0) return { ok: false, diagnostics: tags };
  return { ok: true, root: convert(doc.contents) };
}

export function describeNode(node: InputNode): string {
  if (node.kind !== "scalar") return `a ${node.kind === "map" ? "mapping" : "list"}`;
  if (node.value === null) return "nothing";
  return `${typeof node.value} ${JSON.stringify(node.value)}`;
}

/** Checks a mapping's keys against the allowed ones; returns the unknown-key diagnostics. */
export function unknownKeys(
  file: SourceFile,
  node: InputNode & { kind: "map" },
  allowed: readonly string[],
): Diagnostic[] {
  return node.entries
    .filter((entry) => !allowed.includes(entry.key))
    .map((entry) => sizeDiagnostic("RC603", file, entry.keySpan, entry.key, allowed.join(", ")));
}

export function entry(node: InputNode & { kind: "map" }, key: string): InputEntry | undefined {
  return node.entries.find((e) => e.key === key);
}

/**
 * A string or a list of strings, as a list; otherwise an RC602 naming `what`
 * and what was `expected` there.
 */
export function stringList(
  file: SourceFile,
  node: InputNode,
  what: string,
  out: Diagnostic[],
  expected = "a list of strings",
): string[] | undefined {
  if (node.kind === "scalar" && typeof node.value === "string") return [node.value];
  if (
    node.kind === "seq" &&
    node.items.every((i) => i.kind === "scalar" && typeof i.value === "string")
  ) {
    return node.items.map((i) => String((i as { value: unknown }).value));
  }
  out.push(sizeDiagnostic("RC602", file, node.span, what, expected, describeNode(node)));
  return undefined;
}

/** The shape of a file that is one list under one key: `budgets:` or `configs:`. */
export interface ListFileShape {
  /** The one key the root mapping has. */
  readonly key: string;
  /** What the file is, for "must be" messages: "a budget file". */
  readonly what: string;
  /** What the list must be: "a list of rules". */
  readonly list: string;
  /** The hint when the key is missing. */
  readonly hint: string;
}

export type ListFileResult =
  | { ok: true; items: readonly InputNode[]; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * Parses a file whose root is a mapping holding one list, checks the root and
 * its keys, and returns the list's items with any diagnostics found so far
 * (unknown keys), so the caller adds its own per item and reports them all.
 */
export function parseListFile(file: SourceFile, shape: ListFileShape): ListFileResult {
  const parsed = parseInput(file);
  if (!parsed.ok) return parsed;
  const root = parsed.root;
  if (root.kind !== "map") {
    const expected = `a mapping with '${shape.key}'`;
    return {
      ok: false,
      diagnostics: [
        sizeDiagnostic("RC602", file, root.span, shape.what, expected, describeNode(root)),
      ],
    };
  }
  const diagnostics = unknownKeys(file, root, [shape.key]);
  const list = entry(root, shape.key);
  if (!list) {
    diagnostics.push(sizeDiagnostic("RC604", file, root.span, shape.key, shape.hint));
    return { ok: false, diagnostics };
  }
  if (list.value.kind !== "seq") {
    diagnostics.push(
      sizeDiagnostic(
        "RC602",
        file,
        list.value.span,
        `'${shape.key}'`,
        shape.list,
        describeNode(list.value),
      ),
    );
    return { ok: false, diagnostics };
  }
  return { ok: true, items: list.value.items, diagnostics };
}
