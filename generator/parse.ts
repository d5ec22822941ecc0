/*
 * Spec text → a plain JavaScript value plus a map from every path in it to
 * its source span. YAML is parsed with the `yaml` package's CST-preserving
 * document API so every later diagnostic can point at the exact key or value.
 *
 * Safety: aliases are bounded (a "billion laughs" document is refused, not
 * expanded), no custom tags are resolved, and maps are built on
 * null-prototype objects so keys like __proto__ are plain data.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
} from "yaml";
import { diagnose, type Diagnostic, type SourceFile, type Span } from "./diagnostics";

export const MAX_SPEC_BYTES = 1024 * 1024;
/** Nodes a document may expand to, aliases included (a 4,000-register spec has ~20,000). */
export const MAX_NODES = 200_000;

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
}

export function pathKey(path: DocPath): string {
  return "/" + path.map((p) => String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
}

export type ParseResult =
  | { readonly ok: true; readonly doc: ParsedDocument }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Decodes bytes as strict UTF-8 and enforces the size limit. */
export function decodeSpec(
  displayPath: string,
  bytes: Uint8Array,
): { ok: true; text: string } | { ok: false; diagnostic: Diagnostic } {
  const nofile: SourceFile = { displayPath, text: "" };
  if (bytes.length > MAX_SPEC_BYTES) {
    return {
      ok: false,
      diagnostic: diagnose("RC003", nofile, undefined, displayPath, bytes.length, MAX_SPEC_BYTES),
    };
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return { ok: true, text };
  } catch {
    return {
      ok: false,
      diagnostic: diagnose("RC002", nofile, undefined, displayPath, firstBadUtf8(bytes)),
    };
  }
}

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

export function parseSpec(file: SourceFile): ParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(file.text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
    merge: false,
    customTags: [],
    schema: "core",
    keepSourceTokens: false,
  });
  const diagnostics: Diagnostic[] = [];
  for (const err of doc.errors) {
    const span = { start: err.pos[0], end: Math.max(err.pos[1], err.pos[0] + 1) };
    if (err.code === "DUPLICATE_KEY") {
      const key = /"([^"]*)"|'([^']*)'/.exec(err.message);
      diagnostics.push(
        diagnose(
          "RC101",
          file,
          span,
          key?.[1] ?? key?.[2] ?? file.text.slice(span.start, span.end),
        ),
      );
    } else if (err.code === "TAB_AS_INDENT") {
      diagnostics.push(diagnose("RC117", file, span));
    } else {
      diagnostics.push(diagnose("RC100", file, span, firstLine(err.message)));
    }
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics };

  const spans = new Map<string, Located>();
  const state: WalkState = { nodes: 0, overflowed: false, diagnostics, doc };
  const value = toPlain(doc.contents as Node | null, [], undefined, file, spans, state);
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  if (!spans.has(pathKey([]))) spans.set(pathKey([]), { value: { start: 0, end: 0 } });
  return { ok: true, doc: { file, value, spans } };
}

function firstLine(message: string): string {
  const line = message.split("\n")[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, "");
}

interface WalkState {
  nodes: number;
  overflowed: boolean;
  readonly diagnostics: Diagnostic[];
  readonly doc: Document;
}

function rangeOf(node: Node | null | undefined): Span {
  const r = node?.range;
  return r ? { start: r[0], end: Math.max(r[1], r[0]) } : { start: 0, end: 0 };
}

function toPlain(
  node: Node | null,
  path: (string | number)[],
  keySpan: Span | undefined,
  file: SourceFile,
  spans: Map<string, Located>,
  state: WalkState,
  aliasSpan?: Span,
): unknown {
  if (state.overflowed) return null;
  if (node === null || node === undefined) {
    spans.set(pathKey(path), { key: keySpan, value: keySpan ?? { start: 0, end: 0 } });
    return null;
  }
  // Values reached through an alias are reported at the alias, where the user wrote them.
  const span = aliasSpan ?? rangeOf(node);
  if (!spans.has(pathKey(path)) || !aliasSpan)
    spans.set(pathKey(path), { key: keySpan, value: span });
  if (node.tag && !node.tag.startsWith("tag:yaml.org,2002:")) {
    state.diagnostics.push(diagnose("RC119", file, span, node.tag));
    return null;
  }
  if (isAlias(node)) {
    // Aliases are expanded by walking their anchor again, so the walk is bounded
    // by node count: a "billion laughs" document stops at the limit, quickly.
    const target = node.resolve(state.doc);
    if (!target) {
      state.diagnostics.push(diagnose("RC100", file, span, `unknown alias '*${node.source}'`));
      return null;
    }
    return toPlain(target, path, keySpan, file, spans, state, span);
  }
  if (++state.nodes > MAX_NODES) {
    if (!state.overflowed)
      state.diagnostics.push(diagnose("RC118", file, span, `${MAX_NODES} nodes`));
    state.overflowed = true;
    return null;
  }
  if (isScalar(node)) return node.value;
  if (isSeq(node)) {
    return node.items.map((item, i) =>
      toPlain(item as Node | null, [...path, i], undefined, file, spans, state),
    );
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : null;
      const kspan = rangeOf(keyNode);
      if (key === null) {
        state.diagnostics.push(
          diagnose("RC103", file, kspan, "a mapping key", "a plain string", "a complex key"),
        );
        continue;
      }
      out[key] = toPlain(pair.value as Node | null, [...path, key], kspan, file, spans, state);
    }
    return out;
  }
  return null;
}
