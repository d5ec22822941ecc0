/*
 * The kernel tree cache's trust rules, on fake cache entries (runs in
 * npm test; real trees are prepared by npm run test:kernel): an entry is used
 * only when its completion marker matches and the pristine header still has
 * the recorded hash, and a killed run's temp dir is cleaned up.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  CACHE_REGS_HEADER,
  KVM_CONFIG_ARGS,
  entryProblem,
  removeAbandoned,
  sha256File,
} from "./trees";

const HEADER_TEXT = "/* stands for the pristine kvm_cache_regs.h */\n";
const want = {
  recipe: 1,
  package: "linux-source-6.1",
  version: "6.1.192-3",
  compiler: "gcc (Debian 12.2.0-14) 12.2.0",
  config: KVM_CONFIG_ARGS,
};

let cache: string;
beforeEach(() => {
  cache = fs.mkdtempSync(path.join(os.tmpdir(), "regcache-trees-"));
});
afterEach(() => fs.rmSync(cache, { recursive: true, force: true }));

/** A complete-looking entry; `edit` breaks one thing about it. */
function fakeEntry(edit: (root: string) => void = () => {}): string {
  const root = path.join(cache, "linux-source-6.1_6.1.192-3");
  const header = path.join(root, "linux", CACHE_REGS_HEADER);
  fs.mkdirSync(path.dirname(header), { recursive: true });
  fs.writeFileSync(header, HEADER_TEXT);
  fs.mkdirSync(path.join(root, "linux/build/arch/x86/kvm"), { recursive: true });
  fs.writeFileSync(path.join(root, "linux/build/arch/x86/kvm/x86.o"), "");
  fs.writeFileSync(path.join(root, "compile_commands.json"), "[]");
  const manifest = { ...want, headerSha256: sha256File(header) };
  fs.writeFileSync(path.join(root, "tree.json"), JSON.stringify(manifest));
  edit(root);
  return root;
}

const rewriteManifest = (root: string, change: object) => {
  const file = path.join(root, "tree.json");
  fs.writeFileSync(
    file,
    JSON.stringify({ ...JSON.parse(fs.readFileSync(file, "utf8")), ...change }),
  );
};

describe("entryProblem", () => {
  const cases: [string, { edit: (root: string) => void; want: RegExp | undefined }][] = [
    ["complete entry is trusted", { edit: () => {}, want: undefined }],
    [
      "killed before the marker",
      { edit: (r) => fs.unlinkSync(path.join(r, "tree.json")), want: /no completion marker/ },
    ],
    [
      "truncated marker",
      {
        edit: (r) => fs.writeFileSync(path.join(r, "tree.json"), '{"recipe":'),
        want: /no completion marker/,
      },
    ],
    [
      "pristine header written through a hard link",
      {
        edit: (r) =>
          fs.appendFileSync(path.join(r, "linux", CACHE_REGS_HEADER), '#include "x.h"\n'),
        want: /kvm_cache_regs.h was modified/,
      },
    ],
    [
      "pristine header removed",
      {
        edit: (r) => fs.unlinkSync(path.join(r, "linux", CACHE_REGS_HEADER)),
        want: /kvm_cache_regs.h is missing/,
      },
    ],
    [
      "security update moved the package",
      { edit: (r) => rewriteManifest(r, { version: "6.1.191-1" }), want: /version is/ },
    ],
    [
      "other compiler",
      { edit: (r) => rewriteManifest(r, { compiler: "gcc 13" }), want: /compiler is/ },
    ],
    ["other recipe", { edit: (r) => rewriteManifest(r, { recipe: 0 }), want: /recipe is/ }],
    [
      "other config",
      {
        edit: (r) => rewriteManifest(r, { config: ["--enable", "KVM_XEN"] }),
        want: /config differs/,
      },
    ],
    [
      "reference objects missing",
      {
        edit: (r) => fs.unlinkSync(path.join(r, "linux/build/arch/x86/kvm/x86.o")),
        want: /x86.o is missing/,
      },
    ],
  ];
  test.each(cases)("%s", (_n, c) => {
    const problem = entryProblem(fakeEntry(c.edit), want);
    if (c.want) expect(problem).toMatch(c.want);
    else expect(problem).toBeUndefined();
  });
});

describe("removeAbandoned", () => {
  test("removes a dead run's temp dir, keeps live ones and entries", () => {
    const dead = spawnSync("true").pid!;
    const names = [
      `.tmp-linux-source-6.1_6.1.192-3-${dead}-0`,
      `.stale-linux-source-6.1_6.1.192-3-${dead}-1`,
      `.tmp-linux-source-6.1_6.1.192-3-${process.pid}-0`,
      "linux-source-6.1_6.1.192-3",
    ];
    for (const n of names) fs.mkdirSync(path.join(cache, n));
    removeAbandoned(cache);
    expect(fs.readdirSync(cache).sort()).toEqual(names.slice(2).sort());
  });
});
