/*
 * The import command's diagnostic catalog (codes RC8xx), beside the import
 * modules as size/messages.ts is beside the size modules. Same shape: one
 * entry per code, {0}, {1}… filled by importDiagnostic(). Every message says
 * what was looked for and where, since the user has to go and look there.
 */
import {
  printable,
  type Diagnostic,
  type SourceFile,
  type Span,
} from "../core/diagnostics/diagnostic";

export const importMessages = {
  RC800: { text: "cannot read {0}: {1}", hint: "check the path and its permissions" },
  RC801: {
    text: "{0} is not a compile database: {1}",
    hint: "give the compile_commands.json of a configured, built kernel tree (scripts/clang-tools/gen_compile_commands.py writes one)",
  },
  RC802: {
    text: "entry {0} of the compile database {1}",
    hint: "each entry needs 'directory' and 'file' strings and a 'command' string or an 'arguments' list",
  },
  RC803: {
    text: "no KVM translation unit in the compile database (looked for a 'file' under arch/x86/kvm/ among {0} entries)",
    hint: "build KVM first (make O=BUILD arch/x86/kvm/), then regenerate the database",
  },
  RC804: {
    text: "'enum kvm_reg' not found in {0}",
    hint: "regcache reads the register order from the kernel's own enum kvm_reg",
  },
  RC805: {
    text: "enum kvm_reg in {0}: {1}",
    hint: "the spec format describes an enum whose GPRs come first, then NR_VCPU_REGS, then the extended registers",
  },
  RC806: {
    text: "no backend register set in {0} (looked for '#define <BACKEND>_REGS_LAZY_LOAD_SET' or '#define <BACKEND>_REGS_AVAIL_SET' in {1} files)",
    hint: "the set macros say which registers each backend loads lazily; without them there is nothing to import",
  },
  RC807: {
    text: "no translation unit in the compile database sees {0} (defined in {1})",
    hint: "build the backend's objects (make O=BUILD arch/x86/kvm/) so the database lists a unit that includes it",
  },
  RC808: {
    text: "the probe for {0} did not compile with the flags of {1} (exit {2}):\n{3}",
    hint: "the probe includes that unit and reads the values with the unit's own flags; is the build directory still configured?",
  },
  RC809: {
    text: "cannot run the compiler '{0}' recorded for {1}: {2}",
    hint: "install that compiler, or regenerate the compile database with one that is installed",
  },
  RC810: {
    text: "the probe object for {0} cannot be read: {1}",
    hint: "the probe is read back from an x86-64 ELF object; LTO builds write bitcode instead",
  },
  RC811: {
    text: "{0} = {1:x} names bit {2}, which is no register of enum kvm_reg",
    hint: "every bit of a backend set must be a VCPU_REGS_* or VCPU_EXREG_* value",
  },
  RC812: {
    text: "regs_avail in struct kvm_vcpu_arch has a shape the spec cannot describe ({0})",
    hint: "the spec's mask is u32, u64 or bitmap (an unsigned long array)",
  },
  RC813: {
    text: "no shipped kernel profile (spec/linux-*.yaml) to take the API details from",
    hint: "reinstall regcache; its package ships spec/linux-6.1.yaml and spec/linux-6.12.yaml",
  },
  RC814: {
    text: "the imported spec does not validate: {0}",
    hint: "the tree describes something the spec format cannot say; the message names it",
  },
} as const;

export type ImportDiagnosticCode = keyof typeof importMessages;

/** A diagnostic in the core's shape, so the CLI's formatDiagnostic prints it. */
export function importDiagnostic(
  code: ImportDiagnosticCode,
  file: SourceFile,
  span: Span | undefined,
  ...args: (string | number | bigint)[]
): Diagnostic {
  const entry = importMessages[code];
  const fill = (template: string) =>
    template.replace(/\{(\d+)(:x)?\}/g, (_, i: string, hex?: string) => {
      const arg = args[Number(i)];
      if (typeof arg === "bigint" || typeof arg === "number")
        return hex ? `0x${arg.toString(16)}` : String(arg);
      // Compiler output keeps its line breaks; anything else is one line.
      return arg === undefined ? "" : code === "RC808" && i === "3" ? arg : printable(arg);
    });
  return {
    code,
    severity: "error",
    message: fill(entry.text),
    hint: fill(entry.hint),
    file,
    span,
  };
}
