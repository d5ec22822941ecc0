// The suite's test environment: node, with a private TMPDIR per test file.
// Before the file runs, TMPDIR points at a new empty directory (os.tmpdir()
// and every subprocess the file starts use it); after the file and all its
// afterAll hooks, anything left there fails the file ("left in TMPDIR: …"),
// and the directory is removed. So no test can leak temporary files unseen.
//
// The directory, regcache-test-*, is made in $REGCACHE_PRIVATE_TMP_PARENT when
// set, else in os.tmpdir(). .ci/with-private-tmp sets it to a directory of its
// own, outside the TMPDIR it checks: a process killed before the teardown
// (StrykerJS ending a mutant's timed-out run with SIGKILL) leaves its private
// directory there, where it fails nothing and is removed with the run.
//
// The output cache regcache keeps for `check` (generator/generate/output-cache.ts)
// goes to a private directory beside it, regcache-test-*.outputs, removed with
// it, unless the environment names one: a test run leaves the user's
// ~/.cache/regcache/outputs as it found it.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { TestEnvironment } = require("jest-environment-node");

class PrivateTmpEnvironment extends TestEnvironment {
  constructor(config, context) {
    const parent = process.env.REGCACHE_PRIVATE_TMP_PARENT || os.tmpdir();
    const dir = fs.mkdtempSync(path.join(parent, "regcache-test-"));
    // As /tmp is: a daemon a test starts may drop root (distccd runs as 'distcc' or 'nobody').
    fs.chmodSync(dir, 0o1777);
    const saved = process.env.TMPDIR;
    const savedCache = process.env.REGCACHE_OUTPUT_CACHE_DIR;
    process.env.TMPDIR = dir; // before super(): the test's process.env is a copy made there
    process.env.REGCACHE_OUTPUT_CACHE_DIR = savedCache || `${dir}.outputs`;
    super(config, context);
    if (savedCache === undefined) delete process.env.REGCACHE_OUTPUT_CACHE_DIR;
    this.privateTmp = dir;
    this.savedTmp = saved;
    this.testPath = context.testPath;
  }

  async teardown() {
    if (this.tornDown) return; // jest may call it twice
    this.tornDown = true;
    let left;
    try {
      await super.teardown();
    } finally {
      if (this.savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = this.savedTmp;
      left = fs.readdirSync(this.privateTmp).sort();
      fs.rmSync(this.privateTmp, { recursive: true, force: true });
      fs.rmSync(`${this.privateTmp}.outputs`, { recursive: true, force: true });
    }
    if (left.length > 0)
      throw new Error(
        `${path.basename(this.testPath)} left in TMPDIR: ${left.join(", ")} (clean up temporary files)`,
      );
  }
}

module.exports = PrivateTmpEnvironment;
