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
 *                            version, compiler, sha256 of the pristine
 *                            arch/x86/kvm/kvm_cache_regs.h
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
 * Failures throw (a missing package is installed with apt-get; if that fails,
 * the caller fails loudly — nothing here skips).
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

/** The header the adoption step rewrites; its pristine hash guards the cache. */
export const CACHE_REGS_HEADER = "arch/x86/kvm/kvm_cache_regs.h";

/** Bumped when the layout or the recipe of an entry changes. */
const RECIPE_VERSION = 1;

export interface TreeManifest {
  readonly recipe: number;
  readonly package: string;
  readonly version: string;
  /** `gcc --version`, first line: the reference objects depend on it. */
  readonly compiler: string;
  readonly config: readonly string[];
  /** sha256 (hex) of linux/arch/x86/kvm/kvm_cache_regs.h right after extraction. */
  readonly headerSha256: string;
}

export interface KernelTree {
  readonly manifest: TreeManifest;
  /** The cache entry directory. */
  readonly root: string;
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

function treeAt(root: string, manifest: TreeManifest): KernelTree {
  const srcDir = path.join(root, "linux");
  return {
    manifest,
    root,
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
  const header = path.join(tree.srcDir, CACHE_REGS_HEADER);
  if (!fs.existsSync(header)) return `${CACHE_REGS_HEADER} is missing`;
  const hash = sha256File(header);
  if (hash !== manifest.headerSha256) {
    return `${CACHE_REGS_HEADER} was modified (sha256 ${hash}, recorded ${manifest.headerSha256})`;
  }
  for (const need of [tree.compileCommands, path.join(tree.buildDir, "arch/x86/kvm/x86.o")]) {
    if (!fs.existsSync(need)) return `${need} is missing`;
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
  const version = ensurePackage(pkg, log);
  const cache = kernelCacheDir();
  fs.mkdirSync(cache, { recursive: true });
  removeAbandoned(cache);
  const key = entryKey(pkg, version);
  const root = path.join(cache, key);
  const want = {
    recipe: RECIPE_VERSION,
    package: pkg,
    version,
    compiler: compilerIdentity(),
    config: KVM_CONFIG_ARGS,
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

  const series = pkg.replace(/^linux-source-/, "");
  const tarball = `/usr/src/linux-source-${series}.tar.xz`;
  if (!fs.existsSync(tarball))
    throw new Error(`${pkg} ${version} is installed but ${tarball} is missing`);
  step(`extracting ${tarball}`);
  run(["tar", "-xf", tarball, "-C", tmp], { logFile });
  const extracted = path.join(tmp, `linux-source-${series}`);
  if (!fs.existsSync(path.join(extracted, "Makefile"))) {
    throw new Error(`${tarball} did not extract to linux-source-${series}/`);
  }
  const srcDir = path.join(tmp, "linux");
  fs.renameSync(extracted, srcDir);
  const headerSha256 = sha256File(path.join(srcDir, CACHE_REGS_HEADER));

  step("configuring (x86_64_defconfig + KVM)");
  kernelMake(srcDir, ["x86_64_defconfig"], logFile);
  run(["scripts/config", "--file", "build/.config", ...KVM_CONFIG_ARGS], { cwd: srcDir, logFile });
  kernelMake(srcDir, ["olddefconfig"], logFile);
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
  // The script writes absolute paths; point them at the final location.
  const entries = JSON.parse(fs.readFileSync(compileCommands, "utf8")) as CompileCommand[];
  const relocated = entries.map((e) => ({
    ...e,
    directory: e.directory.split(tmp).join(root),
    file: e.file.split(tmp).join(root),
  }));
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
