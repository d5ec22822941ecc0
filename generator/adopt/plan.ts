/*
 * What an adopted tree holds, computed from what the tree held before
 * adoption: the header the spec's output.adopts names with its register-cache
 * region replaced by an include of the generated file
 * (targets/kernel/adoption.ts), each backend's set macro followed by the
 * generated check's call (targets/kernel/set-checks.ts), and the generated
 * file itself. "Before adoption" is the stored original of a file adoption
 * already changed, else the file as it is, so a second run starts from the
 * same text as the first. Reads the tree and the store; writes nothing.
 */
import * as path from "node:path";
import { diagnose, type Diagnostic } from "../core/diagnostics/diagnostic";
import type { Model } from "../core/model/types";
import { adoptGeneratedHeader } from "../targets/kernel/adoption";
import { definitionLines, insertSetCheck, setChecks } from "../targets/kernel/set-checks";
import { readOriginal, sha256Bytes, type FileRole, type Manifest } from "./store";
import { KVM_DIR, kvmSources, readTreeFile } from "./tree";
import { byCodeUnit } from "../util/order";

/** One file of the adopted tree: its text after adoption. */
export interface Wanted {
  readonly path: string;
  readonly role: FileRole;
  readonly text: string;
}

export type PlanResult =
  | { readonly ok: true; readonly wanted: readonly Wanted[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly refused: string; readonly help: string };

export interface PlanInput {
  /** The tree's top, absolute. */
  readonly root: string;
  readonly model: Model;
  /** The generated kernel file's text (banner included). */
  readonly generated: string;
  /** The manifest of an earlier adoption, if any. */
  readonly manifest?: Manifest;
  /** How messages show an absolute path. */
  readonly display: (file: string) => string;
}

/** Bytes as text, or undefined when they are not UTF-8 (adoption then refuses the file). */
export function utf8(bytes: Buffer): string | undefined {
  const text = bytes.toString("utf8");
  return Buffer.from(text, "utf8").equals(bytes) ? text : undefined;
}

/**
 * The adopted tree's files, sorted by path, or every diagnostic that stops
 * adoption (RC700–RC705), or a refusal (a file that is not UTF-8, a stored
 * original that does not match its manifest). Throws read errors.
 */
export function planAdoption(input: PlanInput): PlanResult {
  const { root, model, manifest, display } = input;
  const abs = (rel: string) => path.join(root, ...rel.split("/"));
  const entries = new Map((manifest?.files ?? []).map((e) => [e.path, e]));
  const refusals: string[] = [];
  /** The file's text before adoption; undefined when it did not exist. */
  const before = (rel: string): string | undefined => {
    const entry = entries.get(rel);
    let bytes: Buffer | undefined;
    if (entry) {
      if (entry.created) return undefined;
      bytes = readOriginal(root, rel);
      if (bytes === undefined || sha256Bytes(bytes) !== entry.original) {
        refusals.push(`the stored original of ${rel} is missing or not what the manifest records`);
        return undefined;
      }
    } else bytes = readTreeFile(root, rel);
    if (bytes === undefined) return undefined;
    const text = utf8(bytes);
    if (text === undefined) refusals.push(`${rel} is not UTF-8 text`);
    return text;
  };
  const diagnostics: Diagnostic[] = [];
  const wanted = new Map<string, Wanted>();

  const { adopts, kernelHeader } = model.output;
  const headerRel = `${KVM_DIR}/${adopts.header}`;
  const header = before(headerRel);
  if (header === undefined && refusals.length === 0) {
    diagnostics.push(
      diagnose(
        "RC704",
        { displayPath: display(abs(headerRel)), text: "" },
        undefined,
        adopts.header,
      ),
    );
  } else if (header !== undefined) {
    const adopted = adoptGeneratedHeader(
      { displayPath: display(abs(headerRel)), text: header },
      kernelHeader,
      adopts,
    );
    if (adopted.ok) wanted.set(headerRel, { path: headerRel, role: "header", text: adopted.text });
    else diagnostics.push(adopted.diagnostic);
  }

  const sources = new Map<string, string>();
  for (const rel of kvmSources(root)) {
    const text = rel === headerRel ? header : before(rel);
    if (text !== undefined) sources.set(rel, text);
  }
  for (const check of setChecks(model)) {
    const defs = [...sources].flatMap(([rel, text]) =>
      definitionLines(text, check.macro).map((at) => ({ rel, text, at })),
    );
    if (defs.length !== 1) {
      const second = defs[1];
      const file = second
        ? { displayPath: display(abs(second.rel)), text: second.text }
        : { displayPath: display(abs(KVM_DIR)), text: "" };
      const span = second ? { start: second.at, end: lineEnd(second.text, second.at) } : undefined;
      diagnostics.push(diagnose("RC705", file, span, check.macro, defs.length, check.backend));
      continue;
    }
    const rel = defs[0]!.rel;
    const current = wanted.get(rel)?.text ?? defs[0]!.text;
    const inserted = insertSetCheck({ displayPath: display(abs(rel)), text: current }, check);
    if (!inserted.ok) diagnostics.push(inserted.diagnostic);
    else
      wanted.set(rel, {
        path: rel,
        role: wanted.get(rel)?.role ?? "set-check",
        text: inserted.text,
      });
  }

  const generatedRel = `${KVM_DIR}/${kernelHeader}`;
  wanted.set(generatedRel, { path: generatedRel, role: "generated", text: input.generated });

  if (refusals.length > 0)
    return {
      ok: false,
      refused: refusals.join("; "),
      help: "adoption reads and writes UTF-8 text only, and needs the originals it keeps intact",
    };
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  const sorted = [...wanted.values()].sort((a, b) => byCodeUnit(a.path, b.path));
  return { ok: true, wanted: sorted };
}

function lineEnd(text: string, at: number): number {
  const nl = text.indexOf("\n", at);
  return nl < 0 ? text.length : nl;
}
