/*
 * The spec's comments for the kernel block, checked: `api.docs` maps each
 * comment site of the block (a helper, the assertion macro, the GPR macro) to
 * the text printed above it, and an extended accessor's `doc` is printed
 * above its functions. Both are printed as written (templates/kernel), so a
 * text that would end its C comment is refused, and a site the block does
 * not have is named with the sites it does. Diagnostics as data through the
 * context; never throws.
 */
import { diagnose } from "../diagnostics/diagnostic";
import type { DocPath } from "./parse";
import { label } from "./schema";
import { didYouMean } from "../../util/suggest";
import { coreHelpers } from "./kernel-api";
import { MAX_DOC_LENGTH } from "./limits";
import {
  GPR_INNER_MACRO,
  GPR_MACRO,
  isObj,
  type ApiContext,
  type SpecAccessor,
  type SpecApi,
} from "./kernel-shape";

/**
 * The block's comment sites under this api, in block order: the GPR macro,
 * the assertion macro (api.assert), then each helper the api defines, by
 * its C name.
 */
export function docSites(api: SpecApi): string[] {
  return [
    GPR_MACRO,
    ...(api.assert ? [api.assert.macro] : []),
    ...coreHelpers(api).filter((n) => n !== GPR_MACRO && n !== GPR_INNER_MACRO),
  ];
}

/**
 * RC124 when `text` is too long, RC157 when it holds a star followed by a slash, which would end the C
 * comment it is printed in; whether it is printable.
 */
export function checkDocText(ctx: ApiContext, text: string, p: DocPath): boolean {
  if (text.length > MAX_DOC_LENGTH) {
    ctx.report(diagnose("RC124", ctx.file, ctx.span(p), MAX_DOC_LENGTH));
    return false;
  }
  if (!text.includes("*/")) return true;
  ctx.report(diagnose("RC157", ctx.file, ctx.span(p), label(p)));
  return false;
}

/**
 * api.docs, checked: site name → text (an empty text: no comment at that
 * site). RC156 for a key that is no site of this spec's block (an accessor's
 * function gets its comment from its accessors entry's doc), RC157 for a
 * text that would end its comment; the schema has checked the types.
 */
export function checkDocs(
  ctx: ApiContext,
  api: SpecApi,
  accessors: readonly SpecAccessor[],
): Readonly<Record<string, string>> {
  const section = isObj(ctx.root["api"]) ? ctx.root["api"] : {};
  const given = isObj(section["docs"]) ? section["docs"] : {};
  const sites = docSites(api);
  const known = new Set(sites);
  const docs: Record<string, string> = {};
  for (const [site, text] of Object.entries(given)) {
    if (typeof text !== "string") continue; // the schema reported it
    const p: DocPath = ["api", "docs", site];
    if (!known.has(site)) {
      const owner = accessors.find(
        (a) => a.kind === "extended" && [a.read, a.write, a.readBits, a.isBitSet].includes(site),
      );
      const [why, hint] = owner
        ? [
            ` (it is a function of the accessors of '${owner.register}')`,
            "give an accessor's comment as the doc of its accessors entry",
          ]
        : [
            ctx.wanted() ? didYouMean(site, sites) : "",
            "name the GPR macro (BUILD_KVM_GPR_ACCESSORS), the api.assert macro, or a helper the api defines, by its C name",
          ];
      ctx.report(diagnose("RC156", ctx.file, ctx.span(p, "key"), site, why, hint));
      continue;
    }
    if (checkDocText(ctx, text, p)) docs[site] = text;
  }
  return docs;
}
