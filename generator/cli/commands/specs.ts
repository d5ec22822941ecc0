/*
 * `regcache specs`: the specs bundled with regcache, by the name --spec takes,
 * each with the one-line description its `doc:` gives and the file it is.
 * Output is text for people, or --format json: [{ name, doc, file }] with
 * `doc` null when the spec has none.
 */
import * as fs from "node:fs";
import type { Argv } from "yargs";
import type * as Yaml from "yaml";
import { ExitCode, type Io } from "../io";
import { generatorVersion } from "../../util/paths";
import { bundledSpecs } from "../../generate/specs";

export interface SpecsArgs {
  readonly format: "text" | "json";
}

export function builder(y: Argv): Argv<SpecsArgs> {
  return y
    .option("format", {
      choices: ["text", "json"] as const,
      default: "text" as const,
      describe: "text for people, json ([{ name, doc, file }]) for tools",
    })
    .example("$0 generate --spec linux-6.12 --out arch/x86/kvm", "Generate from a bundled spec")
    .example("$0 specs --format json", "The same list, with each file's path, for tools")
    .strict() as unknown as Argv<SpecsArgs>;
}

/** The spec's top-level `doc:` string, or null (also for a file that does not parse). */
function docOf(file: string): string | null {
  const yaml = require("yaml") as typeof Yaml;
  try {
    const value = yaml.parse(fs.readFileSync(file, "utf8")) as { doc?: unknown } | null;
    return typeof value?.doc === "string" ? value.doc.trim().split("\n")[0]! : null;
  } catch {
    return null;
  }
}

export async function run(args: SpecsArgs, io: Io): Promise<number> {
  const specs = bundledSpecs().map((s) => ({ name: s.name, doc: docOf(s.file), file: s.file }));
  if (args.format === "json") {
    io.stdout(`${JSON.stringify(specs, null, 2)}\n`);
    return ExitCode.ok;
  }
  const width = Math.max(...specs.map((s) => s.name.length));
  const lines = [
    `Specs bundled with regcache ${generatorVersion()}; name one with --spec NAME`,
    "(a file of that name in the working directory wins):",
    "",
    ...specs.map((s) => `  ${s.name.padEnd(width)}  ${s.doc ?? ""}`.trimEnd()),
    "",
    `Files: ${specs.length > 0 ? specs[0]!.file.replace(/[^\\/]*$/, "") : "(none)"}`,
  ];
  io.stdout(`${lines.join("\n")}\n`);
  return ExitCode.ok;
}
