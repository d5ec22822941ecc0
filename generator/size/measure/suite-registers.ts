/*
 * Which registers the handler suite needs from the generated headers, so a
 * spec that drops one (say `rbp`) is refused as bad input naming the register,
 * before anything is compiled, instead of failing in the compiler with
 * "implicit declaration of function 'kvm_rbp_read'" (an environment error).
 *
 * A call `kvm_<name>_read(` or `kvm_<name>_write(` in a suite source, or of
 * Linux 7.2's raw pair `kvm_<name>_read_raw(` / `kvm_<name>_write_raw(`,
 * needs a register `<name>` from the spec (a 32-bit pair's `kvm_e<x>_read(`
 * needs `e<x>`, which a side with api.e_pair lists), unless the function is
 * spelled out in the generated files themselves (kvm_register_read and
 * friends) or in the runtime's own headers: those are not per-register
 * accessors.
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

/**
 * The calls whose register a side's spec does not have: the first call per
 * missing register, sorted by register name.
 */
export function missingRegisters(
  calls: readonly AccessorCall[],
  registers: ReadonlySet<string>,
  /** Text of the side's generated files and of the runtime's own headers. */
  definedElsewhere: readonly string[],
): AccessorCall[] {
  const firstByRegister = new Map<string, AccessorCall>();
  for (const call of calls) {
    if (registers.has(call.register) || firstByRegister.has(call.register)) continue;
    const spelled = new RegExp(`\\b${call.call}\\b`);
    if (definedElsewhere.some((text) => spelled.test(text))) continue;
    firstByRegister.set(call.register, call);
  }
  return [...firstByRegister.values()].sort((a, b) => (a.register < b.register ? -1 : 1));
}
