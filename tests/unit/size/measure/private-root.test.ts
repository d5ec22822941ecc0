/*
 * The private root of a size run (generator/size/measure/private-root.ts): a
 * scratch directory gone afterwards, or --keep DIR cleared of what an earlier
 * run recorded and recorded again, even when the work failed; a DIR holding
 * files no run recorded is refused and left as it is; work that throws is an
 * environment failure naming the root.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { KEEP_MARKER } from "../../../../generator/size/inputs/output";
import { inPrivateRoot } from "../../../../generator/size/measure/private-root";
import { tempDir } from "../../../helpers/temp";

const recorded = (dir: string) =>
  (JSON.parse(fs.readFileSync(path.join(dir, KEEP_MARKER), "utf8")) as { entries: string[] })
    .entries;
const scratchDirs = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith("regcache-size-"));

test("without --keep: a new scratch directory, removed afterwards", async () => {
  let seen = "";
  const result = await inPrivateRoot({ cwd: tempDir("root") }, async (root) => {
    seen = root;
    fs.writeFileSync(path.join(root, "a.o"), "");
    return { ok: true as const };
  });
  expect(result).toEqual({ ok: true });
  expect(path.dirname(seen)).toBe(os.tmpdir());
  expect(fs.existsSync(seen)).toBe(false);
  expect(scratchDirs()).toEqual([]);
});

test("--keep twice: the second run clears what the first recorded, then records its own", async () => {
  const cwd = tempDir("root-keep");
  const keep = path.join(cwd, "keep");
  const write = (names: string[]) => async (root: string) => {
    for (const n of names) fs.writeFileSync(path.join(root, n), "");
    return { ok: true as const };
  };
  expect(await inPrivateRoot({ cwd, keep: "keep" }, write(["a.o", "b.o"]))).toEqual({ ok: true });
  expect(recorded(keep)).toEqual(["a.o", "b.o"]);
  expect(await inPrivateRoot({ cwd, keep: "keep" }, write(["c.o"]))).toEqual({ ok: true });
  expect(fs.readdirSync(keep).sort()).toEqual([KEEP_MARKER, "c.o"].sort());
  expect(recorded(keep)).toEqual(["c.o"]);
});

test("work that fails still has its files recorded, for the next run to clear", async () => {
  const cwd = tempDir("root-failed");
  const failed = { ok: false as const, why: "compile failed" };
  const result = await inPrivateRoot({ cwd, keep: "keep" }, async (root) => {
    fs.writeFileSync(path.join(root, "half.o"), "");
    return failed;
  });
  expect(result).toBe(failed);
  expect(recorded(path.join(cwd, "keep"))).toEqual(["half.o"]);
});

test("work that throws: an environment failure naming the root", async () => {
  const cwd = tempDir("root-throws");
  const result = await inPrivateRoot({ cwd, keep: "keep" }, async () => {
    throw Object.assign(new Error("no space"), { code: "ENOSPC" });
  });
  expect(result).toEqual({
    ok: false,
    kind: "environment",
    diagnostics: [],
    problems: [],
    messages: [`cannot write under ${path.join(cwd, "keep")}: ENOSPC`],
  });
});

test("a --keep holding files no run recorded: refused, the work not run, nothing touched", async () => {
  const cwd = tempDir("root-foreign");
  const keep = path.join(cwd, "keep");
  fs.mkdirSync(keep);
  fs.writeFileSync(path.join(keep, "mine.txt"), "x");
  const work = jest.fn(async () => ({ ok: true as const }));
  const result = await inPrivateRoot({ cwd, keep: "keep" }, work);
  expect(result).toMatchObject({ ok: false, kind: "invalid-input" });
  expect(work).not.toHaveBeenCalled();
  expect(fs.readdirSync(keep)).toEqual(["mine.txt"]);
});
