/*
 * The object cache: a compile whose inputs are unchanged is not rerun. The
 * model is ccache's "direct mode": no preprocessing, the key is the command
 * and the compiler, and the entry lists every file the compile read (from
 * its dependency file) with a hash of its bytes; a lookup hashes those files
 * again and reuses the object only when every one still matches.
 *
 * Layout under the cache directory (docs/size-report.md, "Object cache"):
 *   manifests/<k[0:2]>/<k>.json   k = sha256(format, compiler identity, cwd,
 *                                 argv with the run's private paths replaced
 *                                 by placeholders); up to MAX_VARIANTS results,
 *                                 each { deps: [[path, sha256]…], object }
 *   objects/<h[0:2]>/<h>.o        content-addressed: h = sha256 of the bytes
 *
 * Why a wrong figure cannot come out of it: every file is written to a
 * private temporary name and renamed into place (readers see a whole file or
 * none); a manifest carries a sha256 of its own payload and an object is
 * named by the sha256 of its bytes, both checked on every read, so a
 * truncated or altered entry is a miss (and is rewritten), never a result.
 * Two runs at once may both compile and both store; each rename is atomic
 * and the losing manifest variant is only a later miss.
 *
 * Bound: after a run, objects beyond the size limit are evicted, least
 * recently used first (a hit refreshes an object's mtime). Clearing is
 * deleting the directory, safe at any time.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { writeFileAtomic } from "../util/atomic-file";
import { makeDirs } from "../util/make-dirs";

const FORMAT = "regcache-object-cache-1";
const MAX_VARIANTS = 8;

export interface ObjectCache {
  readonly dir: string;
  /** Upper bound of the objects' total size, in bytes. */
  readonly maxBytes: number;
}

/** One compile, as the cache sees it. */
export interface CacheRequest {
  /** The compiler's identity (compilerIdentity()). */
  readonly compiler: string;
  /** Working directory of the compile. */
  readonly cwd: string;
  /** argv as run (without a launcher), private paths in place. */
  readonly argv: readonly string[];
  /** Private path prefixes of this run → stable placeholders (e.g. temp root → "@ROOT@"). */
  readonly placeholders: readonly (readonly [string, string])[];
  /** Where the object and the dependency file go. */
  readonly object: string;
  readonly depfile: string;
}

interface Variant {
  /** [path with placeholders, sha256 of the bytes] for every dependency. */
  readonly deps: readonly (readonly [string, string])[];
  readonly object: string;
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

function toPlaceholders(req: CacheRequest, text: string): string {
  let out = text;
  for (const [prefix, token] of req.placeholders) out = out.split(prefix).join(token);
  return out;
}

function fromPlaceholders(req: CacheRequest, text: string): string {
  let out = text;
  for (const [prefix, token] of req.placeholders) out = out.split(token).join(prefix);
  return out;
}

export function cacheKey(req: CacheRequest): string {
  return sha256(
    JSON.stringify([FORMAT, req.compiler, req.cwd, req.argv.map((a) => toPlaceholders(req, a))]),
  );
}

const manifestPath = (cache: ObjectCache, key: string) =>
  path.join(cache.dir, "manifests", key.slice(0, 2), `${key}.json`);
const objectPath = (cache: ObjectCache, hash: string) =>
  path.join(cache.dir, "objects", hash.slice(0, 2), `${hash}.o`);

/** Writes through a temporary file and a rename (util/atomic-file), so readers never see half a file. */
function writeAtomic(file: string, data: string | Buffer): void {
  makeDirs(path.dirname(file));
  writeFileAtomic(file, data);
}

function readManifest(cache: ObjectCache, key: string): Variant[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(manifestPath(cache, key), "utf8"));
  } catch {
    return [];
  }
  const m = parsed as { check?: unknown; variants?: unknown };
  if (typeof m !== "object" || m === null || !Array.isArray(m.variants)) return [];
  if (m.check !== sha256(JSON.stringify(m.variants))) return [];
  return m.variants as Variant[];
}

/** Whether `file` holds bytes whose sha256 is `hash` (a damaged copy is replaced on store). */
function intact(file: string, hash: string): boolean {
  try {
    return sha256(fs.readFileSync(file)) === hash;
  } catch {
    return false;
  }
}

/** Hashes file contents once per run; null when a file cannot be read. */
export class FileHasher {
  private readonly memo = new Map<string, string | null>();
  hash(file: string): string | null {
    let h = this.memo.get(file);
    if (h === undefined) {
      try {
        h = sha256(fs.readFileSync(file));
      } catch {
        h = null;
      }
      this.memo.set(file, h);
    }
    return h;
  }
}

/** A make rule listing `deps`, in the form -MD writes. */
function depfileText(object: string, deps: readonly string[]): string {
  const escape = (p: string) => p.replace(/ /g, "\\ ");
  return `${escape(object)}: ${deps.map(escape).join(" \\\n ")}\n`;
}

/**
 * Looks the compile up. On a hit the object and a dependency file are written
 * where the request says and the dependency paths (absolute) are returned;
 * on a miss, undefined. Never throws for a damaged cache (a miss instead).
 */
export function lookup(
  cache: ObjectCache,
  req: CacheRequest,
  hasher: FileHasher,
): string[] | undefined {
  for (const variant of readManifest(cache, cacheKey(req))) {
    if (!Array.isArray(variant.deps) || typeof variant.object !== "string") continue;
    const deps = variant.deps.map(([p]) => fromPlaceholders(req, p));
    if (!variant.deps.every(([, h], i) => hasher.hash(deps[i]) === h)) continue;
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(objectPath(cache, variant.object));
    } catch {
      continue;
    }
    if (sha256(bytes) !== variant.object) continue; // damaged: a miss, rewritten on store
    try {
      const now = new Date();
      fs.utimesSync(objectPath(cache, variant.object), now, now);
    } catch {
      // Evicted meanwhile: the bytes in hand are still right.
    }
    writeAtomic(req.object, bytes);
    writeAtomic(req.depfile, depfileText(req.object, deps));
    return deps;
  }
  return undefined;
}

/**
 * Stores a compile's object under its dependencies (absolute paths). A
 * dependency that can no longer be read makes the entry unstorable (skipped).
 */
export function store(
  cache: ObjectCache,
  req: CacheRequest,
  deps: readonly string[],
  hasher: FileHasher,
): void {
  const hashed: [string, string][] = [];
  for (const dep of deps) {
    const h = hasher.hash(dep);
    if (h === null) return;
    hashed.push([toPlaceholders(req, dep), h]);
  }
  const bytes = fs.readFileSync(req.object);
  const objectHash = sha256(bytes);
  const target = objectPath(cache, objectHash);
  if (!intact(target, objectHash)) writeAtomic(target, bytes);
  const key = cacheKey(req);
  const depsKey = JSON.stringify(hashed);
  const variants = [
    { deps: hashed, object: objectHash },
    ...readManifest(cache, key).filter((v) => JSON.stringify(v.deps) !== depsKey),
  ].slice(0, MAX_VARIANTS);
  writeAtomic(
    manifestPath(cache, key),
    JSON.stringify({ check: sha256(JSON.stringify(variants)), variants }),
  );
}

/** Evicts the least recently used objects until their total is within the bound. */
export function trim(cache: ObjectCache): void {
  const root = path.join(cache.dir, "objects");
  const files: { file: string; size: number; mtime: number }[] = [];
  let total = 0;
  let dirs: string[];
  try {
    dirs = fs.readdirSync(root);
  } catch {
    return;
  }
  for (const d of dirs) {
    let names: string[];
    try {
      names = fs.readdirSync(path.join(root, d));
    } catch {
      continue;
    }
    for (const name of names) {
      const file = path.join(root, d, name);
      try {
        const st = fs.statSync(file);
        files.push({ file, size: st.size, mtime: st.mtimeMs });
        total += st.size;
      } catch {
        // Removed by another run.
      }
    }
  }
  if (total <= cache.maxBytes) return;
  files.sort((a, b) => a.mtime - b.mtime);
  for (const f of files) {
    if (total <= cache.maxBytes) break;
    fs.rmSync(f.file, { force: true });
    total -= f.size;
  }
}

/** "512M", "2G", "1048576": bytes, or undefined when it is not a size. */
export function parseByteSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([KMG]?)i?B?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase() as "" | "K"];
  return Math.floor(Number(m[1]) * (unit ?? 1));
}

export const DEFAULT_CACHE_MAX = "1G";

/**
 * Where the cache lives: $REGCACHE_CACHE_DIR, else $XDG_CACHE_HOME/regcache/objects,
 * else $HOME/.cache/regcache/objects; none of them set → no cache.
 * Bound: $REGCACHE_CACHE_MAX (e.g. 512M, 2G), default 1G.
 */
export function cacheFromEnv(
  env: NodeJS.ProcessEnv,
): { ok: true; cache: ObjectCache | undefined } | { ok: false; problem: string } {
  const max = env.REGCACHE_CACHE_MAX ?? DEFAULT_CACHE_MAX;
  const maxBytes = parseByteSize(max);
  if (maxBytes === undefined)
    return { ok: false, problem: `REGCACHE_CACHE_MAX='${max}' is not a size (e.g. 512M, 2G)` };
  const dir =
    env.REGCACHE_CACHE_DIR ||
    (env.XDG_CACHE_HOME ? path.join(env.XDG_CACHE_HOME, "regcache", "objects") : undefined) ||
    (env.HOME ? path.join(env.HOME, ".cache", "regcache", "objects") : undefined);
  return { ok: true, cache: dir ? { dir: path.resolve(dir), maxBytes } : undefined };
}

/**
 * The compiler's identity for the key, as ccache's default "mtime" check:
 * the resolved executable's path, size and mtime, plus its --version line.
 */
export function compilerIdentity(command: string, version: string, env: NodeJS.ProcessEnv): string {
  const candidates = command.includes("/")
    ? [command]
    : (env.PATH ?? "")
        .split(path.delimiter)
        .filter(Boolean)
        .map((d) => path.join(d, command));
  for (const candidate of candidates) {
    try {
      const real = fs.realpathSync(candidate);
      const st = fs.statSync(real);
      if (st.isFile()) return `${real}:${st.size}:${st.mtimeMs}:${version}`;
    } catch {
      // Not here; try the next PATH entry.
    }
  }
  return `${command}:${version}`;
}
