/*
 * The config matrix: defaults, config files (added or replacing a default),
 * and selection by --compiler / --config (comma-separated lists split).
 */
import { formatDiagnostic } from "../../../../generator/core/diagnostics/diagnostic";
import {
  defaultConfigs,
  installHint,
  mergeConfigs,
  parseConfigFile,
  selectConfigs,
  selectionOf,
  wantsSlimLto,
} from "../../../../generator/size/inputs/matrix";

const parse = (text: string) => parseConfigFile({ displayPath: "configs.yaml", text });

test("the default matrix: gcc and clang, plain and retpoline, kernel-like flags", () => {
  const configs = defaultConfigs();
  expect(configs.map((c) => c.name)).toEqual([
    "gcc-O2",
    "gcc-O2-retpoline",
    "clang-O2",
    "clang-O2-retpoline",
  ]);
  for (const c of configs) {
    expect(c.flags).toEqual(
      expect.arrayContaining([
        "-std=gnu11",
        "-DCONFIG_X86_64",
        "-Werror",
        "-O2",
        "-fno-pic",
        "-mcmodel=kernel",
        "-mno-red-zone",
        "-fno-stack-protector",
      ]),
    );
  }
  expect(configs[1].flags).toEqual(
    expect.arrayContaining(["-mindirect-branch=thunk-extern", "-mindirect-branch-register"]),
  );
  expect(configs[3].flags).toContain("-mretpoline-external-thunk");
  expect(configs[2].commands).toEqual(["clang-19", "clang"]);
  expect(configs[0].flags).not.toContain("-mretpoline-external-thunk");
});

test("a config file adds configs and replaces a default of the same name", () => {
  const parsed = parse(
    "configs:\n  - { name: gcc-Os, compiler: gcc, flags: [-Os] }\n  - { name: clang-O2, compiler: clang, command: clang-18 }\n",
  );
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => formatDiagnostic(d)).join(""));
  const merged = mergeConfigs(defaultConfigs(), parsed.configs);
  expect(merged.map((c) => c.name)).toEqual([
    "gcc-O2",
    "gcc-O2-retpoline",
    "clang-O2-retpoline",
    "gcc-Os",
    "clang-O2",
  ]);
  const os = merged.find((c) => c.name === "gcc-Os")!;
  expect(os.flags.slice(-1)).toEqual(["-Os"]);
  expect(merged.find((c) => c.name === "clang-O2")!.commands).toEqual(["clang-18"]);
});

test.each([
  [
    "unknown family",
    "configs:\n  - { name: x, compiler: icc }\n",
    "configs.yaml:2:26: error RC612",
  ],
  ["missing name", "configs:\n  - { compiler: gcc }\n", "configs.yaml:2:5: error RC604"],
  [
    "duplicate",
    "configs:\n  - { name: a, compiler: gcc }\n  - { name: a, compiler: gcc }\n",
    "configs.yaml:3:13: error RC611",
  ],
  [
    "flags not strings",
    "configs:\n  - { name: a, compiler: gcc, flags: [1] }\n",
    "configs.yaml:2:38: error RC602",
  ],
  [
    "unknown key",
    "configs:\n  - { name: a, compiler: gcc, opt: 3 }\n",
    "configs.yaml:2:31: error RC603",
  ],
])("bad config file: %s", (_name, text, want) => {
  const parsed = parse(text);
  expect(
    parsed.ok
      ? []
      : parsed.diagnostics.map((d) => formatDiagnostic(d).split(":").slice(0, 4).join(":")),
  ).toContain(want.split(":").slice(0, 4).join(":"));
});

test.each([
  [{ compilers: ["gcc"], names: [] }, ["gcc-O2", "gcc-O2-retpoline"]],
  [{ compilers: [], names: ["clang-O2"] }, ["clang-O2"]],
  [{ compilers: ["clang"], names: ["gcc-O2"] }, []],
  [{ compilers: [], names: [] }, ["gcc-O2", "gcc-O2-retpoline", "clang-O2", "clang-O2-retpoline"]],
])("select %j", (selection, want) => {
  const selected = selectConfigs(defaultConfigs(), selection);
  expect(selected.ok ? selected.configs.map((c) => c.name) : selected.problems).toEqual(want);
});

test.each<
  [string, string[] | undefined, string[] | undefined, { compilers: string[]; names: string[] }]
>([
  ["nothing given: everything", undefined, undefined, { compilers: [], names: [] }],
  ["one name each", ["gcc"], ["clang-O2"], { compilers: ["gcc"], names: ["clang-O2"] }],
  [
    "comma-separated lists, repeated, with spaces and empty names",
    ["gcc, clang", ",gcc"],
    ["gcc-O2,,clang-O2 "],
    { compilers: ["gcc", "clang", "gcc"], names: ["gcc-O2", "clang-O2"] },
  ],
])("the selection as the options give it: %s", (_what, compilers, configs, want) =>
  expect(selectionOf(compilers, configs)).toEqual(want),
);

test("--compiler gcc,clang selects both families", () => {
  const selected = selectConfigs(defaultConfigs(), selectionOf(["gcc,clang"], ["gcc-O2,clang-O2"]));
  expect(selected.ok ? selected.configs.map((c) => c.name) : selected.problems).toEqual([
    "gcc-O2",
    "clang-O2",
  ]);
});

test("selecting an unknown compiler or config is a usage error", () => {
  const selected = selectConfigs(defaultConfigs(), { compilers: ["icc"], names: ["gcc-O9"] });
  expect(selected.ok ? [] : selected.problems.map((p) => p.code)).toEqual(["RC614", "RC613"]);
});

describe("a missing compiler's install hint names the package of the command the config names", () => {
  test.each([
    ["clang-18", "clang", ["clang-18"], "apt-get install -y clang-18"],
    ["/usr/bin/clang-17", "clang", ["/usr/bin/clang-17"], "apt-get install -y clang-17"],
    ["gcc-13", "gcc", ["gcc-13"], "apt-get install -y gcc-13"],
    ["clang family default", "clang", ["clang-19", "clang"], "apt-get install -y clang-19"],
    ["unversioned clang", "clang", ["clang"], "apt-get install -y clang-19"],
    ["gcc", "gcc", ["gcc"], "apt-get install -y gcc"],
  ] as const)("%s", (_label, compiler, commands, want) => {
    expect(installHint({ compiler, commands })).toBe(want);
  });

  test("end to end through a config file", () => {
    const parsed = parse(
      "configs:\n  - name: clang-18-O2\n    compiler: clang\n    command: clang-18\n",
    );
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(installHint(parsed.configs[0])).toBe("apt-get install -y clang-18");
  });
});

describe("LTO flags that make IR-only objects are refused before any compile", () => {
  test.each([
    [["-flto"], true],
    [["-flto=thin"], true],
    [["-flto=auto"], true],
    [["-flto", "-ffat-lto-objects"], false],
    [["-ffat-lto-objects", "-flto=thin"], false],
    [["-flto", "-fno-lto"], false],
    [["-flto", "-ffat-lto-objects", "-fno-fat-lto-objects"], true],
    [["-Os"], false],
  ] as const)("%j -> %s", (flags, want) => expect(wantsSlimLto(flags)).toBe(want));

  test("RC617 at the flags, with the hint", () => {
    const parsed = parse("configs:\n  - name: gcc-lto\n    compiler: gcc\n    flags: [-flto]\n");
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const printed = parsed.diagnostics.map((d) => formatDiagnostic(d, false)).join("");
    expect(printed).toContain("configs.yaml:4:12: error RC617:");
    expect(printed).toContain("-ffat-lto-objects");
  });
});
