/*
 * The one compile-database reader: entries with `arguments` or a `command`
 * string, every malformed entry reported with its index, and the shell-like
 * split of a recorded command.
 */
import { readCompileDb, splitCommand } from "../../../generator/toolchain/compile-db";

const splits: [string, { given: string; want: string[] | null }][] = [
  [
    "kbuild's quoted module name",
    {
      given: `gcc -DKBUILD_MODNAME='"kvm"' -c x.c`,
      want: ["gcc", '-DKBUILD_MODNAME="kvm"', "-c", "x.c"],
    },
  ],
  [
    "double quotes and backslashes",
    { given: `cc "-DA=a b" -DB=\\"c\\"`, want: ["cc", "-DA=a b", '-DB="c"'] },
  ],
  ["a variable stays as written", { given: "cc -I$SRC/include", want: ["cc", "-I$SRC/include"] }],
  ["a shell operator is not a compile", { given: "cc -c x.c && rm -rf /", want: null }],
];

describe("splitCommand", () => {
  it.each(splits)("%s", (_name, { given, want }) => {
    expect(splitCommand(given)).toEqual(want);
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
      ]),
      want: {
        ok: false,
        problems: [
          { entry: 0, why: "must be an object with directory, file and arguments or command" },
          { entry: 1, why: "'directory' must be an absolute path" },
          { entry: 2, why: "'file' must be a path" },
          { entry: 3, why: "needs 'arguments' (a list of strings) or 'command' (a string)" },
          { entry: 4, why: "'command' is not a single compiler command (shell operators?)" },
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
