/*
 * Where base and head come from. Head is always the --spec file; base is the
 * all-cached output of the same spec (the code as it was before the seed
 * patch), another spec file, or the spec as it was at a git revision — read
 * with `git show`, so the working tree is never touched.
 *
 * Also the what-if edit used by --explain: a spec text in which one register
 * is no longer loaded lazily by any backend.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { isMap, isScalar, isSeq, parseDocument, Scalar } from "yaml";

export type BaseSource =
  | { readonly kind: "all-cached" }
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "git"; readonly rev: string; readonly path?: string };

/** Reads --base: `all-cached`, `git:REV`, `git:REV:PATH` or a spec file path. */
export function parseBaseOption(value: string): BaseSource | undefined {
  if (value === "all-cached") return { kind: "all-cached" };
  if (value.startsWith("git:")) {
    const rest = value.slice(4);
    const colon = rest.indexOf(":");
    const rev = colon < 0 ? rest : rest.slice(0, colon);
    const file = colon < 0 ? undefined : rest.slice(colon + 1);
    if (rev === "" || /\s/.test(rev) || rev.startsWith("-") || file === "") return undefined;
    return file === undefined ? { kind: "git", rev } : { kind: "git", rev, path: file };
  }
  return value === "" ? undefined : { kind: "file", path: value };
}

export function describeBase(base: BaseSource, specPath: string): string {
  switch (base.kind) {
    case "all-cached":
      return "all-cached";
    case "file":
      return base.path;
    case "git":
      return `git:${base.rev}:${base.path ?? specPath}`;
  }
}

export type GitShowResult =
  | { ok: true; text: string }
  | { ok: false; reason: "no-git"; message: string }
  | { ok: false; reason: "not-found"; message: string };

/**
 * `git show REV:./PATH` run in cwd: PATH is relative to cwd, like --spec.
 * Reads the object only; the index and the working tree are untouched.
 */
export function gitShow(cwd: string, rev: string, file: string): GitShowResult {
  const relative = path.isAbsolute(file) ? path.relative(cwd, file) : file;
  const object = `${rev}:./${relative.split(path.sep).join("/")}`;
  const run = spawnSync("git", ["show", object], {
    cwd,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) return { ok: false, reason: "no-git", message: String(run.error.message) };
  if (run.status !== 0) {
    return {
      ok: false,
      reason: "not-found",
      message: (run.stderr.trim().split("\n")[0] ?? "").replace(/^fatal: /, ""),
    };
  }
  return { ok: true, text: run.stdout };
}

/**
 * The spec text with `register` made always available: removed from every
 * backend's `lazy` list and added to every `available` list that lacks it.
 * Comments and layout elsewhere survive (the yaml package edits in place).
 */
export function withRegisterAlwaysAvailable(specText: string, register: string): string {
  const doc = parseDocument(specText);
  const backends = doc.get("backends");
  if (!isMap(backends)) return specText;
  const same = (node: unknown) =>
    isScalar(node) && String(node.value).toLowerCase() === register.toLowerCase();
  for (const pair of backends.items) {
    const backend = pair.value;
    if (!isMap(backend)) continue;
    const lazy = backend.get("lazy");
    if (isSeq(lazy)) lazy.items = lazy.items.filter((item) => !same(item));
    const available = backend.get("available");
    if (isSeq(available) && !available.items.some(same)) available.items.push(new Scalar(register));
  }
  return doc.toString();
}
