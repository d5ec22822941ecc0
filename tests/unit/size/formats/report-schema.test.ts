/*
 * The JSON report's schema (generator/size/formats/report-schema.ts), as
 * Ajv (draft 2020-12, strict) reads it: every section the json format writes
 * is accepted, and each kind of wrong value is refused at its path.
 */
import Ajv2020 from "ajv/dist/2020";
import { formatJson } from "../../../../generator/size/formats/json";
import { sizeReportSchema } from "../../../../generator/size/formats/report-schema";
import type { SizeReport } from "../../../../generator/size/report/report";
import { sampleReport } from "../sample-report";

/** The sample report with every optional section, as --format json writes it, parsed. */
function fullJson(): Record<string, any> {
  const report: SizeReport = {
    ...sampleReport(),
    explain: [{ register: "rip", lazyIn: ["vmx"], reached: true, saved: [3, null] }],
    budget: {
      file: "b.yaml",
      breaches: [
        {
          config: "gcc-O2",
          target: "total",
          check: "growth",
          unit: "percent",
          limit: -1.5,
          base: 10,
          head: null,
          delta: -10,
        },
      ],
    },
    objects: {
      kind: "tree",
      pairs: [{ path: "a.o", old: true, new: false }],
      composites: [
        {
          side: "new",
          path: "k.o",
          parts: ["a.o"],
          uncounted: { functions: 1, data: 2, bytes: 16 },
        },
        // As a report that counted functions only wrote it.
        { side: "old", path: "k.o", parts: ["a.o"], uncounted: { functions: 1, bytes: 16 } },
      ],
    },
  };
  return JSON.parse(formatJson(report));
}

/** The first error's path and keyword, or "valid". */
function verdict(json: unknown): string {
  const validate = new Ajv2020({ strict: true, allErrors: false }).compile(sizeReportSchema);
  if (validate(json)) return "valid";
  const e = validate.errors![0];
  return `${e.instancePath || "/"} ${e.keyword}`;
}

test("the json format's output, every optional section present, is valid", () => {
  expect(verdict(fullJson())).toBe("valid");
  expect(verdict(JSON.parse(formatJson(sampleReport([]))))).toBe("valid");
});

test.each<[string, (json: Record<string, any>) => void, string]>([
  ["version 1", (j) => (j.version = 1), "/version const"],
  ["no spec", (j) => delete j.spec, "/ required"],
  ["a key of its own", (j) => (j.extra = true), "/ additionalProperties"],
  [
    "an unknown compiler family",
    (j) => (j.configs[0].compiler = "icc"),
    "/configs/0/compiler enum",
  ],
  ["a negative count", (j) => (j.configs[0].summary.add = -1), "/configs/0/summary/add minimum"],
  ["a fractional net", (j) => (j.configs[0].summary.net = 0.5), "/configs/0/summary/net type"],
  [
    "a size that is a string",
    (j) => (j.configs[0].functions[0].base = "50"),
    "/configs/0/functions/0/base type",
  ],
  [
    "a symbol kind besides function and data",
    (j) => (j.configs[0].functions[0].kind = "object"),
    "/configs/0/functions/0/kind enum",
  ],
  [
    "a size past 2^53 − 1, which JSON cannot carry exactly",
    (j) => (j.configs[0].functions[0].head = 2 ** 53),
    "/configs/0/functions/0/head maximum",
  ],
  [
    "a delta below −(2^53 − 1)",
    (j) => (j.configs[0].functions[0].delta = -(2 ** 53)),
    "/configs/0/functions/0/delta minimum",
  ],
  [
    "a total past 2^53 − 1",
    (j) => (j.configs[0].total.base = 2 ** 60),
    "/configs/0/total/base maximum",
  ],
  ["a negative total", (j) => (j.configs[0].total.head = -1), "/configs/0/total/head minimum"],
  ["a skipped config without hint", (j) => delete j.skipped[0].hint, "/skipped/0 required"],
  ["negative source lines", (j) => (j.sources[0].head.lines = -1), "/sources/0/head/lines minimum"],
  ["a saving that is a string", (j) => (j.explain[0].saved[0] = "3"), "/explain/0/saved/0 type"],
  [
    "a budget check besides max and growth",
    (j) => (j.budget.breaches[0].check = "min"),
    "/budget/breaches/0/check enum",
  ],
  ["an objects kind besides file and tree", (j) => (j.objects.kind = "dir"), "/objects/kind enum"],
  [
    "a composite on no side",
    (j) => (j.objects.composites[0].side = "both"),
    "/objects/composites/0/side enum",
  ],
])("refused: %s", (_name, edit, want) => {
  const json = fullJson();
  edit(json);
  expect(verdict(json)).toBe(want);
});
