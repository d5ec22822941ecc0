/*
 * Catalog entries of `regcache import` (RC800–RC899; the ranges are in
 * catalog.ts). Every message says what was looked for and where, since the
 * user has to go and look there. Data only.
 */
import { error } from "./entry";

export const importEntries = {
  RC800: error("cannot read {0}: {1}", "check the path and its permissions"),
  RC801: error(
    "{0} is not a compile database: {1}",
    "give the compile_commands.json of a configured, built kernel tree (scripts/clang-tools/gen_compile_commands.py writes one)",
  ),
  RC802: error(
    "entry {0} of the compile database {1}",
    "each entry needs 'directory' and 'file' strings and a 'command' string or an 'arguments' list",
  ),
  RC803: error(
    "no KVM translation unit in the compile database (looked for a 'file' under arch/x86/kvm/ among {0} entries)",
    "build KVM first (make O=BUILD arch/x86/kvm/), then regenerate the database",
  ),
  RC804: error(
    "'enum kvm_reg' not found in {0}",
    "regcache reads the register order from the kernel's own enum kvm_reg",
  ),
  RC805: error(
    "enum kvm_reg in {0}: {1}",
    "the spec format describes an enum whose GPRs come first, then their count (NR_VCPU_REGS; NR_VCPU_GENERAL_PURPOSE_REGS in Linux 7.2), then the extended registers, optionally closed by a total (NR_VCPU_TOTAL_REGS)",
  ),
  RC806: error(
    "no backend register set in {0} (looked for '#define <BACKEND>_REGS_LAZY_LOAD_SET' or '#define <BACKEND>_REGS_AVAIL_SET' in {1} files)",
    "the set macros say which registers each backend loads lazily; without them there is nothing to import",
  ),
  RC807: error(
    "no translation unit in the compile database sees {0} (defined in {1})",
    "build the backend's objects (make O=BUILD arch/x86/kvm/) so the database lists a unit that includes it",
  ),
  RC808: error(
    "the probe for {0} did not compile with the flags of {1} (exit {2}):\n{3:lines}",
    "the probe includes that unit and reads the values with the unit's own flags; is the build directory still configured?",
  ),
  RC809: error(
    "cannot run the compiler '{0}' recorded for {1}: {2}",
    "install that compiler, or regenerate the compile database with one that is installed",
  ),
  RC810: error(
    "the probe object for {0} cannot be read: {1}",
    "the probe is read back from an x86-64 ELF object; LTO builds write bitcode instead",
  ),
  RC811: error(
    "{0} = {1:x} names bit {2}, which is no register of enum kvm_reg",
    "every bit of a backend set must be the value of a register of the enum (VCPU_REGS_*, VCPU_EXREG_*, or VCPU_REG_* in Linux 7.2)",
  ),
  RC812: error(
    "regs_avail in struct kvm_vcpu_arch has a shape the spec cannot describe ({0})",
    "the spec's mask is u32, u64 or bitmap (an unsigned long array)",
  ),
  RC813: error(
    "no shipped kernel profile (spec/linux-*.yaml) to take the API details from",
    "reinstall regcache; its package ships spec/linux-6.1.yaml, spec/linux-6.12.yaml and spec/linux-7.2.yaml",
  ),
  RC814: error(
    "the imported spec does not validate: {0}",
    "the tree describes something the spec format cannot say; the message names it",
  ),
  RC815: error(
    "cannot tell whether {0} is a lazy or an available set: {1:whole}",
    "regcache reads it from where the set is applied after VM-exit, never from its name: kvm_clear_available_registers(vcpu, SET) or regs_avail &= ~SET makes its registers lazy; kvm_clear_available_registers(vcpu, ~SET) or regs_avail &= SET keeps only them available",
  ),
} as const;
