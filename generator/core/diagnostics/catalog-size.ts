/*
 * Catalog entries of `regcache size` (RC600–RC699; the ranges are in
 * catalog.ts). A quoted name ('{0}') is cut to length like every name the
 * spec's own messages quote; paths, lists and the texts of other tools'
 * errors are printed whole ({0:whole}). Data only.
 */
import { error } from "./entry";

export const sizeEntries = {
  // options, config and budget files, bases, the handler suite's registers (RC600–RC639)
  RC600: error("cannot read {0:whole}: {1:whole}", "check the path and its permissions"),
  RC601: error("{0:whole} is not valid YAML or JSON: {1:whole}", "fix the syntax at this position"),
  RC602: error("{0:whole} must be {1:whole}, found {2:whole}", ""),
  RC603: error("unknown key '{0}'", "allowed keys here: {1:whole}"),
  RC604: error("missing required key '{0}'", "{1:whole}"),
  RC605: error(
    "'{0}' is not a size limit",
    'write bytes as a number (e.g. 200) or a percentage of base as a string (e.g. "-35%")',
  ),
  RC606: error(
    "a rule needs exactly one of 'function' and 'total'",
    "write 'function: NAME' (or a pattern with '*') or 'total: true'",
  ),
  RC607: error(
    "a rule needs at least one of 'max' and 'growth'",
    "'max' limits the head size, 'growth' limits head minus base",
  ),
  RC608: error(
    "'max' is an absolute size and cannot be a percentage",
    "use 'growth' for a limit relative to base",
  ),
  RC609: error(
    "budget names function '{0}', which matches no measured symbol",
    "check the spelling; the report lists every measured function",
  ),
  RC610: error("budget names config '{0}', which is not in the matrix", "known configs: {1:whole}"),
  RC611: error("duplicate config name '{0}'", "config names must be unique"),
  RC612: error(
    "unknown compiler family '{0}'",
    "use 'gcc' or 'clang' (and 'command' to name the executable)",
  ),
  RC613: error("unknown config '{0}'", "known configs: {1:whole}"),
  RC614: error(
    "unknown compiler '{0}' in --compiler",
    "use gcc, clang or both: --compiler gcc,clang",
  ),
  RC615: error("invalid --base '{0}'", "use all-cached, a spec file path, or git:REV[:PATH]"),
  RC616: error(
    "git cannot show {0:whole}: {1:whole}",
    "check the revision and the path inside the repository",
  ),
  RC617: error(
    "these flags make LTO objects (compiler IR, no machine code until link time), which have no function sizes",
    "add -ffat-lto-objects to keep the machine code beside the IR, or drop -flto",
  ),
  RC618: error(
    "{0:whole} must be a whole number of bytes{2:whole}, found {1:whole}",
    "'max' is the largest head size allowed (0 or more); a negative 'growth' demands a saving",
  ),
  RC619: error(
    "{0:whole} has no register '{1}', which the handler suite uses ({2:whole} calls {3:whole})",
    "keep '{1}' in the spec (in Linux 7.2's shape, with its 32-bit pair in api.e_pair where the suite uses it), or measure a spec that has every register the suite reads and writes",
  ),
  RC620: error("{0:whole} is not valid UTF-8: byte {1:whole}", "save the file as UTF-8"),
  RC621: error(
    "tag '{0}' is not allowed in {1:whole}",
    "remove the tag; budget and config files are plain YAML or JSON data",
  ),
  RC622: error(
    "{0:whole} generates no 32-bit pair for '{1}', which the handler suite uses ({2:whole} calls {3:whole})",
    "list '{1}' in the spec's api.e_pair, or measure a spec whose e_pair has every register the suite reads or writes through its 32-bit pair",
  ),
  // --compile-commands: the compile database, the tree, --launcher (RC640–RC659)
  RC640: error("--{0:whole} cannot be used with --compile-commands", "{1:whole}"),
  RC641: error("compile database {0:whole}: {1:whole}", "{2:whole}"),
  RC642: error(
    "--header {0:whole}: no directory {1:whole} in the tree of {2:whole}",
    "--header names the file in the source tree the generated header stands for (relative to the tree's root, or absolute)",
  ),
  RC643: error(
    "--header {0:whole}: the spec generates no header named {1:whole}",
    "the spec generates: {2:whole}",
  ),
  RC644: error(
    "--header is needed: the spec does not generate {0:whole}",
    "name the file in the tree the generated header stands for, e.g. --header include/kvm_cache_regs.h",
  ),
  RC645: error(
    "--keep {0:whole} is inside {1:whole}, which a measuring run only reads",
    "pick a directory outside the source tree and the build directory",
  ),
  RC646: error(
    "no unit of {0:whole} matches --units {1:whole}",
    "globs match the path below the source tree's root (e.g. 'arch/x86/kvm/**') or the absolute path",
  ),
  RC647: error(
    "no measured unit includes {0:whole}",
    "check --header (where the generated header stands in the tree) and --units",
  ),
  RC648: error(
    "--launcher {0:whole} does not run: {1:whole}",
    "install it (e.g. apt-get install -y {0:whole}) or drop --launcher",
  ),
  RC649: error(
    "{0:whole} needs --compile-commands",
    "it is about a tree measured from its compile database ('--base tree' is the tree's own header)",
  ),
  RC650: error("{0:whole}", "sizes are written as bytes or with K, M or G, e.g. 512M"),
  RC651: error(
    "{0:whole} cannot be measured: {1:whole}",
    "a size run compiles each unit to one object with -c; --units leaves such entries out",
  ),
  RC652: error(
    "the overlay did not hold: {0:whole}",
    "the unit includes the header by a path outside the overlaid directory; leave it out with --units",
  ),
  RC653: error(
    "no unit of {0:whole} can reach {1:whole}, the directory of the header it stands for",
    "without --units, a run measures the units whose source lies in that directory or whose -I, -iquote, -isystem, -idirafter, -include or -imacros points into it; check --header, or pick the units with --units",
  ),
  RC654: error(
    "--launcher {0:whole} is not one command: {1:whole}",
    "give the launcher and its own arguments as sh would split them, without shell operators, e.g. --launcher ccache or --launcher distcc",
  ),
  // the spec measured against the handler suite (RC660–RC699)
  RC660: error(
    "{0:whole} writes no C target: the handler suite is built against c/kvm_cache_regs.h",
    "measure a kernel spec on a built kernel tree with --compile-commands FILE (its compile database; docs/kernel.md), or add 'c' to its output.targets",
  ),
  RC661: error(
    "{0:whole} has {1:whole} accessors and the base {2:whole} {3:whole}: the handler suite of one shape does not build against the other",
    "compare specs of one shape (runtime/handlers/ is written against 6.x's accessors, runtime/handlers/7.2/ against 7.2's), or measure a kernel tree with --compile-commands FILE (docs/kernel.md)",
  ),
} as const;
