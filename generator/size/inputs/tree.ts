/*
 * What a size run of a real tree (--compile-commands) measures, decided
 * before anything is written or compiled: the options that contradict each
 * other around it, the units of the compile database, the tree's root, the
 * header's directory, and what each side overlays there (the generated
 * header where --header says, and the adoption step's kvm_cache_regs.h when
 * the tree has not adopted the generated block yet). Every problem at once,
 * as diagnostics. Reads the database and the tree's host header, and checks
 * that each picked unit's source exists; writes nothing.
 */
import * as fs from "fs";
import * as path from "path";
import { adoptGeneratedHeader, GENERATED_HEADER } from "../../targets/kernel/adoption";
import { DEFAULT_ADOPTS, type SpecAdopts } from "../../core/spec/kernel-sections";
import type { Diagnostic, SourceFile } from "../../core/diagnostics/diagnostic";
import type { GeneratedFile } from "../../targets/types";
import { readCompileDb, type CompileCommand } from "../../toolchain/compile-db";
import { decodeUtf8 } from "../../util/utf8";
import { inside } from "../../util/paths";
import { sizeDiagnostic } from "../messages";
import type { TreeSide } from "../measure/tree";
import type { OverlayFile } from "../measure/overlay";
import type { SizeConfig } from "./matrix";
import { reachesDirectory, selectUnits } from "./units";
import { byCodeUnit } from "../../util/order";

const commandLine: SourceFile = { displayPath: "command line", text: "" };
/** A diagnostic about the command line (RC64x). */
export const diag = (code: Parameters<typeof sizeDiagnostic>[0], ...args: (string | number)[]) =>
  sizeDiagnostic(code, commandLine, undefined, ...args);

/** The directory of KVM's headers, below the tree's root. */
const KVM_DIR = "arch/x86/kvm";
/** The file a kernel spec's header stands for by default, below the tree's root. */
export const KERNEL_HEADER = `${KVM_DIR}/${GENERATED_HEADER}`;

/**
 * Options that pick compilers or configs, as the command line spells them: a
 * compile database is one config.
 */
export const REFUSED_WITH_COMPILE_COMMANDS = [
  "compiler",
  "config",
  "config-file",
  "explain",
  "dispatch",
] as const;

/** Why each is refused there, as RC640's hint says it. */
const WHY_REFUSED: Record<(typeof REFUSED_WITH_COMPILE_COMMANDS)[number], string> = {
  compiler: "a compile database is one config: its recorded compiler and flags",
  config: "a compile database is one config: its recorded compiler and flags",
  "config-file": "a compile database is one config: its recorded compiler and flags",
  explain:
    "--explain attributes the handler suite's savings to registers; a kernel tree's report lists its own functions",
  dispatch:
    "the tree's own code reaches cache_reg its own way; --dispatch picks it for the handler suite",
};

/** The fields of a size request (size/run.ts) that --compile-commands bears on. */
export interface OptionArgs {
  readonly compileCommands?: string;
  readonly header?: string;
  readonly units?: readonly string[];
  readonly base: string;
  readonly compilers?: readonly string[];
  readonly configs?: readonly string[];
  readonly configFile?: string;
  readonly explain?: boolean;
  readonly dispatch?: readonly string[];
}

/**
 * Options that contradict each other around --compile-commands; every
 * problem at once, each named as the command line spells it.
 */
export function checkTreeOptions(args: OptionArgs): Diagnostic[] {
  const problems: Diagnostic[] = [];
  if (args.compileCommands !== undefined) {
    const given: Record<(typeof REFUSED_WITH_COMPILE_COMMANDS)[number], boolean> = {
      compiler: args.compilers !== undefined,
      config: args.configs !== undefined,
      "config-file": args.configFile !== undefined,
      explain: Boolean(args.explain),
      dispatch: args.dispatch !== undefined,
    };
    for (const name of REFUSED_WITH_COMPILE_COMMANDS)
      if (given[name]) problems.push(diag("RC640", name, WHY_REFUSED[name]));
  } else {
    if (args.base === "tree") problems.push(diag("RC649", "--base tree"));
    if (args.header !== undefined) problems.push(diag("RC649", "--header"));
    if (args.units !== undefined) problems.push(diag("RC649", "--units"));
  }
  return problems;
}

export interface TreeOptions {
  readonly compileCommands: string;
  readonly header?: string;
  readonly units?: readonly string[];
  /** "tree": the tree's own header as base; anything else was generated. */
  readonly baseIsTree: boolean;
  readonly keep?: string;
  /**
   * The head spec's kernel output: the generated header's name and the
   * region of the kernel's own header it replaces (output.adopts).
   */
  readonly kernel?: { readonly header: string; readonly adopts: SpecAdopts };
}

export interface PreparedTree {
  readonly units: readonly CompileCommand[];
  readonly treeRoot: string;
  readonly headerDir: string;
  readonly header: string;
  readonly sides: readonly [TreeSide, TreeSide];
  /** The recorded compiler of the first unit (argv[0]), probed by the caller. */
  readonly compiler: string;
}

/** The directory `rel` lies in, found by walking up from each unit's source: the tree's root. */
function findTreeRoot(units: readonly CompileCommand[], relDir: string): string | undefined {
  const tried = new Set<string>();
  for (const unit of units) {
    for (let dir = path.dirname(unit.file); !tried.has(dir); dir = path.dirname(dir)) {
      tried.add(dir);
      try {
        if (fs.statSync(path.join(dir, relDir)).isDirectory()) return dir;
      } catch {
        // Not here; go up.
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  return undefined;
}

/**
 * Why a unit's source (absolute: toolchain/compile-db.ts resolves `file`
 * against the entry's `directory`) cannot be compiled, or undefined when it
 * is a file. Checked before anything is compiled, so a stale database entry
 * is named as such rather than as a compile failure in the overlay.
 */
function sourceProblem(file: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "ENOTDIR"
      ? "does not exist"
      : `cannot be read (${code ?? String(err)})`;
  }
  return stat.isFile() ? undefined : "is not a file";
}

/** The generated C headers, by file name (the overlay places them beside each other). */
function headersOf(files: readonly GeneratedFile[]): Map<string, string> {
  return new Map(
    files
      .filter((f) => f.path.endsWith(".h"))
      .map((f) => [path.posix.basename(f.path), f.contents]),
  );
}

/**
 * What one side puts into the overlaid directory: its generated headers and,
 * for a tree that has not adopted the generated block, the tree's own header
 * (kvm_cache_regs.h; regs.h in 7.2) with the region replaced by the include
 * (targets/kernel/adoption.ts).
 */
function sideFiles(
  headers: ReadonlyMap<string, string>,
  host: OverlayFile | undefined,
): OverlayFile[] {
  const files = [...headers].map(([name, contents]) => ({ name, contents }));
  if (host !== undefined) files.push(host);
  return files.sort((a, b) => byCodeUnit(a.name, b.name));
}

/**
 * Reads the database and decides what the run compiles: the units, the
 * tree's root, the header's directory and what each side overlays there.
 * Every problem at once, before anything is written.
 */
export function prepareTree(
  cwd: string,
  options: TreeOptions,
  generated: { head: readonly GeneratedFile[]; base?: readonly GeneratedFile[] },
): { ok: true; tree: PreparedTree } | { ok: false; diagnostics: Diagnostic[] } {
  const fail = (...diagnostics: Diagnostic[]) => ({ ok: false as const, diagnostics });
  const dbPath = path.resolve(cwd, options.compileCommands);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(dbPath);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    return fail(
      diag("RC641", options.compileCommands, `cannot read it (${reason})`, "check the path"),
    );
  }
  // Strict UTF-8, as every input is read (util/utf8.ts).
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok)
    return fail(
      diag(
        "RC641",
        options.compileCommands,
        `not valid UTF-8: byte ${decoded.byte} at byte offset ${decoded.offset}`,
        "save the file as UTF-8",
      ),
    );
  const db = readCompileDb(decoded.text);
  const dbProblems = !db.ok
    ? db.problems.map((p) => (p.entry === undefined ? p.why : `entry ${p.entry}: ${p.why}`))
    : db.commands.length === 0
      ? ["holds no compile commands"]
      : [];
  if (!db.ok || dbProblems.length > 0)
    return fail(
      ...dbProblems.map((p) =>
        diag("RC641", options.compileCommands, p, "see clang's JSON Compilation Database format"),
      ),
    );

  const headHeaders = headersOf(generated.head);
  const kernelHeader = options.kernel?.header ?? GENERATED_HEADER;
  const adopts = options.kernel?.adopts ?? DEFAULT_ADOPTS;
  const header =
    options.header ?? (headHeaders.has(kernelHeader) ? `${KVM_DIR}/${kernelHeader}` : undefined);
  if (header === undefined) return fail(diag("RC644", kernelHeader));
  const name = path.basename(header);
  const problems: Diagnostic[] = [];
  for (const [side, files] of [
    ["head", generated.head],
    ["base", generated.base],
  ] as const) {
    if (!files) continue;
    const names = [...headersOf(files).keys()];
    if (!names.includes(name))
      problems.push(diag("RC643", `${header} (${side})`, name, names.join(", ") || "no C header"));
  }
  let treeRoot: string | undefined;
  let headerDir: string | undefined;
  if (path.isAbsolute(header)) {
    headerDir = path.dirname(header);
    treeRoot = headerDir;
    if (!fs.existsSync(headerDir))
      problems.push(diag("RC642", header, headerDir, options.compileCommands));
  } else {
    treeRoot = findTreeRoot(db.commands, path.dirname(header));
    if (treeRoot === undefined)
      problems.push(diag("RC642", header, path.dirname(header), options.compileCommands));
    else headerDir = path.join(treeRoot, path.dirname(header));
  }
  // The units --units picks; without it, those that can reach the header's directory.
  let units: CompileCommand[];
  if (options.units !== undefined) {
    units = selectUnits(db.commands, options.units, treeRoot ?? "/");
    if (units.length === 0)
      problems.push(diag("RC646", options.compileCommands, options.units.join(" ")));
  } else {
    units = selectUnits(db.commands, [], treeRoot ?? "/");
    if (headerDir !== undefined) {
      const dir = headerDir;
      units = units.filter((unit) => reachesDirectory(unit, dir));
      if (units.length === 0) problems.push(diag("RC653", options.compileCommands, dir));
    }
  }
  for (const unit of units) {
    const why = sourceProblem(unit.file);
    if (why !== undefined)
      problems.push(
        diag(
          "RC641",
          options.compileCommands,
          `entry ${unit.index}: its source ${unit.file} ${why}`,
          "regenerate the database from the tree as it is now, or leave the entry out with --units",
        ),
      );
  }
  if (options.keep !== undefined) {
    const keep = path.resolve(cwd, options.keep);
    const read = [...new Set([...(treeRoot ? [treeRoot] : []), ...units.map((u) => u.directory)])];
    const within = read.find((dir) => inside(dir, keep) !== undefined);
    if (within) problems.push(diag("RC645", options.keep, within));
  }
  if (problems.length > 0 || !headerDir || !treeRoot) return fail(...problems);

  // Adoption: a tree whose host header lacks the include gets it in the overlay, per side.
  let adopted: string | undefined;
  const hostPath = path.join(headerDir, adopts.header);
  if (name === kernelHeader && fs.existsSync(hostPath)) {
    const hostText = fs.readFileSync(hostPath, "utf8");
    const includes = new RegExp(`^[ \\t]*#[ \\t]*include[ \\t]*"${kernelHeader}"`, "m");
    if (!includes.test(hostText)) {
      const result = adoptGeneratedHeader(
        { displayPath: hostPath, text: hostText },
        kernelHeader,
        adopts,
      );
      if (!result.ok) return fail(result.diagnostic);
      adopted = result.text;
    }
  }
  const host = adopted === undefined ? undefined : { name: adopts.header, contents: adopted };
  const head: TreeSide = { name: "head", files: sideFiles(headHeaders, host) };
  const base: TreeSide = options.baseIsTree
    ? { name: "base", files: [] }
    : { name: "base", files: sideFiles(headersOf(generated.base ?? []), host) };
  return {
    ok: true,
    tree: { units, treeRoot, headerDir, header, sides: [base, head], compiler: units[0].argv[0] },
  };
}

const RETPOLINE = /^-m(indirect-branch=thunk-extern|retpoline-external-thunk|retpoline)$/;
/** Whether a recorded command builds with retpolines (the report marks such a config). */
export const isRetpoline = (argv: readonly string[]) => argv.some((a) => RETPOLINE.test(a));
/** The flags that shape code generation (-O, -m, -f), as the report shows a config's flags. */
export const codegenFlags = (argv: readonly string[]) => [
  ...new Set(argv.slice(1).filter((a) => /^-(O|m|f)/.test(a) && !a.includes("prefix-map="))),
];

/** The report's config for a tree: named after the recorded compiler. */
export function treeConfig(tree: PreparedTree): SizeConfig {
  const first = tree.units[0].argv;
  return {
    name: path.basename(tree.compiler),
    compiler: /clang/.test(path.basename(tree.compiler)) ? "clang" : "gcc",
    commands: [tree.compiler],
    retpoline: isRetpoline(first),
    flags: codegenFlags(first),
  };
}
