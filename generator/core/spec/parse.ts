/*
 * Spec text (decode.ts's) → a plain JavaScript value plus a map from every path in it to
 * its source span. YAML is parsed with the `yaml` package's CST-preserving
 * document API so every later diagnostic can point at the exact key or value.
 *
 * Safety: aliases are bounded (a "billion laughs" document is refused, not
 * expanded; a recursive one is refused where it recurses), nesting is
 * bounded before the YAML composer recurses into it, every step is linear
 * in the text (limits.ts), no custom tags are resolved, and maps are built
 * on null-prototype objects so keys like __proto__ are plain data.
 */
import type * as Yaml from "yaml";
import type { Document, Node } from "yaml";
import { DiagnosticList, MAX_DEPTH, MAX_ALIASES } from "./limits";
import { loneCarriageReturn } from "./decode";
import {
  diagnose,
  lineColOf,
  type Diagnostic,
  type SourceFile,
  type Span,
} from "../diagnostics/diagnostic";

// The yaml library takes longer to load than node takes to start: it is loaded
// on the first parse, so reading a spec (and a `check` whose output is in step,
// which never parses it) does not pay for it.
let yamlLibrary: typeof Yaml | undefined;
const yaml = (): typeof Yaml => (yamlLibrary ??= require("yaml") as typeof Yaml);

/** Nodes a document may expand to, aliases included (a 4,000-register spec has ~20,000). */
export const MAX_NODES = 200_000;
/**
 * Nodes that may be reached through aliases. A register spec has little use
 * for aliases (a shared list, perhaps); a "billion laughs" document nests them
 * to expand exponentially, and is refused as soon as this budget runs out.
 */
export const MAX_ALIAS_NODES = 10_000;

/** Path of a value in the document, e.g. ["backends", "vmx", "lazy", 2]. */
export type DocPath = readonly (string | number)[];

export interface Located {
  readonly key?: Span;
  readonly value: Span;
}

export interface ParsedDocument {
  readonly file: SourceFile;
  readonly value: unknown;
  /** Spans keyed by pathKey(path). */
  readonly spans: ReadonlyMap<string, Located>;
  /**
   * Problems that did not stop the parse: a duplicate key (RC101) keeps its
   * first value, so validation still runs and reports the file's other
   * problems in the same run. Validation reports these first.
   */
  readonly problems?: readonly Diagnostic[];
  /** Problems past the report limit (limits.ts), counted but not in `problems`. */
  readonly problemsLeftOut?: number;
}

export function pathKey(path: DocPath): string {
  return "/" + path.map((p) => String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
}

export type ParseResult =
  | { readonly ok: true; readonly doc: ParsedDocument }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Tags a spec (or any YAML input) may spell out: the YAML core schema's own, which change nothing. */
export const ALLOWED_TAGS = new Set(
  ["str", "int", "float", "bool", "null", "seq", "map"].map((t) => `tag:yaml.org,2002:${t}`),
);

/** Messages of the YAML parser that name its API rather than the user's mistake. */
const YAML_MESSAGES: Record<string, string> = {
  MULTIPLE_DOCS:
    "the file holds more than one YAML document (a second '---'); a spec is one document",
};

export function parseSpec(file: SourceFile): ParseResult {
  const cr = loneCarriageReturn(file);
  if (cr) return { ok: false, diagnostics: [cr] };
  const tokens = boundedTokens(file);
  if (!tokens.ok) return { ok: false, diagnostics: [tokens.diagnostic] };
  const doc = compose(file, tokens.tokens);
  const diagnostics = new DiagnosticList(file);
  for (const err of doc.errors) {
    const span = { start: err.pos[0], end: Math.max(err.pos[1], err.pos[0] + 1) };
    if (err.code === "TAB_AS_INDENT") {
      diagnostics.push(diagnose("RC117", file, span));
    } else {
      const text = YAML_MESSAGES[err.code] ?? firstLine(err.message);
      diagnostics.push(diagnose("RC100", file, span, text));
    }
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics: diagnostics.all() };

  const aliases = resolveAliases(file, doc);
  if (!aliases.ok) return { ok: false, diagnostics: [aliases.diagnostic] };

  const spans = new Map<string, Located>();
  const state: WalkState = {
    nodes: 0,
    aliasNodes: 0,
    overflowed: false,
    diagnostics,
    file,
    spans,
    targets: aliases.targets,
    open: new Set(),
  };
  const value = toPlain(doc.contents as Node | null, [], undefined, state, undefined);
  if (diagnostics.someBesidesDuplicateKeys()) return { ok: false, diagnostics: diagnostics.all() };
  if (!spans.has(pathKey([]))) spans.set(pathKey([]), { value: { start: 0, end: 0 } });
  const problems = diagnostics.shown();
  return {
    ok: true,
    doc: {
      file,
      value,
      spans,
      ...(problems.length > 0 ? { problems } : {}),
      ...(diagnostics.leftOut > 0 ? { problemsLeftOut: diagnostics.leftOut } : {}),
    },
  };
}

/**
 * The document's CST tokens, or RC130 as soon as the parser's stack grows
 * past the nesting limit: the parser is fed one lexeme at a time so a
 * document nested thousands deep is refused before the composer (which
 * recurses once per level) and everything after it sees it. The stack holds
 * the document, each open collection and at most one scalar, so a document
 * nested MAX_DEPTH deep passes here and the walk (toPlain) checks the exact
 * depth.
 */
function boundedTokens(
  file: SourceFile,
): { ok: true; tokens: Yaml.CST.Token[] } | { ok: false; diagnostic: Diagnostic } {
  const { Lexer, Parser } = yaml();
  const parser = new Parser();
  const tokens: Yaml.CST.Token[] = [];
  for (const lexeme of new Lexer().lex(file.text)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length > MAX_DEPTH + 2) {
      // The parser's offset is the end of the token that went one level too deep.
      const end = Math.min(parser.offset, file.text.length);
      const start = Math.max(0, Math.min(end, end - lexeme.length));
      return { ok: false, diagnostic: diagnose("RC130", file, { start, end }, MAX_DEPTH) };
    }
  }
  for (const token of parser.end()) tokens.push(token);
  return { ok: true, tokens };
}

/** The first document of the tokens, as parseDocument composes it (a second one is an error). */
function compose(file: SourceFile, tokens: readonly Yaml.CST.Token[]): Document {
  const { Composer, YAMLParseError } = yaml();
  const composer = new Composer({
    prettyErrors: false,
    // Duplicate keys are found in the walk below, which knows where the first one was.
    uniqueKeys: false,
    strict: true,
    merge: false,
    customTags: [],
    schema: "core",
    keepSourceTokens: false,
  });
  let doc: Document | undefined;
  for (const next of composer.compose(tokens, true, file.text.length)) {
    if (!doc) doc = next;
    else {
      const [start, end] = next.range;
      doc.errors.push(new YAMLParseError([start, end], "MULTIPLE_DOCS", "multiple documents"));
      break;
    }
  }
  // compose(…, forceDoc) always yields a document, an empty one for empty text.
  return doc!;
}

/**
 * Every alias's target, in one walk of the document in source order: an
 * alias names the last anchor of that name written before it, as the yaml
 * library's Alias.resolve (which searches the whole document for each alias)
 * has it. RC132 when the document has more than MAX_ALIASES aliases.
 */
function resolveAliases(
  file: SourceFile,
  doc: Document,
):
  | { ok: true; targets: ReadonlyMap<Node, Node | undefined> }
  | { ok: false; diagnostic: Diagnostic } {
  const { isAlias, visit } = yaml();
  const anchors = new Map<string, Node>();
  const targets = new Map<Node, Node | undefined>();
  let count = 0;
  let over: Node | undefined;
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        if (++count > MAX_ALIASES && !over) over = node;
        targets.set(node, anchors.get(node.source));
      } else if (node.anchor) {
        anchors.set(node.anchor, node);
      }
    },
  });
  if (over) {
    return { ok: false, diagnostic: diagnose("RC132", file, rangeOf(over), count, MAX_ALIASES) };
  }
  return { ok: true, targets };
}

function firstLine(message: string): string {
  const line = message.split("\n")[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, "");
}

interface WalkState {
  nodes: number;
  aliasNodes: number;
  overflowed: boolean;
  readonly diagnostics: DiagnosticList;
  readonly file: SourceFile;
  readonly spans: Map<string, Located>;
  /** Each alias's target (resolveAliases). */
  readonly targets: ReadonlyMap<Node, Node | undefined>;
  /** The collections the walk is inside: an alias to one of them is recursive. */
  readonly open: Set<Node>;
}

function rangeOf(node: Node | null | undefined): Span {
  const r = node?.range;
  return r ? { start: r[0], end: Math.max(r[1], r[0]) } : { start: 0, end: 0 };
}

/**
 * Converts a YAML node to plain data, recording spans. `viaAlias` is the span
 * of the alias this node was reached through, if any: values reached through an
 * alias are reported at the alias, where the user wrote them, and count
 * against the alias budget.
 */
function toPlain(
  node: Node | null,
  path: (string | number)[],
  keySpan: Span | undefined,
  state: WalkState,
  viaAlias: Span | undefined,
): unknown {
  const { file, spans } = state;
  const { isAlias, isMap, isPair, isScalar, isSeq } = yaml();
  if (state.overflowed) return null;
  if (node === null || node === undefined) {
    spans.set(pathKey(path), { key: keySpan, value: keySpan ?? { start: 0, end: 0 } });
    return null;
  }
  const span = viaAlias ?? rangeOf(node);
  if (!spans.has(pathKey(path)) || !viaAlias)
    spans.set(pathKey(path), { key: keySpan, value: span });
  if (node.tag && !ALLOWED_TAGS.has(node.tag)) {
    const shown = node.tag.replace(/^tag:yaml\.org,2002:/, "!!");
    state.diagnostics.push(diagnose("RC119", file, span, shown));
    return null;
  }
  if (isAlias(node)) {
    // Aliases are expanded by walking their anchor again, so the walk is bounded
    // by node count: a "billion laughs" document stops at the limit, quickly.
    const target = state.targets.get(node);
    if (!target) {
      state.diagnostics.push(diagnose("RC100", file, span, `unknown alias '*${node.source}'`));
      return null;
    }
    if (state.open.has(target)) {
      state.diagnostics.push(diagnose("RC131", file, span, node.source));
      return null;
    }
    return toPlain(target, path, keySpan, state, viaAlias ?? span);
  }
  const overBudget =
    ++state.nodes > MAX_NODES
      ? `${MAX_NODES} nodes`
      : viaAlias && ++state.aliasNodes > MAX_ALIAS_NODES
        ? `${MAX_ALIAS_NODES} nodes through aliases`
        : undefined;
  if (overBudget) {
    state.diagnostics.push(diagnose("RC118", file, span, overBudget));
    state.overflowed = true;
    return null;
  }
  if (isScalar(node)) return node.value;
  if (!isSeq(node) && !isMap(node)) return null;
  // The collection's own level: the top-level mapping is level 1.
  if (path.length + 1 > MAX_DEPTH) {
    state.diagnostics.push(diagnose("RC130", file, span, MAX_DEPTH));
    state.overflowed = true;
    return null;
  }
  state.open.add(node);
  try {
    return collectionToPlain(node, path, state, viaAlias);
  } finally {
    state.open.delete(node);
  }
}

function collectionToPlain(
  node: Yaml.YAMLSeq | Yaml.YAMLMap,
  path: (string | number)[],
  state: WalkState,
  viaAlias: Span | undefined,
): unknown {
  const { file } = state;
  const { isPair, isScalar, isSeq } = yaml();
  if (isSeq(node)) {
    return node.items.map((item, i) =>
      toPlain(item as Node | null, [...path, i], undefined, state, viaAlias),
    );
  }
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const firstAt = new Map<string, Span>();
  for (const pair of node.items) {
    if (!isPair(pair)) continue;
    const keyNode = pair.key as Node | null;
    const key = isScalar(keyNode) ? String(keyNode.value) : null;
    const kspan = viaAlias ?? rangeOf(keyNode);
    if (key === null) {
      state.diagnostics.push(
        diagnose("RC103", file, kspan, "a mapping key", "a plain string", "a complex key"),
      );
      continue;
    }
    const first = firstAt.get(key);
    if (first) {
      // Finding the line costs a scan of the text: only for a diagnostic that is shown.
      if (state.diagnostics.wanted()) {
        const line = lineColOf(file.text, first.start).line;
        state.diagnostics.push(diagnose("RC101", file, kspan, key, line));
      } else state.diagnostics.skip("RC101");
      continue;
    }
    firstAt.set(key, kspan);
    out[key] = toPlain(pair.value as Node | null, [...path, key], kspan, state, viaAlias);
  }
  return out;
}
