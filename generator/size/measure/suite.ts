/*
 * The handler suite the report measures, as the runtime declares it in its
 * handlers.json: the C files (one per area, the kernel's function names), the
 * functions each defines, and the include directories that follow the
 * generated headers'. The runtime has one suite per shape of the accessors:
 * runtime/handlers/ calls Linux 6.x's (kvm_rax_read, kvm_rax_write …),
 * runtime/handlers/7.2/ Linux 7.2's mode-aware families (kvm_rax_read_raw,
 * kvm_eax_write …). Without a manifest, every *.c of the suite's directory is
 * compiled with runtime/include.
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

/**
 * The accessors' shape a suite is written against: "6.x" (the plain GPR
 * family) or "7.2" (gpr_family: mode_aware).
 */
export type SuiteShape = "6.x" | "7.2";

/** The directory of the shape's suite: runtime/handlers/ or runtime/handlers/7.2/. */
export function suiteDirectory(packageRoot: string, shape: SuiteShape): string {
  const handlers = path.join(packageRoot, "runtime", "handlers");
  return shape === "7.2" ? path.join(handlers, "7.2") : handlers;
}

/** The suite of one shape; a failure names the file or directory it could not use. */
export function findSuite(packageRoot: string, shape: SuiteShape): SuiteResult {
  const handlers = suiteDirectory(packageRoot, shape);
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
