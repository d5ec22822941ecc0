/*
 * `regcache adopt` run as a user runs it (the CLI, in the tree's top, no
 * library call), on a scratch copy of what adoption reads and writes in a
 * cached kernel tree, never on the cached tree itself: the top Makefile (how
 * adopt knows a tree's top) and arch/x86/kvm/ (the header, the set
 * definitions, the generated file). The files adopt reports it wrote become
 * the overlay a variant build uses (variants.ts), and the copy's state after
 * `--revert` or a `--dry-run` patch is compared with the cached tree's, file
 * by file, bytes and mode. Edge: runs the CLI, copies and reads files.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { run } from "./trees";

const REPO = path.resolve(__dirname, "../..");

/** What adopt reads and writes in a tree, relative to its top. */
export const ADOPT_INPUTS = ["Makefile", "arch/x86/kvm"] as const;

/**
 * Copies ADOPT_INPUTS of the tree at `srcDir` into `dir/linux` (real copies,
 * modes and times kept) and returns that scratch tree's top.
 */
export function adoptScratch(srcDir: string, dir: string): string {
  const root = path.join(dir, "linux");
  fs.mkdirSync(root, { recursive: true });
  run(["cp", "-a", "--parents", ...ADOPT_INPUTS, root], { cwd: srcDir });
  return root;
}

export interface CliRun {
  /** The arguments after `regcache`. */
  readonly args: readonly string[];
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `regcache ARGS` (the repository's bin/regcache.js, which runs dist/) with `cwd` as working directory. */
export function regcache(args: readonly string[], cwd: string): CliRun {
  const r = spawnSync("node", [path.join(REPO, "bin", "regcache.js"), ...args], {
    cwd,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (r.error) throw r.error;
  return { args, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The run as one log line: the command, its exit code and its output, lines joined by " | ". */
export function describeRun(r: CliRun, cwd = "the scratch tree"): string {
  const lines = (s: string) => s.split("\n").filter((l) => l !== "");
  const out = [...lines(r.stdout), ...lines(r.stderr)];
  return `(in ${cwd}) $ regcache ${r.args.join(" ")}: exit ${r.code}: ${out.join(" | ")}`;
}

/** The run's output, or an error holding it when it did not exit 0. */
export function succeeded(r: CliRun): CliRun {
  if (r.code !== 0)
    throw new Error(`regcache ${r.args.join(" ")} exited ${r.code}:\n${r.stdout}${r.stderr}`);
  return r;
}

/** The files adopt reports, from its `create  PATH` / `update  PATH` / `remove  PATH` lines. */
export function reportedFiles(r: CliRun): { action: string; path: string }[] {
  return [...r.stdout.matchAll(/^(create|update|remove) +(\S+)$/gm)].map((m) => ({
    action: m[1]!,
    path: m[2]!,
  }));
}

/** Path (relative to `root`) → text, for each file adopt reports it created or updated. */
export function overlayOf(root: string, r: CliRun): Record<string, string> {
  const overlay: Record<string, string> = {};
  for (const f of reportedFiles(r)) {
    if (f.action === "remove") throw new Error(`adopt removed ${f.path}`);
    overlay[f.path] = fs.readFileSync(path.join(root, f.path), "utf8");
  }
  return overlay;
}

/**
 * Every file and directory below `root` reached from `entries` (relative
 * paths; default: everything, dot-entries included), as relative path →
 * "file <mode> <sha256>" or "dir". The directories leading to an entry are
 * listed too, so a scratch tree and the tree it was copied from compare whole.
 */
export function treeDigest(root: string, entries?: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (rel: string) => {
    const st = fs.lstatSync(path.join(root, rel));
    if (st.isDirectory()) {
      out.set(rel, "dir");
      for (const e of fs.readdirSync(path.join(root, rel)).sort()) visit(path.posix.join(rel, e));
    } else {
      const hash = crypto
        .createHash("sha256")
        .update(fs.readFileSync(path.join(root, rel)))
        .digest("hex");
      out.set(rel, `file ${(st.mode & 0o7777).toString(8)} ${hash}`);
    }
  };
  if (entries === undefined) {
    for (const e of fs.readdirSync(root).sort()) visit(e);
    return out;
  }
  for (const entry of entries) {
    const parts = entry.split("/");
    for (let i = 1; i < parts.length; i++) out.set(parts.slice(0, i).join("/"), "dir");
    visit(entry);
  }
  return out;
}

/** The entries of two digests that differ, each as "<path>: <a> != <b>", sorted. */
export function digestDifferences(
  a: ReadonlyMap<string, string>,
  b: ReadonlyMap<string, string>,
): string[] {
  return [...new Set([...a.keys(), ...b.keys()])]
    .sort()
    .filter((p) => a.get(p) !== b.get(p))
    .map((p) => `${p}: ${a.get(p) ?? "absent"} != ${b.get(p) ?? "absent"}`);
}
