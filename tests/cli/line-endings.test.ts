/*
 * Line endings are not drift: a spec checked out with CRLF
 * (git's autocrlf) gives the same input hash, so in-step output stays in step;
 * generated files that differ only in line endings are drift reported as just
 * that, whatever the spec's and the banner's line endings.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { regcache, specFile, tempProject } from "../drift/helpers";

const crlf = (text: string) => text.replace(/\r?\n/g, "\r\n");
const toCrlf = (file: string) => fs.writeFileSync(file, crlf(fs.readFileSync(file, "utf8")));

let project: string;
beforeEach(async () => {
  project = tempProject("crlf");
  expect((await regcache(project, "generate")).code).toBe(0);
});
afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

const cases: [string, { spec: "lf" | "crlf"; converted: string[]; bom?: boolean }][] = [
  ["a CRLF spec, LF output", { spec: "crlf", converted: [] }],
  ["a CRLF spec with a BOM, LF output", { spec: "crlf", converted: [], bom: true }],
  ["an LF spec, one CRLF file", { spec: "lf", converted: ["c/kvm_regs.h"] }],
  ["a CRLF spec, one CRLF file", { spec: "crlf", converted: ["c/kvm_regs.h"] }],
  [
    "a CRLF spec, every file CRLF",
    { spec: "crlf", converted: ["c/kvm_cache_regs.h", "c/kvm_regs.h", "ts/registers.ts"] },
  ],
];

test.each(cases)("%s", async (_name, c) => {
  if (c.spec === "crlf") toCrlf(specFile(project));
  if (c.bom)
    fs.writeFileSync(specFile(project), "\ufeff" + fs.readFileSync(specFile(project), "utf8"));
  for (const f of c.converted) toCrlf(path.join(project, "generated", f));
  const r = await regcache(project, "check");
  if (c.converted.length === 0) {
    expect(r.stdout).toMatch(/is in step/);
    expect(r.code).toBe(0);
    return;
  }
  expect(r.code).toBe(1);
  const lines = r.stdout.split("\n").filter((l) => /^\s+modified\s/.test(l));
  expect(lines).toEqual(
    c.converted.map((f) =>
      expect.stringMatching(
        new RegExp(`generated/${f}: only the line endings differ \\(CRLF\\); see docs/ci.md$`),
      ),
    ),
  );
  // generate rewrites them with LF; check is then in step.
  expect((await regcache(project, "generate")).code).toBe(0);
  expect((await regcache(project, "check")).code).toBe(0);
});

test("a CRLF file whose spec changed says what changed, and that its line endings are CRLF", async () => {
  toCrlf(path.join(project, "generated", "c", "kvm_regs.h"));
  fs.writeFileSync(
    specFile(project),
    fs.readFileSync(specFile(project), "utf8").replace("lazy: [pdptr]", "lazy: [pdptr, rax]"),
  );
  const r = await regcache(project, "check");
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(
    /modified\s+generated\/c\/kvm_regs\.h: the spec, the templates, the generator or the options changed since it was generated; its line endings are CRLF, too\n/,
  );
  expect(r.stdout).not.toMatch(/banner is missing or damaged/);
});
