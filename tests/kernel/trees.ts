/*
 * The kernel tree cache: real Linux trees from Debian's linux-source-*
 * packages, extracted and built once per machine, outside the repository.
 *
 * A cache entry is `${REGCACHE_KERNEL_CACHE:-$HOME/.cache/regcache/kernels}/
 * <package>_<debian-version>/` and holds
 *
 *   linux/                   the extracted source, pristine (never written
 *                            after extraction; variants are hard-linked
 *                            copies, see variants.ts)
 *   linux/build/             the O= build dir: x86_64_defconfig + KVM,
 *                            `make prepare`, arch/x86/kvm/ built (the
 *                            reference objects)
 *   compile_commands.json    what gen_compile_commands.py wrote for that build
 *   tree.json                the completion marker (written last): package,
 *                            version, compiler, config, the series'
 *                            register-cache header and its pristine sha256
 *
 * What differs between kernel series (where the source package comes from,
 * the Kconfig edits beyond KVM's, which header holds the register cache) is
 * in one table, SERIES.
 *
 * Why the O= dir sits directly inside the source dir: kbuild then uses the
 * relative `srctree := ..`, so the command lines, the .cmd files and the
 * dependency lists hold no absolute path. A copy of source + build elsewhere
 * (a variant) is a self-consistent tree: make neither redoes `prepare` nor
 * takes its dependencies from the cached pristine tree.
 *
 * An entry is prepared in `.tmp-<key>-<pid>-<n>/` and renamed into place only
 * when complete (marker included), so a run killed half-way leaves a temp dir
 * (removed by the next run once its pid is gone), never a half entry. An entry
 * is trusted only if its marker matches the installed package version, the
 * compiler and the pristine header's hash; otherwise it is rebuilt.
 *
 * Every make runs under `flock ${REGCACHE_KERNEL_LOCK}` (default
 * `<cache>/build.lock`) so that one kernel build runs at a time on the machine.
 * Failures throw (a missing package is installed with apt-get, a .deb that is
 * not beside the repository is downloaded; if that fails, the caller fails
 * loudly — nothing here skips).
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Kconfig edits applied after x86_64_defconfig (then olddefconfig). */
export const KVM_CONFIG_ARGS: readonly string[] = [
  "--enable",
  "VIRTUALIZATION",
  "--module",
  "KVM",
  "--module",
  "KVM_INTEL",
  "--module",
  "KVM_AMD",
  "--disable",
  "KVM_XEN",
  "--disable",
  "DEBUG_INFO",
];

/**
 * The register-cache header of the 6.x series, the one the adoption step
 * rewrites there. A tree's own header is `KernelTree.header` (7.2 has
 * arch/x86/kvm/regs.h); `seriesRecipe(series).header` gives it before a tree
 * is prepared.
 */
export const CACHE_REGS_HEADER = "arch/x86/kvm/kvm_cache_regs.h";

/** Where a series' Debian source package comes from. */
export type PackageSource =
  /** Installed with apt-get from the machine's own apt sources; the tarball is in /usr/src. */
  | { readonly kind: "apt" }
  /**
   * A .deb read without installing it: first `<package>_<version>_all.deb` in
   * the kernel package directory (kernelDebDir), checked against the
   * SHA256SUMS there; else one downloaded earlier into `<cache>/apt/debs/`;
   * else `apt-get download` through a private apt list of `suites` on the
   * machine's archive (the system's apt configuration is left alone).
   */
  | { readonly kind: "deb"; readonly suites: readonly string[] };

export interface SeriesRecipe {
  readonly source: PackageSource;
  /** scripts/config arguments applied after KVM_CONFIG_ARGS. */
  readonly extraConfig: readonly string[];
  /** The register-cache header (relative to the source root); its pristine hash guards the entry. */
  readonly header: string;
}

/** Every kernel series the cache knows, and what differs between them. */
export const SERIES: Readonly<Record<string, SeriesRecipe>> = {
  "6.1": { source: { kind: "apt" }, extraConfig: [], header: CACHE_REGS_HEADER },
  "6.12": { source: { kind: "apt" }, extraConfig: [], header: CACHE_REGS_HEADER },
  "7.2": {
    // Not in bookworm: sid and trixie-backports carry it (Architecture all).
    source: { kind: "deb", suites: ["sid", "trixie-backports"] },
    // The TDX backend, so that vmx/tdx.c (and its TDX_REGS_AVAIL_SET) is
    // compiled: INTEL_TDX_HOST depends on X86_X2APIC and CONTIG_ALLOC (CMA).
    extraConfig: [
      "--enable",
      "X86_X2APIC",
      "--enable",
      "CMA",
      "--enable",
      "INTEL_TDX_HOST",
      "--enable",
      "KVM_INTEL_TDX",
    ],
    header: "arch/x86/kvm/regs.h",
  },
};

/** "linux-source-7.2" or "7.2" → "7.2". */
export function seriesOf(pkgOrSeries: string): string {
  return pkgOrSeries.replace(/^linux-source-/, "");
}

/** The table's row for a series or its package; throws for a series the cache does not know. */
export function seriesRecipe(pkgOrSeries: string): SeriesRecipe {
  const series = seriesOf(pkgOrSeries);
  const recipe = Object.prototype.hasOwnProperty.call(SERIES, series) ? SERIES[series] : undefined;
  if (!recipe) {
    throw new Error(
      `no recipe for kernel series ${JSON.stringify(series)} (known: ${Object.keys(SERIES).join(", ")}; see SERIES in tests/kernel/trees.ts)`,
    );
  }
  return recipe;
}

/** All scripts/config arguments of a series: KVM's, then the series' own. */
export function seriesConfig(pkgOrSeries: string): readonly string[] {
  return [...KVM_CONFIG_ARGS, ...seriesRecipe(pkgOrSeries).extraConfig];
}

/** What each scripts/config flag asks of an option's .config value (undefined: not set). */
const ASKED: Readonly<Record<string, string | undefined>> = {
  "--enable": "y",
  "--module": "m",
  "--disable": undefined,
};

/**
 * The options of `args` (scripts/config's --enable/--module/--disable) that
 * the .config text does not hold as asked, one message each. olddefconfig
 * drops an option whose dependencies are not met without a word; this is
 * where that shows.
 */
export function configProblems(configText: string, args: readonly string[]): string[] {
  const values = new Map<string, string>();
  for (const line of configText.split("\n")) {
    const set = /^CONFIG_(\w+)=(.*)$/.exec(line);
    if (set) values.set(set[1], set[2]);
  }
  const problems: string[] = [];
  for (let i = 0; i < args.length; i += 2) {
    const [flag, option] = [args[i], args[i + 1]];
    if (!Object.prototype.hasOwnProperty.call(ASKED, flag) || !option) {
      throw new Error(
        `cannot check scripts/config arguments ${JSON.stringify(args.slice(i, i + 2))}`,
      );
    }
    const asked = ASKED[flag];
    const have = values.get(option);
    const kept = asked === undefined ? have === undefined || have === "n" : have === asked;
    if (!kept) {
      const shown = (v: string | undefined) => (v === undefined ? "not set" : `=${v}`);
      problems.push(`CONFIG_${option} is ${shown(have)}, asked ${shown(asked)} (${flag})`);
    }
  }
  return problems;
}

/** Bumped when the layout or the recipe of an entry changes. */
const RECIPE_VERSION = 1;

export interface TreeManifest {
  readonly recipe: number;
  readonly package: string;
  readonly version: string;
  /** `gcc --version`, first line: the reference objects depend on it. */
  readonly compiler: string;
  readonly config: readonly string[];
  /**
   * The series' register-cache header, relative to linux/. A marker without
   * it (the 6.x entries have none) names CACHE_REGS_HEADER.
   */
  readonly header?: string;
  /** sha256 (hex) of that header right after extraction. */
  readonly headerSha256: string;
}

export interface KernelTree {
  readonly manifest: TreeManifest;
  /** The cache entry directory. */
  readonly root: string;
  /** The register-cache header, relative to srcDir (the series' SERIES row). */
  readonly header: string;
  /** Pristine source tree (read only). */
  readonly srcDir: string;
  /** The O= build dir of the reference build (read only). */
  readonly buildDir: string;
  /** compile_commands.json of the reference build; `directory` fields point into buildDir. */
  readonly compileCommands: string;
}

export type Log = (line: string) => void;

export function kernelCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.REGCACHE_KERNEL_CACHE || path.join(os.homedir(), ".cache", "regcache", "kernels");
}

export function kernelLockPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.REGCACHE_KERNEL_LOCK || path.join(kernelCacheDir(env), "build.lock");
}

/** Debian package name for a kernel series: "6.1" → "linux-source-6.1". */
export function sourcePackage(series: string): string {
  return `linux-source-${series}`;
}

export function sha256File(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

export interface RunOptions {
  readonly cwd?: string;
  /** Append stdout+stderr here instead of capturing. */
  readonly logFile?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Runs a command; throws with the command, exit status and the tail of its
 * output when it fails. Returns stdout when not logging to a file.
 */
export function run(argv: readonly string[], opts: RunOptions = {}): string {
  let fd: number | undefined;
  if (opts.logFile) {
    fd = fs.openSync(opts.logFile, "a");
    fs.writeSync(fd, `\n$ ${argv.join(" ")}\n`);
  }
  try {
    const result = spawnSync(argv[0], argv.slice(1), {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: fd === undefined ? ["ignore", "pipe", "pipe"] : ["ignore", fd, fd],
      maxBuffer: 256 * 1024 * 1024,
      encoding: "utf8",
    });
    if (result.error) throw new Error(`${argv[0]}: ${result.error.message}`);
    if (result.status !== 0) {
      const output =
        fd === undefined
          ? `${result.stdout ?? ""}${result.stderr ?? ""}`
          : fs.readFileSync(opts.logFile!, "utf8");
      const tail = output.trimEnd().split("\n").slice(-40).join("\n");
      throw new Error(
        `command failed (${result.status ?? result.signal}): ${argv.join(" ")}` +
          (opts.cwd ? `\n  in ${opts.cwd}` : "") +
          (opts.logFile ? `\n  log: ${opts.logFile}` : "") +
          `\n${tail}`,
      );
    }
    return fd === undefined ? (result.stdout ?? "") : "";
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** `make` in a kernel source dir, under the machine-wide kernel build lock. */
export function kernelMake(srcDir: string, args: readonly string[], logFile?: string): void {
  const lock = kernelLockPath();
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  run(["flock", lock, "make", "-s", `-j${os.cpus().length}`, "O=build", ...args], {
    cwd: srcDir,
    logFile,
  });
}

function installedVersion(pkg: string): string | undefined {
  const result = spawnSync("dpkg-query", ["-W", "-f=${Status}\t${Version}", pkg], {
    encoding: "utf8",
  });
  if (result.status !== 0) return undefined;
  const [status, version] = result.stdout.split("\t");
  return status.endsWith(" installed") && version ? version : undefined;
}

/** Installs the Debian package if it is missing; throws if it cannot be installed. */
export function ensurePackage(pkg: string, log: Log): string {
  const have = installedVersion(pkg);
  if (have) return have;
  log(`${pkg} is not installed: apt-get install -y ${pkg}`);
  const sudo = process.getuid?.() === 0 ? [] : ["sudo", "-n"];
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  try {
    run([...sudo, "apt-get", "install", "-y", "-q", pkg], { env });
  } catch (first) {
    // A fresh machine may have no package lists yet.
    run([...sudo, "apt-get", "update", "-q"], { env });
    run([...sudo, "apt-get", "install", "-y", "-q", pkg], { env });
  }
  const version = installedVersion(pkg);
  if (!version) throw new Error(`${pkg}: apt-get reported success but dpkg has no version`);
  return version;
}

/**
 * The directory of kernel source .debs with their SHA256SUMS:
 * $REGCACHE_KERNEL_DEBS, else `../shared/kernels` beside the repository
 * (CI runs a fresh clone with ../shared next to it).
 */
export function kernelDebDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.REGCACHE_KERNEL_DEBS || path.resolve(__dirname, "..", "..", "..", "shared", "kernels");
}

/** sha256sum's output (text or binary mode) → file name → sha256 (lower-case hex). */
export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([0-9a-fA-F]{64}) [ *](?:\.\/)?(.+)$/.exec(line.replace(/\r$/, ""));
    if (m) sums.set(m[2], m[1].toLowerCase());
  }
  return sums;
}

/** Whether `name` is a .deb of `pkg` for architecture all: `<pkg>_<version>_all.deb`. */
export function isDebOf(name: string, pkg: string): boolean {
  return name.startsWith(`${pkg}_`) && name.endsWith("_all.deb") && name.length > pkg.length + 9;
}

function dpkgVersionGreater(a: string, b: string): boolean {
  return spawnSync("dpkg", ["--compare-versions", a, "gt", b]).status === 0;
}

/**
 * The newest .deb of `pkg` in `dir`, checked against `dir/SHA256SUMS`; undefined
 * when the directory holds none. Throws when a .deb is there that the sums
 * do not vouch for: it is never used unchecked, and never passed over in silence.
 */
export function checkedDeb(dir: string, pkg: string): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const present = fs.readdirSync(dir).filter((n) => isDebOf(n, pkg));
  if (present.length === 0) return undefined;
  const sumsFile = path.join(dir, "SHA256SUMS");
  if (!fs.existsSync(sumsFile)) {
    throw new Error(`${dir} holds ${present.join(", ")} but no SHA256SUMS to check it against`);
  }
  const sums = parseSha256Sums(fs.readFileSync(sumsFile, "utf8"));
  const listed = present.filter((n) => sums.has(n));
  if (listed.length === 0) throw new Error(`${sumsFile} does not list ${present.join(", ")}`);
  const versionOf = (n: string) => n.slice(pkg.length + 1, -"_all.deb".length);
  const name = listed.reduce((a, b) => (dpkgVersionGreater(versionOf(b), versionOf(a)) ? b : a));
  const file = path.join(dir, name);
  const hash = sha256File(file);
  if (hash !== sums.get(name)) {
    throw new Error(`${file} has sha256 ${hash}; ${sumsFile} says ${sums.get(name)}`);
  }
  return file;
}

/** The Version in a .deb's control (dpkg-deb -f), after checking that it is `pkg`. */
export function debVersion(file: string, pkg: string): string {
  const fields = run(["dpkg-deb", "-f", file, "Package", "Version"]);
  const field = (name: string) => new RegExp(`^${name}: *(\\S+)`, "m").exec(fields)?.[1];
  if (field("Package") !== pkg) {
    throw new Error(`${file} is package ${JSON.stringify(field("Package"))}, not ${pkg}`);
  }
  const version = field("Version");
  if (!version) throw new Error(`${file}: its control has no Version`);
  return version;
}

/** The first URI of the first `URIs:` line of a deb822 sources file: the archive the machine uses. */
export function archiveUri(sourcesText: string): string | undefined {
  return /^URIs:[ \t]*(\S+)/m.exec(sourcesText)?.[1];
}

/** A deb822 sources file for `suites` of `uri`, main only, signed by Debian's archive key. */
export function privateAptSources(uri: string, suites: readonly string[]): string {
  return [
    "Types: deb",
    `URIs: ${uri}`,
    `Suites: ${suites.join(" ")}`,
    "Components: main",
    "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg",
    "",
  ].join("\n");
}

/**
 * apt options that read sources and keep lists and caches only under
 * `aptDir`: apt-get update and download then never touch the system's apt
 * configuration or state.
 */
export function privateAptOptions(aptDir: string): string[] {
  return [
    ["Dir::Etc::sourcelist", "/dev/null"],
    ["Dir::Etc::sourceparts", path.join(aptDir, "parts")],
    ["Dir::State::Lists", path.join(aptDir, "lists")],
    ["Dir::Cache", path.join(aptDir, "cache")],
  ].flatMap(([k, v]) => ["-o", `${k}=${v}`]);
}

/** Where .debs downloaded by downloadDeb are kept, with a SHA256SUMS of their own. */
export function downloadedDebDir(cache: string): string {
  return path.join(cache, "apt", "debs");
}

const SYSTEM_SOURCES = "/etc/apt/sources.list.d/debian.sources";

/**
 * `apt-get download pkg` from `suites` of the machine's archive through a
 * private apt list under `<cache>/apt/`; the .deb lands in
 * downloadedDebDir(cache) with its sha256 (apt has checked it against the
 * signed index) added to the SHA256SUMS there. Returns the file.
 */
export function downloadDeb(
  pkg: string,
  suites: readonly string[],
  cache: string,
  log: Log,
): string {
  if (!fs.existsSync(SYSTEM_SOURCES)) {
    throw new Error(`${SYSTEM_SOURCES} is missing: no archive to fetch ${pkg} from`);
  }
  const uri = archiveUri(fs.readFileSync(SYSTEM_SOURCES, "utf8"));
  if (!uri) throw new Error(`${SYSTEM_SOURCES} has no URIs: line`);
  const aptDir = path.join(cache, "apt");
  for (const d of ["parts", "lists/partial", "cache", "download"]) {
    fs.mkdirSync(path.join(aptDir, d), { recursive: true });
  }
  fs.writeFileSync(path.join(aptDir, "parts", "newer.sources"), privateAptSources(uri, suites));
  const options = privateAptOptions(aptDir);
  log(`${pkg}: apt-get update and download from ${uri} (${suites.join(", ")}) into ${aptDir}`);
  run(["apt-get", ...options, "-q", "update"]);
  const download = fs.mkdtempSync(path.join(aptDir, "download", "run-"));
  try {
    run(["apt-get", ...options, "-q", "download", pkg], { cwd: download });
    const got = fs.readdirSync(download).filter((n) => isDebOf(n, pkg));
    if (got.length !== 1) {
      throw new Error(`apt-get download ${pkg} left ${JSON.stringify(fs.readdirSync(download))}`);
    }
    const debs = downloadedDebDir(cache);
    fs.mkdirSync(debs, { recursive: true });
    const file = path.join(debs, got[0]);
    const hash = sha256File(path.join(download, got[0]));
    fs.renameSync(path.join(download, got[0]), file);
    const sumsFile = path.join(debs, "SHA256SUMS");
    const sums = fs.existsSync(sumsFile)
      ? parseSha256Sums(fs.readFileSync(sumsFile, "utf8"))
      : new Map();
    sums.set(got[0], hash);
    const text = [...sums].map(([n, h]) => `${h}  ${n}\n`).join("");
    fs.writeFileSync(sumsFile, text);
    return file;
  } finally {
    fs.rmSync(download, { recursive: true, force: true });
  }
}

export interface LocateOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: Log;
  /** The network fallback (downloadDeb unless a test replaces it). */
  readonly download?: typeof downloadDeb;
}

/**
 * The checked .deb of a "deb"-sourced package: kernelDebDir first, then one
 * downloaded earlier into the cache, then apt-get download. Throws, naming
 * every place it looked, when none gives one.
 */
export function locateDeb(
  pkg: string,
  suites: readonly string[],
  cache: string,
  opts: LocateOptions = {},
): string {
  const log = opts.log ?? (() => {});
  const shared = kernelDebDir(opts.env ?? process.env);
  const fromShared = checkedDeb(shared, pkg);
  if (fromShared) return fromShared;
  const downloaded = downloadedDebDir(cache);
  const fromCache = checkedDeb(downloaded, pkg);
  if (fromCache) return fromCache;
  log(
    `${pkg}: no .deb in ${shared} (REGCACHE_KERNEL_DEBS names another directory) nor in ${downloaded}`,
  );
  try {
    return (opts.download ?? downloadDeb)(pkg, suites, cache, log);
  } catch (e) {
    throw new Error(
      `${pkg}: no .deb in ${shared} (set REGCACHE_KERNEL_DEBS to a directory holding ` +
        `${pkg}_<version>_all.deb and its SHA256SUMS) nor in ${downloaded}, ` +
        `and fetching it failed: ${(e as Error).message}`,
    );
  }
}

export function compilerIdentity(): string {
  return run(["gcc", "--version"]).split("\n")[0].trim();
}

function entryKey(pkg: string, version: string): string {
  return `${pkg}_${version}`;
}

function readManifest(file: string): TreeManifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as TreeManifest;
  } catch {
    return undefined;
  }
}

/** The header a marker names (CACHE_REGS_HEADER when it names none). */
function manifestHeader(manifest: TreeManifest): string {
  return manifest.header ?? CACHE_REGS_HEADER;
}

function treeAt(root: string, manifest: TreeManifest): KernelTree {
  const srcDir = path.join(root, "linux");
  return {
    manifest,
    root,
    header: manifestHeader(manifest),
    srcDir,
    buildDir: path.join(srcDir, "build"),
    compileCommands: path.join(root, "compile_commands.json"),
  };
}

/**
 * Why a cache entry cannot be trusted, or undefined when it can: the marker
 * must match what would be built now, and the pristine header must still
 * hash to what was recorded at extraction.
 */
export function entryProblem(
  root: string,
  want: Omit<TreeManifest, "headerSha256">,
): string | undefined {
  const manifest = readManifest(path.join(root, "tree.json"));
  if (!manifest) return "no completion marker (tree.json)";
  for (const key of ["recipe", "package", "version", "compiler"] as const) {
    if (manifest[key] !== want[key]) {
      return `${key} is ${JSON.stringify(manifest[key])}, want ${JSON.stringify(want[key])}`;
    }
  }
  if (JSON.stringify(manifest.config) !== JSON.stringify(want.config)) return "config differs";
  const tree = treeAt(root, manifest);
  const wantHeader = want.header ?? CACHE_REGS_HEADER;
  if (tree.header !== wantHeader) {
    return `header is ${JSON.stringify(tree.header)}, want ${JSON.stringify(wantHeader)}`;
  }
  const header = path.join(tree.srcDir, tree.header);
  if (!fs.existsSync(header)) return `${tree.header} is missing`;
  const hash = sha256File(header);
  if (hash !== manifest.headerSha256) {
    return `${tree.header} was modified (sha256 ${hash}, recorded ${manifest.headerSha256})`;
  }
  for (const need of [tree.compileCommands, path.join(tree.buildDir, "arch/x86/kvm/x86.o")]) {
    if (!fs.existsSync(need)) return `${need} is missing`;
  }
  let entries: CompileCommand[];
  try {
    entries = readCompileCommands(tree);
  } catch (e) {
    return `compile_commands.json is unreadable (${(e as Error).message})`;
  }
  const outside = compileCommandsProblem(entries, [root, fs.realpathSync(root)]);
  return outside && `compile_commands.json: ${outside}`;
}

const under = (file: string, dir: string) => file === dir || file.startsWith(dir + path.sep);

/**
 * The compile database with every `directory` and `file` under one of
 * `from` moved to the same place under `to` (commands hold no absolute path:
 * kbuild's srctree is `..`).
 */
export function relocateCompileCommands(
  entries: readonly CompileCommand[],
  from: readonly string[],
  to: string,
): CompileCommand[] {
  const move = (p: string) => {
    const dir = from.find((f) => under(p, f));
    return dir === undefined ? p : to + p.slice(dir.length);
  };
  return entries.map((e) => ({ ...e, directory: move(e.directory), file: move(e.file) }));
}

/**
 * Why a compile database does not describe the tree at `roots` (spellings of
 * one entry directory), or undefined: it must hold entries, each with its
 * `directory` and `file` inside the entry. One prepared elsewhere and not
 * relocated names a directory that is gone.
 */
export function compileCommandsProblem(
  entries: readonly CompileCommand[],
  roots: readonly string[],
): string | undefined {
  if (!Array.isArray(entries) || entries.length === 0) return "it holds no entries";
  for (const e of entries) {
    for (const p of [e.directory, e.file]) {
      if (typeof p !== "string" || !roots.some((r) => under(p, r))) {
        return `${JSON.stringify(p)} is outside ${roots.join(" and ")}`;
      }
    }
  }
  return undefined;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes temp dirs left by killed runs (their pid is gone). */
export function removeAbandoned(cache: string): void {
  for (const name of fs.readdirSync(cache)) {
    const m = /^\.(?:tmp|stale)-.*-(\d+)-\d+$/.exec(name);
    if (m && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]))) {
      fs.rmSync(path.join(cache, name), { recursive: true, force: true });
    }
  }
}

let tempCounter = 0;
function tempName(cache: string, kind: string, key: string): string {
  return path.join(cache, `.${kind}-${key}-${process.pid}-${tempCounter++}`);
}

/**
 * Returns the prepared tree for a Debian kernel source package, building it
 * first when the cache has no trustworthy entry. Synchronous and slow (minutes)
 * on a cold cache; instant on a warm one.
 */
export function prepareTree(pkg: string, log: Log = () => {}): KernelTree {
  const series = seriesOf(pkg);
  const recipe = seriesRecipe(series);
  const cache = kernelCacheDir();
  fs.mkdirSync(cache, { recursive: true });
  removeAbandoned(cache);
  let deb: string | undefined;
  let version: string;
  if (recipe.source.kind === "apt") {
    version = ensurePackage(pkg, log);
  } else {
    deb = locateDeb(pkg, recipe.source.suites, cache, { log });
    version = debVersion(deb, pkg);
  }
  const key = entryKey(pkg, version);
  const root = path.join(cache, key);
  const config = seriesConfig(series);
  const want = {
    recipe: RECIPE_VERSION,
    package: pkg,
    version,
    compiler: compilerIdentity(),
    config,
    header: recipe.header,
  };
  if (fs.existsSync(root)) {
    const problem = entryProblem(root, want);
    if (!problem) return treeAt(root, readManifest(path.join(root, "tree.json"))!);
    log(`${key}: cached entry not trusted (${problem}); rebuilding`);
    const stale = tempName(cache, "stale", key);
    fs.renameSync(root, stale);
    fs.rmSync(stale, { recursive: true, force: true });
  }

  const tmp = tempName(cache, "tmp", key);
  fs.mkdirSync(tmp);
  const logFile = path.join(tmp, "prepare.log");
  const started = Date.now();
  const step = (what: string) =>
    log(`${key}: ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`);

  let tarball = `/usr/src/linux-source-${series}.tar.xz`;
  const debRoot = path.join(tmp, "deb");
  if (deb) {
    step(`extracting ${deb}`);
    run(["dpkg-deb", "-x", deb, debRoot], { logFile });
    tarball = path.join(debRoot, "usr", "src", `linux-source-${series}.tar.xz`);
    if (!fs.existsSync(tarball)) {
      throw new Error(`${deb} holds no usr/src/linux-source-${series}.tar.xz`);
    }
  } else if (!fs.existsSync(tarball)) {
    throw new Error(`${pkg} ${version} is installed but ${tarball} is missing`);
  }
  step(`extracting ${tarball}`);
  run(["tar", "-xf", tarball, "-C", tmp], { logFile });
  fs.rmSync(debRoot, { recursive: true, force: true });
  const extracted = path.join(tmp, `linux-source-${series}`);
  if (!fs.existsSync(path.join(extracted, "Makefile"))) {
    throw new Error(`${tarball} did not extract to linux-source-${series}/`);
  }
  const srcDir = path.join(tmp, "linux");
  fs.renameSync(extracted, srcDir);
  const headerFile = path.join(srcDir, recipe.header);
  if (!fs.existsSync(headerFile)) {
    throw new Error(
      `${key}: the series' register-cache header ${recipe.header} is not in the tree`,
    );
  }
  const headerSha256 = sha256File(headerFile);

  const extra = recipe.extraConfig.filter((_, i) => i % 2).join(" ");
  step(`configuring (x86_64_defconfig + KVM${extra ? ` + ${extra}` : ""})`);
  kernelMake(srcDir, ["x86_64_defconfig"], logFile);
  run(["scripts/config", "--file", "build/.config", ...config], { cwd: srcDir, logFile });
  kernelMake(srcDir, ["olddefconfig"], logFile);
  const dropped = configProblems(
    fs.readFileSync(path.join(srcDir, "build", ".config"), "utf8"),
    config,
  );
  if (dropped.length) {
    throw new Error(
      `${key}: build/.config is not as asked after olddefconfig, which drops an option ` +
        `whose dependencies are not met; add the missing dependency to SERIES["${series}"].extraConfig ` +
        `in tests/kernel/trees.ts:\n  ${dropped.join("\n  ")}\n  (log: ${logFile})`,
    );
  }
  step("make prepare");
  kernelMake(srcDir, ["prepare"], logFile);
  step("make arch/x86/kvm/ (reference)");
  kernelMake(srcDir, ["arch/x86/kvm/"], logFile);
  step("compile_commands.json");
  const compileCommands = path.join(tmp, "compile_commands.json");
  run(
    [
      "python3",
      "scripts/clang-tools/gen_compile_commands.py",
      "-d",
      "build",
      "-o",
      compileCommands,
    ],
    { cwd: srcDir, logFile },
  );
  // The script writes absolute paths with symbolic links resolved (a cache
  // reached through a link is named by its real path): point them at the
  // entry's final location, whichever spelling of the temp dir they use.
  const entries = JSON.parse(fs.readFileSync(compileCommands, "utf8")) as CompileCommand[];
  const finalRoot = path.join(fs.realpathSync(cache), key);
  const relocated = relocateCompileCommands(entries, [tmp, fs.realpathSync(tmp)], finalRoot);
  const outside = compileCommandsProblem(relocated, [finalRoot]);
  if (outside) throw new Error(`${key}: compile_commands.json after relocation: ${outside}`);
  fs.writeFileSync(compileCommands, JSON.stringify(relocated, null, 2) + "\n");

  const manifest: TreeManifest = { ...want, headerSha256 };
  fs.writeFileSync(path.join(tmp, "tree.json"), JSON.stringify(manifest, null, 2) + "\n");
  try {
    fs.renameSync(tmp, root);
  } catch (e) {
    // Another process finished the same entry first: use theirs if it is sound.
    fs.rmSync(tmp, { recursive: true, force: true });
    const problem = entryProblem(root, want);
    if (problem)
      throw new Error(
        `${key}: could not install the prepared tree: ${(e as Error).message}; ${problem}`,
      );
  }
  step("ready");
  return treeAt(root, manifest);
}

export interface CompileCommand {
  readonly directory: string;
  readonly file: string;
  readonly command: string;
}

export function readCompileCommands(tree: KernelTree): CompileCommand[] {
  return JSON.parse(fs.readFileSync(tree.compileCommands, "utf8")) as CompileCommand[];
}
