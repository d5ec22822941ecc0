/*
 * The handler suite the report measures: the runtime's handler sources
 * (runtime/handlers/*.c, one file per area, the kernel's function names),
 * compiled against generated headers plus runtime/include.
 */
import * as fs from "fs";
import * as path from "path";

export interface Suite {
  /** Absolute paths of the C files to compile, sorted. */
  readonly sources: readonly string[];
  /** Include directories after the generated headers' own. */
  readonly includeDirs: readonly string[];
}

export type SuiteResult = { ok: true; suite: Suite } | { ok: false; message: string };

export function findSuite(packageRoot: string): SuiteResult {
  const handlers = path.join(packageRoot, "runtime", "handlers");
  let names: string[];
  try {
    names = fs.readdirSync(handlers).filter((name) => name.endsWith(".c"));
  } catch (err) {
    return {
      ok: false,
      message: `cannot list ${handlers}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    };
  }
  if (names.length === 0) return { ok: false, message: `no handler sources (*.c) in ${handlers}` };
  return {
    ok: true,
    suite: {
      sources: names.sort().map((name) => path.join(handlers, name)),
      includeDirs: [path.join(packageRoot, "runtime", "include")],
    },
  };
}
