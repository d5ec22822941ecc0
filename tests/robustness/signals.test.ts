/*
 * A run killed half-way (Ctrl-C, a CI time-out's SIGTERM) leaves no scratch
 * directory behind, and still dies of the signal it was sent (exit status
 * 128+n to its shell), so a caller cannot mistake it for a finished run.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.join(__dirname, "..", "..");
const cli = path.join(root, "bin", "regcache.js");
const scratchModule = path.join(root, "dist", "generator", "toolchain", "scratch.js");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Entries of dir whose names start with prefix. */
const named = (dir: string, prefix: string) =>
  fs.readdirSync(dir).filter((n) => n.startsWith(prefix));

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function start(argv: string[], tmp: string) {
  const child = spawn(process.execPath, argv, {
    cwd: root,
    env: { ...process.env, TMPDIR: tmp },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  return { child, closed, stdout: () => stdout };
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "signals-"));
});
afterEach(async () => {
  // A compiler the killed run started may still be finishing its own temporary files.
  await until("the compilers to finish", () => fs.readdirSync(tmp).length === 0, 30000).catch(
    () => undefined,
  );
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe.each(["SIGTERM", "SIGINT", "SIGHUP"] as const)("%s", (signal) => {
  it("removes a scratch directory its owner had not removed yet, and re-raises the signal", async () => {
    const script = [
      `const { makeScratchDir } = require(${JSON.stringify(scratchModule)});`,
      `const s = makeScratchDir("regcache-x-");`,
      `require("node:fs").writeFileSync(s.path + "/f", "x");`,
      `console.log(s.path);`,
      `setInterval(() => {}, 1000);`,
    ].join("\n");
    const run = start(["-e", script], tmp);
    await until("the scratch directory", () => run.stdout().includes("\n"), 20000);
    const dir = run.stdout().trim();
    expect(path.dirname(dir)).toBe(tmp);
    expect(fs.existsSync(path.join(dir, "f"))).toBe(true);
    run.child.kill(signal);
    expect(await run.closed).toEqual({ code: null, signal });
    expect(fs.existsSync(dir)).toBe(false);
  });
});

it("regcache size killed while compiling (SIGTERM) leaves no regcache-size-* directory", async () => {
  // --no-cache: with the default spec's objects in ~/.cache/regcache/objects (any earlier
  // `regcache size`), the run would finish from the cache before the signal arrives.
  const run = start(
    [cli, "size", "--spec", "spec/x86-kvm.yaml", "--compiler", "gcc", "--no-cache"],
    tmp,
  );
  await until(
    "size to start compiling into its scratch directory",
    () => named(tmp, "regcache-size-").some((d) => fs.readdirSync(path.join(tmp, d)).length > 0),
    60000,
  );
  run.child.kill("SIGTERM");
  expect(await run.closed).toEqual({ code: null, signal: "SIGTERM" });
  expect(named(tmp, "regcache-size-")).toEqual([]);
});
