/*
 * The generator as a library: spec text in, generated files (or diagnostics)
 * out. No writing to disk here; commands and tests decide what to do with the
 * files. Reading the spec and the templates is the only I/O, and a failure to
 * read is a diagnostic, not an exception.
 */
import { parseBanner, sha256, withBanner } from "../targets/banner";
import { diagnose, type Diagnostic, type SourceFile } from "../core/diagnostics/diagnostic";
import { generatorDigest } from "./digest";
import { TARGETS } from "../targets";
import type { EmittedBody, GeneratedFile, TargetInputs } from "../targets/types";
export type { GeneratedFile } from "../targets/types";
import { buildModel } from "../core/model/build";
import { readSpecFile } from "../core/spec/decode";
import { parseSpec } from "../core/spec/parse";
import { errnoText } from "../util/errno";
import { defaultOutDir, generatorVersion } from "../util/paths";
import { validateSpec } from "../core/spec/validate";
import { DEFAULT_OUTPUT, type TargetName } from "../core/spec/kernel-sections";
import type { BodyHashes, OutputCache } from "./output-cache";
import type { CStyle, Model } from "../core/model/types";
import { byCodeUnit } from "../util/order";

export type Target = TargetName;

export interface GenerateRequest {
  /** Where to read the spec from (ignored for reading when specText is given). */
  readonly specPath: string;
  /** The spec's text, when the caller already has it (a git revision, an edited copy). */
  readonly specText?: string;
  /** How diagnostics name the spec; defaults to specPath. */
  readonly displayPath?: string;
  /** How the banner names the spec (relative to the project); defaults to displayPath. */
  readonly bannerSpecPath?: string;
  /**
   * The name of the bundled spec read (generator/generate/specs.ts), when --spec named
   * one: the banner then says "from NAME (bundled)" and its command --spec NAME.
   */
  readonly bundledSpec?: string;
  /** The output directory relative to the banner's anchor, for its regenerate command (default "generated"). */
  readonly outDir?: string;
  readonly allCached?: boolean;
  readonly cStyle?: CStyle;
  /**
   * What the output directory holds now, by path below it. With `cache`, a
   * target whose files are all there, each exactly this request's banner over
   * a body that still matches its banner's body hash and is the body the
   * cache records for these inputs, is taken as it is rather than emitted
   * again: the same inputs give the same bytes. When every target is reused
   * the spec is not even parsed, which is what keeps `regcache check` and an
   * unchanged `generate` about as fast as node starts.
   */
  readonly existing?: (path: string) => string | undefined;
  /** What earlier runs produced from which inputs (output-cache.ts); emitted targets are recorded in it. */
  readonly cache?: OutputCache;
}

export type GenerateResult =
  | {
      readonly ok: true;
      readonly files: readonly GeneratedFile[];
      /** When every target was reused from `existing`, built only if asked for. */
      readonly model: Model;
      /**
       * Each produced target's input hash: its key in the output cache. A
       * target's hash covers only what shapes its own files.
       */
      readonly inputHashes: Readonly<Partial<Record<Target, string>>>;
      /** The target that produced each file, by its path. */
      readonly targetOf: Readonly<Record<string, Target>>;
    }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * A word as a POSIX shell reads it back unchanged: bare when safe, else
 * single-quoted. Inside the quotes each '*' and '?' is written as '"*"' (the
 * shell joins the pieces back into one word), so the word never holds "*\/",
 * "/*" or a "??" trigraph and prints unaltered inside a C block comment (the
 * banner's "Regenerate with:" line).
 */
export const shellWord = (word: string): string =>
  /^[\w@%+=:,./-]+$/.test(word)
    ? word
    : `'${word.replace(/'/g, `'\\''`).replace(/[*?]/g, (c) => `'"${c}"'`)}'`;

/**
 * The command that reproduces a request, as the banner prints it: shell-quoted,
 * --spec and --out always named, so it runs as it is from the directory its
 * paths are relative to (the anchor, cli/common.ts).
 */
export function regenerateCommand(req: GenerateRequest): string {
  const words = [
    "regcache",
    "generate",
    "--spec",
    shellWord(req.bundledSpec ?? req.bannerSpecPath ?? req.displayPath ?? req.specPath),
  ];
  words.push("--out", shellWord(req.outDir ?? defaultOutDir));
  if (req.cStyle && req.cStyle !== "macro") words.push("--c-style", req.cStyle);
  if (req.allCached) words.push("--all-cached");
  return words.join(" ");
}

function readText(
  displayPath: string,
  filePath: string,
): { ok: true; text: string } | { ok: false; diagnostic: Diagnostic } {
  return readSpecFile(displayPath, filePath);
}

/**
 * The input hash of one target: generator version and code (generate/digest.ts),
 * options, spec, and that target's own inputs (its templates or tools). Equal
 * hashes produce equal bodies, which is what lets the output cache stand in
 * for producing them.
 */
export function inputHash(parts: {
  specText: string;
  allCached: boolean;
  cStyle: CStyle;
  target: Target;
  inputs: TargetInputs;
}): string {
  const canonical = JSON.stringify({
    generator: generatorVersion(),
    code: generatorDigest(parts.target),
    allCached: parts.allCached,
    cStyle: parts.cStyle,
    // Line endings are not an input: a checkout may convert the spec to CRLF (as a BOM,
    // which decoding drops, is not one either).
    spec: parts.specText.replace(/\r\n/g, "\n"),
    target: parts.target,
    templates: [...parts.inputs.templates]
      .sort((a, b) => byCodeUnit(a.name, b.name))
      .map((t) => [t.name, t.text]),
    tools: parts.inputs.tools ?? {},
  });
  return sha256(canonical);
}

/** Spec → checked model, or the diagnostics that stop it. */
export function loadModel(
  req: GenerateRequest,
):
  { ok: true; model: Model; specText: string } | { ok: false; diagnostics: readonly Diagnostic[] } {
  const displayPath = req.displayPath ?? req.specPath;
  let specText = req.specText;
  if (specText === undefined) {
    const read = readText(displayPath, req.specPath);
    if (!read.ok) return { ok: false, diagnostics: [read.diagnostic] };
    specText = read.text;
  }
  const file: SourceFile = { displayPath, text: specText };
  const parsed = parseSpec(file);
  if (!parsed.ok) return parsed;
  const checked = validateSpec(parsed.doc);
  if (!checked.ok) return checked;
  const model = buildModel(checked.spec, {
    allCached: req.allCached ?? false,
    cStyle: req.cStyle ?? "macro",
  });
  return { ok: true, model, specText };
}

interface Prepared {
  readonly req: GenerateRequest;
  readonly specText: string;
  /** Per target asked for: what shapes its bytes besides the spec and the options. */
  readonly inputs: Partial<Record<Target, TargetInputs>>;
  /** The targets the spec asks for, among those the caller wants. */
  readonly targets: readonly Target[];
  /** The kernel target's file name (the spec's output.kernel_header). */
  readonly kernelHeader: string;
  /** Per target asked for: the banner its files carry. */
  readonly banners: Partial<Record<Target, Parameters<typeof withBanner>[0]>>;
  /** Per target asked for: its input hash. */
  readonly inputHashes: Partial<Record<Target, string>>;
  /** The model, when choosing the targets needed it. */
  readonly model?: Model;
}

type Failed = { ok: false; diagnostics: readonly Diagnostic[] };

/**
 * Whether the spec may choose its own targets. Only a spec with an `output`
 * section does; one that never says "output" writes the default targets, and
 * is then not even parsed when its files are reused. Any mention (even in a
 * comment) parses the spec: a false alarm costs a parse, never a wrong answer.
 */
const mayChooseTargets = (specText: string): boolean => specText.includes("output");

/**
 * Everything both entry points share: the spec's text, the templates, which
 * targets the spec writes, each one's input hash and banner. The spec is
 * parsed here only when it may choose its targets; otherwise the model is
 * built only for a target that is not reused (produce).
 */
function prepare(
  req: GenerateRequest,
  wanted: readonly Target[],
): { ok: true; prepared: Prepared } | Failed {
  let specText = req.specText;
  if (specText === undefined) {
    const read = readText(req.displayPath ?? req.specPath, req.specPath);
    if (!read.ok) return { ok: false, diagnostics: [read.diagnostic] };
    specText = read.text;
  }
  let model: Model | undefined;
  let chosen: readonly Target[] = DEFAULT_OUTPUT.targets;
  let kernelHeader = DEFAULT_OUTPUT.kernelHeader;
  let spdx: string | undefined;
  if (mayChooseTargets(specText)) {
    const loaded = loadModel({ ...req, specText });
    if (!loaded.ok) return loaded;
    model = loaded.model;
    chosen = model.output.targets;
    kernelHeader = model.output.kernelHeader;
    spdx = model.output.spdx;
  }
  const targets = chosen.filter((t) => wanted.includes(t));
  const inputs: Partial<Record<Target, TargetInputs>> = {};
  try {
    for (const target of targets) inputs[target] = TARGETS[target].inputs();
  } catch (err) {
    // A spec's own mistakes are reported first, as when it was parsed first.
    const loaded = loadModel({ ...req, specText });
    if (!loaded.ok) return loaded;
    const e = err as NodeJS.ErrnoException;
    const where = e.path ?? "templates";
    return {
      ok: false,
      diagnostics: [
        diagnose("RC001", { displayPath: where, text: "" }, undefined, where, errnoText(err)),
      ],
    };
  }
  const banners: Partial<Record<Target, Parameters<typeof withBanner>[0]>> = {};
  const inputHashes: Partial<Record<Target, string>> = {};
  for (const target of targets) {
    inputHashes[target] = inputHash({
      specText,
      allCached: req.allCached ?? false,
      cStyle: req.cStyle ?? "macro",
      target,
      inputs: inputs[target]!,
    });
    banners[target] = {
      version: generatorVersion(),
      specPath: req.bundledSpec
        ? `${req.bundledSpec} (bundled)`
        : (req.bannerSpecPath ?? req.displayPath ?? req.specPath),
      command: regenerateCommand(req),
      ...(spdx !== undefined && TARGETS[target].spdxLine ? { spdx } : {}),
    };
  }
  return {
    ok: true,
    prepared: {
      req,
      specText,
      inputs,
      targets,
      kernelHeader,
      banners,
      inputHashes,
      ...(model ? { model } : {}),
    },
  };
}

/** A target's files as they are on disk, when they are exactly what these inputs produce. */
function reusable(p: Prepared, target: Target): GeneratedFile[] | undefined {
  const { existing, cache } = p.req;
  const wanted = p.banners[target];
  const key = p.inputHashes[target];
  if (!existing || !cache || !wanted || key === undefined) return undefined;
  const produced = cache.lookup(key);
  if (!produced) return undefined;
  const paths = TARGETS[target].paths(p.inputs[target]!, { kernelHeader: p.kernelHeader });
  if (Object.keys(produced).length !== paths.length) return undefined;
  const files: GeneratedFile[] = [];
  for (const path of paths) {
    const contents = existing(path);
    const banner = contents === undefined ? undefined : parseBanner(contents);
    // The body is what these inputs produce, intact, under the banner this
    // request writes (its spec path and regenerate command).
    if (
      !banner ||
      produced[path] !== banner.bodyHash ||
      sha256(banner.body) !== banner.bodyHash ||
      withBanner(wanted, banner.body) !== contents
    )
      return undefined;
    files.push({ path, contents });
  }
  return files;
}

/** The emitted bodies under their banner; recorded in the cache under the target's input hash. */
function banner(p: Prepared, target: Target, bodies: readonly EmittedBody[]): GeneratedFile[] {
  const key = p.inputHashes[target];
  if (p.req.cache && key !== undefined) {
    const hashes: Record<string, string> = {};
    for (const f of bodies) hashes[f.path] = sha256(f.body);
    p.req.cache.store(key, hashes as BodyHashes);
  }
  return bodies.map((f) => ({ path: f.path, contents: withBanner(p.banners[target]!, f.body) }));
}

/**
 * Each target as the caller gets it: taken from disk when reusable, else
 * emitted (the model built once, only if some target needs it). The bodies
 * are synchronous for the C-family targets and a promise for the TypeScript
 * target; generate() and generateAll() differ only in how they wait.
 */
function produce(
  p: Prepared,
):
  | { ok: true; parts: (GeneratedFile[] | Promise<GeneratedFile[]>)[]; model: Model | undefined }
  | Failed {
  const parts: (GeneratedFile[] | Promise<GeneratedFile[]>)[] = [];
  let model: Model | undefined = p.model;
  for (const target of p.targets) {
    const reused = reusable(p, target);
    if (reused) {
      parts.push(reused);
      continue;
    }
    if (!model) {
      const loaded = loadModel({ ...p.req, specText: p.specText });
      if (!loaded.ok) return loaded;
      model = loaded.model;
    }
    const bodies = TARGETS[target].emit(model, p.inputs[target]!);
    parts.push(
      Array.isArray(bodies) ? banner(p, target, bodies) : bodies.then((b) => banner(p, target, b)),
    );
  }
  return { ok: true, parts, model };
}

/** The files of every target (one part per target, in p.targets' order), sorted by path. */
function finish(
  p: Prepared,
  parts: readonly GeneratedFile[][],
  model: Model | undefined,
): GenerateResult {
  const targetOf: Record<string, Target> = {};
  parts.forEach((part, i) => {
    for (const f of part) targetOf[f.path] = p.targets[i];
  });
  const files = parts.flat().sort((a, b) => byCodeUnit(a.path, b.path));
  const result = { ok: true as const, files, inputHashes: p.inputHashes, targetOf };
  // Reused output was produced without a model: build it only for a caller that asks.
  let built = model;
  return Object.defineProperty(result, "model", {
    enumerable: true,
    get: (): Model => (built ??= modelOf(p)),
  }) as typeof result & { readonly model: Model };
}

function modelOf(p: Prepared): Model {
  const loaded = loadModel({ ...p.req, specText: p.specText });
  if (!loaded.ok) throw new Error("regcache: reused output from a spec that no longer validates");
  return loaded.model;
}

/**
 * The spec's C headers only (the c target, or a kernel spec's kernel target):
 * synchronous, never loads ts-morph or prettier.
 */
export function generate(req: GenerateRequest): GenerateResult {
  const p = prepare(req, ["c", "kernel"]);
  if (!p.ok) return p;
  const produced = produce(p.prepared);
  if (!produced.ok) return produced;
  const parts = produced.parts.map((part) => {
    if (!Array.isArray(part)) throw new Error("regcache: a C-family target emitted asynchronously");
    return part;
  });
  return finish(p.prepared, parts, produced.model);
}

/**
 * Every target the spec writes (by default C and TypeScript): what `regcache
 * generate` writes. Async because prettier, when a long line needs it, formats
 * asynchronously. Each target has its own input hash, so the C files are byte
 * for byte those generate() returns.
 */
export async function generateAll(req: GenerateRequest): Promise<GenerateResult> {
  const p = prepare(req, Object.keys(TARGETS) as Target[]);
  if (!p.ok) return p;
  const produced = produce(p.prepared);
  if (!produced.ok) return produced;
  return finish(p.prepared, await Promise.all(produced.parts), produced.model);
}
