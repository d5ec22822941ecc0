/*
 * One probe compile (generator/toolchain/kernel-tree/probe-run.ts): how a recorded command
 * becomes the probe's command (every output redirected, the unit's own
 * source left out, nothing else touched), and a real compile of a probe
 * with gcc whose values are read back from the object; a compiler that is
 * missing, fails or writes no object is each its own kind of failure. The
 * probe's private directory is gone afterwards.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { probeArgv, runProbe } from "../../../../generator/toolchain/kernel-tree/probe-run";
import type { CompileCommand } from "../../../../generator/toolchain/compile-db";
import { tempDir } from "../../../helpers/temp";

const entry = (argv: string[]): CompileCommand => ({
  directory: "/k/build",
  file: "/k/arch/x86/kvm/x86.c",
  argv,
  index: 0,
});

const rewrites: [string, { given: string[]; want: string[] }][] = [
  [
    "kbuild's -Wp,-MMD, -c and -o dropped, the source replaced",
    {
      given: [
        "gcc",
        "-Wp,-MMD,arch/x86/kvm/.x86.o.d",
        "-O2",
        "-c",
        "-o",
        "arch/x86/kvm/x86.o",
        "../arch/x86/kvm/x86.c",
      ],
      want: ["gcc", "-O2", "-c", "/t/probe.c", "-o", "/t/probe.o"],
    },
  ],
  [
    "-MD -MF x -MT y and -ofile forms",
    {
      given: [
        "clang",
        "-MD",
        "-MF",
        "x.d",
        "-MT",
        "x.o",
        "-MQ",
        "q",
        "-MFy.d",
        "-ox.o",
        "-I./include",
        "/k/arch/x86/kvm/x86.c",
      ],
      want: ["clang", "-I./include", "-c", "/t/probe.c", "-o", "/t/probe.o"],
    },
  ],
  [
    "-save-temps (writes into the working directory) dropped, other flags kept in order",
    {
      given: [
        "gcc",
        "-save-temps",
        "-save-temps=obj",
        "-include",
        "./include/generated/autoconf.h",
        "-DX=1",
        "-c",
        "x86.c",
      ],
      want: [
        "gcc",
        "-include",
        "./include/generated/autoconf.h",
        "-DX=1",
        "-c",
        "/t/probe.c",
        "-o",
        "/t/probe.o",
      ],
    },
  ],
];

describe("probeArgv", () => {
  it.each(rewrites)("%s", (_name, { given, want }) => {
    const e = entry(given);
    const fixed = given.includes("x86.c") ? { ...e, directory: "/k/arch/x86/kvm" } : e;
    expect(probeArgv(fixed, "/t/probe.c", "/t/probe.o")).toEqual(want);
  });
});

describe("runProbe", () => {
  /** A unit in a temporary tree whose header defines an enum and a set macro. */
  function unit(compiler = "gcc", extra: string[] = []): CompileCommand {
    const dir = tempDir("probe-run");
    fs.writeFileSync(
      path.join(dir, "regs.h"),
      "enum kvm_reg { VCPU_REGS_RAX, VCPU_REGS_RCX, NR_VCPU_REGS };\n" +
        "#define VMX_REGS_LAZY_LOAD_SET ((1 << VCPU_REGS_RCX) | (1ULL << 40))\n",
    );
    fs.writeFileSync(path.join(dir, "x86.c"), '#include "regs.h"\nint x86_unit;\n');
    const file = path.join(dir, "x86.c");
    return {
      directory: dir,
      file,
      argv: [compiler, "-O2", ...extra, "-c", "-o", "x86.o", file],
      index: 0,
    };
  }
  const scratchDirs = () =>
    fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith("regcache-tree-probe-"));

  test("the values the compiler gives, absent where a condition is false; nothing left", async () => {
    const entry = unit();
    const result = await runProbe(entry, [
      { key: "rcx", expression: "VCPU_REGS_RCX" },
      { key: "set", expression: "VMX_REGS_LAZY_LOAD_SET" },
      { key: "off", expression: "1", condition: "#ifdef CONFIG_NOT_SET" },
      { key: "on", expression: "NR_VCPU_REGS", condition: "#if defined(__x86_64__)" },
    ]);
    expect(result).toEqual({
      ok: true,
      values: new Map<string, bigint | undefined>([
        ["rcx", 1n],
        ["set", (1n << 40n) | 2n],
        ["off", undefined],
        ["on", 2n],
      ]),
      release: "",
    });
    expect(fs.readdirSync(entry.directory).sort()).toEqual(["regs.h", "x86.c"]);
    expect(scratchDirs()).toEqual([]);
  });

  test("a compiler that is not there: no-compiler", async () => {
    const result = await runProbe(unit("regcache-no-such-cc"), [{ key: "a", expression: "1" }]);
    expect(result).toMatchObject({ ok: false, kind: "no-compiler" });
    expect(scratchDirs()).toEqual([]);
  });

  test("a compile that fails: its exit code and the first 25 lines of its output", async () => {
    const items = Array.from({ length: 40 }, (_, i) => ({
      key: `k${i}`,
      expression: `UNDEFINED_${i}`,
    }));
    const result = await runProbe(unit(), items);
    expect(result.ok).toBe(false);
    if (result.ok || result.kind !== "compile") throw new Error(JSON.stringify(result));
    expect(result.exitCode).toBe(1);
    const lines = result.stderr.split("\n");
    expect(lines).toHaveLength(26);
    expect(lines[0]).toContain("probe.c");
    expect(lines[25]).toMatch(/^… \d+ more lines$/);
    expect(result.stderr).toContain("UNDEFINED_0");
    expect(scratchDirs()).toEqual([]);
  });

  test("a compiler that succeeds without writing the object: object", async () => {
    const result = await runProbe(unit("true"), [{ key: "a", expression: "1" }]);
    expect(result).toMatchObject({ ok: false, kind: "object" });
    expect(result.ok ? "" : (result as { message: string }).message).toMatch(/ENOENT/);
  });
});
