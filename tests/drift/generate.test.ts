/*
 * `regcache generate` as a careful writer: an unchanged regenerate touches no
 * file, a failure at any point between writes leaves every file old or new
 * (never partial, never a temporary left behind), stale files are removed only
 * when they carry the banner, and --dry-run writes nothing.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { generateAll } from "../../generator/generate/produce";
import { locate } from "../../generator/cli/common";
import { regenerate, type TargetArgs } from "../../generator/cli/commands/generate";
import { applyPlan, planWrite } from "../../generator/output/writer";
import { LOCK_NAME } from "../../generator/output/lock";
import {
  ageFiles,
  capturingIo,
  editSpec,
  regcache,
  rspAlwaysAvailable,
  snapshot,
  specFile,
  producedPaths,
  tempProject,
  writerForChildren,
} from "./helpers";

const defaults: TargetArgs = {
  spec: "spec/x86-kvm.yaml",
  out: "generated",
  cStyle: "macro",
  allCached: false,
};

const injected = (what: string) =>
  Object.assign(new Error(`injected failure: ${what}`), { code: "EIO", syscall: what });

const temporaries = (dir: string) =>
  [...snapshot(dir).keys()].filter((p) => p.includes(".regcache-tmp-"));

describe("regcache generate", () => {
  let project: string;
  let gen: string;
  let produced: string[];
  beforeEach(async () => {
    project = tempProject("generate");
    gen = path.join(project, "generated");
    produced = await producedPaths(project);
    expect((await regcache(project, "generate")).code).toBe(0);
  });
  afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

  test("an unchanged regenerate leaves every file and every mtime alone", async () => {
    ageFiles(gen);
    const before = snapshot(gen);
    const r = await regcache(project, "generate");
    expect(r).toEqual({
      code: 0,
      stdout: `regcache: generated/ is up to date (${produced.length} files unchanged)\n`,
      stderr: "",
    });
    expect(snapshot(gen)).toEqual(before);
  });

  test("a changed spec rewrites the files that changed, and only those", async () => {
    fs.writeFileSync(path.join(gen, "c/notes.txt"), "not ours\n");
    ageFiles(gen);
    const before = snapshot(gen);
    editSpec(project, rspAlwaysAvailable);
    const r = await regcache(project, "generate");
    expect(r.code).toBe(0);
    // Every file's banner records the inputs, so a spec edit changes them all.
    expect(r.stdout).toBe(
      produced.map((p) => `  updated generated/${p}\n`).join("") +
        `regcache: changed ${produced.length} files in generated/, 0 unchanged\n`,
    );
    const after = snapshot(gen);
    expect(after.get("c/notes.txt")).toEqual(before.get("c/notes.txt"));
    for (const f of produced) {
      expect(after.get(f)!.mtimeMs).toBeGreaterThan(before.get(f)!.mtimeMs);
      expect(after.get(f)!.contents).not.toBe(before.get(f)!.contents);
    }
  });

  describe("a failure injected between writes leaves every file old, and no temporaries", () => {
    let where: ReturnType<typeof locate>;
    let before: ReturnType<typeof snapshot>;
    beforeEach(() => {
      where = locate(capturingIo(project).io, defaults.spec, defaults.out);
      fs.rmSync(path.join(gen, "c/kvm_regs.h")); // so one file is created, one updated
      before = snapshot(gen);
      editSpec(project, rspAlwaysAvailable);
    });

    test.each([
      ["after the first temporary is written (phase one)", "afterTemporary", 1],
      ["before the first rename (phase two)", "beforeRename", 1],
      ["before the second rename, one file already in place (phase two)", "beforeRename", 2],
    ] as const)("%s", async (_name, hook, at) => {
      let calls = 0;
      const outcome = await regenerate(where, defaults, process.env, {
        [hook]: () => {
          if (++calls === at) throw injected(hook);
        },
      });
      expect(calls).toBe(at);
      expect(outcome).toEqual({
        kind: "failed",
        fault: "environment",
        message: "cannot write generated/: input/output error (EIO)",
        help: "make it writable (permissions, a writable mount, free space), or name another path; nothing was changed",
      });
      // Same files, same bytes. A file put back after its rename has a new mtime, rightly:
      // a build may have seen the new contents in between.
      const contents = (m: ReturnType<typeof snapshot>) =>
        new Map([...m].map(([p, s]) => [p, s.contents]));
      expect(contents(snapshot(gen))).toEqual(contents(before));
      if (hook === "afterTemporary" || at === 1) expect(snapshot(gen)).toEqual(before);
      expect(temporaries(gen)).toEqual([]);
    });

    test("a file where the output needs a directory is the wrong kind of path (exit 2)", () => {
      // The command's own error path at write time: a file where a directory must be.
      fs.rmSync(path.join(gen, "c"), { recursive: true });
      fs.writeFileSync(path.join(gen, "c"), "in the way\n");
      return regcache(project, "generate").then((r) => {
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(
          /^regcache: error: cannot write generated\/c\/\S+: a component of the path is not a directory \(ENOTDIR\)\n  = help: name a path of the right kind/,
        );
        expect(r.stderr).not.toContain("--help");
        expect(fs.readFileSync(path.join(gen, "c"), "utf8")).toBe("in the way\n");
      });
    });
  });

  test("a run killed between two renames leaves each file whole, old or new; the next run finishes the job", async () => {
    // Run the real writer in a child process that SIGKILLs itself before its second rename.
    const lib = fs.mkdtempSync(path.join(project, "lib-"));
    const writerJs = writerForChildren(lib);
    const old = snapshot(gen);
    editSpec(project, rspAlwaysAvailable);
    const result = await generateAll({
      specPath: specFile(project),
      displayPath: "spec/x86-kvm.yaml",
    });
    if (!result.ok) throw new Error("the edited spec should be valid");
    fs.writeFileSync(path.join(lib, "files.json"), JSON.stringify(result.files));
    const child = spawnSync(
      process.execPath,
      [
        "-e",
        `const w = require(${JSON.stringify(writerJs)});
         const files = require(${JSON.stringify(path.join(lib, "files.json"))});
         let renames = 0;
         w.applyPlan(w.planWrite(${JSON.stringify(gen)}, files), {
           beforeRename: () => { if (++renames === 2) process.kill(process.pid, "SIGKILL"); },
         });`,
      ],
      { encoding: "utf8" },
    );
    expect(child.signal).toBe("SIGKILL");

    const after = snapshot(gen);
    const wanted = new Map(result.files.map((f) => [f.path, f.contents]));
    const states = produced.map((p) => {
      const now = after.get(p)!.contents;
      if (now === wanted.get(p)) return "new";
      if (now === old.get(p)!.contents) return "old";
      return "partial";
    });
    // Renamed in path order: the first is in place, the rest untouched, none partial.
    expect(states).toEqual(produced.map((_, i) => (i === 0 ? "new" : "old")));
    expect(temporaries(gen)).toHaveLength(produced.length - 1);

    // check ignores the leftover temporary and reports the one old file.
    const c = await regcache(project, "check");
    expect(c.code).toBe(1);
    expect(c.stdout).not.toContain("regcache-tmp");
    expect(c.stdout).toMatch(/^  modified {5}generated\/c\/kvm_regs\.h/m);
    expect(c.stdout).not.toMatch(/^  \S+ +generated\/c\/kvm_cache_regs\.h/m);

    // generate finishes the job and clears the dead run's temporary.
    expect((await regcache(project, "generate")).code).toBe(0);
    expect(temporaries(gen)).toEqual([]);
    expect((await regcache(project, "check")).code).toBe(0);
  });

  describe("one writer at a time", () => {
    let where: ReturnType<typeof locate>;
    beforeEach(() => {
      where = locate(capturingIo(project).io, defaults.spec, defaults.out);
      editSpec(project, rspAlwaysAvailable);
    });

    test("a lock held by a live process is waited for, then reported; nothing changes", async () => {
      const lock = path.join(gen, LOCK_NAME);
      fs.writeFileSync(lock, `${process.ppid}\n`); // the process that started ours: alive
      const before = snapshot(gen);
      const started = Date.now();
      const outcome = await regenerate(where, defaults, process.env, { lockTimeoutMs: 300 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(outcome).toEqual({
        kind: "failed",
        fault: "environment",
        message: expect.stringMatching(
          new RegExp(
            `^cannot write generated/: another regcache run \\(pid ${process.ppid}\\) is writing the output directory; waited \\d+\\.\\d s$`,
          ),
        ),
        help: `if no regcache run is active, remove generated/${LOCK_NAME}; nothing was changed`,
      });
      expect(snapshot(gen)).toEqual(before); // the lock is not ours: it stays too
    });

    test("a lock left by a process that is gone is taken over, and released", async () => {
      const gone = spawnSync(
        process.execPath,
        ["-e", "process.stdout.write(String(process.pid))"],
        {
          encoding: "utf8",
        },
      );
      fs.writeFileSync(path.join(gen, LOCK_NAME), `${gone.stdout}\n`);
      const outcome = await regenerate(where, defaults, process.env, { lockTimeoutMs: 5000 });
      expect(outcome.kind).toBe("done");
      expect(fs.existsSync(path.join(gen, LOCK_NAME))).toBe(false);
      expect((await regcache(project, "check")).code).toBe(0);
    });

    test("two processes writing different trees at once never mix them", async () => {
      const lib = fs.mkdtempSync(path.join(project, "lib-"));
      const writerJs = writerForChildren(lib);
      // Two different trees for the same paths: the edited spec in two C styles.
      for (const style of ["macro", "expanded"] as const) {
        const r = await generateAll({ specPath: specFile(project), cStyle: style });
        if (!r.ok) throw new Error("spec should be valid");
        fs.writeFileSync(path.join(lib, `${style}.json`), JSON.stringify(r.files));
      }
      // Each child writes its tree over and over, slowly, and after each write (still
      // holding the lock) checks that the whole tree is its own.
      const child = (style: string) =>
        new Promise<string>((resolve, reject) => {
          const script = `
            const fs = require("fs"), path = require("path");
            const w = require(${JSON.stringify(writerJs)});
            const lock = require(${JSON.stringify(path.join(path.dirname(writerJs), "lock.js"))});
            const files = require(${JSON.stringify(path.join(lib, ""))} + "/${style}.json");
            const nap = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3);
            let mixed = 0;
            for (let i = 0; i < 12; i++) {
              lock.withOutputLock(${JSON.stringify(gen)}, () => {
                w.applyPlan(w.planWrite(${JSON.stringify(gen)}, files), { beforeRename: nap });
                nap();
                for (const f of files)
                  if (fs.readFileSync(path.join(${JSON.stringify(gen)}, f.path), "utf8") !== f.contents) mixed++;
              });
              nap();
            }
            process.stdout.write(String(mixed));`;
          const p = spawn(process.execPath, ["-e", script], {
            stdio: ["ignore", "pipe", "inherit"],
          });
          let out = "";
          p.stdout.on("data", (d: Buffer) => (out += d.toString()));
          p.on("error", reject);
          p.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`child ${code}`))));
        });
      expect(await Promise.all([child("macro"), child("expanded")])).toEqual(["0", "0"]);
      expect(fs.existsSync(path.join(gen, LOCK_NAME))).toBe(false);
      expect(temporaries(gen)).toEqual([]);
    });
  });

  test("a stale file is removed only while it carries the banner", async () => {
    const banner = fs.readFileSync(path.join(gen, "c/kvm_regs.h"), "utf8");
    fs.writeFileSync(path.join(gen, "c/gone.h"), banner);
    fs.writeFileSync(path.join(gen, "c/swapped.h"), banner);
    fs.writeFileSync(path.join(gen, "c/mine.h"), "#define MINE 1\n");
    // The banner records the spec as the command does, so the files on disk are this spec's.
    const files = await generateAll({
      specPath: specFile(project),
      displayPath: "spec/x86-kvm.yaml",
    });
    if (!files.ok) throw new Error("spec should be valid");
    const plan = planWrite(gen, files.files);
    expect(plan.files.filter((f) => f.action === "remove").map((f) => f.path)).toEqual([
      "c/gone.h",
      "c/swapped.h",
    ]);
    // Someone replaces a planned removal with their own file before the plan runs.
    fs.writeFileSync(path.join(gen, "c/swapped.h"), "#define SWAPPED 1\n");
    applyPlan(plan);
    expect(fs.existsSync(path.join(gen, "c/gone.h"))).toBe(false);
    expect(fs.readFileSync(path.join(gen, "c/swapped.h"), "utf8")).toBe("#define SWAPPED 1\n");
    expect(fs.readFileSync(path.join(gen, "c/mine.h"), "utf8")).toBe("#define MINE 1\n");
  });

  test("--dry-run prints what it would do and writes nothing", async () => {
    const regs = fs.readFileSync(path.join(gen, "c/kvm_regs.h"), "utf8");
    fs.writeFileSync(path.join(gen, "c/old.h"), regs);
    fs.rmSync(path.join(gen, "c/kvm_cache_regs.h"));
    editSpec(project, rspAlwaysAvailable);
    ageFiles(gen);
    const before = snapshot(gen);
    const r = await regcache(project, "generate", "--dry-run");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "  would create generated/c/kvm_cache_regs.h\n" +
        produced
          .filter((p) => p !== "c/kvm_cache_regs.h")
          .map((p) => `  would update generated/${p}\n`)
          .join("") +
        "  would remove generated/c/old.h\n" +
        `regcache: would change ${produced.length + 1} files in generated/, 0 unchanged; nothing was written (--dry-run)\n`,
    );
    expect(snapshot(gen)).toEqual(before);
  });

  test("overwriting a hand-edited file says so", async () => {
    const file = path.join(gen, "c/kvm_regs.h");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("NR_VCPU_REGS", "NR_VCPU_REGZ"));
    const r = await regcache(project, "generate");
    expect(r.stdout).toContain(
      "  updated generated/c/kvm_regs.h (it had been edited by hand; those edits are gone)\n",
    );
    expect((await regcache(project, "check")).code).toBe(0);
  });

  test("an invalid spec writes nothing and exits 2", async () => {
    const before = snapshot(gen);
    editSpec(project, (t) => t.replace("mask: bitmap", "mask: u31"));
    const r = await regcache(project, "generate");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nothing was written/);
    expect(snapshot(gen)).toEqual(before);
  });
});
