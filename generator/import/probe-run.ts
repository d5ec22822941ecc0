/*
 * Compiles one probe and reads its values back. This is an edge module: it
 * writes the probe source and object into a private temporary directory
 * (removed afterwards), runs the compiler recorded in the compile database in
 * that entry's directory, and reads the object. The kernel tree and its build
 * directory are only read: every output the compile makes is redirected.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { readElfSections } from "../toolchain/elf";
import { probeArgv, type CompileEntry } from "./compile-db";
import { decodeProbe, PROBE_SECTION, probeSource, RELEASE_SECTION, type ProbeItem } from "./probe";
import { makeScratchDir } from "../toolchain/scratch";

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

function run(
  argv: readonly string[],
  cwd: string,
): Promise<{ code: number; stderr: string } | { error: string }> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      if (stderr.length < 1 << 20) stderr += chunk;
    });
    child.on("error", (err) => resolve({ error: err.message }));
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stderr }));
  });
}

export async function runProbe(
  entry: CompileEntry,
  items: readonly ProbeItem[],
): Promise<ProbeRunResult> {
  const scratch = makeScratchDir("regcache-import-");
  const dir = scratch.path;
  try {
    const source = path.join(dir, "probe.c");
    const object = path.join(dir, "probe.o");
    fs.writeFileSync(source, probeSource(entry.file, items));
    const result = await run(probeArgv(entry, source, object), entry.directory);
    if ("error" in result) return { ok: false, kind: "no-compiler", message: result.error };
    if (result.code !== 0) {
      const lines = result.stderr.trimEnd().split("\n");
      const shown = lines.slice(0, MAX_STDERR_LINES).join("\n");
      const more =
        lines.length > MAX_STDERR_LINES ? `\n… ${lines.length - MAX_STDERR_LINES} more lines` : "";
      return { ok: false, kind: "compile", exitCode: result.code, stderr: shown + more };
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
