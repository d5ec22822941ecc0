/*
 * Which registers the handler suite needs from the generated headers, so a
 * spec that drops one (say `rbp`) is refused as bad input naming the register,
 * before anything is compiled, instead of failing in the compiler with
 * "implicit declaration of function 'kvm_rbp_read'" (an environment error).
 *
 * A call `kvm_<name>_read(` or `kvm_<name>_write(` in a suite source, or of
 * Linux 7.2's raw pair `kvm_<name>_read_raw(` / `kvm_<name>_write_raw(`,
 * needs a register `<name>` from the spec, unless the function is spelled out
 * in the generated files themselves (kvm_register_read and friends) or in the
 * runtime's own headers: those are not per-register accessors. A 32-bit
 * pair's `kvm_e<x>_read(` needs `e<x>`, which a side's registers hold when its
 * api.e_pair lists `r<x>`; without it, what is missing is the register `r<x>`
 * when the spec lacks it, else only the pair.
 */
export interface AccessorCall {
  readonly register: string;
  readonly call: string;
  /** As given by the caller (a display path). */
  readonly path: string;
  readonly line: number;
  readonly column: number;
}

const ACCESSOR_CALL = /\bkvm_([a-z][a-z0-9_]*?)_(read|write)(_raw)?\s*\(/g;

/** Every per-register accessor call in the sources, in source order. */
export function accessorCalls(
  sources: readonly { readonly path: string; readonly text: string }[],
): AccessorCall[] {
  const calls: AccessorCall[] = [];
  for (const source of sources) {
    const lines = source.text.split("\n");
    lines.forEach((text, i) => {
      for (const m of text.matchAll(ACCESSOR_CALL)) {
        calls.push({
          register: m[1],
          call: `kvm_${m[1]}_${m[2]}${m[3] ?? ""}`,
          path: source.path,
          line: i + 1,
          column: (m.index ?? 0) + 1,
        });
      }
    });
  }
  return calls;
}

/** What a side lacks for one call: a register of the spec, or only a GPR's 32-bit pair. */
export interface Missing {
  /** The spec's register the call needs: rbp for kvm_rbp_read_raw and for kvm_ebp_write. */
  readonly register: string;
  /** The register is there, but its 32-bit pair is not generated (api.e_pair does not list it). */
  readonly pairOnly: boolean;
  /** The first call that needs it, in source order. */
  readonly call: AccessorCall;
}

/** ebp → rbp: the GPR whose 32-bit pair a name could be. */
const PAIR_NAME = /^e([a-z]{2})$/;

/**
 * What a side's spec lacks for the calls: one entry per missing register (or
 * missing pair) at its first call, sorted by register name, a missing
 * register before its missing pair.
 */
export function missingRegisters(
  calls: readonly AccessorCall[],
  registers: ReadonlySet<string>,
  /** Text of the side's generated files and of the runtime's own headers. */
  definedElsewhere: readonly string[],
): Missing[] {
  const first = new Map<string, Missing>();
  for (const call of calls) {
    if (registers.has(call.register)) continue;
    const spelled = new RegExp(`\\b${call.call}\\b`);
    if (definedElsewhere.some((text) => spelled.test(text))) continue;
    const pair = PAIR_NAME.exec(call.register);
    const gpr = pair ? `r${pair[1]}` : undefined;
    const missing: Missing =
      gpr === undefined
        ? { register: call.register, pairOnly: false, call }
        : { register: gpr, pairOnly: registers.has(gpr), call };
    const key = `${missing.register}${missing.pairOnly ? " pair" : ""}`;
    if (!first.has(key)) first.set(key, missing);
  }
  return [...first.values()].sort((a, b) =>
    a.register !== b.register
      ? a.register < b.register
        ? -1
        : 1
      : Number(a.pairOnly) - Number(b.pairOnly),
  );
}
