/*
 * The one table of compiler arguments a recorded compile loses when regcache
 * runs it again (size measuring a tree, import compiling a probe): every flag
 * that writes an output of its own, and every flag that makes the compile
 * something other than one source to one object. Each caller adds its own
 * `-c`, source and `-o`. Pure: one argument in, what becomes of it out.
 *
 *   output      writes a file the run must not write into the user's tree
 *   dependency  writes (or shapes) a make-style dependency file
 *   mode        picks what the compile produces (an object, assembly, a
 *               preprocessed source, a dependency list, nothing)
 *
 * Inside `-Wp,a,b,…` (options handed to the preprocessor, as kbuild writes
 * `-Wp,-MMD,arch/x86/kvm/.x86.o.d`) the same flags are dropped item by item,
 * and the preprocessor's own -MD and -MMD take the next item as their file.
 */

export type DropReason = "output" | "dependency" | "mode";

/** How a dropped flag carries its value. */
export type FlagValue =
  /** The flag alone. */
  | "none"
  /** The next word (`-dumpdir DIR`). */
  | "next"
  /** The next word, or joined to the flag (`-o FILE`, `-oFILE`). */
  | "next-or-joined"
  /** Joined after `=` (`-save-temps=obj`). */
  | "equals";

export interface DroppedFlag {
  readonly flag: string;
  readonly value: FlagValue;
  readonly reason: DropReason;
}

/** Every flag a rerun drops (mode flags are the caller's to refuse or replace). */
export const DROPPED_FLAGS: readonly DroppedFlag[] = [
  { flag: "-o", value: "next-or-joined", reason: "output" },
  { flag: "-dumpdir", value: "next", reason: "output" },
  { flag: "-dumpbase", value: "next", reason: "output" },
  { flag: "-save-temps", value: "none", reason: "output" },
  { flag: "-save-temps", value: "equals", reason: "output" },
  { flag: "-MF", value: "next-or-joined", reason: "dependency" },
  { flag: "-MT", value: "next-or-joined", reason: "dependency" },
  { flag: "-MQ", value: "next-or-joined", reason: "dependency" },
  { flag: "-MD", value: "none", reason: "dependency" },
  { flag: "-MMD", value: "none", reason: "dependency" },
  { flag: "-MP", value: "none", reason: "dependency" },
  { flag: "-MG", value: "none", reason: "dependency" },
  { flag: "-c", value: "none", reason: "mode" },
  { flag: "-S", value: "none", reason: "mode" },
  { flag: "-E", value: "none", reason: "mode" },
  { flag: "-M", value: "none", reason: "mode" },
  { flag: "-MM", value: "none", reason: "mode" },
  { flag: "-fsyntax-only", value: "none", reason: "mode" },
];

/** Options naming an include path or an included file, as `-I DIR` or `-IDIR`. */
export const PATH_OPTIONS = ["-I", "-iquote", "-isystem", "-idirafter", "-include", "-imacros"];

/** The preprocessor's own options (inside -Wp,) that take the next item as their file. */
const PREPROCESSOR_WITH_FILE = new Set(["-MD", "-MMD"]);

export type ArgFate =
  | { readonly kind: "keep" }
  /** Dropped, with `words` arguments in all (the flag and a separate value). */
  | { readonly kind: "drop"; readonly words: number; readonly reason: Exclude<DropReason, "mode"> }
  /** A mode flag: the caller refuses it or puts its own in its place. */
  | { readonly kind: "mode"; readonly flag: string }
  /** A -Wp, list with the dropped items taken out; undefined when nothing is left. */
  | { readonly kind: "preprocessor"; readonly kept: string | undefined };

/** The table row `arg` is an instance of, if any. */
export function droppedFlagOf(arg: string): DroppedFlag | undefined {
  const exact = DROPPED_FLAGS.find(
    (d) => d.value !== "equals" && d.value !== "next-or-joined" && arg === d.flag,
  );
  if (exact) return exact;
  return DROPPED_FLAGS.find(
    (d) =>
      (d.value === "equals" && arg.startsWith(`${d.flag}=`)) ||
      (d.value === "next-or-joined" && arg.startsWith(d.flag)),
  );
}

/** Takes the dropped items out of a -Wp, list. */
function preprocessorItems(items: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const row = droppedFlagOf(item);
    if (PREPROCESSOR_WITH_FILE.has(item) || (row && row.value !== "none" && item === row.flag)) i++;
    else if (!row) kept.push(item);
  }
  return kept;
}

/** What becomes of `argv[i]` when the compile is rerun. */
export function fateOf(argv: readonly string[], i: number): ArgFate {
  const arg = argv[i];
  if (arg.startsWith("-Wp,")) {
    const kept = preprocessorItems(arg.slice(4).split(","));
    return { kind: "preprocessor", kept: kept.length > 0 ? `-Wp,${kept.join(",")}` : undefined };
  }
  const row = droppedFlagOf(arg);
  if (!row) return { kind: "keep" };
  if (row.reason === "mode") return { kind: "mode", flag: row.flag };
  const separate = (row.value === "next" || row.value === "next-or-joined") && arg === row.flag;
  return { kind: "drop", words: separate ? 2 : 1, reason: row.reason };
}
