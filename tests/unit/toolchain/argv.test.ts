/*
 * The one argv drop table, flag by flag: what each dropped flag does to a
 * rerun of a recorded compile (dropped alone, with its separate or joined
 * value, refused or replaced as a mode flag, and the same inside -Wp,), and
 * that both callers (size's rewrite, import's probe) drop it.
 */
import { probeArgv } from "../../../generator/toolchain/kernel-tree/probe-run";
import { rewriteCommand } from "../../../generator/size/measure/rewrite";
import { ArgFate, DROPPED_FLAGS, fateOf } from "../../../generator/toolchain/argv";

/** [row, argv after the compiler (the flag first), its fate] */
const cases: [string, { argv: string[]; want: ArgFate }][] = [
  ["-o", { argv: ["-o", "x.o"], want: { kind: "drop", words: 2, reason: "output" } }],
  ["-o joined", { argv: ["-ox.o"], want: { kind: "drop", words: 1, reason: "output" } }],
  ["-dumpdir", { argv: ["-dumpdir", "d/"], want: { kind: "drop", words: 2, reason: "output" } }],
  ["-dumpbase", { argv: ["-dumpbase", "x"], want: { kind: "drop", words: 2, reason: "output" } }],
  ["-save-temps", { argv: ["-save-temps"], want: { kind: "drop", words: 1, reason: "output" } }],
  [
    "-save-temps=",
    { argv: ["-save-temps=obj"], want: { kind: "drop", words: 1, reason: "output" } },
  ],
  ["-MF", { argv: ["-MF", "x.d"], want: { kind: "drop", words: 2, reason: "dependency" } }],
  ["-MF joined", { argv: ["-MFx.d"], want: { kind: "drop", words: 1, reason: "dependency" } }],
  ["-MT", { argv: ["-MT", "x.o"], want: { kind: "drop", words: 2, reason: "dependency" } }],
  ["-MT joined", { argv: ["-MTx.o"], want: { kind: "drop", words: 1, reason: "dependency" } }],
  ["-MQ", { argv: ["-MQ", "x.o"], want: { kind: "drop", words: 2, reason: "dependency" } }],
  ["-MQ joined", { argv: ["-MQx.o"], want: { kind: "drop", words: 1, reason: "dependency" } }],
  ["-MD", { argv: ["-MD"], want: { kind: "drop", words: 1, reason: "dependency" } }],
  ["-MMD", { argv: ["-MMD"], want: { kind: "drop", words: 1, reason: "dependency" } }],
  ["-MP", { argv: ["-MP"], want: { kind: "drop", words: 1, reason: "dependency" } }],
  ["-MG", { argv: ["-MG"], want: { kind: "drop", words: 1, reason: "dependency" } }],
  ["-c", { argv: ["-c"], want: { kind: "mode", flag: "-c" } }],
  ["-S", { argv: ["-S"], want: { kind: "mode", flag: "-S" } }],
  ["-E", { argv: ["-E"], want: { kind: "mode", flag: "-E" } }],
  ["-M", { argv: ["-M"], want: { kind: "mode", flag: "-M" } }],
  ["-MM", { argv: ["-MM"], want: { kind: "mode", flag: "-MM" } }],
  ["-fsyntax-only", { argv: ["-fsyntax-only"], want: { kind: "mode", flag: "-fsyntax-only" } }],
  [
    "-Wp, kbuild's dependency file",
    { argv: ["-Wp,-MMD,arch/x86/kvm/.x86.o.d"], want: { kind: "preprocessor", kept: undefined } },
  ],
  [
    "-Wp, dependency items out, the rest kept",
    {
      argv: ["-Wp,-MD,x.d,-MT,x.o,-MFy.d,-MP,-M,-DX=1"],
      want: { kind: "preprocessor", kept: "-Wp,-DX=1" },
    },
  ],
  ["kept: -O2", { argv: ["-O2"], want: { kind: "keep" } }],
  ["kept: -DX", { argv: ["-DMD=1"], want: { kind: "keep" } }],
  ["kept: -dumpbase-ext is not -dumpbase", { argv: ["-dumpbase-ext"], want: { kind: "keep" } }],
];

describe("fateOf", () => {
  it.each(cases)("%s", (_name, { argv, want }) => {
    expect(fateOf(["cc", ...argv], 1)).toEqual(want);
  });

  it("every row of the table has a case", () => {
    const covered = new Set(cases.map(([name]) => name.split(" ")[0]));
    const rows = DROPPED_FLAGS.map((d) => (d.value === "equals" ? `${d.flag}=` : d.flag));
    expect(rows.filter((r) => !covered.has(r))).toEqual([]);
  });
});

const unit = (argv: string[]) => ({
  directory: "/t/build",
  file: "/t/src/x.c",
  argv: ["cc", ...argv, "-c", "/t/src/x.c"],
  index: 0,
});
const dropped = cases.filter(([, { want }]) => want.kind === "drop");

describe("both callers drop every output and dependency flag", () => {
  it.each(dropped)("size's rewrite: %s", (_name, { argv }) => {
    const result = rewriteCommand(
      unit(argv),
      { treeDir: "/t/src", overlayDir: "/o" },
      { object: "/r/x.o", depfile: "/r/x.o.d" },
    );
    expect(result.ok && result.argv.slice(1, 3)).toEqual(["-c", "/o/x.c"]);
  });

  it.each(dropped)("import's probe: %s", (_name, { argv }) => {
    expect(probeArgv(unit(argv), "/p/probe.c", "/p/probe.o")).toEqual([
      "cc",
      "-c",
      "/p/probe.c",
      "-o",
      "/p/probe.o",
    ]);
  });

  it.each(["-S", "-E", "-M", "-MM", "-fsyntax-only"])(
    "a mode flag: size refuses %s, import puts -c in its place",
    (flag) => {
      const result = rewriteCommand(
        unit([flag]),
        { treeDir: "/t/src", overlayDir: "/o" },
        { object: "/r/x.o", depfile: "/r/x.o.d" },
      );
      expect(result).toEqual({ ok: false, problem: `it runs ${flag}, not a compile` });
      expect(probeArgv(unit([flag]), "/p/probe.c", "/p/probe.o")).toEqual([
        "cc",
        "-c",
        "/p/probe.c",
        "-o",
        "/p/probe.o",
      ]);
    },
  );
});
