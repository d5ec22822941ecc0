/*
 * The one compile-database reader: entries with `arguments` or a `command`
 * string, every malformed entry reported with its index, and the split of
 * a recorded command as the shell splits it (checked against sh, and bash
 * for $'...'), or why the shell would not run it as one command.
 */
import { spawnSync } from "node:child_process";
import { readCompileDb, splitCommand } from "../../../generator/toolchain/compile-db";

/** What `SHELL -c 'printf "%s\\0" WORDS'` gives: the words COMMAND splits into, or null when refused. */
function shWords(command: string, shell = "sh"): string[] | null {
  const run = spawnSync(shell, ["-c", `printf '%s\\0' ${command}`], { encoding: "utf8" });
  if (run.status !== 0) return null;
  return run.stdout.split("\0").slice(0, -1);
}

/** Commands sh splits: splitCommand gives sh's words, compiler first. */
const splits: [string, string][] = [
  ["kbuild's quoted module name", `gcc -DKBUILD_MODNAME='"kvm"' -c x.c`],
  ["double quotes and backslashes", `cc "-DA=a b" -DB=\\"c\\"`],
  ["a backslash in double quotes before other characters stays", `cc "-DA=\\n\\$x\\\\"`],
  ["quotes joined into one word, and an empty word", `cc 'a'"b"c ''`],
  ["a name with two dots and a glob stay literal", "cc ..c *.c"],
  ["a trailing backslash is itself", "cc x\\"],
  ["a line continuation joins the lines", "cc -c \\\n x.c"],
  ["a '#' inside a word is a character", "cc -DX=a#b -c x.c"],
  ["a '#' right after a quote is inside the word", `cc 'a'#b "c"#d ''#e`],
  ["a '#' after an escaped blank is inside the word", "cc a\\ #b"],
  ["a '#' starting a word after a tab starts a comment", "cc -c\t#x.c"],
  ["a comment ends the command", "cc -c x.c # built by hand"],
  ["tabs separate words", "cc\t-c\tx.c"],
];

describe("splitCommand", () => {
  it.each(splits)("%s: as sh splits it", (_name, given) => {
    const want = shWords(given);
    expect(want).not.toBeNull();
    expect(splitCommand(given)).toEqual({ ok: true, argv: want });
  });

  // dash reads $'...' as a dollar and a quoted string; bash and POSIX.1-2024 decode it.
  test.each([["cc $'a b'"], ["cc $'\\x41\\101\\t\\'\\q'x"], ["cc -D$'\\cA'"]])(
    "%s: as bash splits it",
    (given) => {
      const want = shWords(given, "bash");
      expect(want).not.toBeNull();
      expect(splitCommand(given)).toEqual({ ok: true, argv: want });
    },
  );

  test("a variable stays as written, braced or not (nothing is expanded)", () => {
    expect(splitCommand('cc -I$SRC/include "-I${OBJ}/gen"')).toEqual({
      ok: true,
      argv: ["cc", "-I$SRC/include", "-I${OBJ}/gen"],
    });
  });

  // What sh refuses to run: a problem, never a different argv.
  test.each<[string, string, string]>([
    ["an unclosed single quote", "cc 'x", "an unclosed single quote"],
    ["an unclosed single quote inside a word", "cc -Da'b", "an unclosed single quote"],
    ["an unclosed double quote", 'cc "x', "an unclosed double quote"],
    ["a double quote closed only by an escaped one", 'cc "x\\"', "an unclosed double quote"],
    ["an unclosed $'", "cc $'a", "an unclosed single quote"],
    ["an unclosed ${", "cc ${x", "an unclosed ${"],
    ["an unclosed ${ in double quotes", 'cc "${x"', "an unclosed ${"],
    ["an empty ${}", "cc ${}", "an empty ${}"],
  ])("%s: a syntax problem sh refuses too", (_name, given, why) => {
    expect(shWords(given)).toBeNull();
    expect(splitCommand(given)).toEqual({ ok: false, kind: "syntax", why });
  });

  // More than one command, or a command run to make one: not a compile.
  test.each<[string, string, string]>([
    ["an operator", "cc -c x.c && rm -rf /", "a shell operator ('&&')"],
    ["a pipe", "cc x.c | tee", "a shell operator ('|')"],
    ["an operator before a comment", "cc x.c;# done", "a shell operator (';')"],
    ["a redirection", "cc -c x.c >log", "a shell operator ('>')"],
    ["a second line", "cc -c x.c\nrm x.o", "a second command (a line break)"],
    ["a command substitution", "cc $(pkg-config --cflags x)", "a command substitution"],
    ["backquotes in double quotes", 'cc "-DV=`date`"', "a command substitution"],
  ])("%s: an operator problem", (_name, given, why) => {
    expect(splitCommand(given)).toEqual({ ok: false, kind: "operator", why });
  });

  test("a line break and comments after the command are nothing more", () => {
    expect(splitCommand("cc -c x.c\n# done\n")).toEqual({ ok: true, argv: ["cc", "-c", "x.c"] });
  });
});

const databases: [string, { given: string; want: ReturnType<typeof readCompileDb> }][] = [
  [
    "arguments and command, paths made absolute",
    {
      given: JSON.stringify([
        { directory: "/b", file: "x.c", arguments: ["cc", "-c", "x.c"] },
        { directory: "/b/", file: "/s/y.c", command: "cc -c /s/y.c" },
      ]),
      want: {
        ok: true,
        commands: [
          { directory: "/b", file: "/b/x.c", argv: ["cc", "-c", "x.c"], index: 0 },
          { directory: "/b/", file: "/s/y.c", argv: ["cc", "-c", "/s/y.c"], index: 1 },
        ],
      },
    },
  ],
  [
    "a command with '#' inside a word: one compiler command",
    {
      given: JSON.stringify([{ directory: "/b", file: "x.c", command: "cc -DX=a#b -c x.c" }]),
      want: {
        ok: true,
        commands: [
          { directory: "/b", file: "/b/x.c", argv: ["cc", "-DX=a#b", "-c", "x.c"], index: 0 },
        ],
      },
    },
  ],
  [
    "a UTF-8 byte order mark before the array, as in any input",
    {
      given: "\ufeff" + JSON.stringify([{ directory: "/b", file: "x.c", arguments: ["cc"] }]),
      want: {
        ok: true,
        commands: [{ directory: "/b", file: "/b/x.c", argv: ["cc"], index: 0 }],
      },
    },
  ],
  [
    "not JSON",
    {
      given: "[",
      want: { ok: false, problems: [{ why: expect.stringMatching(/^not valid JSON/) }] },
    },
  ],
  [
    "not an array",
    {
      given: "{}",
      want: { ok: false, problems: [{ why: "must be a JSON array of compile commands" }] },
    },
  ],
  [
    "every bad entry, by index",
    {
      given: JSON.stringify([
        1,
        { directory: "b", file: "x.c", arguments: ["cc"] },
        { directory: "/b", file: "", arguments: ["cc"] },
        { directory: "/b", file: "x.c" },
        { directory: "/b", file: "x.c", command: "cc x.c | tee" },
        { directory: "/b", file: "x.c", command: "cc 'x.c" },
      ]),
      want: {
        ok: false,
        problems: [
          { entry: 0, why: "must be an object with directory, file and arguments or command" },
          { entry: 1, why: "'directory' must be an absolute path" },
          { entry: 2, why: "'file' must be a path" },
          { entry: 3, why: "needs 'arguments' (a list of strings) or 'command' (a string)" },
          { entry: 4, why: "'command' is not a single compiler command (shell operators?)" },
          {
            entry: 5,
            why: "'command' cannot be read as sh reads it: an unclosed single quote",
          },
        ],
      },
    },
  ],
];

describe("readCompileDb", () => {
  it.each(databases)("%s", (_name, { given, want }) => {
    expect(readCompileDb(given)).toEqual(want);
  });
});
