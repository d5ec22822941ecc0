/*
 * The generator as a library: spec text in, generated files (or diagnostics)
 * out. No writing to disk here; commands and tests decide what to do with the
 * files. Reading the spec and the templates is the only I/O, and a failure to
 * read is a diagnostic, not an exception.
 */
import { sha256, withBanner } from "./banner";
import { diagnose, type Diagnostic, type SourceFile } from "./diagnostics";
import { emitC, readCTemplates, type EmittedBody, type TemplateSource } from "./emit-c";
import { emitTs, TS_EMITTER_ID, tsToolVersions } from "./emit-ts";
import { buildModel, type CStyle, type Model } from "./model";
import { errnoText, parseSpec, readSpecFile } from "./parse";
import { defaultOutDir, generatorVersion } from "./paths";
import { validateSpec } from "./validate";

export type Target = "c" | "ts";

export interface GenerateRequest {
  /** Where to read the spec from (ignored for reading when specText is given). */
  readonly specPath: string;
  /** The spec's text, when the caller already has it (a git revision, an edited copy). */
  readonly specText?: string;
  /** How diagnostics name the spec; defaults to specPath. */
  readonly displayPath?: string;
  /** How the banner names the spec (relative to the project); defaults to displayPath. */
  readonly bannerSpecPath?: string;
  /** The --out directory as the user wrote it, for the banner's regenerate command. */
  readonly outDir?: string;
  readonly allCached?: boolean;
  readonly cStyle?: CStyle;
}

export interface GeneratedFile {
  /** Below the output directory, with forward slashes: "c/kvm_regs.h". */
  readonly path: string;
  readonly contents: string;
}

export type GenerateResult =
  | {
      readonly ok: true;
      readonly files: readonly GeneratedFile[];
      readonly model: Model;
      readonly inputHash: string;
    }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** The command that reproduces a request, as the banner prints it. */
export function regenerateCommand(req: GenerateRequest): string {
  const words = [
    "regcache",
    "generate",
    "--spec",
    req.bannerSpecPath ?? req.displayPath ?? req.specPath,
  ];
  if (req.outDir && req.outDir !== defaultOutDir) words.push("--out", req.outDir);
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

export function inputHash(parts: {
  specText: string;
  templates: readonly TemplateSource[];
  allCached: boolean;
  cStyle: CStyle;
  /** The TypeScript target's emitter and the libraries that shape its bytes, when it is emitted. */
  ts?: { emitter: string; tools: Readonly<Record<string, string>> };
}): string {
  const canonical = JSON.stringify({
    generator: generatorVersion(),
    allCached: parts.allCached,
    cStyle: parts.cStyle,
    spec: parts.specText,
    templates: [...parts.templates]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((t) => [t.name, t.text]),
    ...(parts.ts ? { ts: parts.ts } : {}),
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
  readonly model: Model;
  readonly hash: string;
  readonly templates: readonly TemplateSource[];
  readonly banner: Parameters<typeof withBanner>[0];
}

/** Everything both entry points share: the model, the C templates, the input hash, the banner. */
function prepare(
  req: GenerateRequest,
  targets: readonly Target[],
): { ok: true; prepared: Prepared } | { ok: false; diagnostics: readonly Diagnostic[] } {
  const loaded = loadModel(req);
  if (!loaded.ok) return loaded;
  let templates: TemplateSource[];
  try {
    templates = readCTemplates();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const where = e.path ?? "templates";
    return {
      ok: false,
      diagnostics: [
        diagnose("RC001", { displayPath: where, text: "" }, undefined, where, errnoText(err)),
      ],
    };
  }
  const hash = inputHash({
    specText: loaded.specText,
    templates,
    allCached: loaded.model.options.allCached,
    cStyle: loaded.model.options.cStyle,
    ...(targets.includes("ts") ? { ts: { emitter: TS_EMITTER_ID, tools: tsToolVersions() } } : {}),
  });
  const banner = {
    version: generatorVersion(),
    specPath: req.bannerSpecPath ?? req.displayPath ?? req.specPath,
    command: regenerateCommand(req),
    inputHash: hash,
  };
  return { ok: true, prepared: { model: loaded.model, hash, templates, banner } };
}

function finish(p: Prepared, bodies: readonly EmittedBody[]): GenerateResult {
  const files = bodies
    .map((f) => ({ path: f.path, contents: withBanner(p.banner, f.body) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { ok: true, files, model: p.model, inputHash: p.hash };
}

/** The C target only: synchronous, never loads ts-morph or prettier. */
export function generate(req: GenerateRequest): GenerateResult {
  const p = prepare(req, ["c"]);
  if (!p.ok) return p;
  return finish(p.prepared, emitC(p.prepared.model, p.prepared.templates));
}

/**
 * Every target, C and TypeScript: what `regcache generate` writes. Async
 * because prettier formats asynchronously. All files share one input hash,
 * which covers the TypeScript emitter too, so it differs from generate()'s.
 */
export async function generateAll(req: GenerateRequest): Promise<GenerateResult> {
  const p = prepare(req, ["c", "ts"]);
  if (!p.ok) return p;
  const model = p.prepared.model;
  return finish(p.prepared, [...emitC(model, p.prepared.templates), ...(await emitTs(model))]);
}
