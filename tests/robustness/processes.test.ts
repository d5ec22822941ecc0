/*
 * The built CLI as users run it, in separate processes: nothing is lost on
 * any error, two generate runs at once leave every file complete, and the
 * output is byte-identical across locales, time zones and project locations.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseBanner, sha256 } from "../../generator/targets/banner";
import { caseNames, SPECIAL } from "../errors/cases";
import { buildDist, repoRoot, runMain, snapshot, spawnCli, tempDir, type Snapshot } from "./run";

beforeAll(() => buildDist(), 120_000);

/** A project directory: spec/x86-kvm.yaml and nothing else. */
function project(root = tempDir("project")): string {
  fs.mkdirSync(path.join(root, "spec"), { recursive: true });
  fs.copyFileSync(
    path.join(repoRoot, "spec", "x86-kvm.yaml"),
    path.join(root, "spec", "x86-kvm.yaml"),
  );
  return root;
}

const GENERATE = ["generate", "--spec", "spec/x86-kvm.yaml", "--out", "generated"];

function files(s: Snapshot): Record<string, string> {
  return Object.fromEntries(
    Object.entries(s)
      .filter(([, e]) => e.kind === "file")
      .map(([p, e]) => [p, e.bytes]),
  );
}

describe("nothing is lost", () => {
  let dir: string;
  let before: Snapshot;

  beforeAll(async () => {
    dir = project();
    const first = await spawnCli(GENERATE, { cwd: dir });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    // Beside the generated files: a file of the user's, and a stale one of ours.
    fs.writeFileSync(path.join(dir, "generated", "NOTES.md"), "mine\n");
    fs.writeFileSync(
      path.join(dir, "generated", "c", "old_regs.h"),
      fs.readFileSync(path.join(dir, "generated", "c", "kvm_regs.h")),
    );
    before = snapshot(path.join(dir, "generated"));
    expect(Object.keys(files(before)).length).toBeGreaterThanOrEqual(4);
  }, 60_000);

  it.each(caseNames)("an invalid spec (%s) leaves the output directory as it was", async (name) => {
    // Each case in its own project holding a copy of the tree (mtimes kept),
    // compared with that copy as it was: no case depends on the ones before.
    const own = tempDir("case");
    const out = path.join(own, "generated");
    fs.cpSync(path.join(dir, "generated"), out, { recursive: true, preserveTimestamps: true });
    const spec = path.join(own, `${name}.yaml`);
    if (SPECIAL[name]) SPECIAL[name].make(spec);
    else fs.copyFileSync(path.join(repoRoot, "tests", "errors", `${name}.yaml`), spec);
    const was = snapshot(out);
    expect(files(was)).toEqual(files(before));
    const r = await runMain(["generate", "--spec", `${name}.yaml`, "--out", "generated"], own);
    const after = snapshot(out);
    fs.rmSync(own, { recursive: true, force: true });
    expect(r.code).toBe(2);
    expect(after).toEqual(was);
  });

  it("a file where the output needs a directory exits 2 and changes nothing", async () => {
    const d = project();
    fs.mkdirSync(path.join(d, "generated"));
    fs.writeFileSync(path.join(d, "generated", "c"), "a file where a directory should be\n");
    const was = snapshot(path.join(d, "generated"));
    const r = await spawnCli(GENERATE, { cwd: d });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^regcache: error: cannot write generated\/c\//);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(snapshot(path.join(d, "generated"))).toEqual(was);
  }, 60_000);
});

describe("two generate runs at once", () => {
  it("leave every file a complete, banner-valid output of one of them", async () => {
    const variants = [GENERATE, [...GENERATE, "--c-style", "expanded", "--all-cached"]];
    // What each run writes on its own.
    const alone = await Promise.all(
      variants.map(async (argv) => {
        const d = project();
        const r = await spawnCli(argv, { cwd: d });
        expect(r.code).toBe(0);
        return files(snapshot(path.join(d, "generated")));
      }),
    );
    const dir = project();
    for (let round = 0; round < 2; round++) {
      const results = await Promise.all(variants.map((argv) => spawnCli(argv, { cwd: dir })));
      for (const r of results) {
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
      }
      const tree = files(snapshot(path.join(dir, "generated")));
      expect(Object.keys(tree).sort()).toEqual(Object.keys(alone[0]!).sort());
      for (const [rel, bytes] of Object.entries(tree)) {
        expect([alone[0]![rel], alone[1]![rel]]).toContain(bytes);
        const banner = parseBanner(Buffer.from(bytes, "latin1").toString("utf8"));
        expect(banner).toBeDefined();
        expect(sha256(banner!.body)).toBe(banner!.bodyHash);
      }
    }
  }, 90_000);
});

describe("determinism", () => {
  it("gives the same bytes in every locale, time zone and project location", async () => {
    const envs: NodeJS.ProcessEnv[] = [
      { LANG: "C", LC_ALL: "C", TZ: "UTC" },
      { LANG: "tr_TR.UTF-8", LC_ALL: "tr_TR.UTF-8", TZ: "Asia/Kolkata" },
      { LANG: "ja_JP.UTF-8", LC_ALL: "de_DE.UTF-8", TZ: "Pacific/Chatham" },
    ];
    const base = tempDir("where");
    const roots = [
      project(),
      project(path.join(base, "a much", "longer path with spaces", "and ünïcödé")),
      project(path.join(base, "p")),
    ];
    const trees = await Promise.all(
      envs.map(async (env, i) => {
        const r = await spawnCli(GENERATE, {
          cwd: roots[i]!,
          env: { PATH: process.env["PATH"], HOME: process.env["HOME"], ...env },
        });
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        return files(snapshot(path.join(roots[i]!, "generated")));
      }),
    );
    expect(Object.keys(trees[0]!).length).toBeGreaterThanOrEqual(2);
    for (const t of trees.slice(1)) expect(t).toEqual(trees[0]);
  }, 90_000);
});
