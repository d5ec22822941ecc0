/*
 * `regcache check` against a temp project: in step, an edited spec, the spec
 * reverted, missing, stale and hand-edited files, JSON, and the exit codes
 * for an invalid spec, an --out that is a file and a directory where an output file should be.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { main } from "../../generator/cli/main";
import {
  capturingIo,
  editSpec,
  regcache,
  repoRoot,
  rspAlwaysAvailable,
  snapshot,
  specFile,
  producedPaths,
  tempProject,
} from "./helpers";

const lastLine = (text: string) => text.trimEnd().split("\n").pop()!;

describe("regcache check", () => {
  let project: string;
  let gen: string;
  let produced: string[];
  beforeEach(async () => {
    project = tempProject("check");
    gen = path.join(project, "generated");
    produced = await producedPaths(project);
    expect((await regcache(project, "generate")).code).toBe(0);
  });
  afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

  test("in step: exit 0 and one quiet line", async () => {
    const r = await regcache(project, "check");
    expect(r).toEqual({
      code: 0,
      stdout: `regcache: generated/ is in step with spec/x86-kvm.yaml (${produced.length} files)\n`,
      stderr: "",
    });
  });

  test("the repository's checked-in generated/ is in step with its spec", async () => {
    const r = await regcache(repoRoot, "check");
    expect(r.stdout + r.stderr).toMatch(/is in step/);
    expect(r.code).toBe(0);
  });

  test("an edited spec: exit 1, a diff naming the changed accessor, the fix last; reverted: exit 0", async () => {
    const original = fs.readFileSync(specFile(project), "utf8");
    const before = snapshot(gen);
    editSpec(project, rspAlwaysAvailable);

    const r = await regcache(project, "check");
    expect(r.code).toBe(1);
    // rsp keeps its own functions (the spec lists it in accessors): they leave the raw pair for regs[].
    expect(r.stdout).toContain(
      "--- a/generated/c/kvm_cache_regs.h\n+++ b/generated/c/kvm_cache_regs.h\n",
    );
    expect(r.stdout).toMatch(/^-\treturn kvm_register_read_raw\(vcpu, VCPU_REGS_RSP\);$/m);
    expect(r.stdout).toMatch(/^\+\treturn vcpu->arch\.regs\[VCPU_REGS_RSP\];$/m);
    expect(r.stdout).toMatch(
      /^  modified {5}generated\/c\/kvm_cache_regs\.h: the spec, the templates, the generator or the options changed/m,
    );
    // Each file names its own target's inputs: templates shape the C headers, not registers.ts.
    expect(r.stdout).toMatch(
      /^  modified {5}generated\/ts\/registers\.ts: the spec, the generator, ts-morph or prettier, or the options changed/m,
    );
    expect(lastLine(r.stdout)).toBe("regcache: to fix, run: regcache generate");
    // Checking writes nothing.
    expect(snapshot(gen)).toEqual(before);

    fs.writeFileSync(specFile(project), original);
    expect((await regcache(project, "check")).code).toBe(0);
  });

  test("expanded style: the diff names kvm_rsp_write, and the fix repeats the options", async () => {
    expect((await regcache(project, "generate", "--c-style", "expanded")).code).toBe(0);
    expect((await regcache(project, "check", "--c-style", "expanded")).code).toBe(0);
    editSpec(project, rspAlwaysAvailable);
    const r = await regcache(project, "check", "--c-style", "expanded");
    expect(r.code).toBe(1);
    // kvm_rsp_write (in the hunk's context) leaves the raw pair for a plain access to regs[].
    const hunks = r.stdout.split(/^(?=@@ |--- )/m);
    const changed = hunks.find((h) =>
      h.includes("-\tkvm_register_write_raw(vcpu, VCPU_REGS_RSP, val);\n"),
    );
    expect(changed).toBeDefined();
    expect(changed).toContain(
      " static inline void kvm_rsp_write(struct kvm_vcpu *vcpu, unsigned long val)\n",
    );
    expect(changed).toContain("+\tvcpu->arch.regs[VCPU_REGS_RSP] = val;\n");
    expect(changed).toContain("+\treturn vcpu->arch.regs[VCPU_REGS_RSP];\n");
    expect(lastLine(r.stdout)).toBe("regcache: to fix, run: regcache generate --c-style expanded");
  });

  test("a tree generated with other options is reported against the options asked for", async () => {
    const r = await regcache(project, "check", "--all-cached");
    expect(r.code).toBe(1);
    expect(lastLine(r.stdout)).toBe("regcache: to fix, run: regcache generate --all-cached");
    expect((await regcache(project, "generate", "--all-cached")).code).toBe(0);
    expect((await regcache(project, "check", "--all-cached")).code).toBe(0);
    expect((await regcache(project, "check")).code).toBe(1);
  });

  test("diffs are coloured on a terminal, never with NO_COLOR", async () => {
    fs.appendFileSync(path.join(gen, "c/kvm_regs.h"), "/* an edit */\n");
    const run = async (env: NodeJS.ProcessEnv) => {
      const c = capturingIo(project, env);
      const code = await main(["check"], { ...c.io, isTTY: true });
      expect(code).toBe(1);
      return c.stdout();
    };
    expect(await run({})).toContain("\x1b[31m-/* an edit */\x1b[0m");
    expect(await run({ NO_COLOR: "1" })).not.toContain("\x1b[");
  });

  test("a missing file", async () => {
    fs.rmSync(path.join(gen, "c/kvm_regs.h"));
    const r = await regcache(project, "check");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^  missing {6}generated\/c\/kvm_regs\.h: /m);
    expect(r.stdout).not.toContain("--- a/");
  });

  test("a stale file with this spec's banner where generate writes is reported and generate removes it; any other file is left alone", async () => {
    const old = fs.readFileSync(path.join(gen, "c/kvm_regs.h"), "utf8");
    const otherSpecs = old.replace(" from spec/x86-kvm.yaml.", " from spec/x86-kvm-v5.2.yaml.");
    expect(otherSpecs).not.toBe(old);
    const kept: Record<string, string> = {
      "c/notes.h": "/* kept by hand */\n",
      // Another spec's output beside ours, and outputs below the directories generate writes.
      "c/v52_regs.h": otherSpecs,
      "legacy/removed.h": old,
      "c/nest/v52/kvm_regs.h": otherSpecs,
      "c/vendor/kvm_regs.h": old,
    };
    fs.writeFileSync(path.join(gen, "c/kvm_old_regs.h"), old);
    for (const [rel, text] of Object.entries(kept)) {
      fs.mkdirSync(path.dirname(path.join(gen, rel)), { recursive: true });
      fs.writeFileSync(path.join(gen, rel), text);
    }

    const r = await regcache(project, "check");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^  stale {8}generated\/c\/kvm_old_regs\.h: carries regcache's banner/m,
    );
    expect(r.stdout).toMatch(/^regcache: generated\/ is out of step .*: 1 file differs/m);
    for (const rel of Object.keys(kept)) expect(r.stdout).not.toContain(rel);

    const g = await regcache(project, "generate");
    expect(g.code).toBe(0);
    expect(g.stdout).toContain("removed generated/c/kvm_old_regs.h");
    expect(g.stdout.match(/removed/g)).toHaveLength(1);
    expect(fs.existsSync(path.join(gen, "c/kvm_old_regs.h"))).toBe(false);
    for (const [rel, text] of Object.entries(kept))
      expect(fs.readFileSync(path.join(gen, rel), "utf8")).toBe(text);
    expect((await regcache(project, "check")).code).toBe(0);
  });

  test("--out . sweeps only the directories generate writes into, never what is below them", async () => {
    // The project itself as the output directory; then copies of its own output (this
    // spec's banner) in the checked-in generated/, another output below it and a vendor/
    // directory below c/: none of them is where this run writes.
    expect((await regcache(project, "generate", "--out", ".")).code).toBe(0);
    const ownBanner = fs.readFileSync(path.join(project, "c/kvm_regs.h"), "utf8");
    for (const rel of ["generated/c/old.h", "out/nest/v52/c/kvm_regs.h", "c/vendor/kvm_regs.h"]) {
      fs.mkdirSync(path.dirname(path.join(project, rel)), { recursive: true });
      fs.writeFileSync(path.join(project, rel), ownBanner);
    }
    fs.writeFileSync(path.join(project, "c/gone.h"), ownBanner); // where it writes: stale
    editSpec(project, rspAlwaysAvailable);
    const g = await regcache(project, "generate", "--out", ".");
    expect(g.code).toBe(0);
    expect(g.stdout.match(/^ *removed .*$/gm)).toEqual(["  removed ./c/gone.h"]);
    expect(fs.existsSync(path.join(project, "c/gone.h"))).toBe(false);
    for (const rel of ["generated/c/old.h", "out/nest/v52/c/kvm_regs.h", "c/vendor/kvm_regs.h"])
      expect(fs.readFileSync(path.join(project, rel), "utf8")).toBe(ownBanner);
    expect((await regcache(project, "check", "--out", ".")).code).toBe(0);
  });

  test("a hand-edited file is reported as hand-edited, not as a spec change", async () => {
    const file = path.join(gen, "c/kvm_regs.h");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("NR_VCPU_REGS", "NR_VCPU_REGZ"));
    const r = await regcache(project, "check");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^  hand-edited {2}generated\/c\/kvm_regs\.h: edited by hand: its body no longer matches its banner's hash \(what the spec produces did not change\)$/m,
    );
    expect(r.stdout).toMatch(/^-.*NR_VCPU_REGZ/m);
    expect(r.stdout).toMatch(/^\+.*NR_VCPU_REGS/m);
    expect(r.stdout).not.toContain("kvm_cache_regs.h");
    expect(r.stdout).toMatch(/note: generate overwrites hand edits/);
    expect(lastLine(r.stdout)).toBe("regcache: to fix, run: regcache generate");

    // Both at once: the spec changed too.
    editSpec(project, rspAlwaysAvailable);
    const both = await regcache(project, "check", "--format", "json");
    const doc = JSON.parse(both.stdout);
    const regs = doc.files.find((f: { path: string }) => f.path === "generated/c/kvm_regs.h");
    expect(regs).toMatchObject({
      status: "modified",
      handEdited: true,
      causes: ["inputs-changed", "hand-edited"],
    });
    const cache = doc.files.find(
      (f: { path: string }) => f.path === "generated/c/kvm_cache_regs.h",
    );
    expect(cache).toMatchObject({
      status: "modified",
      handEdited: false,
      causes: ["inputs-changed"],
    });
  });

  test("a file without its banner, and one with CRLF line endings", async () => {
    const regs = path.join(gen, "c/kvm_regs.h");
    const cache = path.join(gen, "c/kvm_cache_regs.h");
    fs.writeFileSync(regs, fs.readFileSync(regs, "utf8").replace(/^\/\*[\s\S]*?\*\/\n/, ""));
    fs.writeFileSync(cache, fs.readFileSync(cache, "utf8").replace(/\n/g, "\r\n"));
    const doc = JSON.parse((await regcache(project, "check", "--format", "json")).stdout);
    expect(doc.files.map((f: { path: string; causes: string[] }) => [f.path, f.causes])).toEqual([
      ["generated/c/kvm_cache_regs.h", ["line-endings"]],
      ["generated/c/kvm_regs.h", ["no-banner"]],
    ]);
  });

  test("same inputs, intact bodies, but generated for another --out: the banner differs", async () => {
    expect((await regcache(project, "generate", "--out", "elsewhere")).code).toBe(0);
    fs.rmSync(gen, { recursive: true });
    fs.renameSync(path.join(project, "elsewhere"), gen);
    const r = await regcache(project, "check");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^- \* Regenerate with: regcache generate --spec spec\/x86-kvm\.yaml --out elsewhere$/m,
    );
    for (const p of produced)
      expect(r.stdout).toContain(
        `  modified     generated/${p}: same body, but its banner names another spec path or --out\n`,
      );
  });

  test("--format json: a versioned document with the same findings", async () => {
    const clean = JSON.parse((await regcache(project, "check", "--format", "json")).stdout);
    expect(clean).toMatchObject({
      version: 2,
      spec: "spec/x86-kvm.yaml",
      out: "generated",
      status: "in-step",
      files: [],
      unchanged: produced.map((p) => `generated/${p}`),
      fix: null,
    });
    // One input hash per target; no file records it.
    expect(Object.keys(clean.inputHashes).sort()).toEqual(["c", "ts"]);
    for (const target of ["c", "ts"]) expect(clean.inputHashes[target]).toMatch(/^[0-9a-f]{64}$/);
    for (const p of produced)
      expect(fs.readFileSync(path.join(gen, p), "utf8")).not.toContain("regcache-inputs");
    expect(clean.inputHashes.c).not.toBe(clean.inputHashes.ts);

    fs.rmSync(path.join(gen, "c/kvm_cache_regs.h"));
    editSpec(project, rspAlwaysAvailable);
    const r = await regcache(project, "check", "--format", "json");
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.status).toBe("drift");
    expect(doc.fix).toBe("regcache generate");
    expect(doc.files.slice(0, 2)).toEqual([
      {
        path: "generated/c/kvm_cache_regs.h",
        status: "missing",
        handEdited: false,
        causes: [],
        diff: null,
      },
      expect.objectContaining({ path: "generated/c/kvm_regs.h", status: "modified" }),
    ]);
    // Every other target changed with the spec too.
    expect(doc.files.length).toBe(produced.length);
    expect(doc.files[1].diff).toMatch(/^-\t\tKVM_REG_WORD_BIT\(VCPU_REGS_RSP, 0\) \|/m);
  });

  test("an invalid spec: exit 2 with diagnostics, in text and in JSON", async () => {
    editSpec(project, (t) => t.replace("lazy: [pdptr]", "lazy: [pdptx]"));
    const r = await regcache(project, "check");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^spec\/x86-kvm\.yaml:\d+:\d+: error RC\d+: .*pdptx/m);

    const j = await regcache(project, "check", "--format", "json");
    expect(j.code).toBe(2);
    const doc = JSON.parse(j.stdout);
    expect(doc).toMatchObject({ version: 2, status: "invalid" });
    expect(doc.diagnostics[0]).toMatchObject({ file: "spec/x86-kvm.yaml", severity: "error" });
    expect(doc.diagnostics[0].message).toContain("pdptx");
    expect(typeof doc.diagnostics[0].line).toBe("number");
  });

  test("an --out that is a file: a usage error naming the option, exit 2, nothing read", async () => {
    fs.writeFileSync(path.join(project, "not-a-dir"), "a file where the output should be\n");
    for (const format of ["text", "json"]) {
      const r = await regcache(project, "check", "--out", "not-a-dir", "--format", format);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(
        /^regcache: error: --out not-a-dir: it is a file, not a directory$/m,
      );
    }
  });

  test.each([
    ["a FIFO", (p: string) => spawnSync("mkfifo", [p]), "a FIFO"],
    ["a directory", (p: string) => fs.mkdirSync(p), "a directory"],
  ])(
    "%s where an output file goes: check and generate refuse it at once, exit 2, nothing written",
    async (_what, make, kind) => {
      fs.rmSync(path.join(gen, "c", "kvm_cache_regs.h"));
      make(path.join(gen, "c", "kvm_cache_regs.h"));
      const message = `regcache: error: refusing to use generated/c/kvm_cache_regs.h: it is ${kind}, not a regular file\n`;
      const r = await regcache(project, "check");
      expect(r).toMatchObject({ code: 2, stderr: message });
      const j = await regcache(project, "check", "--format", "json");
      expect(j.code).toBe(2);
      expect(JSON.parse(j.stdout)).toMatchObject({ version: 2, status: "error" });
      editSpec(project, rspAlwaysAvailable);
      const before = snapshot(gen);
      const g = await regcache(project, "generate");
      expect(g).toMatchObject({ code: 2, stderr: message });
      expect(snapshot(gen)).toEqual(before);
    },
  );

  test("an output directory that does not exist yet: everything missing, exit 1", async () => {
    const r = await regcache(project, "check", "--out", "elsewhere");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/missing {6}elsewhere\/c\/kvm_regs\.h/);
    expect(lastLine(r.stdout)).toBe("regcache: to fix, run: regcache generate --out elsewhere");
  });

  test("a bundled spec's name beside a directory of that name (a linux-6.12/ source tree) is the bundled spec", async () => {
    fs.mkdirSync(path.join(project, "linux-6.12"));
    const out = ["--out", "kernel-gen"];
    expect((await regcache(project, "generate", "--spec", "linux-6.12", ...out)).code).toBe(0);
    const r = await regcache(project, "check", "--spec", "linux-6.12", ...out);
    expect(r.code).toBe(0);
    // A bundled spec is named by its name, not by the path it has inside the package.
    expect(r.stdout).toBe(
      "regcache: kernel-gen/ is in step with bundled spec linux-6.12 (1 file)\n",
    );
    fs.appendFileSync(path.join(project, "kernel-gen", "kvm_cache_regs_gen.h"), "/* edit */\n");
    const drifted = await regcache(project, "check", "--spec", "linux-6.12", ...out);
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toContain(
      "regcache: kernel-gen/ is out of step with bundled spec linux-6.12: 1 file differs, 0 in step\n",
    );
  });

  test("a bare --spec name that cannot be looked up (a symlink loop): RC001 with its errno, exit 2", async () => {
    fs.symlinkSync("loop", path.join(project, "loop"));
    const r = await regcache(project, "check", "--spec", "loop", "--out", "kernel-gen");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "loop: error RC001: cannot read loop: too many symbolic links (ELOOP)",
    );
  });

  test("the kernel target's header from other inputs names its template, not TypeScript's tools", async () => {
    // linux-6.1 and linux-6.12 both write kvm_cache_regs_gen.h, with different blocks.
    const out = ["--out", "kernel-gen"];
    expect((await regcache(project, "generate", "--spec", "linux-6.1", ...out)).code).toBe(0);
    const r = await regcache(project, "check", "--spec", "linux-6.12", ...out);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "  modified     kernel-gen/kvm_cache_regs_gen.h: the spec, the template, the generator or the options changed since it was generated\n",
    );
  });
});
