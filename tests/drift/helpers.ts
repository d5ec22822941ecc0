/*
 * Shared by the drift tests: a throw-away project (a copy of spec/ in a temp
 * directory, output generated there), the CLI driven in-process with a
 * capturing Io, and snapshots of a tree with contents and mtimes.
 */
import { tempDir } from "../helpers/temp";
import * as fs from "fs";
import * as path from "path";
import { generateAll } from "../../generator/generate/produce";
import { main } from "../../generator/cli/main";

export const repoRoot = path.resolve(__dirname, "../..");

/** The CLI's Io, capturing (tests/helpers/io.ts). */
import { capturingIo, type CapturingIo } from "../helpers/io";
export { capturingIo };
export type Captured = CapturingIo;

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function regcache(cwd: string, ...argv: string[]): Promise<RunResult> {
  const c = capturingIo(cwd);
  const code = await main(argv, c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

/** A temp project holding a copy of the repo's spec/; the repo itself is never written. */
export function tempProject(prefix = "drift"): string {
  const dir = tempDir(prefix);
  fs.cpSync(path.join(repoRoot, "spec"), path.join(dir, "spec"), { recursive: true });
  fs.copyFileSync(
    path.join(repoRoot, "regcache.config.yaml"),
    path.join(dir, "regcache.config.yaml"),
  );
  return dir;
}

export const specFile = (project: string) => path.join(project, "spec", "x86-kvm.yaml");

export function editSpec(project: string, edit: (text: string) => string): void {
  const file = specFile(project);
  const before = fs.readFileSync(file, "utf8");
  const after = edit(before);
  if (after === before) throw new Error("the spec edit changed nothing");
  fs.writeFileSync(file, after);
}

/** RSP always available: out of VMX's lazy set, into TDX's available set. */
export function rspAlwaysAvailable(text: string): string {
  return text
    .replace(/lazy: \[rsp, rip, /, "lazy: [rip, ")
    .replace(/available: \[rax, /, "available: [rax, rsp, ");
}

export interface FileState {
  readonly contents: string;
  readonly mtimeMs: number;
}

/** Every file below dir (relative paths) with its contents and mtime. */
export function snapshot(dir: string): Map<string, FileState> {
  const out = new Map<string, FileState>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child);
      else if (e.isFile() || e.isSymbolicLink()) {
        const file = path.join(dir, child);
        out.set(child, {
          contents: fs.readFileSync(file, "utf8"),
          mtimeMs: fs.statSync(file).mtimeMs,
        });
      }
    }
  };
  if (fs.existsSync(dir)) walk("");
  return out;
}

/** Sets every file's mtime to a fixed past moment, so any rewrite shows. */
export function ageFiles(dir: string): void {
  const past = new Date("2001-02-03T04:05:06Z");
  for (const rel of snapshot(dir).keys()) fs.utimesSync(path.join(dir, rel), past, past);
}

/** The paths `regcache generate` writes below the output directory, for any set of targets. */
export async function producedPaths(project: string): Promise<string[]> {
  const text = fs.readFileSync(specFile(project), "utf8");
  let paths = producedBySpec.get(text);
  if (!paths) {
    const result = await generateAll({ specPath: specFile(project), specText: text });
    if (!result.ok) throw new Error("the project's spec should be valid");
    paths = result.files.map((f) => f.path);
    producedBySpec.set(text, paths);
  }
  return [...paths];
}
const producedBySpec = new Map<string, string[]>();

/**
 * The writer compiled on the fly into dir, for child processes that must run
 * the real writer outside jest (to be killed, or to race each other).
 * Returns the path of writer.js.
 */
export function writerForChildren(dir: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require("typescript") as typeof import("typescript");
  // The writer and every module it requires, at their paths below generator/
  // (type-only imports vanish in the output, so they are not followed).
  const todo = ["output/writer"];
  const done = new Set<string>();
  for (let mod = todo.pop(); mod !== undefined; mod = todo.pop()) {
    if (done.has(mod)) continue;
    done.add(mod);
    const source = fs.readFileSync(path.join(repoRoot, "generator", `${mod}.ts`), "utf8");
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    fs.mkdirSync(path.dirname(path.join(dir, mod)), { recursive: true });
    fs.writeFileSync(path.join(dir, `${mod}.js`), js);
    for (const [, rel] of js.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g))
      todo.push(path.posix.join(path.posix.dirname(mod), rel!));
  }
  return path.join(dir, "output", "writer.js");
}

/** What `fn` throws; fails the test if it returns. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a throw");
}

/** Polls every 20 ms until `probe` is true; fails after 30 s with `what` and what was printed so far. */
export async function until(
  probe: () => boolean,
  what: string,
  printed: () => string,
): Promise<void> {
  const deadline = Date.now() + 30000;
  while (!probe()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; output:\n${printed()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** watch's arguments for `spec` (tempProject's spec unless given) into generated/, the defaults otherwise. */
export const watchArgs = (spec = "spec/x86-kvm.yaml") =>
  ({ spec, out: "generated", cStyle: "macro", allCached: false }) as const;
