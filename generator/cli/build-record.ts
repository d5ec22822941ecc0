/*
 * Whether the compiled tool in dist/ was built from the sources beside it.
 *
 * In a checkout, bin/regcache.js runs dist/generator/, which `npm run build`
 * compiles from generator/**\/*.ts (and the spec schema, precompiled into
 * dist/generator/core/spec/schema-validator.js). A `git pull` without `npm ci`, or an
 * edit without a build, leaves dist/ older than its sources: the old code then
 * meets today's templates and fails in ways that look like bugs (an "internal
 * error" about an undefined partial). The build records a hash of every input
 * (BUILD_RECORD_FILE, written by scripts/build.js); the launcher compares it
 * with the sources before it loads the CLI and, if they differ, says so
 * (exit 3) instead of running stale code.
 *
 * The check stays cheap: an input whose modification time is not after the
 * build's start is taken as unchanged, so a run stats the inputs and hashes
 * only those touched since. An installed package has no generator/ sources
 * and is not checked.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Written by scripts/build.js beside the compiled modules, in dist/generator/. */
export const BUILD_RECORD_FILE = "build-sources.json";

/**
 * What a build was compiled from. `startedMs` is when the build began (ms since
 * the epoch, before tsc ran); `files` maps each input, relative to the package
 * root with forward slashes, to the sha256 (hex) of its bytes.
 */
export interface BuildRecord {
  startedMs: number;
  files: Record<string, string>;
}

/** Outside generator/, the one source the build compiles (scripts/compile-schema.js). */
const SCHEMA = "spec/regcache.schema.json";

/**
 * The build's inputs below `root` (the package root): every .ts file under
 * generator/ and the spec schema, relative, forward slashes, sorted.
 */
export function buildInputs(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && entry.name.endsWith(".ts")) out.push(child);
    }
  };
  walk("generator");
  if (fs.existsSync(path.join(root, SCHEMA))) out.push(SCHEMA);
  return out.sort();
}

const hashOf = (file: string) =>
  crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/** The record of a build of `root`'s sources that started at `startedMs`. */
export function recordBuild(root: string, startedMs: number): BuildRecord {
  const files: Record<string, string> = {};
  for (const rel of buildInputs(root)) files[rel] = hashOf(path.join(root, rel));
  return { startedMs, files };
}

/**
 * The inputs (relative paths, sorted) that differ from `record`: changed since
 * the build, added or removed. Empty when the build is current, and when
 * `root` has no generator/ folder (an installed package ships no sources).
 */
export function staleInputs(root: string, record: BuildRecord): string[] {
  if (!fs.existsSync(path.join(root, "generator"))) return [];
  const now = buildInputs(root);
  const stale = new Set(Object.keys(record.files).filter((rel) => !now.includes(rel)));
  for (const rel of now) {
    const recorded = record.files[rel];
    if (recorded === undefined) {
      stale.add(rel);
      continue;
    }
    const file = path.join(root, rel);
    if (fs.statSync(file).mtimeMs > record.startedMs && hashOf(file) !== recorded) stale.add(rel);
  }
  return [...stale].sort();
}

/**
 * For the launcher: the one-line complaint about a stale build in `distDir`
 * (dist/generator/ of a package whose root is two levels up), or undefined when
 * it is current, unrecorded (a build by plain tsc) or unreadable.
 */
export function staleBuildMessage(distDir: string): string | undefined {
  let record: BuildRecord;
  try {
    record = JSON.parse(fs.readFileSync(path.join(distDir, BUILD_RECORD_FILE), "utf8"));
  } catch {
    return undefined;
  }
  if (typeof record?.startedMs !== "number" || typeof record.files !== "object") return undefined;
  let stale: string[];
  try {
    stale = staleInputs(path.resolve(distDir, "..", ".."), record);
  } catch {
    return undefined; // an unreadable checkout: the check is advice, never a reason to stop
  }
  if (stale.length === 0) return undefined;
  const named =
    stale.slice(0, 3).join(", ") + (stale.length > 3 ? ` and ${stale.length - 3} more` : "");
  return (
    `regcache: the build in dist/ is older than its sources (${named} changed since it was built); ` +
    "run `npm run build` (after a pull, `npm ci`)"
  );
}
