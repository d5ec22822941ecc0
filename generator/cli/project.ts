/*
 * The project file, regcache.config.yaml: which spec, which output directory
 * and which options a project generates with, so that plain `regcache
 * generate`, `check` and `watch` work from any directory below it. It is found
 * the way git finds its repository, walking up from the working directory;
 * nothing else (no .git, no package.json) is needed, so a kernel tree that
 * adopts regcache can carry one too.
 *
 * Its directory is the anchor of every path in it, and of the paths each
 * generated file's banner records ("Regenerate with: …" is run from there).
 *
 *     # regcache.config.yaml
 *     spec: spec/x86-kvm.yaml   # required: the register spec, relative to this file
 *                               # (or a bundled spec's name: spec: linux-6.12)
 *     out: generated            # default "generated": the output directory
 *     c-style: macro            # macro | expanded (default macro)
 *     all-cached: false         # default false
 *     compile-commands: compile_commands.json
 *                               # check compares the spec with this built tree too
 *
 * Which targets and files a spec produces is the spec's own business (kernel
 * specs choose theirs), so the project file does not select targets.
 * Command-line options override every key.
 */
import type * as Yaml from "yaml";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  diagnose,
  type Diagnostic,
  type SourceFile,
  type Span,
} from "../core/diagnostics/diagnostic";
import { readSpecFile } from "../core/spec/decode";
import { didYouMean } from "../util/suggest";
import { resolveSpecArg } from "../generate/specs";
import type { CStyle } from "../core/model/types";

export const PROJECT_FILE = "regcache.config.yaml";

export interface Project {
  /** The project file's absolute path. */
  readonly file: string;
  /** Its directory: the anchor of relative paths in it and in banners. */
  readonly dir: string;
  /** Absolute paths, resolved against dir. */
  readonly spec: string;
  readonly out: string;
  /**
   * When 'spec' is a bare name with no such file beside the project file, the
   * bundled spec of that name (specs.ts): `spec: linux-6.12`. spec is then
   * that bundled file.
   */
  readonly bundledSpec?: string;
  readonly cStyle?: CStyle;
  readonly allCached?: boolean;
  /** `check`'s built kernel tree: its compile database (absolute), resolved against dir. */
  readonly compileCommands?: string;
}

const KEYS = ["spec", "out", "c-style", "all-cached", "compile-commands"] as const;
const C_STYLES: readonly CStyle[] = ["macro", "expanded"];

/** The nearest regcache.config.yaml at or above dir, or undefined. */
export function findProjectFile(dir: string): string | undefined {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    const candidate = path.join(at, PROJECT_FILE);
    try {
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here; keep walking
    }
    if (path.dirname(at) === at) return undefined;
  }
}

export type ProjectResult =
  | { readonly ok: true; readonly project: Project }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Reads and checks a project file; every problem is a diagnostic at its position. */
export function readProjectFile(file: string, displayPath: string): ProjectResult {
  // The spec's reader: a regular file only (a FIFO is refused, not waited on), size-limited, UTF-8.
  const decoded = readSpecFile(displayPath, file);
  if (!decoded.ok) return { ok: false, diagnostics: [decoded.diagnostic] };
  return parseProjectFile(file, { displayPath, text: decoded.text });
}

/** Project file text → project, or every problem in it. */
export function parseProjectFile(file: string, source: SourceFile): ProjectResult {
  const yaml = require("yaml") as typeof Yaml;
  const doc = yaml.parseDocument(source.text, { uniqueKeys: true, prettyErrors: false });
  const spanOf = (node: unknown): Span | undefined => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? { start: range[0], end: Math.max(range[1], range[0] + 1) } : undefined;
  };
  const diagnostics: Diagnostic[] = [];
  for (const e of doc.errors) {
    diagnostics.push(
      diagnose(
        "RC100",
        source,
        { start: e.pos[0], end: Math.max(e.pos[1], e.pos[0] + 1) },
        e.message.split("\n")[0]!,
      ),
    );
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  const contents = doc.contents;
  if (!yaml.isMap(contents)) {
    return {
      ok: false,
      diagnostics: [diagnose("RC020", source, spanOf(contents), source.displayPath)],
    };
  }
  const dir = path.dirname(file);
  const values: Record<string, unknown> = Object.create(null);
  const spans: Record<string, Span | undefined> = Object.create(null);
  for (const pair of contents.items) {
    const key = yaml.isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (!(KEYS as readonly string[]).includes(key)) {
      diagnostics.push(
        diagnose("RC021", source, spanOf(pair.key), key, didYouMean(key, KEYS), KEYS.join(", ")),
      );
      continue;
    }
    values[key] = yaml.isScalar(pair.value) ? pair.value.value : pair.value?.toJSON();
    spans[key] = spanOf(pair.value) ?? spanOf(pair.key);
  }
  const wrong = (key: string, want: string) =>
    diagnostics.push(diagnose("RC022", source, spans[key], key, want));
  const isPath = (v: unknown) => typeof v === "string" && v.trim() !== "";
  if (!("spec" in values)) diagnostics.push(diagnose("RC023", source, spanOf(contents), "spec"));
  else if (!isPath(values["spec"])) wrong("spec", "a path");
  if ("out" in values && !isPath(values["out"])) wrong("out", "a path");
  if ("c-style" in values && !C_STYLES.includes(values["c-style"] as CStyle))
    wrong("c-style", "'macro' or 'expanded'");
  if ("all-cached" in values && typeof values["all-cached"] !== "boolean")
    wrong("all-cached", "true or false");
  if ("compile-commands" in values && !isPath(values["compile-commands"]))
    wrong("compile-commands", "a path");
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  const spec = resolveSpecArg(dir, values["spec"] as string);
  return {
    ok: true,
    project: {
      file,
      dir,
      spec: spec.specPath,
      ...(spec.bundled ? { bundledSpec: spec.bundled } : {}),
      out: path.resolve(dir, (values["out"] as string | undefined) ?? "generated"),
      ...("c-style" in values ? { cStyle: values["c-style"] as CStyle } : {}),
      ...("all-cached" in values ? { allCached: values["all-cached"] as boolean } : {}),
      ...("compile-commands" in values
        ? { compileCommands: path.resolve(dir, values["compile-commands"] as string) }
        : {}),
    },
  };
}
