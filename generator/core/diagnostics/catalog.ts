/*
 * The diagnostic catalog: one entry per code, so every message the tool can
 * print about a user's input is listed in one place (and in docs/errors.md).
 * Messages are templates; {0}, {1}… are filled by diagnose().
 */
export const messages = {
  RC001: { text: "cannot read {0}: {1}", hint: "check the path and its permissions" },
  RC002: {
    text: "{0} is not valid UTF-8: byte {1}",
    hint: "save the file as UTF-8",
  },
  RC003: {
    text: "{0} is {1} bytes; specs are limited to {2} bytes",
    hint: "split the spec or remove generated bulk",
  },
  RC020: {
    text: "{0} is not a YAML mapping",
    hint: "a project file maps keys to values: spec, out, c-style, all-cached",
  },
  RC021: { text: "unknown key '{0}' in the project file{1}", hint: "allowed keys: {2}" },
  RC022: { text: "'{0}' must be {1}", hint: "write {1} here" },
  RC023: {
    text: "missing required key '{0}'",
    hint: "add 'spec: path/to/spec.yaml' (relative to this file)",
  },
  RC100: { text: "YAML syntax error: {0}", hint: "fix the YAML syntax at this position" },
  RC101: {
    text: "duplicate key '{0}' (first given at line {1})",
    hint: "each key may appear once in a mapping; remove or rename one",
  },
  RC102: { text: "unknown key '{0}'{1}", hint: "allowed keys here: {2}" },
  RC103: { text: "{0} must be {1}, found {2}", hint: "write {1} here" },
  RC104: {
    text: "unknown register '{0}'{1}",
    hint: "backend lists may name only registers declared under 'registers'",
  },
  RC105: {
    text: "duplicate register '{0}' (first declared at line {1}{2})",
    hint: "register names must be unique, ignoring case",
  },
  RC106: {
    text: "'{0}' is not a valid {1} name",
    hint: "use a C identifier: an ASCII letter or '_', then ASCII letters, digits or '_'",
  },
  RC107: { text: "'{0}' is a C keyword and cannot be used as a {1} name", hint: "rename it" },
  RC108: {
    text: "'{0}' is a reserved identifier ({1})",
    hint: "names starting with '__' or '_' and an uppercase letter are reserved in C",
  },
  RC109: {
    text: "backend '{0}' gives both 'lazy' and 'available'",
    hint: "give one: 'lazy' (the rest is always available) or 'available' (the rest is lazy)",
  },
  RC110: {
    text: "backend '{0}' gives neither 'lazy' nor 'available'",
    hint: "add 'lazy: [...]' or 'available: [...]' (an empty list is allowed)",
  },
  RC111: { text: "{0} registers do not fit in a {1} mask ({2} bits)", hint: "use 'mask: {3}'" },
  RC112: {
    text: "register '{0}' is listed twice in backend '{1}'",
    hint: "remove the second entry",
  },
  RC113: {
    text: "guard '{0}' is not a plain preprocessor identifier",
    hint: "use a macro name such as CONFIG_X86_64",
  },
  RC114: {
    text: "unsupported format version {0}",
    hint: "write 'regcache: 1', the only format version this regcache reads",
  },
  RC115: { text: "missing required key '{0}'", hint: "add {1}" },
  RC116: { text: "'{0}' is empty", hint: "declare at least one entry" },
  RC117: { text: "tab character used for indentation", hint: "indent YAML with spaces" },
  RC118: {
    text: "the document expands to more than {0}",
    hint: "reduce alias nesting; a spec this large is not a register spec",
  },
  RC119: {
    text: "tag '{0}' is not allowed in a spec",
    hint: "remove the tag; specs are plain YAML data",
  },
  RC120: {
    text: "{0} '{1}' would generate '{2}', which {3}",
    hint: "rename it: each name's generated identifiers must be unique",
  },
  RC121: { text: "'{0}' is not a valid spec name", hint: "use letters, digits, '.', '_' or '-'" },
  RC122: {
    text: "{0} is {1}, not a YAML mapping",
    hint: "a spec is a mapping with keys regcache, name, mask, registers, backends",
  },
  RC123: {
    text: "backend name '{0}' is used twice (ignoring case)",
    hint: "backend names must be unique, ignoring case",
  },
  RC124: { text: "doc string is longer than {0} characters", hint: "shorten it" },
  RC125: { text: "'{0}' cannot be used as a {1} name: {2}", hint: "rename it" },
  RC126: {
    text: "lone carriage return (CR) used as a line break",
    hint: "save the file with LF or CRLF line endings",
  },
  RC140: { text: "{0} '{1}' is not valid", hint: "{2}" },
  RC141: {
    text: "accessors name unknown register '{0}'{1}",
    hint: "accessors may name only registers declared under 'registers'",
  },
  RC142: {
    text: "register '{0}' has accessors twice (first at line {1})",
    hint: "give each register one accessors entry",
  },
  RC143: { text: "'{0}' is {1}", hint: "{2}" },
  RC144: { text: "the accessors of '{0}' {1}", hint: "{2}" },
  RC145: {
    text: "always_inline names '{0}', which this spec does not define{1}",
    hint: "name the GPR macro (BUILD_KVM_GPR_ACCESSORS), a kvm_register_* helper the api defines, a GPR accessor or a function the accessors name",
  },
  RC146: { text: "bitops: kernel needs a u32 or u64 mask, not {0}", hint: "{1}" },
  RC147: {
    text: "kernel_header '{0}' is the name of the kernel's own header",
    hint: "a quoted #include of it beside kvm_cache_regs.h would include itself; keep kvm_cache_regs_gen.h",
  },
  RC148: {
    text: "the ts target needs the value of '{0}', which regcache does not know",
    hint: "name {1}, or write only the C targets (output.targets: [c] or [kernel])",
  },
} as const;

export type DiagnosticCode = keyof typeof messages;
