/*
 * docs/errors.md, built from the catalog and the error baselines: every code
 * of the catalog with its stage, message and hint; for the spec's codes also
 * what it means, a real example (the bad spec and what regcache printed for
 * it, taken from tests/errors/) and how to fix it. errors.test.ts checks the
 * page is current; UPDATE_GOLDEN=1 rewrites it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  messages,
  rangeOf,
  RANGES,
  type DiagnosticCode,
} from "../../generator/core/diagnostics/catalog";
import { SPECIAL } from "./cases";
import {
  MAX_ALIASES,
  MAX_BACKENDS,
  MAX_DEPTH,
  MAX_DIAGNOSTICS,
  MAX_REGISTERS,
  MAX_REGISTER_BACKEND_PAIRS,
} from "../../generator/core/spec/limits";

const here = __dirname;

/** The codes of a spec's own stages (read, project, spec, sections): each has a baseline here. */
export type SpecCode = Extract<DiagnosticCode, `RC0${string}` | `RC1${string}`>;

/** What each code means and how to fix it, and the case that shows it best. */
export const ABOUT: Record<SpecCode, { title: string; example: string; fix: string }> = {
  RC001: {
    title: "The spec (or a template) cannot be read",
    example: "missing-file",
    fix: "Check the path given to `--spec` (relative to the working directory) and that it names a readable regular file. For a template, reinstall regcache: the templates ship with it.",
  },
  RC002: {
    title: "The file is not UTF-8",
    example: "not-utf8",
    fix: "Re-save the file as UTF-8. The position points at the first byte that is not UTF-8 (shown as `�`); a file saved as UTF-16 is named as such.",
  },
  RC003: {
    title: "The file is larger than the spec size limit",
    example: "too-large",
    fix: "A register spec is a few kilobytes; the limit (1 MiB) guards against pointing `--spec` at the wrong file. Check the path, or remove generated bulk from the spec.",
  },
  RC020: {
    title: "The project file is not a mapping",
    example: "project-file-not-a-mapping",
    fix: '`regcache.config.yaml` maps keys to values: `spec: path/to/spec.yaml`, optionally `out`, `c-style` and `all-cached` (README.md, "Project file").',
  },
  RC021: {
    title: "Unknown key in the project file",
    example: "project-file-invalid",
    fix: "Use one of the keys the help line lists; a close misspelling is suggested. Options of other commands do not belong in the project file.",
  },
  RC022: {
    title: "Wrong value in the project file",
    example: "project-file-invalid",
    fix: "Write a value of the kind the message asks for: paths are relative to the project file's directory, `c-style` is `macro` or `expanded`, `all-cached` is `true` or `false`.",
  },
  RC023: {
    title: "The project file names no spec",
    example: "project-file-invalid",
    fix: "Add `spec: path/to/spec.yaml`, relative to the project file's directory.",
  },
  RC100: {
    title: "YAML syntax error",
    example: "yaml-syntax",
    fix: "Fix the YAML at the position shown: unclosed `[` or `{`, a missing `:` or a stray character are the usual causes. A spec is one YAML document (no second `---`).",
  },
  RC101: {
    title: "Duplicate key",
    example: "duplicate-key",
    fix: "Each key may appear once in a mapping. Merge the two entries, or delete one; the message names the line of the first.",
  },
  RC102: {
    title: "Unknown key",
    example: "unknown-key",
    fix: "Use one of the keys listed in the help line; a close misspelling is suggested. Keys are case-sensitive.",
  },
  RC103: {
    title: "Wrong type",
    example: "wrong-types",
    fix: "Write a value of the kind the message asks for: a list is `[a, b]` or one `- item` per line, a mapping is `{ key: value }` or indented `key: value` lines.",
  },
  RC104: {
    title: "Unknown register in a backend list",
    example: "unknown-register",
    fix: "Backend lists may name only registers declared under `registers:` (exactly, including case). Use the suggested name, or declare the register.",
  },
  RC105: {
    title: "Duplicate register",
    example: "duplicate-register",
    fix: "Register names must be unique across `gpr` and `extended`, ignoring case (`rax` and `RAX` generate the same C names). Remove or rename one.",
  },
  RC106: {
    title: "Not a C identifier",
    example: "not-an-identifier",
    fix: "Register and backend names become C and TypeScript identifiers: an ASCII letter or `_`, then ASCII letters, digits or `_`. Nothing else reaches the generated code.",
  },
  RC107: {
    title: "C keyword used as a name",
    example: "c-keyword",
    fix: "Rename the register or backend; C keywords (`int`, `static`, `register`, …) cannot be names.",
  },
  RC108: {
    title: "Reserved identifier",
    example: "reserved-name",
    fix: "C reserves names starting with `__` or with `_` and an uppercase letter for the implementation. Drop the leading underscores.",
  },
  RC109: {
    title: "Backend gives both `lazy` and `available`",
    example: "lazy-and-available",
    fix: "Give one list: `lazy` (the registers the backend fetches through `cache_reg`; the rest are always available) or `available` (the rest are lazy).",
  },
  RC110: {
    title: "Backend gives neither `lazy` nor `available`",
    example: "neither-lazy-nor-available",
    fix: "Add `lazy: [...]` or `available: [...]`; an empty list is allowed (`lazy: []` means every register is always available on that backend).",
  },
  RC111: {
    title: "More registers than the mask holds",
    example: "mask-too-small-u32",
    fix: "Every register takes one bit of `regs_avail`/`regs_dirty`. Use the wider mask the help line names (`u64`, or `bitmap` for any number).",
  },
  RC112: {
    title: "Register listed twice in one backend",
    example: "duplicate-in-backend-list",
    fix: "Remove the second entry.",
  },
  RC113: {
    title: "Guard is not a plain preprocessor identifier",
    example: "bad-guard",
    fix: "`when:` takes one macro name, emitted as `#ifdef NAME`. Expressions (`defined(X)`, `A && B`) are not supported: define one macro for the condition.",
  },
  RC114: {
    title: "Unsupported format version",
    example: "unsupported-version",
    fix: "Write `regcache: 1` (the number, unquoted). A newer format needs a newer regcache.",
  },
  RC115: {
    title: "Missing required key",
    example: "missing-keys",
    fix: "Add the key; the help line shows its shape. A spec needs `regcache`, `name`, `mask`, `registers` (with `gpr`) and `backends`; a register given as a mapping needs `name`.",
  },
  RC116: {
    title: "Empty section",
    example: "empty-sections",
    fix: "Declare at least one general-purpose register and at least one backend.",
  },
  RC117: {
    title: "Tab used for indentation",
    example: "tab-indent",
    fix: "YAML indents with spaces only. Replace the tab with spaces (most editors: convert indentation to spaces).",
  },
  RC118: {
    title: "Alias expansion too large",
    example: "billion-laughs",
    fix: 'Aliases (`*name`) are expanded by copying; nested aliases grow exponentially (a "billion laughs" document). regcache stops at 10,000 nodes reached through aliases. Write the lists out, or alias less.',
  },
  RC119: {
    title: "Tag not allowed",
    example: "custom-tags",
    fix: "Specs are plain data: remove the tag. Only the core YAML tags (`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!seq`, `!!map`) are accepted; nothing is ever constructed or executed from a tag.",
  },
  RC120: {
    title: "Generated identifiers collide",
    example: "generated-name-clash",
    fix: "Two names would generate the same C or TypeScript identifier (a backend `vcpu` defines `VCPU_REGS_LAZY_LOAD_SET`, which is also register `lazy_load_set`'s enum constant; `a_b` and `a__b` are both `aBRead` in TypeScript). Rename one.",
  },
  RC121: {
    title: "Invalid spec name",
    example: "bad-spec-name",
    fix: "`name:` appears in comments and file banners: use letters, digits, `.`, `_` or `-`, starting with a letter or digit.",
  },
  RC122: {
    title: "The spec is not a mapping",
    example: "not-a-mapping",
    fix: "A spec is a YAML mapping with the keys `regcache`, `name`, `mask`, `registers` and `backends` at the top level (not a list, not empty).",
  },
  RC123: {
    title: "Backend name used twice",
    example: "backend-case-duplicate",
    fix: "Backend names must be unique ignoring case (`vmx` and `VMX` generate the same `VMX_REGS_*` macros). Merge or rename.",
  },
  RC124: {
    title: "Doc string too long",
    example: "doc-too-long",
    fix: "Doc strings become comments in the generated code; keep them under 2,000 characters and put longer prose in the spec's own comments.",
  },
  RC125: {
    title: "Name the generated code cannot use",
    example: "unusable-name",
    fix: "`linux`, `unix` and `i386` are predefined macros in GNU C, and `X`/`x` is the parameter of the generated `KVM_BACKENDS(X)` macro; either would silently change what the generated macros expand to. Rename it.",
  },
  RC126: {
    title: "Lone carriage return line endings",
    example: "lone-cr",
    fix: "The file uses old Mac line endings (CR alone), which YAML parsers read as one long line. Save it with LF (or CRLF) line endings.",
  },
  RC127: {
    title: "An alias of a register the spec does not declare",
    example: "alias-unknown-register",
    fix: "An alias is another enumerator for a declared register (`eraps: cr3` for `VCPU_REG_ERAPS = VCPU_REG_CR3`). Name a register listed under `registers.gpr` or `registers.extended`.",
  },
  RC128: {
    title: "An alias used where a register is meant",
    example: "alias-in-backend",
    fix: "An alias takes no bit of its own: its availability and dirtiness are its register's. Backend lists and accessors name the register itself.",
  },
  RC129: {
    title: "The enum's names clash",
    example: "enum-same-terminators",
    fix: "GPRs and extended registers need different enumerator prefixes, and the GPR count (`gpr_count`) and the total (`total`) are two different enumerators. Linux 7.2 spells them `VCPU_REGS_`, `VCPU_REG_`, `NR_VCPU_GENERAL_PURPOSE_REGS` and `NR_VCPU_TOTAL_REGS`.",
  },
  RC130: {
    title: "The document nests too deep",
    example: "too-deep",
    fix: `A spec nests four levels (the spec, \`backends\`, a backend, its list); regcache refuses a document nested more than ${MAX_DEPTH} levels deep, before it builds anything from it. Flatten the structure: a value nested this deep is not a register spec.`,
  },
  RC131: {
    title: "A recursive alias",
    example: "recursive-alias",
    fix: "An alias (`*name`) repeats a node anchored (`&name`) before it and outside it; one inside the node it names would make the value infinite. Write the list out, or anchor a node the alias is not part of.",
  },
  RC132: {
    title: "Too many aliases",
    example: "too-many-aliases",
    fix: `A spec may write at most ${MAX_ALIASES} aliases (\`*name\`); a register spec shares a few lists at most. Write the values out instead of aliasing each one.`,
  },
  RC133: {
    title: "Too many registers",
    example: "too-many-registers",
    fix: `A spec may declare at most ${MAX_REGISTERS} registers, \`registers.gpr\`, \`registers.extended\` and \`registers.aliases\` together (Linux 7.2's x86 spec has 25). The generated code grows with registers × backends; split the spec, or declare only the registers the cache keeps.`,
  },
  RC134: {
    title: "Too many backends",
    example: "too-many-backends",
    fix: `A spec may declare at most ${MAX_BACKENDS} backends (Linux 7.2's x86 spec has 3: VMX, SVM and TDX). Split the spec by backend.`,
  },
  RC136: {
    title: "Too many registers for this many backends",
    example: "too-many-register-backend-pairs",
    fix: `The generated sets grow with registers × backends, so a spec may declare at most ${MAX_REGISTER_BACKEND_PAIRS} of those pairs (${MAX_REGISTER_BACKEND_PAIRS / MAX_BACKENDS} registers with ${MAX_BACKENDS} backends, ${MAX_REGISTERS} with ${MAX_REGISTER_BACKEND_PAIRS / MAX_REGISTERS}). Split the spec by backend.`,
  },
  RC135: {
    title: "More problems than are shown",
    example: "too-many-problems",
    fix: `regcache shows the first ${MAX_DIAGNOSTICS} problems of a spec and counts the rest. Fix those shown and run it again; the rest are then shown.`,
  },
  RC140: {
    title: "Invalid value in output, api or accessors",
    example: "api-bad-values",
    fix: "A kernel header's name is a file name ending in `.h`; `spdx` an SPDX expression (`GPL-2.0`, `GPL-2.0 OR MIT`); an accessor's `field` a member below `vcpu->arch` (`cr3`, `walk_mmu->pdptrs`); every function name a C identifier.",
  },
  RC141: {
    title: "Accessors name an unknown register",
    example: "accessor-unknown-register",
    fix: "An `accessors` entry describes a register declared under `registers:`. Use the suggested name, or declare the register.",
  },
  RC142: {
    title: "A register has two accessors entries",
    example: "accessor-twice",
    fix: "Give each register one entry; put all its functions (read, write, read_bits, is_bit_set) in it.",
  },
  RC143: {
    title: "Accessors entry of the wrong kind",
    example: "accessor-wrong-kind",
    fix: "A GPR lives in `regs[]`: list it by name (`- rip`) to place its `kvm_rip_read`/`_write`. An extended register has no slot there: give a mapping with its `field` and the functions it has.",
  },
  RC144: {
    title: "Inconsistent accessors of an extended register",
    example: "accessor-inconsistent",
    fix: "Give at least one function. `read_bits` and `guest_owned` go together (the guest-owned-bits gating of CR0/CR4); `is_bit_set` reads through `read_bits`; an `indexed` array (the PDPTRs) has no guest-owned bits.",
  },
  RC145: {
    title: "always_inline names a helper the spec does not define",
    example: "always-inline-unknown",
    fix: "List only helpers this spec generates: `BUILD_KVM_GPR_ACCESSORS` for the GPR macro's accessors, the `kvm_register_*` helpers its `api` defines (`_read_raw`/`_write_raw` with `raw_pair: true`, `_read`/`_write` without), a GPR's `kvm_<name>_read`/`_write`, or a function an accessors entry names.",
  },
  RC147: {
    title: "The kernel header would include itself",
    example: "kernel-header-self-include",
    fix: "The generated block is included from `arch/x86/kvm/kvm_cache_regs.h` with a quoted `#include`, which looks beside that file first: a block of the same name would include itself. Keep the default `kvm_cache_regs_gen.h`. The same holds for whatever header `output.adopts.header` names (`regs.h` in Linux 7.2).",
  },
  RC148: {
    title: "The ts target cannot print a constant it does not know",
    example: "ts-unknown-constant",
    fix: "The C targets take `guest_owned.possible` from the headers they are compiled with; the TypeScript target prints its value, and regcache knows only the kernel's `KVM_POSSIBLE_CR0_GUEST_BITS` and `KVM_POSSIBLE_CR4_GUEST_BITS`. Name one of those, or write only C (`output.targets: [c]`, or `[kernel]` for a kernel tree).",
  },
  RC149: {
    title: "An api setting without what it needs",
    example: "mode-aware-needs",
    fix: "`gpr_family: mode_aware` needs the kernel's operand-width helper (`mode_mask`) and the raw cached pair (`raw_pair: true`); `mode_mask` and `e_pair` need `gpr_family: mode_aware`; the bulk helpers write the bitmaps' first word, so they need `mask: bitmap` with `bitops: kernel`.",
  },
  RC150: {
    title: "Bulk helpers over more than one word",
    example: "bulk-helpers-too-wide",
    fix: "`kvm_clear_available_registers` and `kvm_reset_dirty_registers` write one `unsigned long` of each bitmap, checked at build time. With more than 64 registers the bitmaps have more words: leave out `bulk_helpers`.",
  },
  RC151: {
    title: "A 32-bit pair for a register that cannot have one",
    example: "e-pair-bad",
    fix: "`e_pair` names GPRs whose 32-bit name is their name without the leading `r` (`rax` → `kvm_eax_read`). A register named in `accessors` keeps its plain full-width pair instead (RSP in Linux 7.2).",
  },
  RC152: {
    title: "A setting only the kernel target writes, in a spec without it",
    example: "c-target-adopts",
    fix: "`output.adopts` says which region of a kernel tree's header the generated block replaces, and `api.docs` gives the block's comments; only the kernel target writes them (`regcache adopt`). Beside the kernel target, the c and ts targets leave it to the kernel target. Add `kernel` to `output.targets`, or leave the setting out.",
  },
  RC155: {
    title: "A mode mask the c target's runtime does not define",
    example: "c-target-mode-mask",
    fix: "The kernel target calls the helper `mode_mask` names, which the kernel defines beside the generated block. The c target's runtime (`runtime/include/kvm_host.h`) defines it as `kvm_reg_mode_mask`, Linux 7.2's name: name that, or write only the kernel target.",
  },
  RC156: {
    title: "api.docs names no comment site of the block",
    example: "docs-unknown-site",
    fix: "A key of `api.docs` is a site the kernel block has under this `api`: `BUILD_KVM_GPR_ACCESSORS`, the `api.assert` macro, or a helper the api defines by its C name (`kvm_register_mark_for_reload` only with `mark_for_reload: true`, `kvm_register_read_raw` only with `raw_pair: true`). An extended accessor's comment is the `doc` of its `accessors` entry.",
  },
  RC157: {
    title: "A doc that would end its C comment",
    example: "docs-end-comment",
    fix: "`api.docs` and an accessor's `doc` are printed as written inside a C block comment, so they cannot hold `*/`. Write `* /` or reword.",
  },
  RC158: {
    title: "A mode mask named like something the generated code defines",
    example: "mode-mask-collision",
    fix: "`api.mode_mask` names the helper the mode_aware family calls to mask a register to the vCPU's mode; the kernel defines it beside the block (`kvm_reg_mode_mask`), regcache's runtime as `kvm_reg_mode_mask` too, and the ts target takes it as a `VcpuHooks` member beside the assertion hook. It cannot be a function, macro or constant the generated files define (an accessor's reader, say, which would be called in its place), nor share the assertion macro's TypeScript name (two hooks of one name). Name the kernel's helper.",
  },
};

/** A template as a Markdown table cell: ‹n› where a value is filled in. */
function cell(template: string): string {
  return template
    .replace(/\{(\d+)(:\w+)?\}/g, "‹$1›")
    .replace(/\n/g, " ")
    .replace(/\|/g, "\\|");
}

/** A template as inline code: {n} for every form of placeholder, line breaks shown as \n. */
export const code = (template: string) =>
  `\`${template.replace(/\{(\d+):\w+\}/g, "{$1}").replace(/\n/g, "\\n")}\``;

const about = (c: string) => (ABOUT as Record<string, (typeof ABOUT)[SpecCode] | undefined>)[c];

/** docs/size-report.md, whose diagnostics section points here. */
export const sizeReportPagePath = path.join(here, "..", "..", "docs", "size-report.md");

/** The diagnostic blocks of one code in a baseline, each from its first line to the next diagnostic. */
function blocksOf(stderr: string, code: string): string[] {
  const blocks = stderr
    .split(/\n(?=\S+: error RC|\S+:\d+:\d+: error RC)/)
    .map((b) => b.replace(/\n?$/, "\n"));
  return blocks
    .filter((b) => b.includes(` error ${code}: `))
    .map((b) => b.replace(/\n\d+ errors?; nothing was written\n$/, "\n"));
}

/** The example of a spec's code: its case in tests/errors/ and the blocks of its baseline. */
function example(code: string, name: string): string[] {
  const out: string[] = [];
  if (SPECIAL[name]) out.push(`Example: ${SPECIAL[name].about} (\`tests/errors/${name}\`):`, "");
  else {
    const text = fs.readFileSync(path.join(here, `${name}.yaml`), "utf8");
    const lines = text.split("\n");
    const shown =
      /^[\x09\x0a\x20-\x7e\u00a0-\uffff]*$/.test(text) &&
      !text.includes("\r") &&
      lines.length <= 16 &&
      text.length < 900;
    out.push(`Example: \`tests/errors/${name}.yaml\``);
    if (shown) out.push("", "```yaml", text.replace(/\n$/, ""), "```");
    out.push("");
  }
  const stderr = fs.readFileSync(path.join(here, `${name}.stderr`), "utf8");
  out.push("```text", ...blocksOf(stderr, code).map((b) => b.replace(/\n$/, "")), "```", "");
  return out;
}

export function errorsPage(): string {
  const codes = Object.keys(messages) as DiagnosticCode[];
  const span = (r: (typeof RANGES)[number]) =>
    `RC${String(r.first).padStart(3, "0")}–RC${String(r.last).padStart(3, "0")}`;
  const out: string[] = [
    "# regcache diagnostics",
    "",
    "<!-- Built by tests/errors/docs.ts from the catalog in generator/core/diagnostics/ and the",
    "     baselines in tests/errors/; `UPDATE_GOLDEN=1 npx jest tests/errors` rebuilds it. Do not edit by hand. -->",
    "",
    "Every problem regcache finds in its input is printed as",
    "`file:line:col: error RCxxx: message` (`file: error RCxxx: message` where the problem has no",
    "position), then the source line with the problem underlined, then a `= help:` line. Lines and",
    "columns count from 1; columns count characters (code points), so an accented letter or an emoji",
    "is one column. All problems are reported in one run and nothing is written; the exit code is 2",
    "(3 where the environment is at fault, such as a compiler that is not installed). The codes are",
    "stable: scripts may match on them.",
    "",
    "An internal error (a bug in regcache, never a mistake in the input) prints one line,",
    "`regcache: internal error: …`, and exits 70; run again with `--debug` for the stack trace.",
    "",
    "Every example below is real output, checked by the test suite (`tests/errors/<case>.yaml` beside",
    "`<case>.stderr`). In a message or hint, {0}, {1}… stand for the names and values filled in",
    "(‹0›, ‹1›… in the tables).",
    "",
    "## Codes by stage",
    "",
    "| codes | stage | what it reads |",
    "| --- | --- | --- |",
    ...RANGES.map((r) => `| ${span(r)} | ${r.stage} | ${r.about} |`),
    "",
    "The codes in between are unassigned: building the model and printing the targets find nothing",
    "a checked spec can get wrong.",
    "",
    "| code | stage | meaning |",
    "| --- | --- | --- |",
    ...codes.map(
      (c) =>
        `| [${c}](#${c.toLowerCase()}) | ${rangeOf(c)!.stage} | ${about(c)?.title ?? cell(messages[c].message)} |`,
    ),
    "",
  ];
  for (const c of codes) {
    const entry = messages[c];
    const known = about(c);
    const stage = rangeOf(c)!.stage;
    const said = `Message: ${code(entry.message)}${entry.hint ? `; help: ${code(entry.hint)}` : ""}.`;
    out.push(`## ${c}`, "");
    if (!known) {
      out.push(`**Stage: ${stage}.** ${said}`, "");
      continue;
    }
    out.push(`**${known.title}.** Stage: ${stage}. ${said}`, "");
    out.push(...example(c, known.example), `**Fix:** ${known.fix}`, "");
  }
  return out.join("\n");
}

export const errorsPagePath = path.join(here, "..", "..", "docs", "errors.md");
