/*
 * What a set of inputs produced, remembered outside the project. The key is a
 * target's input hash (produce.ts inputHash: the generator's version and code,
 * the options, the spec, the target's templates or tools); the entry is the
 * sha256 of each body that target emitted, by path below the output
 * directory. With it, `check` and an unchanged `generate` take a target's
 * files on disk as they are when their bodies are the ones those inputs
 * produce, without parsing the spec or loading an emitter; without it (no
 * cache directory, an entry missing or unreadable) they produce the files and
 * compare. Generated files themselves never record the inputs.
 *
 * Edge: reads and writes below the cache directory only. Never throws: a
 * cache that cannot be read or written is a miss, never an error.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../util/atomic-file";
import { makeDirs } from "../util/make-dirs";
import { byCodeUnit } from "../util/order";

/** Body hashes (sha256, hex) by path below the output directory. */
export type BodyHashes = Readonly<Record<string, string>>;

export interface OutputCache {
  /** The body hashes recorded for an input hash, or undefined. */
  lookup(key: string): BodyHashes | undefined;
  /** Records what an input hash produced (atomically; failures are ignored). */
  store(key: string, bodies: BodyHashes): void;
}

/** Entries kept before the oldest are dropped (each is a few hundred bytes). */
export const MAX_ENTRIES = 1000;

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Where the cache lives: $REGCACHE_OUTPUT_CACHE_DIR, else
 * $XDG_CACHE_HOME/regcache/outputs, else $HOME/.cache/regcache/outputs; none
 * set → no cache (every run produces and compares).
 */
export function outputCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  const dir =
    env.REGCACHE_OUTPUT_CACHE_DIR ||
    (env.XDG_CACHE_HOME ? path.join(env.XDG_CACHE_HOME, "regcache", "outputs") : undefined) ||
    (env.HOME ? path.join(env.HOME, ".cache", "regcache", "outputs") : undefined);
  return dir ? path.resolve(dir) : undefined;
}

export function outputCacheFromEnv(env: NodeJS.ProcessEnv): OutputCache | undefined {
  const dir = outputCacheDir(env);
  return dir ? directoryCache(dir) : undefined;
}

/** A cache of one JSON file per key in `dir`, made on first store. */
export function directoryCache(dir: string): OutputCache {
  const fileOf = (key: string) => path.join(dir, `${key}.json`);
  return {
    lookup(key) {
      if (!HEX64.test(key)) return undefined;
      try {
        const value: unknown = JSON.parse(fs.readFileSync(fileOf(key), "utf8"));
        return isBodyHashes(value) ? value : undefined;
      } catch {
        return undefined;
      }
    },
    store(key, bodies) {
      if (!HEX64.test(key)) return;
      try {
        makeDirs(dir);
        writeFileAtomic(fileOf(key), JSON.stringify(bodies) + "\n");
        prune(dir);
      } catch {
        // A cache that cannot be written is a cache that misses: writeFileAtomic left nothing.
      }
    },
  };
}

function isBodyHashes(value: unknown): value is BodyHashes {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((v) => typeof v === "string" && HEX64.test(v));
}

/** Past MAX_ENTRIES, drops the least recently written half. */
function prune(dir: string): void {
  const names = fs.readdirSync(dir).filter((n) => n.endsWith(".json"));
  if (names.length <= MAX_ENTRIES) return;
  const aged = names
    .map((name) => {
      try {
        return { name, mtime: fs.statSync(path.join(dir, name)).mtimeMs };
      } catch {
        return { name, mtime: 0 };
      }
    })
    .sort((a, b) => a.mtime - b.mtime || byCodeUnit(a.name, b.name));
  for (const { name } of aged.slice(0, names.length - MAX_ENTRIES / 2))
    fs.rmSync(path.join(dir, name), { force: true });
}
