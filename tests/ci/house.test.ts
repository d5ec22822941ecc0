/*
 * The house's sizes (docs/dev/architecture.md, "Layers"): no .ts under
 * generator/ over 400 lines but the generated tables below, no command
 * adapter (generator/cli/commands/*.ts) over 200 lines, and README.md (a
 * user's page) at most 10,000 bytes. A failure names each file with its
 * count. Prints one line: the largest hand-written source file, the largest
 * command and the README's size.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");

const MAX_SOURCE_LINES = 400;
const MAX_COMMAND_LINES = 200;
const MAX_README_BYTES = 10_000;

/** README.md's size as committed (LF line ends), whatever line ends the checkout gave it. */
const readmeBytes = (): number =>
  Buffer.byteLength(fs.readFileSync(path.join(root, "README.md"), "utf8").replace(/\r\n/g, "\n"));

/**
 * Files under generator/ written by a script rather than by hand, exempt from
 * MAX_SOURCE_LINES: their length follows their data. Each must say so in its
 * opening comment (checked below), so the list holds only generated files.
 */
const GENERATED_TABLES: Readonly<Record<string, string>> = {
  // The Unicode wide and fullwidth ranges, from the Unicode Character Database.
  "core/diagnostics/east-asian-width.ts": "scripts/east-asian-width.js",
};

/** Lines as `wc -l` counts them, plus a last line without its newline. */
function lineCount(text: string): number {
  const newlines = text.split("\n").length - 1;
  return text === "" || text.endsWith("\n") ? newlines : newlines + 1;
}

/** Every .ts below dir, as paths relative to dir with forward slashes, sorted. */
function sourcesBelow(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    for (const e of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith(".ts")) out.push(path.relative(dir, full).split(path.sep).join("/"));
    }
  };
  walk(dir);
  return out.sort();
}

interface Measured {
  readonly file: string;
  readonly lines: number;
}

/** Each .ts of generator/ (paths below generator/) with its line count. */
function measureGenerator(): Measured[] {
  const dir = path.join(root, "generator");
  return sourcesBelow(dir).map((file) => ({
    file,
    lines: lineCount(fs.readFileSync(path.join(dir, file), "utf8")),
  }));
}

const isCommand = (file: string) => /^cli\/commands\/[^/]+\.ts$/.test(file);

const over = (files: readonly Measured[], limit: number) =>
  files.filter((f) => f.lines > limit).map((f) => `generator/${f.file}: ${f.lines} lines`);

const largest = (files: readonly Measured[]) =>
  files.reduce((a, b) => (b.lines > a.lines ? b : a), { file: "(none)", lines: 0 });

test.each<[string, string, number]>([
  ["empty", "", 0],
  ["one terminated line", "a\n", 1],
  ["one line without its newline", "a", 1],
  ["a blank line counts", "a\n\nb\n", 3],
  ["an unterminated last line counts", "a\nb", 2],
])("lines are counted as an editor shows them: %s", (_what, text, lines) => {
  expect(lineCount(text)).toBe(lines);
});

test(`no source file under generator/ is over ${MAX_SOURCE_LINES} lines, generated tables aside`, () => {
  const files = measureGenerator();
  expect(files.length).toBeGreaterThan(0);
  const handWritten = files.filter((f) => !(f.file in GENERATED_TABLES));
  const commands = files.filter((f) => isCommand(f.file));
  const top = largest(handWritten);
  const command = largest(commands);
  const readme = readmeBytes();
  console.log(
    `house: largest source generator/${top.file} (${top.lines} lines), largest command generator/${command.file} (${command.lines} lines), README.md ${readme} bytes`,
  );
  expect(over(handWritten, MAX_SOURCE_LINES)).toEqual([]);
});

test(`no command adapter (generator/cli/commands/*.ts) is over ${MAX_COMMAND_LINES} lines`, () => {
  const commands = measureGenerator().filter((f) => isCommand(f.file));
  expect(commands.length).toBeGreaterThan(0);
  expect(over(commands, MAX_COMMAND_LINES)).toEqual([]);
});

test(`README.md is at most ${MAX_README_BYTES} bytes`, () => {
  const bytes = readmeBytes();
  const found = bytes > MAX_README_BYTES ? [`README.md: ${bytes} bytes`] : [];
  expect(found).toEqual([]);
});

test("each exempt table is there and says which script writes it", () => {
  for (const [file, script] of Object.entries(GENERATED_TABLES)) {
    const head = fs.readFileSync(path.join(root, "generator", file), "utf8").slice(0, 400);
    expect([file, head.includes(`Written by ${script}`), /Do not edit/i.test(head)]).toEqual([
      file,
      true,
      true,
    ]);
    expect(fs.existsSync(path.join(root, script))).toBe(true);
  }
});
