/*
 * A JSON Schema violation (an ajv ErrorObject) in regcache's words: what the
 * value should have been, as a noun phrase ("a list without duplicates", "a
 * number of at least 0"), and the whole sentence about a value
 * ("configs[1].name must be a string, found 3"). ajv's own messages ("must
 * NOT have duplicate items (items ## 0 and 1 are identical)") never reach a
 * user. Pure.
 */
import type { ErrorObject } from "ajv";

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  integer: "a whole number",
  number: "a number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  null: "null",
};

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What the value should have been, as a noun phrase: "a list without duplicates". */
export function wantedBy(err: ErrorObject): string {
  const params = err.params as Record<string, unknown>;
  const limit = Number(params["limit"]);
  switch (err.keyword) {
    case "type":
      return String(params["type"])
        .split(",")
        .map((t) => TYPE_NAMES[t] ?? t)
        .join(" or ");
    case "enum":
      return `one of ${(params["allowedValues"] as unknown[]).map(String).join(", ")}`;
    case "const":
      return String(params["allowedValue"]);
    case "pattern":
      return `a string matching ${String(params["pattern"])}`;
    case "format":
      return `a ${String(params["format"])}`;
    case "minimum":
      return `a number of at least ${limit}`;
    case "exclusiveMinimum":
      return `a number above ${limit}`;
    case "maximum":
      return `a number of at most ${limit}`;
    case "exclusiveMaximum":
      return `a number below ${limit}`;
    case "minItems":
      return limit === 1
        ? "a non-empty list"
        : `a list of at least ${count(limit, "entry", "entries")}`;
    case "maxItems":
      return `a list of at most ${count(limit, "entry", "entries")}`;
    case "minLength":
      return limit === 1
        ? "a non-empty string"
        : `a string of at least ${count(limit, "character", "characters")}`;
    case "maxLength":
      return `a string of at most ${count(limit, "character", "characters")}`;
    case "minProperties":
      return limit === 1
        ? "a non-empty mapping"
        : `a mapping of at least ${count(limit, "key", "keys")}`;
    case "maxProperties":
      return `a mapping of at most ${count(limit, "key", "keys")}`;
    case "uniqueItems":
      return "a list without duplicates";
    case "oneOf":
    case "anyOf":
      return "one of the forms the schema allows";
    default:
      return `what the schema's '${err.keyword}' rule allows`;
  }
}

/** `configs[1].functions` for "/configs/1/functions"; `the document` for the top. */
export function pathLabel(instancePath: string, top = "the document"): string {
  if (instancePath === "") return top;
  return instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`))
    .join("");
}

/**
 * One sentence about the violation: "configs[0] lacks the key 'total'",
 * "configs has the unknown key 'x'", "configs[1] and configs[0] are the
 * same entry", or "<where> must be <wanted>".
 */
export function schemaErrorText(err: ErrorObject, top?: string): string {
  const where = pathLabel(err.instancePath, top);
  const params = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case "required":
      return `${where} lacks the key '${String(params["missingProperty"])}'`;
    case "additionalProperties":
      return `${where} has the unknown key '${String(params["additionalProperty"])}'`;
    case "uniqueItems":
      return `${where} must be a list without duplicates: entries ${String(params["j"])} and ${String(params["i"])} are the same`;
    default:
      return `${where} must be ${wantedBy(err)}`;
  }
}
