/*
 * The package as a user gets it: `npm pack` in a fresh copy of this checkout
 * (so prepack builds dist/ from the sources, never reusing the repository's
 * dist/), then an offline install of the tarball into a temporary prefix from
 * the local npm cache, pinned by the npm-shrinkwrap.json inside the tarball.
 *
 * Why the install goes through a lockfile: npm (checked with 11.19) ignores the
 * shrinkwrap of a package installed from a local tarball file and resolves its
 * dependencies afresh, which needs the registry's package metadata (not kept
 * by `npm ci`, which fetches tarballs only). A project that depends on the
 * tarball, with a package-lock.json made of the tarball's own shrinkwrap, is
 * what npm does with a shrinkwrap from a registry: every package at the
 * pinned version and integrity, each tarball from the cache.
 *
 * Nothing here writes into the repository: the copy, the tarball and the
 * prefix live under the caller's temp directory.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export const repoRoot = path.resolve(__dirname, "..", "..");

/** Top-level entries of a checkout that a clone does not have (or that only a run leaves). */
const NOT_IN_A_CLONE = new Set(["node_modules", "dist", ".git", "coverage", "tmp"]);

/** The environment for npm and the installed CLI: without the npm_* of the `npm test` running us. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || k === "INIT_CWD") continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function run(cmd: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env: cleanEnv(), encoding: "utf8" });
  if (r.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(" ")} (in ${cwd}) exited ${r.status ?? r.signal}:\n${r.stderr}${r.stdout}`,
    );
  }
  return r;
}

export interface Packed {
  /** Absolute path of regcache-<version>.tgz. */
  readonly tarball: string;
  /** Paths inside the package, as `npm pack --json` lists them. */
  readonly files: readonly string[];
  /** Bytes of the tarball (gzip) and of its contents. */
  readonly size: number;
  readonly unpackedSize: number;
  readonly entryCount: number;
  /** The package.json packed, as a user's npm reads it. */
  readonly manifest: { version: string; scripts?: Record<string, string>; [k: string]: unknown };
}

/**
 * `npm pack` in a copy of this checkout under work/checkout (its node_modules a
 * symlink to ours), writing the tarball to work/. Throws with npm's output on
 * failure.
 */
export function packFresh(work: string): Packed {
  const checkout = path.join(work, "checkout");
  fs.mkdirSync(checkout, { recursive: true });
  for (const name of fs.readdirSync(repoRoot)) {
    if (NOT_IN_A_CLONE.has(name) || name.endsWith(".tgz") || name.startsWith(".regcache-"))
      continue;
    fs.cpSync(path.join(repoRoot, name), path.join(checkout, name), { recursive: true });
  }
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(checkout, "node_modules"), "dir");
  const r = run("npm", ["pack", "--json", "--pack-destination", work], checkout);
  // npm prints the lifecycle scripts' output before the JSON on stdout.
  const json = JSON.parse(r.stdout.slice(r.stdout.indexOf("\n[") + 1)) as {
    filename: string;
    size: number;
    unpackedSize: number;
    entryCount: number;
    files: { path: string }[];
  }[];
  const info = json[0]!;
  const tarball = path.join(work, info.filename);
  const manifest = JSON.parse(
    run("tar", ["-xzOf", tarball, "package/package.json"], work).stdout,
  ) as Packed["manifest"];
  return {
    tarball,
    files: info.files.map((f) => f.path).sort(),
    size: info.size,
    unpackedSize: info.unpackedSize,
    entryCount: info.entryCount,
    manifest,
  };
}

interface LockEntry {
  readonly dev?: boolean;
  readonly [k: string]: unknown;
}

/**
 * Installs the tarball into prefix (created) offline: prefix/package.json
 * depends on it, prefix/package-lock.json pins it (by its sha512) and its
 * dependency tree as the tarball's npm-shrinkwrap.json has it, without the
 * dev dependencies; `npm ci --offline` then installs from the cache alone.
 * Returns the installed CLI, prefix/node_modules/.bin/regcache.
 */
export function installOffline(tarball: string, prefix: string): string {
  fs.mkdirSync(prefix, { recursive: true });
  const shrinkwrap = JSON.parse(
    run("tar", ["-xzOf", tarball, "package/npm-shrinkwrap.json"], prefix).stdout,
  ) as { packages: Record<string, LockEntry> };
  const root = shrinkwrap.packages[""]!;
  const integrity = `sha512-${createHash("sha512").update(fs.readFileSync(tarball)).digest("base64")}`;
  const spec = `file:${tarball}`;
  const packages: Record<string, unknown> = {
    "": { name: "regcache-install-test", dependencies: { regcache: spec } },
    "node_modules/regcache": {
      version: root["version"],
      resolved: spec,
      integrity,
      license: root["license"],
      dependencies: root["dependencies"],
      bin: root["bin"],
      engines: root["engines"],
    },
  };
  for (const [key, entry] of Object.entries(shrinkwrap.packages)) {
    if (key !== "" && !entry.dev) packages[key] = entry;
  }
  const manifest = {
    name: "regcache-install-test",
    private: true,
    dependencies: { regcache: spec },
  };
  fs.writeFileSync(path.join(prefix, "package.json"), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(
    path.join(prefix, "package-lock.json"),
    JSON.stringify({ ...manifest, lockfileVersion: 3, requires: true, packages }, null, 2),
  );
  run("npm", ["ci", "--offline", "--no-audit", "--no-fund", "--prefix", prefix], prefix);
  return path.join(prefix, "node_modules", ".bin", "regcache");
}

export interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The installed CLI as a user runs it: a child process in cwd. */
export function runInstalled(
  cli: string,
  argv: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Outcome {
  const r = spawnSync(cli, argv, { cwd, env: cleanEnv(env), encoding: "utf8" });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `regcache watch` from the installed CLI until it says it is watching (after
 * its first run), then Ctrl-C; resolves with its exit code and output.
 */
export function watchOnce(cli: string, argv: readonly string[], cwd: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(cli, ["watch", ...argv], {
      cwd,
      env: cleanEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    let interrupted = false;
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString("utf8");
      if (!interrupted && stdout.includes("(Ctrl-C to stop)\n")) {
        interrupted = true; // once: a second Ctrl-C would find the handler gone
        child.kill("SIGINT");
      }
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Every file below dir (relative path → bytes), for comparing trees. */
export function readTree(dir: string, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  const here = path.join(dir, prefix);
  if (!fs.existsSync(here)) return out;
  for (const e of fs.readdirSync(here, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, readTree(dir, rel));
    else out[rel] = fs.readFileSync(path.join(dir, rel), "latin1");
  }
  return out;
}
