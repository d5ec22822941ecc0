/*
 * Spec text → a plain JavaScript value plus a map from every path in it to
 * its source span. YAML is parsed with the `yaml` package's CST-preserving
 * document API so every later diagnostic can point at the exact key or value.
 *
 * Safety: aliases are bounded (a "billion laughs" document is refused, not
 * expanded), no custom tags are resolved, and maps are built on
 * null-prototype objects so keys like __proto__ are plain data.
 */
import { errnoText } from "../../util/errno";
import { decodeUtf8 } from "../../util/utf8";
import type * as Yaml from "yaml";
import type { Document, Node } from "yaml";
import * as fs from "node:fs";
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

export const MAX_SPEC_BYTES = 1024 * 1024;
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
}

export function pathKey(path: DocPath): string {
  return "/" + path.map((p) => String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
}

export type ParseResult =
  | { readonly ok: true; readonly doc: ParsedDocument }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export type DecodeResult = { ok: true; text: string } | { ok: false; diagnostic: Diagnostic };

/**
 * Reads a spec file, refusing anything that is not a regular file and never
 * reading more than the size limit allows (a spec pointed at /dev/zero or a
 * FIFO fails at once instead of filling memory).
 */
export function readSpecFile(displayPath: string, filePath: string): DecodeResult {
  const nofile: SourceFile = { displayPath, text: "" };
  const cannot = (reason: string) => ({
    ok: false as const,
    diagnostic: diagnose("RC001", nofile, undefined, displayPath, reason),
  });
  let fd: number;
  try {
    fd = fs.openSync(filePath, "r");
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
 * Decodes bytes as strict UTF-8 and enforces the size limit. A bad byte is
 * reported at its line and column, shown as U+FFFD in the source line.
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

/** A CR not followed by LF: old Mac line endings, which the YAML parser reads as one long line. */
function loneCarriageReturn(text: string): number {
  for (let i = text.indexOf("\r"); i >= 0; i = text.indexOf("\r", i + 1)) {
    if (text.charCodeAt(i + 1) !== 10) return i;
  }
  return -1;
}

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
  const cr = loneCarriageReturn(file.text);
  if (cr >= 0) {
    return { ok: false, diagnostics: [diagnose("RC126", file, { start: cr, end: cr + 1 })] };
  }
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(file.text, {
    lineCounter,
    prettyErrors: false,
    // Duplicate keys are found in the walk below, which knows where the first one was.
    uniqueKeys: false,
    strict: true,
    merge: false,
    customTags: [],
    schema: "core",
    keepSourceTokens: false,
  });
  const diagnostics: Diagnostic[] = [];
  for (const err of doc.errors) {
    const span = { start: err.pos[0], end: Math.max(err.pos[1], err.pos[0] + 1) };
    if (err.code === "TAB_AS_INDENT") {
      diagnostics.push(diagnose("RC117", file, span));
    } else {
      const text = YAML_MESSAGES[err.code] ?? firstLine(err.message);
      diagnostics.push(diagnose("RC100", file, span, text));
    }
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics };

  const spans = new Map<string, Located>();
  const state: WalkState = {
    nodes: 0,
    aliasNodes: 0,
    overflowed: false,
    diagnostics,
    doc,
    file,
    spans,
    resolved: new Map(),
  };
  const value = toPlain(doc.contents as Node | null, [], undefined, state, undefined);
  if (diagnostics.some((d) => d.code !== "RC101")) return { ok: false, diagnostics };
  if (!spans.has(pathKey([]))) spans.set(pathKey([]), { value: { start: 0, end: 0 } });
  return {
    ok: true,
    doc: { file, value, spans, ...(diagnostics.length > 0 ? { problems: diagnostics } : {}) },
  };
}

function firstLine(message: string): string {
  const line = message.split("\n")[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, "");
}

interface WalkState {
  nodes: number;
  aliasNodes: number;
  overflowed: boolean;
  readonly diagnostics: Diagnostic[];
  readonly doc: Document;
  readonly file: SourceFile;
  readonly spans: Map<string, Located>;
  readonly resolved: Map<Node, Node | undefined>;
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
    // resolve() searches the document for the anchor: remember each alias's target.
    let target = state.resolved.get(node);
    if (!state.resolved.has(node)) {
      target = node.resolve(state.doc) as Node | undefined;
      state.resolved.set(node, target);
    }
    if (!target) {
      state.diagnostics.push(diagnose("RC100", file, span, `unknown alias '*${node.source}'`));
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
  if (isSeq(node)) {
    return node.items.map((item, i) =>
      toPlain(item as Node | null, [...path, i], undefined, state, viaAlias),
    );
  }
  if (isMap(node)) {
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
        const line = lineColOf(file.text, first.start).line;
        state.diagnostics.push(diagnose("RC101", file, kspan, key, line));
        continue;
      }
      firstAt.set(key, kspan);
      out[key] = toPlain(pair.value as Node | null, [...path, key], kspan, state, viaAlias);
    }
    return out;
  }
  return null;
}
