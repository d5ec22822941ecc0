/*
 * The json format (generator/size/formats/json.ts): the report model with
 * its keys in a fixed order, optional sections only when present, ending in
 * a newline; what it writes validates against the published schema.
 */
import Ajv2020 from "ajv/dist/2020";
import { formatJson } from "../../../../generator/size/formats/json";
import { sizeReportSchema } from "../../../../generator/size/formats/report-schema";
import { fullReport, sampleReport } from "../sample-report";

test("keys in a fixed order, percentages left out, one trailing newline", () => {
  const text = formatJson(fullReport());
  expect(text.endsWith("}\n")).toBe(true);
  expect(text.endsWith("\n\n")).toBe(false);
  const json = JSON.parse(text);
  expect(Object.keys(json)).toEqual([
    "version",
    "spec",
    "base",
    "configs",
    "skipped",
    "sources",
    "explain",
    "budget",
    "objects",
  ]);
  expect(Object.keys(json.configs[0])).toEqual([
    "name",
    "compiler",
    "command",
    "compilerVersion",
    "retpoline",
    "flags",
    "summary",
    "functions",
    "total",
  ]);
  expect(json.configs[0].functions).toEqual([
    { name: "f", kind: "function", base: 10, head: 12, delta: 2 },
    { name: "g", kind: "function", base: 5, head: 5, delta: 0 },
  ]);
  expect(json.configs[0].total).toEqual({ base: 15, head: 17, delta: 2 });
  expect(text).toContain('\n  "version": 2,\n');
});

test("without explain, budget or objects those keys are absent", () => {
  const json = JSON.parse(formatJson(sampleReport()));
  expect(Object.keys(json)).toEqual(["version", "spec", "base", "configs", "skipped", "sources"]);
  expect("crossConfig" in json).toBe(false);
});

test("the same report gives the same bytes", () => {
  expect(formatJson(fullReport())).toBe(formatJson(fullReport()));
});

test("the full report validates against the schema", () => {
  const validate = new Ajv2020({ strict: true, allErrors: true }).compile(sizeReportSchema);
  const json = JSON.parse(formatJson(fullReport()));
  expect(validate(json) ? [] : validate.errors).toEqual([]);
});

describe("json format", () => {
  const validate = new Ajv2020({ strict: true, allErrors: true }).compile(sizeReportSchema);
  test("matches the documented schema, version 2", () => {
    const json = JSON.parse(formatJson(sampleReport()));
    expect(validate(json) ? [] : validate.errors).toEqual([]);
    expect(json.version).toBe(2);
    expect(json.configs[0]).toMatchObject({
      name: "gcc-O2",
      compiler: "gcc",
      retpoline: false,
      flags: ["-O2"],
    });
    expect(json.configs[0].functions[0]).toEqual({
      name: "grows",
      kind: "function",
      base: 50,
      head: 60,
      delta: 10,
    });
  });
  test("the schema rejects what it should", () => {
    const json = JSON.parse(formatJson(sampleReport()));
    delete json.configs[0].total;
    expect(validate(json)).toBe(false);
  });
});
