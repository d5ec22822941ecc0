/*
 * Catalog entries of the spec's own stages (the ranges are in catalog.ts):
 * reading a file (RC001–RC019), the project file (RC020–RC039), the spec's
 * YAML, shape and names (RC100–RC139), its output, api and accessors sections
 * (RC140–RC199). Data only.
 */
import { error } from "./entry";

export const specEntries = {
  RC001: error("cannot read {0}: {1}", "check the path and its permissions"),
  RC002: error("{0} is not valid UTF-8: byte {1}", "save the file as UTF-8"),
  RC003: error(
    "{0} is {1} bytes; specs are limited to {2} bytes",
    "split the spec or remove generated bulk",
  ),
  // the project file
  RC020: error(
    "{0} is not a YAML mapping",
    "a project file maps keys to values: spec, out, c-style, all-cached",
  ),
  RC021: error("unknown key '{0}' in the project file{1}", "allowed keys: {2}"),
  RC022: error("'{0}' must be {1}", "write {1} here"),
  RC023: error(
    "missing required key '{0}'",
    "add 'spec: path/to/spec.yaml' (relative to this file)",
  ),
  // the spec: YAML, shape, registers, backends, names
  RC100: error("YAML syntax error: {0}", "fix the YAML syntax at this position"),
  RC101: error(
    "duplicate key '{0}' (first given at line {1})",
    "each key may appear once in a mapping; remove or rename one",
  ),
  RC102: error("unknown key '{0}'{1}", "allowed keys here: {2}"),
  RC103: error("{0} must be {1}, found {2}", "write {1} here"),
  RC104: error(
    "unknown register '{0}'{1}",
    "backend lists may name only registers declared under 'registers'",
  ),
  RC105: error(
    "duplicate register '{0}' (first declared at line {1}{2})",
    "register names must be unique, ignoring case",
  ),
  RC106: error(
    "'{0}' is not a valid {1} name",
    "use a C identifier: an ASCII letter or '_', then ASCII letters, digits or '_'",
  ),
  RC107: error("'{0}' is a C keyword and cannot be used as a {1} name", "rename it"),
  RC108: error(
    "'{0}' is a reserved identifier ({1})",
    "names starting with '__' or '_' and an uppercase letter are reserved in C",
  ),
  RC109: error(
    "backend '{0}' gives both 'lazy' and 'available'",
    "give one: 'lazy' (the rest is always available) or 'available' (the rest is lazy)",
  ),
  RC110: error(
    "backend '{0}' gives neither 'lazy' nor 'available'",
    "add 'lazy: [...]' or 'available: [...]' (an empty list is allowed)",
  ),
  RC111: error("{0} registers do not fit in a {1} mask ({2} bits)", "use 'mask: {3}'"),
  RC112: error("register '{0}' is listed twice in backend '{1}'", "remove the second entry"),
  RC113: error(
    "guard '{0}' is not a plain preprocessor identifier",
    "use a macro name such as CONFIG_X86_64",
  ),
  RC114: error(
    "unsupported format version {0}",
    "write 'regcache: 1', the only format version this regcache reads",
  ),
  RC115: error("missing required key '{0}'", "add {1}"),
  RC116: error("'{0}' is empty", "declare at least one entry"),
  RC117: error("tab character used for indentation", "indent YAML with spaces"),
  RC118: error(
    "the document expands to more than {0}",
    "reduce alias nesting; a spec this large is not a register spec",
  ),
  RC119: error("tag '{0}' is not allowed in a spec", "remove the tag; specs are plain YAML data"),
  RC120: error(
    "{0} '{1}' would generate '{2}', which {3}",
    "rename it: each name's generated identifiers must be unique",
  ),
  RC121: error("'{0}' is not a valid spec name", "use letters, digits, '.', '_' or '-'"),
  RC122: error(
    "{0} is {1}, not a YAML mapping",
    "a spec is a mapping with keys regcache, name, mask, registers, backends",
  ),
  RC123: error(
    "backend name '{0}' is used twice (ignoring case)",
    "backend names must be unique, ignoring case",
  ),
  RC124: error("doc string is longer than {0} characters", "shorten it"),
  RC125: error("'{0}' cannot be used as a {1} name: {2}", "rename it"),
  RC126: error(
    "lone carriage return (CR) used as a line break",
    "save the file with LF or CRLF line endings",
  ),
  RC127: error(
    "alias '{0}' names '{1}', which is not a register{2}",
    "an alias stands for a register declared under registers.gpr or registers.extended",
  ),
  RC128: error(
    "'{0}' is an alias of '{1}', not a register",
    "an alias takes no bit of its own: name '{1}' here",
  ),
  RC129: error("enum.{0} '{1}' {2}", "{3}"),
  // the spec's size limits (core/spec/limits.ts)
  RC130: error(
    "the document nests more than {0} levels deep",
    "a spec nests four levels (the spec, backends, a backend, its list); flatten the structure",
  ),
  RC131: error(
    "alias '*{0}' refers to a node that contains it",
    "an alias repeats a node written before and outside it; a recursive document has no value",
  ),
  RC132: error(
    "the document has {0} aliases; a spec may have at most {1}",
    "write the values out, or share fewer of them through aliases",
  ),
  RC133: error(
    "the spec declares {0} registers; a spec may declare at most {1}",
    "split the spec, or declare only the registers the cache keeps",
  ),
  RC134: error(
    "the spec declares {0} backends; a spec may declare at most {1}",
    "split the spec by backend",
  ),
  RC136: error(
    "the spec declares {0} registers and {1} backends, {2} pairs; a spec may declare at most {3}",
    "split the spec by backend, or declare only the registers the cache keeps",
  ),
  RC135: error(
    "{0} more problems are not shown",
    "fix the problems above and run regcache again to see the rest",
  ),
  // the spec: output, api, accessors
  RC140: error("{0} '{1}' is not valid", "{2}"),
  RC141: error(
    "accessors name unknown register '{0}'{1}",
    "accessors may name only registers declared under 'registers'",
  ),
  RC142: error(
    "register '{0}' has accessors twice (first at line {1})",
    "give each register one accessors entry",
  ),
  RC143: error("'{0}' is {1}", "{2}"),
  RC144: error("the accessors of '{0}' {1}", "{2}"),
  RC145: error(
    "always_inline names '{0}', which this spec does not define{1}",
    "name the GPR macro (BUILD_KVM_GPR_ACCESSORS), a kvm_register_* helper the api defines, a GPR accessor or a function the accessors name",
  ),
  RC147: error(
    "kernel_header '{0}' is the name of the kernel's own header",
    "a quoted #include of it beside {1} would include itself; keep {2}",
  ),
  RC148: error(
    "the ts target needs the value of '{0}', which regcache does not know",
    "give its value (guest_owned.value), name {1}, or write only the C targets (output.targets: [c] or [kernel])",
  ),
  RC149: error("{0} needs {1}", "{2}"),
  RC150: error(
    "the bulk helpers work on one word of the bitmap, but this spec has {0} registers",
    "keep at most 64 registers, or leave out api.bulk_helpers",
  ),
  RC151: error("e_pair names '{0}', {1}", "{2}"),
  RC152: error(
    "{0} is written only by the kernel target, which this spec does not write",
    "add kernel to output.targets, or leave out {0}",
  ),
  RC155: error(
    "mode_mask names '{0}', but the c target's runtime defines the mode mask as kvm_reg_mode_mask",
    "name kvm_reg_mode_mask (runtime/include/kvm_host.h defines it), or leave the c target out of output.targets",
  ),
  RC156: error("api.docs names '{0}', which is no comment site of this spec's block{1}", "{2}"),
  RC157: error(
    "{0} holds '*/', which would end the C comment it is printed in",
    "write it otherwise (e.g. '* /'): the text is printed as written",
  ),
  RC158: error(
    "mode_mask '{0}' is called as '{1}', which {2}",
    "mode_mask names the helper defined beside the generated code (the kernel's kvm_reg_mode_mask); give it a name the generated files do not define",
  ),
} as const;
