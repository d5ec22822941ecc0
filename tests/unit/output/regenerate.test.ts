/*
 * One regeneration (generator/output/regenerate.ts): produced files planned
 * against the output directory and, unless it is a dry run, written under
 * its lock. Every way it ends is an outcome, never an exception: an invalid
 * spec, a generated path the writer refuses, a lock another live run holds,
 * a disk that fails; only a programming error is thrown.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { generate, type GenerateResult } from "../../../generator/generate/produce";
import { writeProduced } from "../../../generator/output/regenerate";
import { LOCK_NAME } from "../../../generator/output/lock";
import { diagnose } from "../../../generator/core/diagnostics/diagnostic";
import { repoRoot } from "../../helpers/capture";
import { tempDir } from "../../helpers/temp";

/** What the bundled spec generates, as the generator returns it. */
function produced(): GenerateResult {
  const result = generate({ specPath: path.join(repoRoot, "spec", "x86-kvm.yaml") });
  if (!result.ok) throw new Error("spec/x86-kvm.yaml does not generate");
  return result;
}

/** A result of the generator with other files (the writer takes any paths it is given). */
function withFiles(files: { path: string; contents: string }[]): GenerateResult {
  return { ...(produced() as GenerateResult & { ok: true }), files };
}

const listing = (dir: string) =>
  fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).sort() : [];

test("written: the plan says create, and the files are on disk; no lock is left", async () => {
  const out = path.join(tempDir("regen"), "out");
  const result = produced();
  const outcome = await writeProduced(Promise.resolve(result), out, "out", {
    dryRun: false,
    hooks: {},
  });
  expect(outcome.kind).toBe("done");
  if (outcome.kind !== "done") return;
  expect(outcome.plan.files.map((f) => [f.path, f.action])).toEqual([
    ["c/kvm_cache_regs.h", "create"],
    ["c/kvm_regs.h", "create"],
  ]);
  expect(listing(out)).toEqual(["c", "c/kvm_cache_regs.h", "c/kvm_regs.h"]);
  expect(fs.readFileSync(path.join(out, "c", "kvm_regs.h"), "utf8")).toBe(
    (result as GenerateResult & { ok: true }).files.find((f) => f.path === "c/kvm_regs.h")!
      .contents,
  );
  // Again: nothing to do.
  const again = await writeProduced(Promise.resolve(result), out, "out", {
    dryRun: false,
    hooks: {},
  });
  expect(again.kind === "done" && again.plan.files.map((f) => f.action)).toEqual([
    "unchanged",
    "unchanged",
  ]);
});

test("a dry run plans and writes nothing, not even the directory", async () => {
  const out = path.join(tempDir("regen-dry"), "out");
  const outcome = await writeProduced(Promise.resolve(produced()), out, "out", {
    dryRun: true,
    hooks: {},
  });
  expect(outcome.kind === "done" && outcome.plan.files.map((f) => f.action)).toEqual([
    "create",
    "create",
  ]);
  expect(fs.existsSync(out)).toBe(false);
});

test("an invalid spec: its diagnostics, and nothing written", async () => {
  const out = path.join(tempDir("regen-invalid"), "out");
  const diagnostic = diagnose("RC001", { displayPath: "x.yaml", text: "" }, undefined, "x");
  const outcome = await writeProduced(
    Promise.resolve({ ok: false, diagnostics: [diagnostic] }),
    out,
    "out",
    { dryRun: false, hooks: {} },
  );
  expect(outcome).toEqual({ kind: "invalid", diagnostics: [diagnostic] });
  expect(fs.existsSync(out)).toBe(false);
});

test("a generated path outside the directory is refused, and the directory left as it was", async () => {
  const out = path.join(tempDir("regen-refused"), "out");
  const outcome = await writeProduced(
    Promise.resolve(withFiles([{ path: "../escape.h", contents: "x" }])),
    out,
    "out",
    { dryRun: false, hooks: {} },
  );
  expect(outcome).toEqual({
    kind: "refused",
    message:
      "refusing to write '../escape.h': generated paths must stay inside the output directory",
  });
  expect(fs.existsSync(out)).toBe(false);
  expect(fs.existsSync(path.join(out, "..", "escape.h"))).toBe(false);
});

test("a dry run refuses the same path", async () => {
  const out = tempDir("regen-refused-dry");
  const outcome = await writeProduced(
    Promise.resolve(withFiles([{ path: "/abs.h", contents: "x" }])),
    out,
    "out",
    { dryRun: true, hooks: {} },
  );
  expect(outcome.kind).toBe("refused");
});

test("a lock another live run holds: failed, naming the lock to remove, nothing written", async () => {
  const out = tempDir("regen-busy");
  // pid 1 always runs.
  fs.writeFileSync(path.join(out, LOCK_NAME), "1\n");
  const outcome = await writeProduced(Promise.resolve(produced()), out, "gen", {
    dryRun: false,
    hooks: { lockTimeoutMs: 50 },
  });
  expect(outcome.kind).toBe("failed");
  if (outcome.kind !== "failed") return;
  expect(outcome.message).toMatch(/^cannot write gen\/: /);
  expect(outcome.help).toBe(
    `if no regcache run is active, remove gen/${LOCK_NAME}; nothing was changed`,
  );
  expect(listing(out)).toEqual([LOCK_NAME]);
});

test("a disk that fails mid-write: an environment failure naming the file and the error, old files kept", async () => {
  const out = tempDir("regen-disk");
  const outcome = await writeProduced(Promise.resolve(produced()), out, "gen", {
    dryRun: false,
    hooks: {
      beforeRename: (target) => {
        const err = new Error("no space") as NodeJS.ErrnoException;
        err.code = "ENOSPC";
        err.syscall = "write";
        err.path = target;
        throw err;
      },
    },
  });
  expect(outcome).toEqual({
    kind: "failed",
    fault: "environment",
    message: "cannot write gen/c/kvm_cache_regs.h: no space left on device (ENOSPC)",
    help: "make it writable (permissions, a writable mount, free space), or name another path; nothing was changed",
  });
  // The directories made for the files stay; no file, temporary or lock does.
  expect(listing(out)).toEqual(["c"]);
});

test("an error without an errno is a programming error: thrown", async () => {
  const out = tempDir("regen-throw");
  await expect(
    writeProduced(Promise.resolve(produced()), out, "gen", {
      dryRun: false,
      hooks: {
        afterTemporary: () => {
          throw new TypeError("bug");
        },
      },
    }),
  ).rejects.toThrow("bug");
  expect(listing(out)).toEqual(["c"]);
});
