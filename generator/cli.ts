/*
 * regcache's command line. Each command lives in commands/<name>.ts and is
 * loaded only when it runs, so `regcache check` never pays for ts-morph or the
 * size report's code. main() returns the exit code; only bin/ sets it.
 */
import yargs, { type Argv } from "yargs";
import { ExitCode, processIo, type Io } from "./io";

type CommandModule = {
  builder: (y: Argv) => Argv<any>;
  run: (args: any, io: Io) => Promise<number>;
};

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
];

const EPILOGUE = `Exit codes: 0 success, 1 a check found a difference, 2 invalid spec or usage,
3 environment failure (missing compiler, unwritable output), 70 a bug in regcache.
Docs: README.md. Spec format: spec/regcache.schema.json.`;

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let outcome: Promise<number> | undefined;
  let usageError: string | undefined;
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
    .recommendCommands()
    .help()
    .alias("h", "help")
    .version()
    .epilogue(EPILOGUE)
    .wrap(Math.min(100, yargs().terminalWidth()))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      usageError = msg;
    });
  for (const c of commands) {
    parser = parser.command(
      c.name,
      c.describe,
      (y) => c.load().builder(y),
      (args) => {
        outcome = c.load().run(args, io);
      },
    );
  }
  try {
    try {
      await parser.parseAsync();
    } catch (err) {
      if (usageError === undefined) throw err;
    }
    if (usageError !== undefined) {
      io.stderr(`regcache: error: ${usageError}\n  = help: run 'regcache --help' for usage\n`);
      return ExitCode.invalidInput;
    }
    return outcome ? await outcome : ExitCode.ok;
  } catch (err) {
    return internalError(io, err, argv.includes("--debug"));
  }
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
