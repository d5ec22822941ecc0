/*
 * Structural validation against spec/regcache.schema.json with ajv, mapped to
 * regcache diagnostics. The schema is the single statement of the format's
 * shape (editors use it too); semantic rules live in validate.ts.
 */
import type AjvClass from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import { wantedBy } from "../../util/schema-words";
import * as fs from "node:fs";
import { sha256 } from "../../util/hash";
import { diagnose, type Diagnostic } from "../diagnostics/diagnostic";
import type { DiagnosticList } from "./limits";
import { pathKey, type DocPath, type ParsedDocument } from "./parse";
import { didYouMean, nearestAll } from "../../util/suggest";
import { schemaPath } from "../../util/paths";

/** The options the validator is compiled with, at build time (schema-validator.js) or here. */
export const AJV_OPTIONS = { allErrors: true, verbose: true, strict: false } as const;

let compiled: ValidateFunction | undefined;

/**
 * The schema's validator. `npm run build` precompiles it (ajv's standalone
 * code, dist/generator/core/spec/schema-validator.js, see scripts/compile-schema.js),
 * which spares loading ajv and compiling the schema on every run; it is used
 * only while it was built from the very schema on disk, else ajv compiles it
 * here (as under ts-jest, which runs the sources).
 */
function validator(): ValidateFunction {
  if (!compiled) {
    const text = fs.readFileSync(schemaPath(), "utf8");
    compiled = precompiled(text) ?? compile(text);
  }
  return compiled;
}

function precompiled(schemaText: string): ValidateFunction | undefined {
  let built: { schemaSha256?: string; validate?: ValidateFunction };
  try {
    built = require("./schema-validator") as typeof built;
  } catch {
    return undefined;
  }
  return built.schemaSha256 === sha256(schemaText) ? built.validate : undefined;
}

function compile(schemaText: string): ValidateFunction {
  const Ajv = (require("ajv") as { default: typeof AjvClass }).default;
  return new Ajv({ ...AJV_OPTIONS }).compile(JSON.parse(schemaText) as object);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `'${value}'`;
  return `${typeof value} ${String(value)}`;
}

function pathOf(instancePath: string): DocPath {
  if (instancePath === "") return [];
  return instancePath
    .slice(1)
    .split("/")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** A document path as the diagnostics name it: accessors[0].doc. */
export function label(p: DocPath): string {
  if (p.length === 0) return "the spec";
  return p
    .map((x) => (typeof x === "number" ? `[${x}]` : x))
    .join(".")
    .replace(/\.\[/g, "[");
}

const typeNames: Record<string, string> = {
  string: "a string",
  object: "a mapping",
  array: "a list",
  integer: "an integer",
  number: "a number",
  boolean: "true or false",
};

/** What to add for a missing key, as the RC115 hint shows it. */
const EXAMPLES: Record<string, string> = {
  regcache: "regcache: 1",
  name: "name: x86-kvm",
  mask: "mask: u32 (or u64, bitmap)",
  registers: "registers: { gpr: [rax, ...] }",
  backends: "backends: { vmx: { lazy: [...] } }",
  gpr: "gpr: [rax, ...]",
};
/** Keys below the top level that share a name with a top-level one. */
const NESTED_EXAMPLES: Record<string, string> = { name: "name: rax" };

/**
 * Schema problems as diagnostics; empty when the document has the right shape.
 * Given a DiagnosticList, they go into it instead (the result is then empty),
 * and once it is full the rest are only counted: turning an error into a
 * diagnostic (its hint, its span) is the costly part.
 */
export function checkShape(doc: ParsedDocument, into?: DiagnosticList): Diagnostic[] {
  const validate = validator();
  if (validate(doc.value)) return [];
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const spanAt = (p: DocPath, which: "key" | "value" = "value") => {
    const loc = doc.spans.get(pathKey(p));
    return which === "key" ? (loc?.key ?? loc?.value) : loc?.value;
  };
  const errors = validate.errors ?? [];
  const misspelt = misspeltKeys(errors);
  const left = new Set<string>();
  for (const err of errors) {
    if (
      err.keyword === "required" &&
      misspelt.has(
        `${err.instancePath}/${(err.params as { missingProperty: string }).missingProperty}`,
      )
    )
      continue;
    if (!reported(err)) continue;
    if (into && !into.wanted()) {
      // Counted once per error as ajv gives it; its diagnostic is never built.
      const id = `${err.keyword}:${err.instancePath}:${JSON.stringify(err.params)}`;
      if (!left.has(id)) into.skip("RC103");
      left.add(id);
      continue;
    }
    const d = toDiagnostic(err, doc, spanAt);
    if (!d) continue;
    const id = `${d.code}:${d.span?.start}:${d.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (into) into.push(d);
    else out.push(d);
  }
  return out;
}

/**
 * A misspelt key ('registrs') is reported once, as unknown with a suggestion,
 * not again as the required key it was meant to be: the required keys, by
 * "path/key", that an unknown key beside them is a misspelling of. Only the
 * unknown keys beside a missing one are compared, and only with missing keys
 * of a length a typo can reach, so thousands of unknown keys cost little.
 */
function misspeltKeys(errors: readonly ErrorObject[]): Set<string> {
  const missingAt = new Map<string, string[]>();
  for (const e of errors) {
    if (e.keyword !== "required") continue;
    const missing = (e.params as { missingProperty: string }).missingProperty;
    missingAt.set(e.instancePath, [...(missingAt.get(e.instancePath) ?? []), missing]);
  }
  const misspelt = new Set<string>();
  for (const e of errors) {
    const missing = missingAt.get(e.instancePath);
    if (e.keyword !== "additionalProperties" || !missing) continue;
    const key = (e.params as { additionalProperty: string }).additionalProperty;
    // nearestAll offers nothing further than a third of the key's length (at least 1).
    const reach = Math.max(1, Math.floor(key.length / 3));
    if (!missing.some((m) => Math.abs(m.length - key.length) <= reach)) continue;
    const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
    for (const m of nearestAll(key, allowed)) misspelt.add(`${e.instancePath}/${m}`);
  }
  return misspelt;
}

/** Whether toDiagnostic reports this error (some are reported through another). */
function reported(err: ErrorObject): boolean {
  if (err.keyword === "propertyNames") return false;
  const first = pathOf(err.instancePath)[0];
  return !(err.keyword === "pattern" && err.propertyName === undefined && first === "backends");
}

/** What a value of output, api or accessors that fails its pattern should look like. */
function patternHint(p: DocPath): string {
  const last = p[p.length - 1];
  if (last === "kernel_header") return "a file name ending in .h, e.g. kvm_cache_regs_gen.h";
  if (last === "spdx") return "an SPDX license expression, e.g. GPL-2.0 or GPL-2.0 OR MIT";
  if (last === "field")
    return "a member below vcpu->arch: a C identifier, or a path such as walk_mmu->pdptrs";
  if (last === "condition")
    return "a C expression on one line, without a backslash, e.g. in_task() || kvm_arch_pmi_in_guest(vcpu)";
  if (last === "value") return "a non-negative integer, or a hex string such as 0x81078e";
  if (p[0] === "enum")
    return "a C identifier: an ASCII letter or '_', then ASCII letters, digits or '_' (VCPU_REG_, NR_VCPU_TOTAL_REGS)";
  return "use a C identifier: an ASCII letter or '_', then ASCII letters, digits or '_'";
}

function toDiagnostic(
  err: ErrorObject,
  doc: ParsedDocument,
  spanAt: (p: DocPath, which?: "key" | "value") => { start: number; end: number } | undefined,
): Diagnostic | undefined {
  const p = pathOf(err.instancePath);
  const last = p[p.length - 1];
  switch (err.keyword) {
    case "additionalProperties": {
      const key = (err.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys((err.parentSchema as { properties?: object }).properties ?? {});
      return diagnose(
        "RC102",
        doc.file,
        spanAt([...p, key], "key"),
        key,
        didYouMean(key, allowed),
        allowed.join(", "),
      );
    }
    case "required": {
      const missing = (err.params as { missingProperty: string }).missingProperty;
      const at = spanAt(p, "key");
      return diagnose(
        "RC115",
        doc.file,
        // At the top level there is no key to point at: point at the document's start.
        p.length || !at ? at : { start: at.start, end: at.start },
        p.length ? `${label(p)}.${missing}` : missing,
        `'${(p.length ? NESTED_EXAMPLES[missing] : undefined) ?? EXAMPLES[missing] ?? `${missing}: ...`}'`,
      );
    }
    case "type": {
      const want = String((err.params as { type: string | string[] }).type)
        .split(",")
        .map((t) => typeNames[t] ?? t)
        .join(" or ");
      return diagnose("RC103", doc.file, spanAt(p), label(p), want, describe(err.data));
    }
    case "const":
      if (p.length === 1 && last === "regcache") {
        // A number is shown as written: past 2^53 - 1 (or past a double's range)
        // the parsed value is rounded, and the message must not name a version
        // the user did not write.
        const span = spanAt(p);
        const written = span ? doc.file.text.slice(span.start, span.end).trim() : "";
        return diagnose(
          "RC114",
          doc.file,
          span,
          typeof err.data === "number"
            ? Number.isSafeInteger(err.data) || written === ""
              ? String(err.data)
              : written
            : `${describe(err.data)} (not the number 1)`,
        );
      }
      return diagnose(
        "RC103",
        doc.file,
        spanAt(p),
        label(p),
        String(err.schema),
        describe(err.data),
      );
    case "enum": {
      const allowed = (err.schema as unknown[]).map(String);
      return diagnose(
        "RC103",
        doc.file,
        spanAt(p),
        label(p),
        `one of ${allowed.join(", ")}`,
        describe(err.data),
      );
    }
    case "pattern":
      if (err.propertyName !== undefined) {
        // Mapping keys that are names: the backends, and the registers' aliases.
        return diagnose(
          "RC106",
          doc.file,
          spanAt([...p, err.propertyName], "key"),
          err.propertyName,
          p[0] === "registers" ? "alias" : "backend",
        );
      }
      if (p[0] === "output" || p[0] === "api" || p[0] === "accessors" || p[0] === "enum")
        return diagnose("RC140", doc.file, spanAt(p), label(p), String(err.data), patternHint(p));
      if (p.length === 1 && last === "name")
        return diagnose("RC121", doc.file, spanAt(p), String(err.data));
      if (last === "when") return diagnose("RC113", doc.file, spanAt(p), String(err.data));
      // Backend lists name registers: an unknown (non-identifier) name is reported by validate.ts.
      if (p[0] === "backends") return undefined;
      return diagnose("RC106", doc.file, spanAt(p), String(err.data), "register");
    case "propertyNames":
      return undefined; // reported once, with the name, through the nested "pattern" error below
    case "minItems":
    case "minProperties":
      return diagnose("RC116", doc.file, spanAt(p), label(p));
    case "minLength":
      return diagnose("RC103", doc.file, spanAt(p), label(p), "a non-empty string", "''");
    case "uniqueItems": {
      const list = err.data as unknown[];
      const { j } = err.params as { i: number; j: number };
      return diagnose(
        "RC103",
        doc.file,
        spanAt([...p, j]) ?? spanAt(p),
        label(p),
        "a list without duplicates",
        `${describe(list[j])} twice`,
      );
    }
    default:
      // minimum and any keyword the schema may gain: worded by util/schema-words.ts, never ajv's text.
      return diagnose("RC103", doc.file, spanAt(p), label(p), wantedBy(err), describe(err.data));
  }
}
