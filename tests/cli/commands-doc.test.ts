/*
 * docs/commands.md is each command's --help, as the yargs definitions print
 * it: built here from the CLI itself, so the options are written in one place
 * (the command modules) and the page cannot drift from them. A change to a
 * command's options fails this test until the page is rebuilt with
 * `UPDATE_GOLDEN=1 npx jest tests/cli/commands-doc.test.ts`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { COMMAND_NAMES, main } from "../../generator/cli/main";
import { capturingIo } from "../drift/helpers";

const repoRoot = path.resolve(__dirname, "../..");
const page = path.join(repoRoot, "docs", "commands.md");

/** What `regcache ARGV --help` prints (yargs writes help through console.log). */
async function help(argv: string[]): Promise<string> {
  const c = capturingIo(repoRoot);
  const printed: string[] = [];
  const log = jest.spyOn(console, "log").mockImplementation((...words: unknown[]) => {
    printed.push(words.join(" "));
  });
  try {
    const code = await main(argv, c.io);
    if (code !== 0 || c.stderr() !== "") throw new Error(`regcache ${argv.join(" ")}: ${code}`);
  } finally {
    log.mockRestore();
  }
  return (c.stdout() + printed.join("\n")).trimEnd();
}

async function build(): Promise<string> {
  const sections: [string, string[]][] = [
    ["regcache", ["--help"]],
    ...COMMAND_NAMES.map((name): [string, string[]] => [`regcache ${name}`, [name, "--help"]]),
    ["regcache size merge", ["size", "merge", "--help"]],
  ];
  const parts = [
    "# regcache commands",
    "",
    "<!-- Built by tests/cli/commands-doc.test.ts from each command's --help (its yargs",
    "     definition); `UPDATE_GOLDEN=1 npx jest tests/cli/commands-doc.test.ts` rebuilds it.",
    "     Do not edit by hand. -->",
    "",
    "Every command and option, as `--help` prints it. The specs and the size report have",
    "pages of their own: [spec.md](spec.md), [size-report.md](size-report.md); every",
    "diagnostic code is in [errors.md](errors.md).",
    "",
    "Contents: " + sections.map(([title]) => `[${title}](#${anchor(title)})`).join(", ") + ".",
  ];
  for (const [title, argv] of sections) {
    parts.push("", `## ${title}`, "", "```text", await help(argv), "```");
  }
  return parts.join("\n") + "\n";
}

/** GitHub's heading anchor: lower case, spaces to hyphens. */
const anchor = (title: string): string => title.toLowerCase().replace(/ /g, "-");

test("docs/commands.md is every command's --help", async () => {
  const built = await build();
  if (process.env["UPDATE_GOLDEN"] === "1") fs.writeFileSync(page, built);
  expect(fs.readFileSync(page, "utf8")).toBe(built);
});

test("every command has a section, and every option of generate is on the page", async () => {
  const text = await build();
  for (const name of COMMAND_NAMES) expect(text).toContain(`\n## regcache ${name}\n`);
  for (const option of ["--spec", "--out", "--c-style", "--all-cached", "--dry-run"])
    expect(text).toContain(`      ${option} `);
});
