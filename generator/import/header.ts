/*
 * What a tree's register-cache header says about the API, read from its text:
 * where the region regcache replaces starts and ends (output.adopts) and what
 * the generated file is called, the GPR accessor family (plain, or mode_aware
 * with its mask helper and 32-bit pairs), which helpers exist, the assertion
 * the per-register helpers open with, static inline or __always_inline per
 * helper, each accessor (accessors.ts), and the maintainers' comment at each
 * of the block's comment sites (api.docs, an accessor's doc). The values are
 * spelt as a spec spells them, so they can be laid over a profile's
 * (overlay.ts).
 *
 * The compiler cannot answer these (they are function bodies, not values),
 * so the text is read; the shapes are the few the kernel writes (Linux 6.1 to
 * 7.2), each recognised strictly, and what does not match is not read
 * (HeaderFacts.unread).
 *
 * Pure: the header's text and the enum's spelling in, facts out.
 */
import {
  coreHelpers,
  DEFAULT_ADOPTS,
  DEFAULT_API,
  DEFAULT_OUTPUT,
  GPR_INNER_MACRO,
  GPR_MACRO,
  type SpecAdopts,
} from "../core/spec/kernel-sections";
import { readAccessors, type AccessorEntry, type AccessorNames } from "./accessors";
import { maskCommentsAndStrings } from "../targets/kernel/adoption";
import {
  commentAbove,
  commentInside,
  definitions,
  macroLinkage,
  type FunctionDefinition,
  type Linkage,
} from "./c-text";
import { docSites } from "../core/spec/docs";

/** The api keys the header answers, as a spec writes them (a key left out: the spec's default). */
export interface HeaderApi {
  readonly bitops?: "kernel";
  readonly raw_pair: boolean;
  readonly test_and_mark_available: boolean;
  readonly mark_for_reload: boolean;
  readonly bulk_helpers: boolean;
  readonly assert?: { readonly macro: string; readonly condition: string };
  readonly gpr_family: "plain" | "mode_aware";
  readonly mode_mask?: string;
  readonly e_pair: readonly string[];
  readonly inline: Linkage;
  readonly always_inline: readonly string[];
  /**
   * The comment at each of the block's sites the header defines (docComments):
   * its maintainers' text, or "" where it has none.
   */
  readonly docs: Readonly<Record<string, string>>;
}

export interface HeaderFacts {
  /** The header's file name in arch/x86/kvm/: kvm_cache_regs.h, regs.h. */
  readonly header: string;
  readonly output: {
    readonly kernel_header: string;
    readonly spdx?: string;
    readonly adopts: SpecAdopts;
  };
  readonly api: HeaderApi;
  readonly accessors: readonly AccessorEntry[];
  /**
   * Keys the header writes in a way the spec cannot say or regcache does not
   * recognise ("api.assert", "api.bitops", "output.spdx"): not read, so the
   * profile's stand.
   */
  readonly unread: readonly string[];
}

export interface HeaderInput extends AccessorNames {
  /** The header's file name in arch/x86/kvm/. */
  readonly name: string;
  readonly text: string;
}

/** Whether a header text holds the register cache: it defines the GPR macro. */
export const definesGprMacro = (text: string): boolean =>
  new RegExp(`^[ \\t]*#[ \\t]*define[ \\t]+${GPR_MACRO}\\b`, "m").test(text);

export function readHeader(input: HeaderInput): HeaderFacts {
  const { macros, functions } = definitions(input.text);
  const macro = (name: string) => macros.find((m) => m.name === name);
  const fn = (name: string) => functions.find((f) => f.name === name);

  const outer = macro(GPR_MACRO);
  const inner = macro(GPR_INNER_MACRO);
  const modeAware = inner !== undefined && /_read_raw\b/.test(inner.body);
  const modeMask = modeAware
    ? /&\s*([A-Za-z_]\w*)\s*\(\s*vcpu\s*\)/.exec(inner!.body)?.[1]
    : undefined;
  const ePair =
    modeAware && outer && /\bkvm_e##/.test(outer.body) ? instancesOf(input.text, GPR_MACRO) : [];

  const accessors = readAccessors(input, functions, (f) => commentAbove(input.text, f.offset));
  const isAvailable = fn("kvm_register_is_available");
  const assertion = isAvailable ? assertionOf(isAvailable, macros) : null;
  const flags = {
    rawPair: fn("kvm_register_read_raw") !== undefined,
    testAndMarkAvailable: fn("kvm_register_test_and_mark_available") !== undefined,
    markForReload: fn("kvm_register_mark_for_reload") !== undefined,
    bulkHelpers:
      fn("kvm_clear_available_registers") !== undefined &&
      fn("kvm_reset_dirty_registers") !== undefined,
    gprFamily: modeAware ? ("mode_aware" as const) : ("plain" as const),
  };
  // The helpers a spec with these flags defines, as the header defines them.
  const core = coreHelpers(flags)
    .map(fn)
    .filter((f): f is FunctionDefinition => f !== undefined);

  // Linkage of everything the spec defines: the macros, the helpers, the accessors.
  const linked: { name: string; linkage: Linkage | undefined; offset: number }[] = [
    ...[outer, modeAware ? inner : undefined]
      .filter((m) => m !== undefined)
      .map((m) => ({ name: m!.name, linkage: macroLinkage(m!.body), offset: m!.offset })),
    ...[...core, ...accessors.functions].map((f) => ({
      name: f.name,
      linkage: f.linkage,
      offset: f.offset,
    })),
  ];
  const always = linked.filter((l) => l.linkage === "always_inline");
  const allAlways = always.length === linked.length;
  // The GPR macro first (it stands for most of the accessors), then in header order.
  const alwaysInline = allAlways
    ? []
    : always
        .sort((a, b) =>
          a.name === GPR_MACRO ? -1 : b.name === GPR_MACRO ? 1 : a.offset - b.offset,
        )
        .map((l) => l.name);

  // The region: from the first GPR macro through the last function the spec defines.
  const first = [outer, inner]
    .filter((m) => m !== undefined)
    .sort((a, b) => a!.offset - b!.offset)[0];
  const last = [...core, ...accessors.functions].sort((a, b) => b.offset - a.offset)[0];
  const adopts: SpecAdopts =
    first && last
      ? { header: input.name, first: first.name, last: last.name }
      : { ...DEFAULT_ADOPTS, header: input.name };
  const spdx = /^\s*(?:\/\*|\/\/)\s*SPDX-License-Identifier:\s*(.+?)\s*(?:\*\/)?\s*$/.exec(
    input.text.split("\n")[0] ?? "",
  )?.[1];

  return {
    header: input.name,
    output: {
      kernel_header:
        input.name === DEFAULT_ADOPTS.header
          ? DEFAULT_OUTPUT.kernelHeader
          : input.name.replace(/\.h$/, "_gen.h"),
      ...(spdx !== undefined ? { spdx } : {}),
      adopts,
    },
    api: {
      ...(isAvailable && /\btest_bit\s*\(/.test(isAvailable.body)
        ? { bitops: "kernel" as const }
        : {}),
      raw_pair: flags.rawPair,
      test_and_mark_available: flags.testAndMarkAvailable,
      mark_for_reload: flags.markForReload,
      bulk_helpers: flags.bulkHelpers,
      ...(assertion ? { assert: assertion } : {}),
      gpr_family: flags.gprFamily,
      ...(modeMask !== undefined ? { mode_mask: modeMask } : {}),
      e_pair: ePair,
      inline: allAlways ? "always_inline" : "inline",
      always_inline: alwaysInline,
      docs: docComments(input.text, flags, assertion ?? undefined, macros, functions),
    },
    accessors: accessors.entries,
    unread: [
      ...(spdx === undefined ? ["output.spdx"] : []),
      ...(isAvailable && /\btest_bit\s*\(/.test(isAvailable.body) ? [] : ["api.bitops"]),
      ...(assertion === undefined ? ["api.assert"] : []),
    ],
  };
}

/**
 * The maintainers' comment at each comment site of the block the header's
 * api gives (core/spec/docs.ts), by site: the block comment right above the
 * definition, or, for a helper with none there, the one comment of its own
 * inside its body (printed above it by the block). "" where there is none,
 * so that the block prints none either; the GPR macro's is always "", as a
 * comment above it is outside the region adoption replaces and stays in the
 * tree. A site the header does not define is left out.
 */
function docComments(
  text: string,
  flags: {
    rawPair: boolean;
    testAndMarkAvailable: boolean;
    markForReload: boolean;
    bulkHelpers: boolean;
    gprFamily: "plain" | "mode_aware";
  },
  assertion: { macro: string; condition: string } | undefined,
  macros: readonly { name: string; offset: number }[],
  functions: readonly FunctionDefinition[],
): Record<string, string> {
  const docs: Record<string, string> = {};
  const sites = docSites({ ...DEFAULT_API, ...flags, ...(assertion ? { assert: assertion } : {}) });
  for (const site of sites) {
    if (site === GPR_MACRO) {
      docs[site] = "";
      continue;
    }
    const m = macros.find((x) => x.name === site);
    const f = functions.find((x) => x.name === site);
    if (m) docs[site] = commentAbove(text, m.offset) ?? "";
    else if (f) docs[site] = commentAbove(text, f.offset) ?? commentInside(text, f) ?? "";
  }
  return docs;
}

/** The GPRs a macro is instantiated for outside any #define, by its second argument: rax. */
function instancesOf(text: string, name: string): string[] {
  const re = new RegExp(
    `^[ \\t]*${name}[ \\t]*\\([ \\t]*\\w+[ \\t]*,[ \\t]*(\\w+)[ \\t]*\\)`,
    "gm",
  );
  return [...maskCommentsAndStrings(text).matchAll(re)].map((m) => m[1].toLowerCase());
}

/**
 * The assertion kvm_register_is_available opens with: a call `M(vcpu);` of a
 * macro M the header defines as `lockdep_assert_once(CONDITION)`. Null when
 * it opens with no macro call; undefined when the macro is something else,
 * which the spec cannot say.
 */
function assertionOf(
  isAvailable: FunctionDefinition,
  macros: readonly { name: string; params?: readonly string[]; body: string }[],
): { macro: string; condition: string } | null | undefined {
  const call = /^\{\s*([A-Za-z_]\w*)\s*\(\s*vcpu\s*\)\s*;/.exec(isAvailable.body);
  const m = call ? macros.find((x) => x.name === call[1] && x.params !== undefined) : undefined;
  if (!m) return null;
  const held = m.params!.length === 1 ? /^lockdep_assert_once\s*\(([^]*)\)$/.exec(m.body) : null;
  if (!held) return undefined;
  const param = m.params![0];
  // The spec's condition names the vCPU `vcpu`, as the helpers' parameter is called.
  const condition = held[1]
    .replace(new RegExp(`\\b${param}\\b`, "g"), "vcpu")
    .replace(/\s+/g, " ")
    .trim();
  return { macro: m.name, condition };
}
