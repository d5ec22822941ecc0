/*
 * `regcache check` on a tree that is in step must not load the diff library
 * (start-up time is a feature); it loads it once there is a difference.
 */
import * as fs from "fs";
import * as path from "path";
import { regcache, tempProject } from "./helpers";

let mockDiffLoads = 0;
jest.mock("diff", () => {
  mockDiffLoads++;
  return jest.requireActual("diff");
});

test("the diff library loads only when a file differs", async () => {
  const project = tempProject("lazy");
  try {
    expect((await regcache(project, "generate")).code).toBe(0);
    expect((await regcache(project, "check")).code).toBe(0);
    expect(mockDiffLoads).toBe(0);

    const file = path.join(project, "generated/c/kvm_regs.h");
    fs.appendFileSync(file, "/* an edit */\n");
    const r = await regcache(project, "check");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("+++ b/generated/c/kvm_regs.h");
    expect(mockDiffLoads).toBe(1);
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
});
