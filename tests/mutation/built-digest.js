// jest setup for `npm run test:mutation` (jest.mutation.config.js), run before
// each test file. StrykerJS instruments the sources it mutates, so inside its
// sandbox the generator digest computed from generator/*.ts (generator/generate/digest.ts)
// is that of the instrumented code, and every banner's input hash would differ
// from the checked-in generated/ and goldens: the tests that compare bytes
// would fail for every mutant, whatever it changes. The mutants are judged
// against the digest of the code as written, which `npm run build` computed
// into dist/generator/generate/generator-digest.json (test:mutation builds first).
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..", "..");
const built = path.join(root, "dist", "generator", "generate", "generator-digest.json");
if (!fs.existsSync(built))
  throw new Error(`${built} is missing: run npm run build before the mutation run`);
const digests = JSON.parse(fs.readFileSync(built, "utf8"));

jest.mock(path.join(root, "generator", "generate", "digest.ts"), () => ({
  ...jest.requireActual(path.join(root, "generator", "generate", "digest.ts")),
  generatorDigest: (target) => digests[target],
}));
