/*
 * The handler suite the report measures, as the runtime declares it in
 * runtime/handlers/handlers.json: the C files (one per area, the kernel's
 * function names), the functions each defines, and the include directories
 * that follow the generated headers'. Without a manifest, every
 * runtime/handlers/*.c is compiled with runtime/include.
 */
import * as fs from "fs";
import * as path from "path";

export interface Suite {
  /** Absolute paths of the C files to compile, sorted. */
  readonly sources: readonly string[];
  /** Include directories after the generated headers' own. */
  readonly includeDirs: readonly string[];
  /** The handler functions the manifest promises (empty without a manifest). */
  readonly functions: readonly string[];
}

export type SuiteResult = { ok: true; suite: Suite } | { ok: false; message: string };

interface Manifest {
  readonly includeDirs: readonly string[];
  readonly files: Readonly<Record<string, readonly string[]>>;
}

function isManifest(value: unknown): value is Manifest {
  const v = value as Partial<Manifest> | null;
  const strings = (a: unknown) => Array.isArray(a) && a.every((s) => typeof s === "string");
  return (
    typeof v === "object" &&
    v !== null &&
    strings(v.includeDirs) &&
    typeof v.files === "object" &&
    v.files !== null &&
    Object.values(v.files).every(strings)
  );
}

export function findSuite(packageRoot: string): SuiteResult {
  const handlers = path.join(packageRoot, "runtime", "handlers");
  const manifestPath = path.join(handlers, "handlers.json");
  if (fs.existsSync(manifestPath)) {
    let manifest: unknown;
    try {
      manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
    } catch (err) {
      return { ok: false, message: `cannot read ${manifestPath}: ${String(err)}` };
    }
    if (!isManifest(manifest)) {
      return {
        ok: false,
        message: `${manifestPath}: expected { includeDirs: [...], files: { "x.c": [...] } }`,
      };
    }
    const files = Object.keys(manifest.files).sort();
    if (files.length === 0) return { ok: false, message: `${manifestPath} lists no files` };
    return {
      ok: true,
      suite: {
        sources: files.map((file) => path.join(handlers, file)),
        includeDirs: manifest.includeDirs.map((dir) => path.resolve(packageRoot, dir)),
        functions: files.flatMap((file) => manifest.files[file]).sort(),
      },
    };
  }
  let names: string[];
  try {
    names = fs.readdirSync(handlers).filter((name) => name.endsWith(".c"));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return { ok: false, message: `cannot list ${handlers}: ${code}` };
  }
  if (names.length === 0) return { ok: false, message: `no handler sources (*.c) in ${handlers}` };
  return {
    ok: true,
    suite: {
      sources: names.sort().map((name) => path.join(handlers, name)),
      includeDirs: [path.join(packageRoot, "runtime", "include")],
      functions: [],
    },
  };
}
