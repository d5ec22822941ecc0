/*
 * .ci/with-private-tmp, the check every CI suite runs under: a test process
 * killed by SIGKILL in the middle of a test (StrykerJS ends the jest process
 * of a mutant that timed out this way) fails nothing by the private TMPDIR its
 * test environment made and could not tear down, while a file a command
 * leaves in its TMPDIR still fails the run. The runs below are real: jest in
 * a child process under the wrapper, with the suite's own test environment.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "../helpers/temp";

const root = path.join(__dirname, "..", "..");
const wrapper = path.join(root, ".ci", "with-private-tmp");
const jestBin = path.join(root, "node_modules", "jest", "bin", "jest.js");
const environment = path.join(root, "tests", "helpers", "private-tmp-environment.js");

/** `.ci/with-private-tmp argv…` with TMPDIR this test file's own. */
function withPrivateTmp(argv: string[]) {
  const r = spawnSync(wrapper, argv, { cwd: root, encoding: "utf8" });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe(".ci/with-private-tmp", () => {
  it("passes over the private TMPDIR of a jest process killed by SIGKILL mid-test, and removes it", () => {
    const project = tempDir("killed-jest");
    fs.writeFileSync(
      path.join(project, "killed.test.js"),
      [
        `const fs = require("node:fs");`,
        `const os = require("node:os");`,
        `const path = require("node:path");`,
        `test("killed half-way", () => {`,
        `  fs.writeFileSync(path.join(os.tmpdir(), "written-before-the-kill"), "x");`,
        `  fs.writeSync(2, "private TMPDIR " + path.basename(os.tmpdir()) + "\\n");`,
        `  process.kill(process.pid, "SIGKILL");`,
        `});`,
        ``,
      ].join("\n"),
    );
    const config = { rootDir: project, testEnvironment: environment, transform: {} };
    const r = withPrivateTmp([
      process.execPath,
      jestBin,
      "--config",
      JSON.stringify(config),
      "--ci",
      "--runInBand",
    ]);
    // The test ran in the suite's environment, in a directory of its own, and died there.
    const privateTmp = /private TMPDIR (regcache-test-\w+)/.exec(r.stderr)?.[1];
    expect(privateTmp).toBeDefined();
    // The wrapper passes jest's death on (bash's 128 + 9) and fails nothing for the
    // directory, which it names and removes with the rest (this file's own TMPDIR
    // must be empty at its end, so nothing of the run may stay).
    expect(r.status).toBe(137);
    expect(r.stderr).not.toMatch(/left files in TMPDIR/);
    expect(r.stderr).toMatch(
      new RegExp(
        `^ci: removed the private TMPDIRs of test processes killed before their teardown: ${privateTmp}$`,
        "m",
      ),
    );
  });

  const canMount =
    process.getuid?.() === 0 &&
    spawnSync("sh", [
      "-c",
      'd="$(mktemp -d)" && mount -t tmpfs -o size=64k tmpfs "$d" && umount "$d"; s=$?; rmdir "$d"; exit $s',
    ]).status === 0;
  (canMount ? it : it.skip)(
    "unmounts what a killed test process left mounted in its directory",
    () => {
      const r = withPrivateTmp([
        "sh",
        "-c",
        'mkdir -p "$REGCACHE_PRIVATE_TMP_PARENT/regcache-test-x/out" && mount -t tmpfs -o size=64k tmpfs "$REGCACHE_PRIVATE_TMP_PARENT/regcache-test-x/out" && echo "$REGCACHE_PRIVATE_TMP_PARENT"',
      ]);
      expect(r.status).toBe(0);
      const parent = r.stdout.trim();
      expect(parent).not.toBe("");
      expect(fs.readFileSync("/proc/mounts", "utf8")).not.toContain(parent);
      expect(fs.existsSync(parent)).toBe(false);
      expect(r.stderr).toBe(
        "ci: removed the private TMPDIRs of test processes killed before their teardown: regcache-test-x\n",
      );
    },
  );

  it("fails a command that leaves a file in its TMPDIR, and ignores jest's cache", () => {
    const stray = withPrivateTmp(["sh", "-c", 'mkdir "$TMPDIR/jest_0" && touch "$TMPDIR/stray"']);
    expect(stray.status).toBe(1);
    expect(stray.stderr).toBe(
      `ci: 'sh -c mkdir "$TMPDIR/jest_0" && touch "$TMPDIR/stray"' left files in TMPDIR: stray\n`,
    );

    const cacheOnly = withPrivateTmp(["sh", "-c", 'mkdir "$TMPDIR/jest_0"']);
    expect(cacheOnly).toMatchObject({ status: 0, stdout: "", stderr: "" });
  });

  it("passes a command's failure on, and reports what it left as well", () => {
    const r = withPrivateTmp(["sh", "-c", 'touch "$TMPDIR/stray"; exit 3']);
    expect(r.status).toBe(3);
    expect(r.stderr).toBe(
      `ci: 'sh -c touch "$TMPDIR/stray"; exit 3' left files in TMPDIR: stray\n`,
    );
  });
});
