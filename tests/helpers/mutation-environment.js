// The test environment of the mutation run (jest.mutation.config.js): the
// suite's own (private-tmp-environment.js), which stops running tests against a
// mutant once one has failed.
//
// StrykerJS runs each mutant's tests with jest in band and counts the mutant
// killed as soon as one test fails, but its jest runner cannot tell jest to
// bail, so every other test reaching the mutant still runs. Here, once a test
// (or a hook) fails while a mutant is active, every later test and describe
// block of that mutant's run is skipped; tests skipped change no result, as a
// mutant with a failing test is killed whatever the others do. Runs with no
// active mutant (the initial, unmutated run, and `npm test`, which does not use
// this environment) are left as they are.
//
// StrykerJS names the active mutant in process.env.__STRYKER_ACTIVE_MUTANT__
// (@stryker-mutator/api, INSTRUMENTER_CONSTANTS) for the length of its run. This
// module is loaded once per process, so the mutant that failed is remembered
// across the test files of one run.
"use strict";
const PrivateTmpEnvironment = require("./private-tmp-environment.js");

const ACTIVE_MUTANT = "__STRYKER_ACTIVE_MUTANT__";

/** The mutant under which a test or hook failed in this process, if any. */
let failedUnder;

class MutationEnvironment extends PrivateTmpEnvironment {
  /** jest-circus's event hook (jest-environment's `handleTestEvent`); awaited before each step. */
  handleTestEvent(event) {
    const mutant = process.env[ACTIVE_MUTANT];
    if (mutant === undefined) return;
    switch (event.name) {
      case "test_done":
        if (event.test.errors.length > 0) failedUnder = mutant;
        break;
      case "hook_failure":
        failedUnder = mutant;
        break;
      case "run_describe_start":
        // Skips the block's beforeAll hooks and its tests.
        if (failedUnder === mutant) event.describeBlock.mode = "skip";
        break;
      case "test_start":
        if (failedUnder === mutant) event.test.mode = "skip";
        break;
    }
  }
}

module.exports = MutationEnvironment;
