/*
 * The specs bundled with regcache (the package's spec/*.yaml) and how a
 * --spec argument names one: `--spec linux-6.12` works from any directory
 * once regcache is installed, without knowing where npm put the package.
 *
 * A bare name (no directory part) is a file in the working directory first;
 * only when no such file exists is it looked up among the bundled specs, with
 * or without its .yaml. A directory of that name is no spec and does not hide
 * a bundled one (`--spec linux-6.12` run beside a `linux-6.12/` source tree).
 * Anything with a directory part is a path, never a bundled name.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { packageRoot } from "../util/paths";
import { byCodeUnit } from "../util/order";

export interface BundledSpec {
  /** The name --spec takes: the file name without .yaml, e.g. "linux-6.12". */
  readonly name: string;
  /** Absolute path of the file in the package. */
  readonly file: string;
}

/** Every spec/*.yaml of the package, sorted by name. */
export function bundledSpecs(): BundledSpec[] {
  const dir = path.join(packageRoot(), "spec");
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith(".yaml"))
    .map((n) => ({ name: n.slice(0, -".yaml".length), file: path.join(dir, n) }))
    .sort((a, b) => byCodeUnit(a.name, b.name));
}

/** A --spec argument with no directory part ("linux-6.12", "x86-kvm.yaml"). */
export function isBareName(arg: string): boolean {
  return arg !== "" && arg !== "." && arg !== ".." && !/[\\/]/.test(arg);
}

/** The bundled spec a bare name means, if any: "linux-6.12" or "linux-6.12.yaml". */
export function findBundledSpec(arg: string): BundledSpec | undefined {
  if (!isBareName(arg)) return undefined;
  const name = arg.endsWith(".yaml") ? arg.slice(0, -".yaml".length) : arg;
  return bundledSpecs().find((s) => s.name === name);
}

export interface SpecChoice {
  /** Absolute path to read. */
  readonly specPath: string;
  /** The bundled spec's name when that is what the argument meant. */
  readonly bundled?: string;
}

/**
 * What `--spec arg` reads, run in cwd: cwd/arg when arg has a directory part
 * or cwd/arg is there and is not a directory; else the bundled spec of that
 * name; else cwd/arg, whose reading then fails with the usual diagnostic (a
 * directory's, or the errno of a path that cannot be looked up: a symlink
 * loop, a name too long). Never throws.
 */
export function resolveSpecArg(cwd: string, arg: string): SpecChoice {
  const asPath = path.resolve(cwd, arg);
  if (!isBareName(arg)) return { specPath: asPath };
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(asPath);
  } catch {
    stat = undefined; // not there, or not reachable: reading it reports why
  }
  if (stat !== undefined && !stat.isDirectory()) return { specPath: asPath };
  const found = findBundledSpec(arg);
  return found ? { specPath: found.file, bundled: found.name } : { specPath: asPath };
}
