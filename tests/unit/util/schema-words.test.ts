/*
 * JSON Schema violations in regcache's words (generator/util/schema-words.ts):
 * for every keyword the spec's and the size report's schemas use (and the
 * common others), the sentence a user reads, from a real ajv run, so a
 * change in ajv's error shape shows here; ajv's own phrasing never comes out.
 */
import Ajv2020 from "ajv/dist/2020";
import { pathLabel, schemaErrorText, wantedBy } from "../../../generator/util/schema-words";

/** The first error of `value` against `schema`, worded. */
function worded(schema: object, value: unknown): { text: string; wanted: string } {
  const validate = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: false }).compile(
    schema,
  );
  expect(validate(value)).toBe(false);
  const err = validate.errors![0]!;
  return { text: schemaErrorText(err, "the report"), wanted: wantedBy(err) };
}

const at = (schema: object) => ({
  type: "object",
  properties: { list: schema },
});

test.each([
  ["type", at({ type: "string" }), { list: 3 }, "list must be a string"],
  [
    "type (several)",
    at({ type: ["integer", "string"] }),
    { list: true },
    "list must be a whole number or a string",
  ],
  ["enum", at({ enum: ["gcc", "clang"] }), { list: "icc" }, "list must be one of gcc, clang"],
  ["const", at({ const: 2 }), { list: 1 }, "list must be 2"],
  [
    "pattern",
    at({ type: "string", pattern: "^0x[0-9a-f]+$" }),
    { list: "12" },
    "list must be a string matching ^0x[0-9a-f]+$",
  ],
  [
    "minimum",
    at({ type: "integer", minimum: 0 }),
    { list: -1 },
    "list must be a number of at least 0",
  ],
  [
    "maximum",
    at({ type: "integer", maximum: 9 }),
    { list: 10 },
    "list must be a number of at most 9",
  ],
  [
    "exclusiveMinimum",
    at({ type: "integer", exclusiveMinimum: 0 }),
    { list: 0 },
    "list must be a number above 0",
  ],
  ["minItems 1", at({ type: "array", minItems: 1 }), { list: [] }, "list must be a non-empty list"],
  [
    "minItems 2",
    at({ type: "array", minItems: 2 }),
    { list: [1] },
    "list must be a list of at least 2 entries",
  ],
  [
    "maxItems",
    at({ type: "array", maxItems: 1 }),
    { list: [1, 2] },
    "list must be a list of at most 1 entry",
  ],
  [
    "minLength",
    at({ type: "string", minLength: 1 }),
    { list: "" },
    "list must be a non-empty string",
  ],
  [
    "maxLength",
    at({ type: "string", maxLength: 2 }),
    { list: "abc" },
    "list must be a string of at most 2 characters",
  ],
  [
    "minProperties",
    at({ type: "object", minProperties: 1 }),
    { list: {} },
    "list must be a non-empty mapping",
  ],
  [
    "uniqueItems",
    at({ type: "array", uniqueItems: true }),
    { list: ["a", "b", "a"] },
    "list must be a list without duplicates: entries 0 and 2 are the same",
  ],
  [
    "required",
    { type: "object", properties: { version: {} }, required: ["version"] },
    {},
    "the report lacks the key 'version'",
  ],
  [
    "additionalProperties",
    { type: "object", properties: { a: {} }, additionalProperties: false },
    { a: 1, extra: 2 },
    "the report has the unknown key 'extra'",
  ],
  [
    "oneOf",
    at({ oneOf: [{ type: "string" }, { type: "integer" }] }),
    { list: true },
    "list must be a string",
  ],
  [
    "anyOf",
    at({ anyOf: [{ type: "string" }, { type: "integer" }] }),
    { list: true },
    "list must be a string",
  ],
])("%s", (_keyword, schema, value, want) => {
  const { text } = worded(schema, value);
  expect(text).toBe(want);
  expect(text).not.toMatch(/must NOT|must have|must be must|##/);
});

test("oneOf and anyOf themselves are worded as the allowed forms", () => {
  const err = { keyword: "oneOf", instancePath: "/x", params: {}, schemaPath: "#/oneOf" };
  expect(wantedBy(err)).toBe("one of the forms the schema allows");
});

test("a keyword without words of its own names the rule, never ajv's message", () => {
  const err = {
    keyword: "contains",
    instancePath: "/x",
    params: {},
    schemaPath: "#/contains",
    message: "must contain at least 1 valid item(s)",
  };
  expect(schemaErrorText(err)).toBe("x must be what the schema's 'contains' rule allows");
});

test.each([
  ["", "the document"],
  ["/configs", "configs"],
  ["/configs/1/functions/0/name", "configs[1].functions[0].name"],
  ["/a~1b/c~0d", "a/b.c~d"],
])("the path %j reads %s", (p, want) => expect(pathLabel(p)).toBe(want));
