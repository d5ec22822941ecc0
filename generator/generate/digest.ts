/*
 * The generator's own code as an input of what it generates. A changed
 * emitter or model changes the output as surely as a changed spec does, so
 * each target's input hash covers a digest of the modules `generate` runs for
 * it: the import closure of generate/produce.ts below generator/, without the
 * folders of the other targets (each Target names its own `folder`), so a
 * TypeScript-emitter change leaves the C headers alone. Code the targets
 * share (targets/render/) is reached through the targets that import it.
 *
 * The digest is of the sources (CRLF read as LF), so a run from source (the
 * tests) and a run of the build agree. `npm run build` computes it once
 * (scripts/digest-generator.js) into dist/generator/generate/generator-digest.json,
 * which is what the compiled tool reads: the fast path stays a file read.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { sha256 } from "../util/hash";
import { packageRoot } from "../util/paths";
import { TARGETS } from "../targets";
import type { TargetName } from "../targets/types";

/** What the digest needs of a target (Target's name and folder): whose code, and where only its own. */
export interface CodeOwner {
  readonly name: string;
  readonly folder: string;
}

const ALL_TARGETS: readonly CodeOwner[] = Object.values(TARGETS);

/** Written by scripts/digest-generator.js beside the compiled modules. */
export const DIGEST_FILE = "generator-digest.json";

const ENTRY = "generate/produce.ts";
const RELATIVE_IMPORT = /(?:\bfrom\s+|\bimport\s+|\brequire\()\s*["'](\.{1,2}\/[^"']+)["']/g;

function resolveModule(sourceDir: string, from: string, spec: string): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  for (const candidate of [`${base}.ts`, `${base}/index.ts`]) {
    if (fs.existsSync(path.join(sourceDir, candidate))) return candidate;
  }
  return undefined;
}

/**
 * The modules (paths below sourceDir, forward slashes, sorted) that generating
 * `target` runs: generate/produce.ts and everything it imports, transitively,
 * by relative path, except the folders of the other `targets`.
 */
export function generatorModules(
  sourceDir: string,
  target: string,
  targets: readonly CodeOwner[] = ALL_TARGETS,
): string[] {
  const own = targets.find((t) => t.name === target)?.folder;
  if (own === undefined) throw new Error(`regcache: no target named ${target}`);
  const others = targets.filter((t) => t.folder !== own).map((t) => `targets/${t.folder}/`);
  const seen = new Set<string>();
  const queue = [ENTRY];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file) || others.some((folder) => file.startsWith(folder))) continue;
    seen.add(file);
    const text = fs.readFileSync(path.join(sourceDir, file), "utf8");
    for (const m of text.matchAll(RELATIVE_IMPORT)) {
      const dep = resolveModule(sourceDir, file, m[1]!);
      if (dep) queue.push(dep);
    }
  }
  return [...seen].sort();
}

/** sha256 over each module's path and text (CRLF as LF), per target, by name. */
export function computeGeneratorDigests(
  sourceDir: string,
  targets: readonly CodeOwner[] = ALL_TARGETS,
): Record<string, string> {
  const digest = (target: string) =>
    sha256(
      JSON.stringify(
        generatorModules(sourceDir, target, targets).map((file) => [
          file,
          fs.readFileSync(path.join(sourceDir, file), "utf8").replace(/\r\n/g, "\n"),
        ]),
      ),
    );
  return Object.fromEntries(targets.map((t) => [t.name, digest(t.name)]));
}

let cached: Record<string, string> | undefined;

/**
 * The digest of the code generating `target`: from the build's
 * generator-digest.json when this module runs compiled, else computed from
 * the sources in <package root>/generator (once per process).
 */
export function generatorDigest(target: TargetName): string {
  if (!cached) {
    const built = path.join(__dirname, DIGEST_FILE);
    cached = fs.existsSync(built)
      ? (JSON.parse(fs.readFileSync(built, "utf8")) as Record<string, string>)
      : computeGeneratorDigests(path.join(packageRoot(), "generator"));
  }
  const digest = cached[target];
  if (digest === undefined) throw new Error(`regcache: no digest of the ${target} target's code`);
  return digest;
}
