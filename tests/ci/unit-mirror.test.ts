/*
 * tests/unit/ mirrors generator/: a test file there is named after the module
 * it tests, `tests/unit/<path below generator/>.test.ts`, or with an aspect,
 * `<path>.<aspect>.test.ts`. A module moved or renamed without its tests fails
 * here, so the mirror cannot silently drift. Prints how many modules have a
 * unit test.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");

function filesBelow(dir: string, suffix: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesBelow(full, suffix));
    else if (e.name.endsWith(suffix)) out.push(full);
  }
  return out;
}

/** The module a unit test names: "output/writer" for output/writer.edges.test.ts. */
function moduleOf(test: string): string {
  const rel = path
    .relative(path.join(root, "tests", "unit"), test)
    .split(path.sep)
    .join("/");
  const dir = path.posix.dirname(rel);
  const base = path.posix.basename(rel, ".test.ts").split(".")[0]!;
  return dir === "." ? base : `${dir}/${base}`;
}

test("every unit test names a module of generator/ by its path", () => {
  const modules = new Set(
    filesBelow(path.join(root, "generator"), ".ts").map((f) =>
      path
        .relative(path.join(root, "generator"), f)
        .split(path.sep)
        .join("/")
        .replace(/\.ts$/, "")
        .replace(/\/index$/, ""),
    ),
  );
  const tests = filesBelow(path.join(root, "tests", "unit"), ".test.ts");
  expect(tests.length).toBeGreaterThan(0);
  const orphans = tests.map(moduleOf).filter((m) => !modules.has(m));
  expect(orphans).toEqual([]);
  const covered = new Set(tests.map(moduleOf));
  console.log(
    `unit mirror: ${covered.size} of ${modules.size} modules have tests under tests/unit/`,
  );
});
