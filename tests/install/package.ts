/*
 * The package as a user gets it: `npm pack` in a fresh copy of this checkout
 * (so prepack builds dist/ from the sources, never reusing the repository's
 * dist/), then README.md's pinned install recipe, run as written, into a
 * temporary prefix, offline.
 *
 * npm runs in a sandbox (npmSandbox): its own cache, config and global prefix
 * under the test's temp directory, so no test touches the user's ~/.npm,
 * ~/.npmrc or global prefix. Its cache is seeded from the user's npm cache
 * (read only) with what the tarball's npm-shrinkwrap.json pins, which any
 * `npm ci` of this repository has put there.
 *
 * Why a recipe rather than `npm install -g ./regcache-*.tgz`: npm (checked
 * with 11.19) reads a dependency's shrinkwrap only when the registry's
 * metadata says it has one (`_hasShrinkwrap`); a tarball file has no such
 * metadata, so the plain install resolves every range afresh. `npm ci` inside
 * the unpacked package reads the shrinkwrap as its own lockfile.
 *
 * Nothing here writes into the repository: the copy, the tarball, the npm
 * sandbox and the prefix live under the caller's temp directory.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export const repoRoot = path.resolve(__dirname, "..", "..");

/**
 * The files a clone of this checkout would have if its changes were committed:
 * what git tracks plus what it would add (untracked, not ignored), as they are
 * in the working tree now — never a run's leftovers (.stryker-tmp/, reports/,
 * coverage/, build output), which .gitignore names.
 */
function cloneFiles(): string[] {
  const r = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`git ls-files failed in ${repoRoot}:\n${r.stderr}`);
  return r.stdout.split("\0").filter((f) => f !== "" && fs.existsSync(path.join(repoRoot, f))); // a deleted file stays listed until committed
}

/** The environment for npm and the installed CLI: without the npm_* of the `npm test` running us. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || k === "INIT_CWD") continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function run(
  cmd: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = cleanEnv(),
): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8" });
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
 * symlink to ours), writing the tarball to work/, with the sandbox's npm (pack
 * keeps a copy of the tarball in npm's cache). Throws with npm's output on
 * failure.
 */
export function packFresh(work: string, sandbox: NpmSandbox): Packed {
  const checkout = path.join(work, "checkout");
  fs.mkdirSync(checkout, { recursive: true });
  for (const file of cloneFiles()) {
    fs.mkdirSync(path.dirname(path.join(checkout, file)), { recursive: true });
    fs.copyFileSync(path.join(repoRoot, file), path.join(checkout, file));
  }
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(checkout, "node_modules"), "dir");
  const r = run("npm", ["pack", "--json", "--pack-destination", work], checkout, sandbox.env);
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

/** One entry of a lockfile's "packages" (npm-shrinkwrap.json, node_modules/.package-lock.json). */
export interface LockEntry {
  readonly version?: string;
  readonly integrity?: string;
  readonly dev?: boolean;
  readonly [k: string]: unknown;
}

/** The tarball's npm-shrinkwrap.json "packages". */
export function tarballShrinkwrap(tarball: string): Record<string, LockEntry> {
  const text = run("tar", ["-xzOf", tarball, "package/npm-shrinkwrap.json"], path.dirname(tarball));
  return (JSON.parse(text.stdout) as { packages: Record<string, LockEntry> }).packages;
}

/** What an install must hold: every non-dev package of the shrinkwrap, location → version. */
export function pinnedVersions(shrinkwrap: Record<string, LockEntry>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(shrinkwrap))
    if (key !== "" && !entry.dev) out[key] = entry.version!;
  return out;
}

/**
 * What is installed below a package directory: location (as a lockfile names
 * it, "node_modules/a/node_modules/b") → the version in that package.json.
 */
export function installedVersions(packageDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    const nm = path.join(dir, "node_modules");
    if (!fs.existsSync(nm)) return;
    for (const name of fs.readdirSync(nm)) {
      if (name.startsWith(".")) continue;
      const names = name.startsWith("@")
        ? fs.readdirSync(path.join(nm, name)).map((n) => `${name}/${n}`)
        : [name];
      for (const n of names) {
        const manifest = path.join(nm, n, "package.json");
        if (!fs.existsSync(manifest)) continue;
        const key = `${prefix}node_modules/${n}`;
        out[key] = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version;
        walk(path.join(nm, n), `${key}/`);
      }
    }
  };
  walk(packageDir, "");
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * A private npm for the tests: its own cache, user and global config and
 * global prefix under dir, so nothing touches the user's ~/.npm, ~/.npmrc or
 * global prefix. npm reads these from the environment (npm_config_*), so the
 * commands a test runs are the commands a user types.
 */
export interface NpmSandbox {
  readonly cache: string;
  readonly env: NodeJS.ProcessEnv;
}

export function npmSandbox(dir: string): NpmSandbox {
  const cache = path.join(dir, "npm-cache");
  const globalPrefix = path.join(dir, "npm-global");
  const npmrc = path.join(dir, "npmrc");
  const globalNpmrc = path.join(dir, "npmrc-global");
  for (const d of [cache, globalPrefix]) fs.mkdirSync(d, { recursive: true });
  for (const f of [npmrc, globalNpmrc]) fs.writeFileSync(f, "");
  const env = cleanEnv({
    npm_config_cache: cache,
    npm_config_userconfig: npmrc,
    npm_config_globalconfig: globalNpmrc,
    npm_config_prefix: globalPrefix,
    npm_config_update_notifier: "false",
    npm_config_audit: "false",
    npm_config_fund: "false",
  });
  return { cache, env };
}

/** `npm config get KEY` as the user's npm answers it (their cache, their registry); no log file. */
function userNpmConfig(key: string): string {
  return run("npm", ["config", "get", key, "--logs-max=0"], repoRoot).stdout.trim();
}

/** cacache's file for an index key: index-v5/<sha256 of the key, split 2/2/rest>. */
function indexBucket(key: string): string {
  const h = createHash("sha256").update(key).digest("hex");
  return path.join("index-v5", h.slice(0, 2), h.slice(2, 4), h.slice(4));
}

/** cacache's file for content: content-v2/<algorithm>/<hex digest, split 2/2/rest>. */
function contentFile(integrity: string): string {
  const [algorithm, base64] = integrity.split(/-(.*)/s) as [string, string];
  const hex = Buffer.from(base64, "base64").toString("hex");
  return path.join("content-v2", algorithm, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
}

/**
 * Copies into the sandbox's cache what the user's npm cache holds for the
 * shrinkwrap's non-dev packages: each one's registry metadata and its pinned
 * tarball (the shrinkwrap records no "resolved" URL, so npm reads the
 * metadata to find the tarball, as `npm ci` of this repository did, which is
 * what filled the user's cache). Only reads the user's cache. Throws naming
 * what is missing.
 */
export function seedNpmCache(shrinkwrap: Record<string, LockEntry>, sandbox: NpmSandbox): void {
  const from = path.join(userNpmConfig("cache"), "_cacache");
  const to = path.join(sandbox.cache, "_cacache");
  const registry = userNpmConfig("registry").replace(/\/+$/, "");
  const copy = (rel: string, what: string) => {
    if (!fs.existsSync(path.join(from, rel)))
      throw new Error(`the local npm cache (${from}) has no ${what}: run npm ci in the repository`);
    fs.mkdirSync(path.dirname(path.join(to, rel)), { recursive: true });
    fs.copyFileSync(path.join(from, rel), path.join(to, rel));
  };
  const metadataDone = new Set<string>();
  for (const [key, entry] of Object.entries(shrinkwrap)) {
    if (key === "" || entry.dev) continue;
    const name = key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length);
    copy(contentFile(entry.integrity!), `tarball of ${name}@${entry.version}`);
    const tgz = `${registry}/${name}/-/${name.split("/").pop()}-${entry.version}.tgz`;
    copy(indexBucket(`make-fetch-happen:request-cache:${tgz}`), `entry for ${tgz}`);
    if (metadataDone.has(name)) continue;
    metadataDone.add(name);
    const bucket = indexBucket(
      `make-fetch-happen:request-cache:${registry}/${name.replace("/", "%2f")}`,
    );
    copy(bucket, `metadata of ${name}`);
    // Each line: "<hash>\t<json entry>"; the metadata's bytes are content too.
    for (const line of fs.readFileSync(path.join(from, bucket), "utf8").split("\n")) {
      if (!line.includes("\t")) continue;
      const indexed = JSON.parse(line.slice(line.indexOf("\t") + 1)) as { integrity?: string };
      if (indexed.integrity && fs.existsSync(path.join(from, contentFile(indexed.integrity))))
        copy(contentFile(indexed.integrity), `metadata of ${name}`);
    }
  }
}

/** The README's pinned install recipe: the sh block of "## Install" that runs `npm ci`. */
export function readmeInstallRecipe(): string {
  const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("\n## Install\n"));
  const blocks = section.slice(0, section.indexOf("\n## ", 1)).split("```sh\n").slice(1);
  const recipe = blocks
    .map((b) => b.slice(0, b.indexOf("```")))
    .find((b) => /npm ci --omit=dev/.test(b));
  if (!recipe) throw new Error("README.md's Install section has no sh block running npm ci");
  return recipe;
}

export interface Installed {
  /** The regcache command in prefix/bin. */
  readonly cli: string;
  /** Where the package lives (the bin's target's package). */
  readonly packageDir: string;
}

/**
 * Installs the tarball into prefix as README.md's pinned recipe says, run as
 * written with ~/.local standing for prefix and the tarball in its directory,
 * through the sandbox's npm (offline: its cache only).
 */
export function installOffline(tarball: string, prefix: string, sandbox: NpmSandbox): Installed {
  const version = path.basename(tarball).replace(/^regcache-|\.tgz$/g, "");
  const script = readmeInstallRecipe()
    .split("~/.local")
    .join('"$PREFIX"')
    .split("regcache-0.1.0.tgz")
    .join(`regcache-${version}.tgz`);
  const r = spawnSync("bash", ["-euo", "pipefail", "-c", script], {
    cwd: path.dirname(tarball),
    // As the recipe's comment says: prefix/bin on PATH.
    env: {
      ...sandbox.env,
      PREFIX: prefix,
      PATH: `${path.join(prefix, "bin")}${path.delimiter}${sandbox.env["PATH"] ?? ""}`,
    },
    encoding: "utf8",
  });
  if (r.status !== 0)
    throw new Error(
      `the README's install recipe exited ${r.status ?? r.signal}:\n${script}\n${r.stderr}${r.stdout}`,
    );
  const cli = path.join(prefix, "bin", "regcache");
  return { cli, packageDir: installedPackageDir(cli) };
}

/** The package directory of an installed `regcache` command (through its symlinks). */
export function installedPackageDir(cli: string): string {
  return path.dirname(path.dirname(fs.realpathSync(cli)));
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

/** A command as a child process, without blocking (a stand-in registry in this process must answer it). */
export function runAsync(
  cmd: string,
  argv: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
