/*
 * The kernel's own scripts/bloat-o-meter (Linux 6.12, from Debian's
 * linux-source-6.12 package) as an independent oracle for the size tests.
 * Only that one script is extracted from the source tarball, once, into a
 * cache outside the repository ($REGCACHE_BLOAT_O_METER_CACHE, default
 * ~/.cache/regcache/bloat-o-meter/6.12). Undefined when the package is not
 * installed or python3 is missing; tests then say so and skip.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const TARBALL = "/usr/src/linux-source-6.12.tar.xz";
const MEMBER = "linux-source-6.12/scripts/bloat-o-meter";

export function bloatOMeterScript(): string | undefined {
  const cache =
    process.env.REGCACHE_BLOAT_O_METER_CACHE ??
    path.join(os.homedir(), ".cache", "regcache", "bloat-o-meter", "6.12");
  const script = path.join(cache, MEMBER);
  if (fs.existsSync(script)) return script;
  if (!fs.existsSync(TARBALL)) return undefined;
  try {
    execFileSync("python3", ["--version"], { stdio: "ignore" });
    fs.mkdirSync(cache, { recursive: true });
    // A private directory first, then a rename: two test runs at once never see half a file.
    const staging = fs.mkdtempSync(path.join(cache, ".extract-"));
    execFileSync("tar", ["-xJf", TARBALL, "-C", staging, MEMBER], { stdio: "ignore" });
    fs.mkdirSync(path.dirname(script), { recursive: true });
    fs.renameSync(path.join(staging, MEMBER), script);
    fs.rmSync(staging, { recursive: true, force: true });
    return script;
  } catch {
    return undefined;
  }
}

export interface BloatOMeterOutput {
  readonly header: string;
  readonly rows: readonly { name: string; old: number | null; new: number | null; delta: number }[];
  readonly total: string;
  readonly before: number;
  readonly after: number;
}

/** Runs `bloat-o-meter -t OLD NEW` (or without -t) and parses what it prints. */
export function runBloatOMeter(
  script: string,
  oldObject: string,
  newObject: string,
  functionsOnly = true,
): BloatOMeterOutput {
  const out = execFileSync(
    "python3",
    [script, ...(functionsOnly ? ["-t"] : []), oldObject, newObject],
    { encoding: "utf8" },
  );
  const lines = out.split("\n").filter((l) => l !== "");
  const total = lines[lines.length - 1];
  const m = /^Total: Before=(\d+), After=(\d+),/.exec(total);
  if (!m) throw new Error(`unexpected bloat-o-meter output:\n${out}`);
  const size = (s: string) => (s === "-" ? null : Number(s));
  const rows = lines.slice(2, -1).map((line) => {
    const [name, o, n, d] = line.trim().split(/\s+/);
    return { name, old: size(o), new: size(n), delta: Number(d) };
  });
  return { header: lines[0], rows, total, before: Number(m[1]), after: Number(m[2]) };
}
