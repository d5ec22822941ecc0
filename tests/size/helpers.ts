/*
 * Shared by the size tests: a temporary directory per test file, and the real
 * `nm --size-sort` output parsed into the shape nmSizeSort() returns.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { NmSymbol } from "../../generator/toolchain/symbols";

export { fileTempDir, tempDir } from "../helpers/temp";

export function hasCommand(command: string): boolean {
  try {
    execFileSync(command, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The clang this machine has, if any (Debian installs it as clang-19). */
export function findClang(): string | undefined {
  return ["clang-19", "clang"].find(hasCommand);
}

/** `nm --size-sort FILE…`, parsed (the per-file header lines of several files skipped, as bloat-o-meter does). */
export function nmSizeSortOf(...objectPaths: string[]): NmSymbol[] {
  const out = execFileSync("nm", ["--size-sort", ...objectPaths], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  return out
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.includes(":"))
    .map((line) => {
      const [size, letter, name] = line.trim().split(/\s+/);
      return { name, size: parseInt(size, 16), letter };
    });
}

export function sortSymbols<T extends { name: string; size: number }>(list: readonly T[]): T[] {
  return [...list].sort(
    (a, b) => a.size - b.size || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}
