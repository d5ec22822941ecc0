/*
 * Where a symlinked file leads, on a real file system: nothing for a file
 * that is no link or is missing; each link passed, then the real path; a
 * dangling chain's last named path; a loop cut at 40 links.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { linkChain } from "../../../generator/util/link-chain";

let root: string;
let specDir: string;
let spec: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "link-chain-"));
  specDir = path.join(root, "spec");
  spec = path.join(specDir, "x.yaml");
  fs.mkdirSync(specDir);
  fs.writeFileSync(spec, "a: 1\n");
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("linkChain", () => {
  test("a file that is no link, or nothing: no chain", () => {
    expect(linkChain(spec)).toEqual([]);
    expect(linkChain(path.join(specDir, "none.yaml"))).toEqual([]);
  });

  test("a link to a link to a file: each link passed, then the real path", () => {
    fs.symlinkSync("x.yaml", path.join(specDir, "hop.yaml"));
    fs.symlinkSync("hop.yaml", path.join(specDir, "link.yaml"));
    expect(linkChain(path.join(specDir, "link.yaml"))).toEqual([
      path.join(specDir, "hop.yaml"),
      fs.realpathSync(spec),
    ]);
  });

  test("a chain that ends nowhere: the path its last link names", () => {
    fs.symlinkSync(path.join("..", "gone", "a.yaml"), path.join(specDir, "hop.yaml"));
    fs.symlinkSync("hop.yaml", path.join(specDir, "link.yaml"));
    expect(linkChain(path.join(specDir, "link.yaml"))).toEqual([
      path.join(specDir, "hop.yaml"),
      path.join(root, "gone", "a.yaml"),
    ]);
  });

  test("a loop: stops after 40 links", () => {
    fs.symlinkSync("b.yaml", path.join(specDir, "a.yaml"));
    fs.symlinkSync("a.yaml", path.join(specDir, "b.yaml"));
    expect(linkChain(path.join(specDir, "a.yaml"))).toHaveLength(40);
  });
});
