/*
 * Parsed document → checked spec, or every problem found. The schema checks
 * shape; this module checks meaning: names that will become C and TypeScript
 * identifiers, duplicates, backend lists that name real registers, and that
 * the registers fit in the mask. It never stops at the first problem.
 */
import { diagnose, lineColOf, type Diagnostic, type Span } from "../diagnostics/diagnostic";
import { pathKey, type DocPath, type ParsedDocument } from "./parse";
import {
  C_KEYWORDS,
  collisions,
  IDENTIFIER,
  GENERATOR_IDENTIFIERS,
  reservedBecause,
  unusableBecause,
  type NamedThing,
} from "./identifiers";
import { checkShape } from "./schema";
import { checkSpecSize, DiagnosticList, MAX_DOC_LENGTH } from "./limits";
import { didYouMean } from "../../util/suggest";
import {
  checkApi,
  ePairNames,
  type SpecAccessor,
  type SpecApi,
  type SpecOutput,
} from "./kernel-sections";

import { MASK_BITS, type MaskKind } from "./masks";
import { checkEnum, type SpecAlias, type SpecEnum } from "./enum";
export { DEFAULT_ENUM, type SpecAlias, type SpecEnum } from "./enum";
export type { MaskKind };

export interface SpecRegister {
  readonly name: string;
  readonly kind: "gpr" | "extended";
  readonly guard?: string;
  readonly doc?: string;
}

export interface SpecBackend {
  readonly name: string;
  readonly doc?: string;
  /** Which list the spec gave; the other is its complement. */
  readonly declared: "lazy" | "available";
  readonly listed: readonly string[];
}

export interface CheckedSpec {
  readonly name: string;
  readonly doc?: string;
  readonly mask: MaskKind;
  readonly registers: readonly SpecRegister[];
  /** The enum's spelling (DEFAULT_ENUM when the spec has no enum section). */
  readonly enum: SpecEnum;
  readonly aliases: readonly SpecAlias[];
  readonly backends: readonly SpecBackend[];
  /** Which targets are written, under which names (defaults: C and TypeScript). */
  readonly output: SpecOutput;
  /** How the cache helpers are spelt (defaults: regcache's runtime API). */
  readonly api: SpecApi;
  /** Accessors besides the GPR macro, in definition order. */
  readonly accessors: readonly SpecAccessor[];
  /** The kernel block's comments by site (api.docs): an empty text leaves the site bare. */
  readonly docs: Readonly<Record<string, string>>;
}

export type ValidateResult =
  | { readonly ok: true; readonly spec: CheckedSpec }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export { MAX_DOC_LENGTH };

type Obj = Record<string, unknown>;

/** What a document that is not a mapping is, for RC122. */
function whatItIs(value: unknown): string {
  if (value === null || value === undefined) return "empty";
  if (Array.isArray(value)) return "a list";
  return `a ${typeof value === "string" ? "string" : typeof value === "boolean" ? "boolean" : "number"}`;
}
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export function validateSpec(doc: ParsedDocument): ValidateResult {
  // A duplicate key did not stop the parse: it is reported beside every other problem.
  const diagnostics = new DiagnosticList(doc.file, doc.problemsLeftOut ?? 0);
  diagnostics.push(...(doc.problems ?? []));
  const report = (d: Diagnostic) => diagnostics.push(d);
  // A hint or a line number that costs a search is worked out only for a diagnostic that is shown.
  const wanted = () => diagnostics.wanted();
  const span = (p: DocPath, which: "key" | "value" = "value"): Span | undefined => {
    const loc = doc.spans.get(pathKey(p));
    return which === "key" ? (loc?.key ?? loc?.value) : loc?.value;
  };

  if (!isObj(doc.value)) {
    report(diagnose("RC122", doc.file, span([]), doc.file.displayPath, whatItIs(doc.value)));
    return { ok: false, diagnostics: diagnostics.all() };
  }
  const root = doc.value;
  // Too many registers or backends: refused before any check that looks at each one.
  const tooLarge = checkSpecSize(doc.file, root, (key) => span([key], "key"));
  if (tooLarge.length > 0) {
    diagnostics.push(...tooLarge);
    return { ok: false, diagnostics: diagnostics.all() };
  }
  checkShape(doc, diagnostics);

  const checkIdentifier = (
    name: string,
    what: "register" | "backend",
    at: Span | undefined,
  ): boolean => {
    if (!IDENTIFIER.test(name)) return false; // the schema reported it
    if (C_KEYWORDS.has(name)) {
      report(diagnose("RC107", doc.file, at, name, what));
      return false;
    }
    const reserved = reservedBecause(name);
    if (reserved) {
      report(diagnose("RC108", doc.file, at, name, reserved));
      return false;
    }
    const unusable = unusableBecause(name, what);
    if (unusable) {
      report(diagnose("RC125", doc.file, at, name, what, unusable));
      return false;
    }
    return true;
  };
  // Every name that passed, with where it was written, for the collision check at the end.
  const named: (NamedThing & { at: Span | undefined })[] = [];
  const checkDoc = (value: unknown, p: DocPath) => {
    if (typeof value === "string" && value.length > MAX_DOC_LENGTH)
      report(diagnose("RC124", doc.file, span(p), MAX_DOC_LENGTH));
  };
  checkDoc(root["doc"], ["doc"]);

  // Registers, in enum order: gpr then extended.
  const registers: SpecRegister[] = [];
  const byLowerName = new Map<string, { name: string; at: Span | undefined }>();
  const regs = isObj(root["registers"]) ? root["registers"] : {};
  for (const kind of ["gpr", "extended"] as const) {
    const list = regs[kind];
    if (!Array.isArray(list)) continue;
    list.forEach((entry: unknown, i) => {
      const p: DocPath = ["registers", kind, i];
      let name: unknown = entry;
      let guard: unknown;
      let regDoc: unknown;
      let at = span(p);
      if (isObj(entry)) {
        name = entry["name"];
        guard = entry["when"];
        regDoc = entry["doc"];
        at = span([...p, "name"]);
        checkDoc(regDoc, [...p, "doc"]);
        if (typeof guard === "string" && !IDENTIFIER.test(guard)) guard = undefined;
      }
      if (typeof name !== "string") return;
      if (!checkIdentifier(name, "register", at)) return;
      const prior = byLowerName.get(name.toLowerCase());
      if (prior) {
        const line = prior.at && wanted() ? lineColOf(doc.file.text, prior.at.start).line : 0;
        const as = prior.name === name ? "" : ` as '${prior.name}'; case does not matter`;
        report(diagnose("RC105", doc.file, at, name, line, as));
        return;
      }
      byLowerName.set(name.toLowerCase(), { name, at });
      named.push({ what: "register", name, kind, at });
      registers.push({
        name,
        kind,
        ...(typeof guard === "string" ? { guard } : {}),
        ...(typeof regDoc === "string" ? { doc: regDoc } : {}),
      });
    });
  }

  // Aliases: other names of declared registers, never registers themselves.
  const aliases: SpecAlias[] = [];
  const aliasOf = new Map<string, string>();
  const declaredAliases = isObj(regs["aliases"]) ? regs["aliases"] : {};
  for (const [alias, target] of Object.entries(declaredAliases)) {
    const p: DocPath = ["registers", "aliases", alias];
    if (typeof target !== "string" || !IDENTIFIER.test(alias)) continue; // the schema reported it
    if (!checkIdentifier(alias, "register", span(p, "key"))) continue;
    const clash = byLowerName.get(alias.toLowerCase());
    if (clash) {
      const line = clash.at && wanted() ? lineColOf(doc.file.text, clash.at.start).line : 0;
      report(
        diagnose(
          "RC105",
          doc.file,
          span(p, "key"),
          alias,
          line,
          "; an alias is another name, not a second register",
        ),
      );
      continue;
    }
    const known = byLowerName.get(target.toLowerCase());
    if (!known || known.name !== target) {
      const hint = known
        ? ` (did you mean '${known.name}'?)`
        : wanted()
          ? didYouMean(
              target,
              [...byLowerName.values()].map((r) => r.name),
            )
          : "";
      report(diagnose("RC127", doc.file, span(p), alias, target, hint));
      continue;
    }
    aliasOf.set(alias, target);
    named.push({ what: "register", name: alias, kind: "extended", at: span(p, "key") });
    aliases.push({ name: alias, register: target });
  }

  const specEnum = checkEnum(doc.file, root, span, report);

  // Mask capacity: every register takes one bit of regs_avail/regs_dirty.
  const mask = root["mask"];
  if ((mask === "u32" || mask === "u64") && registers.length > MASK_BITS[mask]) {
    report(
      diagnose(
        "RC111",
        doc.file,
        span(["mask"]),
        registers.length,
        mask,
        MASK_BITS[mask],
        mask === "u32" && registers.length <= 64 ? "u64" : "bitmap",
      ),
    );
  }

  // Backends.
  const backends: SpecBackend[] = [];
  const backendNames = new Map<string, string>();
  const declared = isObj(root["backends"]) ? root["backends"] : {};
  for (const name of Object.keys(declared)) {
    const p: DocPath = ["backends", name];
    const body = declared[name];
    if (!IDENTIFIER.test(name)) continue; // the schema reported it
    if (!checkIdentifier(name, "backend", span(p, "key"))) continue;
    if (backendNames.has(name.toLowerCase())) {
      report(diagnose("RC123", doc.file, span(p, "key"), name));
      continue;
    }
    backendNames.set(name.toLowerCase(), name);
    named.push({ what: "backend", name, at: span(p, "key") });
    if (!isObj(body)) continue; // the schema reported it
    checkDoc(body["doc"], [...p, "doc"]);
    const hasLazy = "lazy" in body;
    const hasAvailable = "available" in body;
    if (hasLazy && hasAvailable) {
      report(diagnose("RC109", doc.file, span([...p, "available"], "key"), name));
      continue;
    }
    // A misspelt 'lazzy' was reported as an unknown key; don't report its absence too.
    const misspelt = Object.keys(body).some((k) => !["lazy", "available", "doc"].includes(k));
    if (!hasLazy && !hasAvailable && !misspelt) {
      report(diagnose("RC110", doc.file, span(p, "key"), name));
      continue;
    }
    const which = hasLazy ? "lazy" : "available";
    const list = body[which];
    if (!Array.isArray(list)) continue; // the schema reported it
    const listed: string[] = [];
    const seen = new Set<string>();
    list.forEach((item: unknown, i) => {
      if (typeof item !== "string") return;
      const at = span([...p, which, i]);
      const aliased = aliasOf.get(item);
      if (aliased !== undefined) {
        report(diagnose("RC128", doc.file, at, item, aliased));
        return;
      }
      const known = byLowerName.get(item.toLowerCase());
      if (!known || known.name !== item) {
        const hint = known
          ? ` (did you mean '${known.name}'?)`
          : wanted()
            ? didYouMean(
                item,
                [...byLowerName.values()].map((r) => r.name),
              )
            : "";
        report(diagnose("RC104", doc.file, at, item, hint));
        return;
      }
      if (seen.has(item)) {
        report(diagnose("RC112", doc.file, at, item, name));
        return;
      }
      seen.add(item);
      listed.push(item);
    });
    backends.push({
      name,
      declared: which,
      listed,
      ...(typeof body["doc"] === "string" ? { doc: body["doc"] } : {}),
    });
  }

  const kernelApi = checkApi({
    file: doc.file,
    root,
    span,
    report,
    wanted,
    registers: new Map(registers.map((r) => [r.name, r.kind])),
    aliases: aliasOf,
    mask,
  });
  for (const a of kernelApi.accessorNames) named.push({ what: "accessor", name: a.name, at: a.at });
  // The assertion macro and the 32-bit pairs are C names the spec chooses too.
  if (kernelApi.api.assert)
    named.push({
      what: "accessor",
      name: kernelApi.api.assert.macro,
      at: span(["api", "assert", "macro"]),
    });
  kernelApi.api.ePair.forEach((g) => {
    const list = isObj(root["api"]) ? root["api"]["e_pair"] : undefined;
    const at = span(["api", "e_pair", Array.isArray(list) ? list.indexOf(g) : 0]);
    const e = ePairNames(g);
    named.push({ what: "accessor", name: e.read, at }, { what: "accessor", name: e.write, at });
  });

  // The mode mask is called, not defined, by the generated code (a VcpuHooks
  // member in TypeScript): it must not be a name the generated files define,
  // nor share the assertion hook's TypeScript name. Last, so that it never
  // changes what the names above report.
  const modeMask =
    kernelApi.api.modeMask !== undefined
      ? { what: "accessor" as const, name: kernelApi.api.modeMask, at: span(["api", "mode_mask"]) }
      : undefined;
  // The enum's counts, where the spec names its own, are C names it chooses too.
  for (const [key, count] of [
    ["gpr_count", specEnum.gprCount],
    ["total", specEnum.total],
  ] as const)
    if (count !== undefined && !GENERATOR_IDENTIFIERS.c.has(count))
      named.push({ what: "enum count", name: count, at: span(["enum", key]) });
  for (const c of collisions(modeMask ? [...named, modeMask] : named, specEnum)) {
    const by = c.owner
      ? `${c.owner.what} '${c.owner.name}' also generates`
      : "the generator already emits";
    if (c.thing === modeMask) {
      const defines = c.owner
        ? `${c.owner.what} '${c.owner.name}' generates`
        : "the generator emits";
      report(diagnose("RC158", doc.file, c.thing.at, c.thing.name, c.identifier, defines));
    } else
      report(diagnose("RC120", doc.file, c.thing.at, c.thing.what, c.thing.name, c.identifier, by));
  }

  if (diagnostics.length > 0) return { ok: false, diagnostics: diagnostics.all() };
  return {
    ok: true,
    spec: {
      name: root["name"] as string,
      mask: mask as MaskKind,
      registers,
      enum: specEnum,
      aliases,
      backends,
      output: kernelApi.output,
      api: kernelApi.api,
      accessors: kernelApi.accessors,
      docs: kernelApi.docs,
      ...(typeof root["doc"] === "string" ? { doc: root["doc"] } : {}),
    },
  };
}
