/*
 * .ci/steps.sh, sourced by .ci/run: each step prints its wall time, a failing
 * step is named with its time and ends the run with its exit status, and the
 * run's total is printed at exit. Times are matched as any number of seconds.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const root = path.join(__dirname, "..", "..");

/** A bash script run as .ci/run runs: strict mode, .ci/steps.sh sourced. */
function ci(script: string) {
  const r = spawnSync("bash", ["-c", `set -euo pipefail\n. .ci/steps.sh\n${script}`], {
    cwd: root,
    encoding: "utf8",
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe(".ci/steps.sh", () => {
  it("prints each step's time, named without .ci/with-private-tmp, and the total", () => {
    const r = ci(`step echo hello\nstep .ci/with-private-tmp true\n`);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^hello\nci: step 'echo hello' took \d+ s.*\nci: step 'true' took \d+ s.*\nci: total \d+ s.*, exit status 0\n$/,
    );
  });

  it("names a failing step with its time, stops there and exits with its status", () => {
    const r = ci(`step sh -c 'exit 4'\nstep echo not reached\n`);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/^ci: step 'sh -c exit 4' failed after \d+ s.*\n$/);
    expect(r.stdout).toMatch(/^ci: total \d+ s.*, exit status 4\n$/);
  });

  it("gives minutes from a minute on", () => {
    const r = ci(`ci_seconds 0; ci_seconds 59; ci_seconds 60; ci_seconds 1418\n`);
    expect(r.stdout.split("\n").slice(0, 4)).toEqual([
      "0 s",
      "59 s",
      "60 s (1 min 0 s)",
      "1418 s (23 min 38 s)",
    ]);
  });
});
