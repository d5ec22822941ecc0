/*
 * `regcache generate` on a real full disk: a 128 KiB tmpfs as the output
 * directory, generated once, then filled until a changed file no longer fits.
 * The run must fail as an environment problem (exit 3) with the old files
 * whole, no temporary and no lock; once there is room again (the tmpfs
 * grown), generate finishes and check agrees. Mounting needs root (CI runs as root): elsewhere
 * the test is skipped, saying why. tests/unit/output/writer.faults.test.ts
 * covers the same faults in process at every step of the writer.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { editSpec, regcache, rspAlwaysAvailable, snapshot, tempProject } from "./helpers";

const root = process.getuid?.() === 0;
if (!root) console.warn("full-disk.test.ts: skipped: mounting a tmpfs needs root");

describe("regcache generate on a full disk", () => {
  let project: string;
  let out: string;
  let mounted = false;
  beforeEach(() => {
    project = tempProject("full-disk");
    out = path.join(project, "out");
    fs.mkdirSync(out);
  });
  afterEach(() => {
    if (mounted) spawnSync("umount", [out]);
    mounted = false;
  });

  (root ? test : test.skip)(
    "a file that does not fit: exit 3, the old files whole, nothing left behind",
    async () => {
      const m = spawnSync("mount", ["-t", "tmpfs", "-o", "size=128k", "tmpfs", out], {
        encoding: "utf8",
      });
      if (m.status !== 0) {
        console.warn(`full-disk.test.ts: skipped: mount is not permitted here: ${m.stderr}`);
        return;
      }
      mounted = true;
      expect((await regcache(project, "generate", "--out", "out")).code).toBe(0);
      const old = snapshot(out);

      // The new files, exactly as this run will write them, from a copy of the project.
      editSpec(project, rspAlwaysAvailable);
      const twin = tempProject("full-disk-twin");
      editSpec(twin, rspAlwaysAvailable);
      expect((await regcache(twin, "generate", "--out", "out")).code).toBe(0);
      const changed = [...snapshot(path.join(twin, "out"))]
        .filter(([rel, f]) => old.get(rel)?.contents !== f.contents)
        .map(([, f]) => Buffer.byteLength(f.contents));
      // The writer takes its lock (a page), then writes its temporaries in order: leave
      // room for those, all but the last changed file, and one page of it, so that one
      // is cut short (a write returning a short count).
      const page = 4096;
      const last = changed.pop()!;
      expect(last).toBeGreaterThan(page);
      const room = changed.reduce((sum, n) => sum + Math.ceil(n / page) * page, 2 * page);
      const { bavail, bsize } = fs.statfsSync(out);
      const filler = path.join(out, "filler");
      fs.writeFileSync(filler, Buffer.alloc(bavail * bsize - room));
      expect(fs.statfsSync(out).bavail * bsize).toBe(room);
      const r = await regcache(project, "generate", "--out", "out");
      expect(r.code).toBe(3);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(
        /^regcache: error: cannot write out\/\S+: no space left on device \(ENOSPC\)/,
      );
      fs.rmSync(filler);
      expect(snapshot(out)).toEqual(old);
      fs.rmSync(twin, { recursive: true, force: true });

      // Room again (the writer needs the old set and the new one side by side until the
      // renames): the next run writes the new set, and check agrees.
      const grown = spawnSync("mount", ["-o", "remount,size=512k", out], { encoding: "utf8" });
      expect(grown.stderr).toBe("");
      expect((await regcache(project, "generate", "--out", "out")).code).toBe(0);
      expect((await regcache(project, "check", "--out", "out")).code).toBe(0);
      expect([...snapshot(out).keys()].filter((p) => p.includes("regcache"))).toEqual([]);
    },
  );
});
