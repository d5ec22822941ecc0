/*
 * A size run of a handler suite (generator/size/measure/suite-run.ts): the
 * suite's accessor calls checked against each side's registers first
 * (RC619, once per side and register, not for accessors the generated or
 * runtime headers spell out), then every runnable config built against
 * every header set with gcc — the measured configs, the skipped ones told
 * through the hooks, a promised handler missing from the objects warned
 * about, --keep filled and recorded, a failed compile an environment
 * failure.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { SizeConfig } from "../../../../generator/size/inputs/matrix";
import { KEEP_MARKER } from "../../../../generator/size/inputs/output";
import type { Suite } from "../../../../generator/size/measure/suite";
import { checkSuiteRegisters, runSuite } from "../../../../generator/size/measure/suite-run";
import type { MeasureOptions } from "../../../../generator/size/outcome";
import { execContext } from "../../../../generator/toolchain/compilers";
import { tempDir } from "../../../helpers/temp";

/** A suite of one source in a temporary package, with a runtime include directory. */
function suite(
  source: string,
  runtimeHeader = "",
  functions: string[] = [],
): Suite & { work: string } {
  const work = tempDir("suite-run");
  fs.mkdirSync(path.join(work, "handlers"));
  fs.mkdirSync(path.join(work, "include"));
  fs.writeFileSync(path.join(work, "handlers", "h.c"), source);
  fs.writeFileSync(path.join(work, "include", "rt.h"), runtimeHeader);
  return {
    work,
    sources: [path.join(work, "handlers", "h.c")],
    includeDirs: [path.join(work, "include")],
    functions,
  };
}

describe("checkSuiteRegisters", () => {
  const source = [
    "void f(struct kvm_vcpu *v) {",
    "\tkvm_rbp_write(v, kvm_rbp_read(v));",
    "\tkvm_cr9_read(v); kvm_helper_read(v);",
    "}",
  ].join("\n");
  const side = (label: string, registers: string[], files: string[] = []) => ({
    label,
    registers: new Set(registers),
    files: files.map((contents, i) => ({ path: `c/${i}.h`, contents })),
  });

  test("one RC619 per side and register missing, at its first call, shown as `display` says", () => {
    const s = suite(source, "static inline int kvm_helper_read(void *v) { return 0; }\n");
    const found = checkSuiteRegisters(
      s,
      [
        side("head.yaml", ["rax"]),
        side("base.yaml", ["rbp", "rax"], ["#define kvm_cr9_read(v) 0\n"]),
      ],
      (file) => path.relative(s.work, file),
    );
    expect(found.map((d) => [d.code, d.file.displayPath, d.message])).toEqual([
      [
        "RC619",
        "head.yaml",
        "head.yaml has no register 'cr9', which the handler suite uses (handlers/h.c:3:2 calls kvm_cr9_read)",
      ],
      [
        "RC619",
        "head.yaml",
        "head.yaml has no register 'rbp', which the handler suite uses (handlers/h.c:2:2 calls kvm_rbp_write)",
      ],
    ]);
  });

  test("a 32-bit pair call: RC619 for the GPR the spec lacks, RC622 for a pair api.e_pair does not list", () => {
    const s = suite("void f(void *v) {\n\tkvm_ebp_write(v, kvm_eax_read(v));\n}\n");
    const found = checkSuiteRegisters(
      s,
      [side("head.yaml", ["rax", "eax"]), side("base.yaml", ["rax", "eax", "rbp"])],
      (file) => path.relative(s.work, file),
    );
    expect(found.map((d) => [d.code, d.message, d.hint])).toEqual([
      [
        "RC619",
        "head.yaml has no register 'rbp', which the handler suite uses (handlers/h.c:2:2 calls kvm_ebp_write)",
        "keep 'rbp' in the spec (in Linux 7.2's shape, with its 32-bit pair in api.e_pair where the suite uses it), or measure a spec that has every register the suite reads and writes",
      ],
      [
        "RC622",
        "base.yaml generates no 32-bit pair for 'rbp', which the handler suite uses (handlers/h.c:2:2 calls kvm_ebp_write)",
        "list 'rbp' in the spec's api.e_pair, or measure a spec whose e_pair has every register the suite reads or writes through its 32-bit pair",
      ],
    ]);
  });

  test("head and base the same spec under one label: each error once", () => {
    const s = suite("void f(void *v) {\n\tkvm_ebp_write(v, kvm_rcx_read(v));\n}\n");
    const same = side("s.yaml", ["rbp"]);
    const found = checkSuiteRegisters(s, [same, same], (file) => path.relative(s.work, file));
    expect(found.map((d) => d.code)).toEqual(["RC622", "RC619"]);
  });

  test("every register there: nothing; an unreadable source or include directory reads as empty", () => {
    const s = suite(source);
    expect(checkSuiteRegisters(s, [side("x", ["rbp", "cr9", "helper"])], (f) => f)).toEqual([]);
    const gone = { ...s, sources: [path.join(s.work, "none.c")], includeDirs: ["/nonexistent"] };
    expect(checkSuiteRegisters(gone, [side("x", [])], (f) => f)).toEqual([]);
  });
});

describe("runSuite", () => {
  const gcc: SizeConfig = {
    name: "gcc-O2",
    compiler: "gcc",
    commands: ["gcc"],
    retpoline: false,
    flags: ["-O2"],
  };
  const detectedGcc = {
    runnables: [{ config: gcc, compiler: { command: "gcc", version: "gcc (test) 1" } }],
    skipped: [
      {
        name: "clang-O2",
        compiler: "clang",
        reason: "clang not found",
        hint: "apt-get install -y clang-19",
      },
    ],
  };
  const headerSets = [
    { name: "base", files: [{ path: "c/hdr.h", contents: "#define N 16\n" }] },
    { name: "head", files: [{ path: "c/hdr.h", contents: "#define N 1\n" }] },
  ];
  const SOURCE =
    '#include "hdr.h"\n#include "rt.h"\nint handle(int *p) { int s = 0; for (int i = 0; i < N; i++) s += p[i] * i; return s; }\n';
  const options = (
    cwd: string,
    notes: string[],
    more: Partial<MeasureOptions> = {},
  ): MeasureOptions => ({
    cwd,
    env: {},
    jobs: 2,
    exec: execContext(undefined, undefined),
    hooks: { onNote: (line) => notes.push(line) },
    ...more,
  });
  const scratchDirs = () =>
    fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith("regcache-size-"));

  test("measured per config, base and head; skipped configs told; a missing handler warned about", async () => {
    const s = suite(SOURCE, "", ["handle", "promised_but_absent"]);
    const notes: string[] = [];
    const ran = await runSuite(s, detectedGcc, headerSets, options(s.work, notes));
    if (!ran.ok) throw new Error(JSON.stringify(ran));
    expect(
      ran.measured.map((m) => [m.name, m.compiler, m.command, m.compilerVersion, m.flags]),
    ).toEqual([["gcc-O2", "gcc", "gcc", "gcc (test) 1", ["-O2"]]]);
    const size = (side: "base" | "head") =>
      ran.measured[0][side].find((f) => f.name === "handle")!.size;
    expect(size("base")).toBeGreaterThan(size("head"));
    expect(ran.skipped).toEqual(detectedGcc.skipped);
    expect([...ran.sizes.get("gcc-O2")!.keys()]).toEqual(["base", "head"]);
    expect(notes).toEqual([
      "skipping clang-O2: clang not found (install: apt-get install -y clang-19)",
      "warning: gcc-O2/base: handlers.json lists promised_but_absent, not found in the objects",
      "warning: gcc-O2/head: handlers.json lists promised_but_absent, not found in the objects",
    ]);
    expect(scratchDirs()).toEqual([]);
  });

  test("--keep: the build stays there, recorded for the next run to clear", async () => {
    const s = suite(SOURCE);
    const ran = await runSuite(s, detectedGcc, headerSets, options(s.work, [], { keep: "keep" }));
    expect(ran.ok).toBe(true);
    const keep = path.join(s.work, "keep");
    expect(fs.readdirSync(keep).sort()).toEqual([KEEP_MARKER, "gcc-O2", "headers"].sort());
    expect(JSON.parse(fs.readFileSync(path.join(keep, KEEP_MARKER), "utf8"))).toEqual({
      entries: ["gcc-O2", "headers"],
    });
    expect(fs.existsSync(path.join(keep, "gcc-O2", "head", "h.o"))).toBe(true);
    // A second run into the same directory clears the first one's files.
    fs.writeFileSync(path.join(keep, "gcc-O2", "head", "stale.o"), "old");
    expect(
      (await runSuite(s, detectedGcc, headerSets, options(s.work, [], { keep: "keep" }))).ok,
    ).toBe(true);
    expect(fs.existsSync(path.join(keep, "gcc-O2", "head", "stale.o"))).toBe(false);
  });

  test("no compiler installed: an environment failure, nothing built", async () => {
    const s = suite(SOURCE);
    const notes: string[] = [];
    const ran = await runSuite(
      s,
      { runnables: [], skipped: detectedGcc.skipped },
      headerSets,
      options(s.work, notes),
    );
    expect(ran).toEqual({
      ok: false,
      kind: "environment",
      diagnostics: [],
      problems: [],
      messages: ["no configured compiler is installed"],
    });
    expect(notes).toHaveLength(1);
  });

  test("a compile that fails: each failure with its config, side, command and output", async () => {
    const s = suite('#include "hdr.h"\nint handle(void) { return N + ; }\n');
    const ran = await runSuite(s, detectedGcc, headerSets, options(s.work, []));
    expect(ran.ok).toBe(false);
    if (ran.ok) return;
    expect(ran.kind).toBe("environment");
    expect(ran.messages).toHaveLength(2);
    expect(ran.messages[0]).toMatch(
      /^gcc-O2\/base: compile failed:\n {2}gcc -O2 .*h\.c.*\n.*error/s,
    );
    expect(scratchDirs()).toEqual([]);
  });
});
