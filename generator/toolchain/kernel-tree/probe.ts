/*
 * The probe: a translation unit that includes one of the tree's own KVM units
 * and then asks the compiler for values, each written as a pair of 64-bit
 * words { present, value } into a section of its own. Compiled with that
 * unit's recorded flags (compile-db.ts), the values are exactly what the
 * kernel's build sees: enumerators, set macros however they are spelt (1 <<,
 * BIT_ULL, helper macros), the width of regs_avail, which cache_reg dispatch
 * the headers offer. The object's section is read back with the ELF reader.
 *
 * Pure: items in, C text out; section bytes in, values out.
 */

/** The section the probe's values live in. */
export const PROBE_SECTION = ".regcache_probe";
/** The section holding UTS_RELEASE, NUL-terminated (empty when the build has no utsrelease.h). */
export const RELEASE_SECTION = ".regcache_probe_release";

export interface ProbeItem {
  /** What the caller calls it, e.g. "enum:VCPU_REGS_RAX" (not printed into the C). */
  readonly key: string;
  /** A C integer constant expression. */
  readonly expression: string;
  /**
   * A preprocessor condition line (`#ifdef CONFIG_X86_64`) under which the
   * expression exists; outside it the item reads back as absent.
   */
  readonly condition?: string;
}

export interface ProbeValue {
  readonly key: string;
  /** Undefined when the item's condition was false in this build. */
  readonly value?: bigint;
}

/** The probe's C source: the unit itself, then the values. */
export function probeSource(unitPath: string, items: readonly ProbeItem[]): string {
  const lines = [
    "/* regcache probe: the unit below, then the values it asks for. */",
    `#include ${JSON.stringify(unitPath)}`,
    "",
    `static const unsigned long long regcache_probe_values[][2]`,
    `\t__attribute__((used, aligned(8), section(${JSON.stringify(PROBE_SECTION)}))) = {`,
  ];
  for (const item of items) {
    if (item.condition) lines.push(item.condition);
    lines.push(`\t{ 1, (unsigned long long)(${item.expression}) },`);
    if (item.condition) lines.push("#else", "\t{ 0, 0 },", "#endif");
  }
  lines.push(
    "};",
    "",
    "#if __has_include(<generated/utsrelease.h>)",
    "#include <generated/utsrelease.h>",
    "#endif",
    "#ifndef UTS_RELEASE",
    '#define UTS_RELEASE ""',
    "#endif",
    "static const char regcache_probe_release[]",
    `\t__attribute__((used, section(${JSON.stringify(RELEASE_SECTION)}))) = UTS_RELEASE;`,
    "",
  );
  return lines.join("\n");
}

export type DecodeResult =
  | { readonly ok: true; readonly values: readonly ProbeValue[]; readonly release: string }
  | { readonly ok: false; readonly message: string };

/** Reads the probe's sections back, in item order. */
export function decodeProbe(
  items: readonly ProbeItem[],
  values: Buffer | undefined,
  release: Buffer | undefined,
): DecodeResult {
  if (!values) return { ok: false, message: `the object has no ${PROBE_SECTION} section` };
  if (values.length !== items.length * 16) {
    return {
      ok: false,
      message: `${PROBE_SECTION} holds ${values.length} bytes, expected ${items.length * 16}`,
    };
  }
  const out = items.map((item, i) => {
    const present = values.readBigUInt64LE(i * 16) === 1n;
    return present
      ? { key: item.key, value: values.readBigUInt64LE(i * 16 + 8) }
      : { key: item.key };
  });
  const text = release ? release.toString("latin1") : "";
  const end = text.indexOf("\0");
  return { ok: true, values: out, release: end < 0 ? text : text.slice(0, end) };
}
