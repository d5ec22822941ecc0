/*
 * The test files `npm run test:mutation:ci` (stryker.ci.config.mjs) runs
 * against each mutant: jest.mutation.config.js's, with jest's module map over
 * tests/ alone, so --findRelatedTests relates a module only to the test files
 * that import it themselves (or through a test helper). Fewer files per mutant
 * than the whole run, which follows every chain of imports, so it fits CI's
 * time; and as a mutant meets no test the whole run would not, the subset's
 * score is a lower bound of the whole run's for the same modules, held to the
 * same 85%.
 */
const base = require("./jest.config.js");
const mutation = require("./jest.mutation.config.js");

/** @type {import('jest').Config} */
module.exports = { ...mutation, roots: base.roots };
