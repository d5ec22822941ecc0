/*
 * regcache's command line. Each command lives in commands/<name>.ts and is
 * loaded only when it runs, so `regcache check` never pays for ts-morph or the
 * size report's code. main() returns the exit code; only bin/ sets it.
 */
import yargs, { type Argv } from "yargs";
import { formatDiagnostic, sortDiagnostics } from "../core/diagnostics/diagnostic";
import { colourFor, ExitCode, exitCodeOf, processIo, type Io } from "./io";
import { didYouMean } from "../util/suggest";
import type { CommandModule, UsageProblem } from "./usage";

interface CommandEntry {
  readonly name: string;
  readonly describe: string;
  readonly load: () => CommandModule;
}

const commands: readonly CommandEntry[] = [
  {
    name: "generate",
    describe:
      "Validate the spec and write the generated accessors (C headers, TypeScript) to the output directory",
    load: () => require("./commands/generate") as CommandModule,
  },
  {
    name: "check",
    describe:
      "Check that the output directory is what the spec produces (exit 1 with a diff when it is not)",
    load: () => require("./commands/check") as CommandModule,
  },
  {
    name: "watch",
    describe: "Regenerate on every change of the spec or the templates, until Ctrl-C",
    load: () => require("./commands/watch") as CommandModule,
  },
  {
    name: "size",
    describe:
      "Compare the handler suite's code size, spec vs base, across compilers (bloat-o-meter style)",
    load: () => require("./commands/size") as CommandModule,
  },
  {
    name: "specs",
    describe: "List the specs bundled with regcache, by the name --spec takes (--spec linux-6.12)",
    load: () => require("./commands/specs") as CommandModule,
  },
  {
    name: "import",
    describe:
      "Write a spec describing a built kernel tree's register cache, read through its compile database",
    load: () => require("./commands/import") as CommandModule,
  },
  {
    name: "adopt",
    describe:
      "Adopt the spec's generated register cache in a kernel tree (--revert undoes it, --dry-run prints the patch)",
    load: () => require("./commands/adopt") as CommandModule,
  },
];

/** The commands, by name, in the order --help lists them. */
export const COMMAND_NAMES: readonly string[] = commands.map((c) => c.name);

const EPILOGUE = `Exit codes: 0 success, 1 a check found a difference, 2 invalid spec or usage
(a path of the wrong kind too), 3 environment failure (missing compiler, a path that cannot be
read or written), 70 a bug in regcache.
Docs: README.md. Spec format: spec/regcache.schema.json.`;

/** Options every command takes (besides its own). */
const GLOBAL_OPTIONS = ["debug", "help", "h", "version"];

/**
 * Parses the command line, and only when it parsed cleanly runs the command:
 * yargs calls a command's handler even when it reports a usage error, so the
 * handler only records what to run. Then the command's prepare step (files it
 * needs, the project file), then the command. See usage.ts.
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let chosen: { module: CommandModule; args: Record<string, unknown> } | undefined;
  let usageError: UsageProblem | undefined;
  /** The options of the command being parsed (long names), for "did you mean". */
  let known: readonly string[] = GLOBAL_OPTIONS;
  /** Per option of that command: whether it may be given more than once. */
  let repeatable = new Map<string, boolean>();
  /** That command's boolean options (long names), which take no value. */
  let booleans: ReadonlySet<string> = new Set(["debug", "help", "version"]);
  let parser = yargs([...argv])
    .scriptName("regcache")
    .usage("$0 <command> [options]\n\nGenerate hypervisor register accessors from a register spec.")
    .option("debug", {
      type: "boolean",
      default: false,
      describe: "Print stack traces for internal errors",
    })
    .strict()
    .demandCommand(1, "name a command: regcache <command> (see --help)")
    .help()
    .alias("h", "help")
    .version()
    .epilogue(EPILOGUE)
    // Wrapped to a terminal only: help read by a program (or docs/commands.md) is the same anywhere.
    .wrap(io.isTTY ? Math.min(100, yargs().terminalWidth()) : null)
    .exitProcess(false)
    .fail((msg, err) => {
      // A coerce function's UsageError arrives as err; any other error is a bug.
      if (err && err.name !== "YError" && err.name !== "UsageError") throw err;
      usageError ??= { message: msg ?? err?.message ?? "invalid usage" };
    });
  for (const c of commands) {
    parser = parser.command(
      c.name,
      c.describe,
      (y) => {
        const module = c.load();
        const built = module.builder(y);
        const options = (built as unknown as YargsInternals).getOptions();
        booleans = new Set(options.boolean);
        const valued = Object.keys(options.key).filter(
          (k) => !booleans.has(k) && !GLOBAL_OPTIONS.includes(k),
        );
        known = [...GLOBAL_OPTIONS, ...Object.keys(options.key).filter((k) => !k.includes("_"))];
        repeatable = new Map(Object.keys(options.key).map((k) => [k, options.array.includes(k)]));
        // Every option that takes a value requires one: `--spec` alone is an error, not the default.
        let withArgs = valued.length > 0 ? built.requiresArg(valued) : built;
        // Subcommands (`size merge`) are commands of their own: parsed, prepared and run alike.
        for (const sub of module.subcommands ?? [])
          withArgs = withArgs.command(sub.command, sub.describe, sub.builder, (args) => {
            chosen = { module: sub, args };
          });
        return withArgs;
      },
      (args) => {
        chosen = { module: c.load(), args };
      },
    );
  }
  try {
    const unknownCommand = firstWordProblem(argv);
    if (unknownCommand) return usage(io, unknownCommand);
    try {
      await parser.parseAsync();
    } catch (err) {
      if (usageError === undefined) throw err;
    }
    if (usageError !== undefined) return usage(io, explain(usageError, argv, known));
    if (!chosen) return ExitCode.ok; // --help, --version
    const after = booleanGivenValue(argv, booleans) ?? afterParse(chosen.args, repeatable);
    if (after) return usage(io, after);
    const prepared = chosen.module.prepare
      ? chosen.module.prepare(chosen.args, io)
      : { ok: true as const, args: chosen.args };
    if (!prepared.ok) return usage(io, prepared);
    return await chosen.module.run(prepared.args, io);
  } catch (err) {
    return internalError(io, err, argv.includes("--debug"));
  }
}

interface YargsInternals {
  getOptions(): { key: Record<string, unknown>; boolean: string[]; array: string[] };
}

/** `regcache generat`: the first word must name a command. */
function firstWordProblem(argv: readonly string[]): UsageProblem | undefined {
  const first = argv.find((a) => !a.startsWith("-"));
  if (first === undefined) {
    // No command, but an option regcache does not have: name it rather than the missing command.
    const flags = ["debug", "help", "h", "version"];
    const bad = argv.find(
      (a) => a.startsWith("-") && !flags.includes(a.replace(/^--?/, "").replace(/=.*$/, "")),
    );
    if (bad === undefined) return undefined;
    const name = bad.replace(/^--?/, "").replace(/=.*$/, "");
    return {
      message: `unknown option '${bad.replace(/=.*$/, "")}'${didYouMean(name, ["debug", "help", "version"]).replace(/'([^']+)'/g, "'--$1'")}`,
      help: `name a command first: regcache <${commands.map((c) => c.name).join("|")}> [options]`,
    };
  }
  if (commands.some((c) => c.name === first)) return undefined;
  // A value of a global option (none take one) or a word after a command is yargs' business.
  if (argv.indexOf(first) > 0 && argv.slice(0, argv.indexOf(first)).some((a) => !a.startsWith("-")))
    return undefined;
  const names = commands.map((c) => c.name);
  return {
    message: `unknown command '${first}'${didYouMean(first, names)}`,
    help: `the commands are ${names.join(", ")}; run 'regcache --help' for usage`,
  };
}

/** yargs' messages, made specific: which option is unknown, and what was probably meant. */
function explain(
  problem: UsageProblem,
  argv: readonly string[],
  known: readonly string[],
): UsageProblem {
  const missing = /^Not enough arguments following: (\S+)/.exec(problem.message);
  if (missing) return { message: `--${missing[1]} needs a value` };
  const choice = /Argument: (\S+), Given: (.*), Choices: (.*)$/m.exec(problem.message);
  if (choice)
    return {
      message: `--${choice[1]} ${choice[2]!.replace(/^"(.*)"$/, "$1")} is not one of ${choice[3]!.replace(/"/g, "")}`,
    };
  if (!/^Unknown arguments?:/.test(problem.message))
    return { message: problem.message.split("\n")[0]! };
  const flags = known.map((k) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
  const bad = argv.find((a) => {
    if (!a.startsWith("-") || a === "--") return false;
    const name = a.replace(/^--?/, "").replace(/=.*$/, "").replace(/^no-/, "");
    return !flags.includes(name);
  });
  if (bad === undefined) {
    const stray = problem.message.replace(/^Unknown arguments?: /, "").split(", ")[0];
    return {
      message: `unexpected argument '${stray}'`,
      help: "this command takes options only; run it with --help",
    };
  }
  const name = bad.replace(/^--?/, "").replace(/=.*$/, "");
  const long = flags.filter((f) => f.length > 1);
  return {
    message: `unknown option '${bad.replace(/=.*$/, "")}'${didYouMean(name, long).replace(/'([^']+)'/g, "'--$1'")}`,
  };
}

/**
 * `--all-cached=foo`: yargs reads any value of a boolean as true, so a typo in
 * the value would silently switch the option on. Only `=true`/`=false` pass.
 */
function booleanGivenValue(
  argv: readonly string[],
  booleans: ReadonlySet<string>,
): UsageProblem | undefined {
  for (const a of argv) {
    if (a === "--") break;
    const m = /^--(?:no-)?([^=]+)=(.*)$/.exec(a);
    if (m && booleans.has(m[1]!) && m[2] !== "true" && m[2] !== "false")
      return { message: `--${m[1]} takes no value (given '${m[2]}')` };
  }
  return undefined;
}

/** What yargs lets through: an option given twice, an empty value. */
function afterParse(
  args: Record<string, unknown>,
  repeatable: ReadonlyMap<string, boolean>,
): UsageProblem | undefined {
  for (const [key, many] of repeatable) {
    const value = args[key];
    if (!many && Array.isArray(value)) return { message: `--${key} is given more than once` };
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === "string" && v.trim() === ""))
      return { message: `--${key} needs a value, not an empty string` };
  }
  return undefined;
}

/**
 * One line saying what is wrong (or the file's diagnostics), a help line;
 * exit 2, or 3 when the system refused a path (the help line then says what
 * to do about the path, never to read --help).
 */
function usage(io: Io, problem: UsageProblem): number {
  if (problem.diagnostics) {
    const color = colourFor(io, "stderr");
    for (const d of sortDiagnostics(problem.diagnostics)) io.stderr(formatDiagnostic(d, color));
  }
  io.stderr(`regcache: error: ${problem.message}\n`);
  io.stderr(`  = help: ${problem.help ?? "run 'regcache --help' for usage"}; nothing was done\n`);
  return exitCodeOf(problem.fault ?? "usage");
}

/** Exit code of a bug in regcache itself (EX_SOFTWARE), as bin/regcache.js uses too. */
export const INTERNAL_ERROR = 70;

/** A bug in the tool, not in the user's input: one line, the stack only with --debug. */
function internalError(io: Io, err: unknown, debug: boolean): number {
  const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
  io.stderr(`regcache: internal error: ${message}\n`);
  if (debug && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
  else
    io.stderr("  = help: this is a bug in regcache; run again with --debug for the stack trace\n");
  return INTERNAL_ERROR;
}
