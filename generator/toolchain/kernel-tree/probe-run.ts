/*
 * Compiles one probe and reads its values back. This is an edge module: it
 * writes the probe source and object into a private temporary directory
 * (removed afterwards), runs the compiler recorded in the compile database in
 * that entry's directory, and reads the object. The kernel tree and its build
 * directory are only read: every output the compile makes is redirected
 * (toolchain/argv.ts drops every flag that would write one).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fateOf } from "../argv";
import type { CompileCommand } from "../compile-db";
import { spawnCompiler } from "../compilers";
import { readElfSections } from "../elf";
import { decodeProbe, PROBE_SECTION, probeSource, RELEASE_SECTION, type ProbeItem } from "./probe";
import { makeScratchDir } from "../scratch";

export type ProbeRunResult =
  | {
      readonly ok: true;
      readonly values: ReadonlyMap<string, bigint | undefined>;
      readonly release: string;
    }
  | { readonly ok: false; readonly kind: "no-compiler"; readonly message: string }
  | {
      readonly ok: false;
      readonly kind: "compile";
      readonly exitCode: number;
      readonly stderr: string;
    }
  | { readonly ok: false; readonly kind: "object"; readonly message: string };

/** Compiler output kept for a diagnostic: the first error lines are the useful ones. */
const MAX_STDERR_LINES = 25;

/**
 * The argv that compiles `source` into `object` with `entry`'s compiler and
 * flags: the entry's own source, every output and dependency flag and every
 * mode flag (toolchain/argv.ts) dropped, then `-c source -o object`.
 */
export function probeArgv(entry: CompileCommand, source: string, object: string): string[] {
  const kept: string[] = [];
  const argv = entry.argv;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    const fate = fateOf(argv, i);
    if (fate.kind === "drop") i += fate.words - 1;
    else if (fate.kind === "preprocessor") {
      if (fate.kept !== undefined) kept.push(fate.kept);
    } else if (fate.kind === "keep") {
      if (!arg.startsWith("-") && path.resolve(entry.directory, arg) === entry.file) continue;
      kept.push(arg);
    }
  }
  return [argv[0], ...kept, "-c", source, "-o", object];
}

export async function runProbe(
  entry: CompileCommand,
  items: readonly ProbeItem[],
): Promise<ProbeRunResult> {
  const scratch = makeScratchDir("regcache-tree-probe-");
  const dir = scratch.path;
  try {
    const source = path.join(dir, "probe.c");
    const object = path.join(dir, "probe.o");
    fs.writeFileSync(source, probeSource(entry.file, items));
    const result = await spawnCompiler(probeArgv(entry, source, object), entry.directory);
    if (!result.ran) return { ok: false, kind: "no-compiler", message: result.error.message };
    if (result.code !== 0) {
      const lines = result.output.trimEnd().split("\n");
      const shown = lines.slice(0, MAX_STDERR_LINES).join("\n");
      const more =
        lines.length > MAX_STDERR_LINES ? `\n… ${lines.length - MAX_STDERR_LINES} more lines` : "";
      return { ok: false, kind: "compile", exitCode: result.code ?? 128, stderr: shown + more };
    }
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(object);
    } catch (err) {
      return {
        ok: false,
        kind: "object",
        message: err instanceof Error ? err.message : String(err),
      };
    }
    const sections = readElfSections(bytes, [PROBE_SECTION, RELEASE_SECTION]);
    if (!sections.ok) return { ok: false, kind: "object", message: sections.message };
    const decoded = decodeProbe(
      items,
      sections.contents.get(PROBE_SECTION),
      sections.contents.get(RELEASE_SECTION),
    );
    if (!decoded.ok) return { ok: false, kind: "object", message: decoded.message };
    return {
      ok: true,
      values: new Map(decoded.values.map((v) => [v.key, v.value])),
      release: decoded.release,
    };
  } finally {
    scratch.remove();
  }
}
