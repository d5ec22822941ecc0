/*
 * The config matrix: defaults, config files (added or replacing a default),
 * and selection by --compiler / --config.
 */
import { formatDiagnostic } from "../../generator/diagnostics";
import {
  defaultConfigs,
  mergeConfigs,
  parseConfigFile,
  selectConfigs,
} from "../../generator/size/matrix";

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

test("selecting an unknown compiler or config is a usage error", () => {
  const selected = selectConfigs(defaultConfigs(), { compilers: ["icc"], names: ["gcc-O9"] });
  expect(selected.ok ? [] : selected.problems.map((p) => p.code)).toEqual(["RC614", "RC613"]);
});
