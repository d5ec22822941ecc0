/*
 * A spec or project file that is a FIFO is refused at once (RC001, exit 2),
 * never waited on: open(2) of a FIFO for reading blocks until a writer comes.
 * Each run is a child process with a timeout, so a regression fails the test
 * (status null) instead of hanging the suite.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildDist, tempDir } from "./run";

let cli: string;
beforeAll(() => {
  cli = buildDist();
}, 180_000);

/** Far above a run's time on a loaded machine; only a run blocked in open(2) reaches it. */
const HANG = 60_000;

describe("a FIFO is refused, not waited on", () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir("fifo");
    const made = spawnSync("mkfifo", [path.join(dir, "spec.yaml")], { encoding: "utf8" });
    if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each([
    ["generate", ["generate", "--spec", "spec.yaml", "--out", "out"]],
    ["check", ["check", "--spec", "spec.yaml", "--out", "out"]],
  ])(
    "%s --spec FIFO: RC001, exit 2, nothing written",
    (_name, argv) => {
      const run = spawnSync(process.execPath, [cli, ...argv], {
        cwd: dir,
        encoding: "utf8",
        timeout: HANG,
      });
      expect(run.signal).toBeNull();
      expect(run.stderr).toMatch(
        /^spec\.yaml: error RC001: cannot read spec\.yaml: it is not a regular file$/m,
      );
      expect(run.status).toBe(2);
      expect(fs.readdirSync(dir)).toEqual(["spec.yaml"]);
    },
    HANG + 30_000,
  );

  test(
    "a project file that is a FIFO: RC001",
    () => {
      const project = path.join(path.dirname(cli), "generator", "cli", "project.js");
      const fifo = path.join(dir, "spec.yaml");
      const script =
        `const r = require(${JSON.stringify(project)}).readProjectFile(${JSON.stringify(fifo)}, "regcache.config.yaml");` +
        `process.stdout.write(r.ok ? "read" : r.diagnostics.map((d) => d.code + " " + d.message).join("\\n"));`;
      const run = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: HANG });
      expect(run.signal).toBeNull();
      expect(run.stdout).toBe("RC001 cannot read regcache.config.yaml: it is not a regular file");
    },
    HANG + 30_000,
  );
});

describe("an output directory below /proc, where mkdir(2) says ENOENT though /proc exists", () => {
  const procOk = fs.existsSync("/proc/self/stat");
  test.each([
    ["generate", ["generate", "--spec", "SPEC", "--out", "/proc/regcache-none/out"]],
    [
      "size --out",
      ["size", "--spec", "SPEC", "--config", "gcc-O2", "--out", "/proc/regcache-none/r.txt"],
    ],
  ])(
    "%s ends with an error naming the path (Node's recursive mkdir loops there for ever)",
    (_name, argv) => {
      if (!procOk) {
        process.stdout.write("skipped: no /proc on this machine\n");
        return;
      }
      const spec = path.resolve(__dirname, "../../spec/x86-kvm.yaml");
      const run = spawnSync(
        process.execPath,
        [cli, ...argv.map((a) => (a === "SPEC" ? spec : a))],
        {
          encoding: "utf8",
          timeout: HANG,
        },
      );
      expect(run.signal).toBeNull();
      expect(run.stderr).toContain("/proc/regcache-none");
      expect(run.stderr).toContain("(ENOENT)");
      expect(run.status).toBe(2);
    },
    HANG + 30_000,
  );
});
