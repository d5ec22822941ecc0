/*
 * Error baselines: every tests/errors/<name>.yaml is a bad spec, beside the
 * exact stderr (<name>.stderr) and exit code (<name>.exit) `regcache generate`
 * must produce for it. A few inputs can't be a checked-in file (too large,
 * missing, a directory); they are made by SPECIAL in cases.ts and have baselines
 * all the same. UPDATE_GOLDEN=1 rewrites the baselines; a normal run never does.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { messages } from "../../generator/core/diagnostics/catalog";
import { caseNames, runCase } from "./cases";
import { ABOUT, code as inlineCode, errorsPage, errorsPagePath, sizeReportPagePath } from "./docs";

const here = __dirname;
const update = process.env["UPDATE_GOLDEN"] === "1";

describe.each(caseNames)("%s", (name) => {
  it("prints exactly its baseline, exits with its code, and creates nothing", async () => {
    const got = await runCase(name);
    const stderrFile = path.join(here, `${name}.stderr`);
    const exitFile = path.join(here, `${name}.exit`);
    if (update) {
      fs.writeFileSync(stderrFile, got.stderr);
      fs.writeFileSync(exitFile, `${got.code}\n`);
    }
    expect(got.stderr).toBe(fs.readFileSync(stderrFile, "utf8"));
    expect(got.code).toBe(Number(fs.readFileSync(exitFile, "utf8")));
    expect(got.code).toBe(2);
    expect(got.stdout).toBe("");
    expect(got.created).toBe(false);
    // Every diagnostic has a location, and no stack trace leaks out.
    expect(got.stderr).toMatch(/^\S[^\n]*: error RC\d{3}: /);
    expect(got.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  });
});

it("has a baseline for every code of the spec's stages", () => {
  const seen = new Set<string>();
  for (const name of caseNames) {
    const file = path.join(here, `${name}.stderr`);
    if (!fs.existsSync(file)) continue;
    for (const m of fs.readFileSync(file, "utf8").matchAll(/ error (RC\d{3}): /g)) seen.add(m[1]!);
  }
  const missing = Object.keys(ABOUT).filter((code) => !seen.has(code));
  expect(missing).toEqual([]);
});

it("keeps no baseline without its case", () => {
  const orphans = fs
    .readdirSync(here)
    .filter((f) => /\.(stderr|exit)$/.test(f))
    .map((f) => f.replace(/\.(stderr|exit)$/, ""))
    .filter((n) => !caseNames.includes(n));
  expect(orphans).toEqual([]);
});

it("docs/errors.md documents every code, a spec's code with its baseline's real output", () => {
  const page = errorsPage();
  if (update) fs.writeFileSync(errorsPagePath, page);
  for (const [code, entry] of Object.entries(messages)) {
    expect(page).toContain(`\n## ${code}\n`);
    expect(page).toContain(`| [${code}](#${code.toLowerCase()}) |`);
    const section = page.slice(page.indexOf(`\n## ${code}\n`)).split(/\n## /)[1]!;
    expect(section).toContain(`Message: ${inlineCode(entry.message)}`);
    if (code in ABOUT) expect(section).toMatch(new RegExp(`error ${code}: [^]*?\\*\\*Fix:\\*\\*`));
  }
  expect(fs.readFileSync(errorsPagePath, "utf8")).toBe(page);
});

it("docs/size-report.md sends its reader to the size codes in docs/errors.md", () => {
  const current = fs.readFileSync(sizeReportPagePath, "utf8");
  expect(current).toContain("errors.md#codes-by-stage");
  expect(current).not.toMatch(/^\| RC\d{3} \|/m);
});
