/*
 * JSON Schema (draft 2020-12) of `regcache size --format json`, version 2
 * (version 1 gave budget breaches as prose; 2 gives their numbers).
 * docs/size-report.md describes the same fields in prose; the tests validate
 * real output against this schema, so the two cannot drift apart silently.
 * Adding an optional field keeps version 1; renaming, removing or changing
 * the meaning of a field bumps `version`.
 * Every integer is a safe integer (|n| ≤ 2^53 − 1): a larger one cannot be
 * read back from JSON exactly, so a report holding one is refused.
 */
const SAFE = Number.MAX_SAFE_INTEGER;
const count = { type: "integer", minimum: 0, maximum: SAFE } as const;
const size = { type: ["integer", "null"], minimum: 0, maximum: SAFE } as const;
const signed = { type: "integer", minimum: -SAFE, maximum: SAFE } as const;
const fileSize = {
  type: ["object", "null"],
  required: ["lines", "bytes"],
  additionalProperties: false,
  properties: { lines: count, bytes: count },
} as const;

export const sizeReportSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://regcache.invalid/size-report-v2.json",
  title: "regcache size report",
  type: "object",
  required: ["version", "spec", "base", "configs", "skipped", "sources"],
  additionalProperties: false,
  properties: {
    version: { const: 2 },
    spec: { type: "string" },
    base: { type: "string" },
    configs: {
      type: "array",
      items: {
        type: "object",
        required: [
          "name",
          "compiler",
          "command",
          "compilerVersion",
          "retpoline",
          "flags",
          "summary",
          "functions",
          "total",
        ],
        additionalProperties: false,
        properties: {
          name: { type: "string" },
          compiler: { enum: ["gcc", "clang", "none"] },
          command: { type: "string" },
          compilerVersion: { type: "string" },
          retpoline: { type: "boolean" },
          flags: { type: "array", items: { type: "string" } },
          summary: {
            type: "object",
            required: ["add", "remove", "grow", "shrink", "up", "down", "net"],
            additionalProperties: false,
            properties: {
              add: count,
              remove: count,
              grow: count,
              shrink: count,
              up: count,
              down: count,
              net: signed,
            },
          },
          functions: {
            type: "array",
            items: {
              type: "object",
              required: ["name", "kind", "base", "head", "delta"],
              additionalProperties: false,
              properties: {
                name: { type: "string" },
                kind: { enum: ["function", "data"] },
                base: size,
                head: size,
                delta: signed,
              },
            },
          },
          total: {
            type: "object",
            required: ["base", "head", "delta"],
            additionalProperties: false,
            properties: {
              base: count,
              head: count,
              delta: signed,
            },
          },
        },
      },
    },
    skipped: {
      type: "array",
      items: {
        type: "object",
        required: ["name", "compiler", "reason", "hint"],
        additionalProperties: false,
        properties: {
          name: { type: "string" },
          compiler: { type: "string" },
          reason: { type: "string" },
          hint: { type: "string" },
        },
      },
    },
    sources: {
      type: "array",
      items: {
        type: "object",
        required: ["path", "base", "head"],
        additionalProperties: false,
        properties: { path: { type: "string" }, base: fileSize, head: fileSize },
      },
    },
    explain: {
      type: "array",
      items: {
        type: "object",
        required: ["register", "lazyIn", "reached", "saved"],
        additionalProperties: false,
        properties: {
          register: { type: "string" },
          lazyIn: { type: "array", items: { type: "string" } },
          reached: { type: "boolean" },
          saved: {
            type: "array",
            items: { type: ["integer", "null"], minimum: -SAFE, maximum: SAFE },
          },
        },
      },
    },
    objects: {
      type: "object",
      required: ["kind", "pairs", "composites"],
      additionalProperties: false,
      properties: {
        kind: { enum: ["file", "tree"] },
        pairs: {
          type: "array",
          items: {
            type: "object",
            required: ["path", "old", "new"],
            additionalProperties: false,
            properties: {
              path: { type: "string" },
              old: { type: "boolean" },
              new: { type: "boolean" },
            },
          },
        },
        composites: {
          type: "array",
          items: {
            type: "object",
            required: ["side", "path", "parts", "uncounted"],
            additionalProperties: false,
            properties: {
              side: { enum: ["old", "new"] },
              path: { type: "string" },
              parts: { type: "array", items: { type: "string" } },
              uncounted: {
                type: "object",
                required: ["functions", "bytes"],
                additionalProperties: false,
                properties: { functions: count, data: count, bytes: count },
              },
            },
          },
        },
      },
    },
    budget: {
      type: "object",
      required: ["file", "breaches"],
      additionalProperties: false,
      properties: {
        file: { type: "string" },
        breaches: {
          type: "array",
          items: {
            type: "object",
            required: ["config", "target", "check", "unit", "limit", "base", "head", "delta"],
            additionalProperties: false,
            properties: {
              config: { type: "string" },
              target: { type: "string" },
              check: { enum: ["max", "growth"] },
              unit: { enum: ["bytes", "percent"] },
              limit: { type: "number" },
              base: size,
              head: size,
              delta: signed,
            },
          },
        },
      },
    },
  },
} as const;
