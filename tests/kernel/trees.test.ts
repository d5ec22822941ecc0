/*
 * The kernel tree cache's pure parts, on fake cache entries and fake .debs
 * (runs in npm test; real trees are prepared by npm run test:kernel): an
 * entry is used only when its completion marker matches and the series'
 * pristine header still has the recorded hash; a killed run's temp dir is
 * cleaned up; the series table; the .config check after olddefconfig; where
 * a .deb-sourced package is found and how it is checked.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  CACHE_REGS_HEADER,
  KVM_CONFIG_ARGS,
  SERIES,
  archiveUri,
  checkedDeb,
  compileCommandsProblem,
  configProblems,
  debVersion,
  entryProblem,
  isDebOf,
  kernelDebDir,
  locateDeb,
  parseSha256Sums,
  privateAptOptions,
  privateAptSources,
  relocateCompileCommands,
  removeAbandoned,
  seriesConfig,
  seriesRecipe,
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

/** A one-entry compile database naming the tree at `treeRoot`, as prepareTree writes it. */
function writeDatabase(root: string, treeRoot: string): void {
  const entry = {
    directory: path.join(treeRoot, "linux/build"),
    file: path.join(treeRoot, "linux/arch/x86/kvm/x86.c"),
    command: "gcc -c -o arch/x86/kvm/x86.o ../arch/x86/kvm/x86.c",
  };
  fs.writeFileSync(path.join(root, "compile_commands.json"), JSON.stringify([entry]));
}

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
  writeDatabase(root, root);
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
      "compile database naming the temp dir it was prepared in",
      {
        edit: (r) => writeDatabase(r, path.join(path.dirname(r), ".tmp-linux-source-6.1-1-0")),
        want: /^compile_commands.json: ".*\.tmp-linux-source-6.1-1-0\/linux\/build" is outside /,
      },
    ],
    [
      "empty compile database",
      {
        edit: (r) => fs.writeFileSync(path.join(r, "compile_commands.json"), "[]"),
        want: /^compile_commands.json: it holds no entries/,
      },
    ],
    [
      "unreadable compile database",
      {
        edit: (r) => fs.writeFileSync(path.join(r, "compile_commands.json"), "[{"),
        want: /^compile_commands.json is unreadable/,
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

describe("entryProblem, per series header", () => {
  const want72 = {
    ...want,
    package: "linux-source-7.2",
    version: "7.2.13-1",
    config: seriesConfig("7.2"),
    header: "arch/x86/kvm/regs.h",
  };

  /** A complete-looking 7.2 entry: its marker names regs.h. */
  function fakeEntry72(edit: (root: string) => void = () => {}): string {
    const root = path.join(cache, "linux-source-7.2_7.2.13-1");
    const header = path.join(root, "linux", want72.header);
    fs.mkdirSync(path.dirname(header), { recursive: true });
    fs.writeFileSync(header, "/* stands for the pristine regs.h */\n");
    fs.mkdirSync(path.join(root, "linux/build/arch/x86/kvm"), { recursive: true });
    fs.writeFileSync(path.join(root, "linux/build/arch/x86/kvm/x86.o"), "");
    writeDatabase(root, root);
    const manifest = { ...want72, headerSha256: sha256File(header) };
    fs.writeFileSync(path.join(root, "tree.json"), JSON.stringify(manifest));
    edit(root);
    return root;
  }

  test("a marker without a header (as the 6.x markers are) means kvm_cache_regs.h", () => {
    const root = fakeEntry();
    expect(JSON.parse(fs.readFileSync(path.join(root, "tree.json"), "utf8"))).not.toHaveProperty(
      "header",
    );
    expect(entryProblem(root, { ...want, header: CACHE_REGS_HEADER })).toBeUndefined();
    expect(entryProblem(root, { ...want, header: "arch/x86/kvm/regs.h" })).toMatch(
      /header is "arch\/x86\/kvm\/kvm_cache_regs.h", want "arch\/x86\/kvm\/regs.h"/,
    );
  });

  test("a 7.2 entry is trusted on its own header and config", () => {
    const root = fakeEntry72();
    expect(entryProblem(root, want72)).toBeUndefined();
    // The tree's own marker is a valid want (the proofs check the cache that way).
    const manifest = JSON.parse(fs.readFileSync(path.join(root, "tree.json"), "utf8"));
    expect(entryProblem(root, manifest)).toBeUndefined();
  });

  test("a 7.2 entry whose regs.h was written is not trusted", () => {
    const root = fakeEntry72((r) =>
      fs.appendFileSync(path.join(r, "linux/arch/x86/kvm/regs.h"), "#define X 1\n"),
    );
    expect(entryProblem(root, want72)).toMatch(/^arch\/x86\/kvm\/regs.h was modified/);
  });

  test("a 7.2 entry built without the TDX options is not trusted", () => {
    const root = fakeEntry72();
    expect(entryProblem(root, { ...want72, config: KVM_CONFIG_ARGS })).toBe("config differs");
  });

  test("a marker naming another header than the series' is not trusted", () => {
    const root = fakeEntry72();
    expect(entryProblem(root, { ...want72, header: CACHE_REGS_HEADER })).toMatch(/^header is/);
  });
});

describe("SERIES", () => {
  test("6.1 and 6.12 keep the config and header their cache entries recorded", () => {
    const recorded = [
      "--enable",
      "VIRTUALIZATION",
      "--module",
      "KVM",
      "--module",
      "KVM_INTEL",
      "--module",
      "KVM_AMD",
      "--disable",
      "KVM_XEN",
      "--disable",
      "DEBUG_INFO",
    ];
    for (const series of ["6.1", "6.12"]) {
      expect(seriesConfig(series)).toEqual(recorded);
      expect(seriesRecipe(series)).toEqual({
        source: { kind: "apt" },
        extraConfig: [],
        header: "arch/x86/kvm/kvm_cache_regs.h",
      });
    }
    expect(CACHE_REGS_HEADER).toBe("arch/x86/kvm/kvm_cache_regs.h");
  });

  test("7.2: a .deb from sid or trixie-backports, the TDX backend, regs.h", () => {
    const r = seriesRecipe("linux-source-7.2");
    expect(r).toBe(SERIES["7.2"]);
    expect(r.source).toEqual({ kind: "deb", suites: ["sid", "trixie-backports"] });
    expect(r.header).toBe("arch/x86/kvm/regs.h");
    expect(seriesConfig("7.2")).toEqual([
      ...KVM_CONFIG_ARGS,
      "--enable",
      "X86_X2APIC",
      "--enable",
      "CMA",
      "--enable",
      "INTEL_TDX_HOST",
      "--enable",
      "KVM_INTEL_TDX",
    ]);
  });

  test.each(["5.10", "linux-source-6.6", "toString", "__proto__", ""])(
    "an unknown series (%j) is refused, naming the known ones",
    (series) => {
      expect(() => seriesRecipe(series)).toThrow(
        /no recipe for kernel series .*known: 6.1, 6.12, 7.2/,
      );
    },
  );
});

describe("configProblems", () => {
  const args = seriesConfig("7.2");
  const kept = [
    "CONFIG_VIRTUALIZATION=y",
    "CONFIG_KVM=m",
    "CONFIG_KVM_INTEL=m",
    "CONFIG_KVM_AMD=m",
    "# CONFIG_KVM_XEN is not set",
    "CONFIG_X86_X2APIC=y",
    "CONFIG_CMA=y",
    "CONFIG_CMA_AREAS=7",
    "CONFIG_INTEL_TDX_HOST=y",
    "CONFIG_KVM_INTEL_TDX=y",
    "",
  ].join("\n");

  test("every option as asked (a disabled one may be absent)", () => {
    expect(configProblems(kept, args)).toEqual([]);
  });

  test("an option olddefconfig dropped is named with what was asked", () => {
    const text = kept
      .replace("CONFIG_INTEL_TDX_HOST=y", "# CONFIG_INTEL_TDX_HOST is not set")
      .replace("CONFIG_KVM_INTEL_TDX=y\n", "");
    expect(configProblems(text, args)).toEqual([
      "CONFIG_INTEL_TDX_HOST is not set, asked =y (--enable)",
      "CONFIG_KVM_INTEL_TDX is not set, asked =y (--enable)",
    ]);
  });

  test("a longer option's name does not stand in for a dropped one", () => {
    const text = kept.replace("CONFIG_CMA=y\n", "");
    expect(configProblems(text, args)).toEqual(["CONFIG_CMA is not set, asked =y (--enable)"]);
  });

  test("built in where a module was asked, and set where it was disabled", () => {
    const text = kept
      .replace("CONFIG_KVM_AMD=m", "CONFIG_KVM_AMD=y")
      .replace("# CONFIG_KVM_XEN is not set", "CONFIG_KVM_XEN=y");
    expect(configProblems(text, args)).toEqual([
      "CONFIG_KVM_AMD is =y, asked =m (--module)",
      "CONFIG_KVM_XEN is =y, asked not set (--disable)",
    ]);
  });

  test("arguments it cannot check are refused", () => {
    expect(() => configProblems(kept, ["--set-val", "NR_CPUS"])).toThrow(/cannot check/);
    expect(() => configProblems(kept, ["--enable"])).toThrow(/cannot check/);
  });
});

describe("finding a .deb", () => {
  const PKG = "linux-source-7.2";

  /** A real (tiny) .deb with the given control fields, named as the archive names it. */
  function buildDeb(dir: string, version: string, pkg = PKG): string {
    const tree = fs.mkdtempSync(path.join(os.tmpdir(), "deb-tree-"));
    fs.mkdirSync(path.join(tree, "DEBIAN"));
    fs.writeFileSync(
      path.join(tree, "DEBIAN/control"),
      `Package: ${pkg}\nVersion: ${version}\nArchitecture: all\nMaintainer: nobody <nobody@example.org>\nDescription: stands for the kernel source\n`,
    );
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${PKG}_${version}_all.deb`);
    const r = spawnSync("dpkg-deb", ["-Zgzip", "-b", tree, file], { encoding: "utf8" });
    fs.rmSync(tree, { recursive: true, force: true });
    if (r.status !== 0) throw new Error(`dpkg-deb -b: ${r.stderr}`);
    return file;
  }

  const writeSums = (dir: string, files: string[]) =>
    fs.writeFileSync(
      path.join(dir, "SHA256SUMS"),
      files.map((f) => `${sha256File(f)}  ${path.basename(f)}\n`).join(""),
    );

  test("parseSha256Sums reads sha256sum's text and binary modes", () => {
    const a = "a".repeat(64);
    const b = "B".repeat(64);
    const sums = parseSha256Sums(
      `${a}  x_1_all.deb\n${b} *./y_2_all.deb\r\nnot a line\n${"c".repeat(63)}  short\n`,
    );
    expect([...sums]).toEqual([
      ["x_1_all.deb", a],
      ["y_2_all.deb", "b".repeat(64)],
    ]);
  });

  test.each([
    ["linux-source-7.2_7.2.13-1_all.deb", true],
    ["linux-source-7.2_7.2.13-1_amd64.deb", false],
    ["linux-source-7.21_7.21.1-1_all.deb", false],
    ["linux-source-7.2__all.deb", false],
    ["SHA256SUMS", false],
  ])("isDebOf(%j)", (name, is) => expect(isDebOf(name, PKG)).toBe(is));

  test("the default directory is ../shared/kernels beside the repository", () => {
    const repo = path.resolve(__dirname, "..", "..");
    expect(kernelDebDir({})).toBe(path.resolve(repo, "..", "shared", "kernels"));
    expect(kernelDebDir({ REGCACHE_KERNEL_DEBS: "/elsewhere" })).toBe("/elsewhere");
  });

  test("a listed .deb with the right sum is used, its version read from its control", () => {
    const dir = path.join(cache, "debs");
    const file = buildDeb(dir, "7.2.13-1");
    writeSums(dir, [file]);
    expect(checkedDeb(dir, PKG)).toBe(file);
    expect(debVersion(file, PKG)).toBe("7.2.13-1");
  });

  test("the newest listed version wins, by Debian's ordering (7.2.13 after 7.2.9)", () => {
    const dir = path.join(cache, "debs");
    const files = ["7.2.9-1", "7.2.13-1", "7.2.13-1~bpo13+1"].map((v) => buildDeb(dir, v));
    writeSums(dir, files);
    expect(checkedDeb(dir, PKG)).toBe(files[1]);
  });

  test("no directory, or none of the package's .debs in it: undefined", () => {
    expect(checkedDeb(path.join(cache, "absent"), PKG)).toBeUndefined();
    const dir = path.join(cache, "debs");
    buildDeb(dir, "7.2.13-1");
    fs.renameSync(path.join(dir, `${PKG}_7.2.13-1_all.deb`), path.join(dir, "other_1_all.deb"));
    expect(checkedDeb(dir, PKG)).toBeUndefined();
  });

  test("a .deb the sums do not vouch for fails loudly", () => {
    const dir = path.join(cache, "debs");
    const file = buildDeb(dir, "7.2.13-1");
    expect(() => checkedDeb(dir, PKG)).toThrow(/no SHA256SUMS to check it against/);
    fs.writeFileSync(path.join(dir, "SHA256SUMS"), `${"0".repeat(64)}  other_all.deb\n`);
    expect(() => checkedDeb(dir, PKG)).toThrow(/does not list linux-source-7.2_7.2.13-1_all.deb/);
    fs.writeFileSync(path.join(dir, "SHA256SUMS"), `${"0".repeat(64)}  ${path.basename(file)}\n`);
    expect(() => checkedDeb(dir, PKG)).toThrow(/has sha256 [0-9a-f]{64}; .*SHA256SUMS says 0{64}/);
  });

  test("debVersion refuses another package", () => {
    const file = buildDeb(path.join(cache, "debs"), "7.2.13-1", "linux-headers-7.2");
    expect(() => debVersion(file, PKG)).toThrow(
      /is package "linux-headers-7.2", not linux-source-7.2/,
    );
  });

  describe("locateDeb", () => {
    const shared = () => path.join(cache, "shared");
    const env = () => ({ REGCACHE_KERNEL_DEBS: shared() });
    const neverDownload = () => {
      throw new Error("download called");
    };

    test("the shared copy first; nothing is fetched", () => {
      const file = buildDeb(shared(), "7.2.13-1");
      writeSums(shared(), [file]);
      const got = locateDeb(PKG, ["sid"], cache, { env: env(), download: neverDownload });
      expect(got).toBe(file);
    });

    test("a shared copy with a wrong sum fails; it is not replaced by a download", () => {
      const file = buildDeb(shared(), "7.2.13-1");
      fs.writeFileSync(
        path.join(shared(), "SHA256SUMS"),
        `${"0".repeat(64)}  ${path.basename(file)}\n`,
      );
      expect(() => locateDeb(PKG, ["sid"], cache, { env: env(), download: neverDownload })).toThrow(
        /has sha256/,
      );
    });

    test("then one downloaded earlier into the cache", () => {
      const dir = path.join(cache, "apt", "debs");
      const file = buildDeb(dir, "7.2.14-1");
      writeSums(dir, [file]);
      const got = locateDeb(PKG, ["sid"], cache, { env: env(), download: neverDownload });
      expect(got).toBe(file);
    });

    test("then a download, given the package, the suites and the cache", () => {
      const calls: unknown[] = [];
      const got = locateDeb(PKG, ["sid", "trixie-backports"], cache, {
        env: env(),
        download: (...args) => {
          calls.push(args.slice(0, 3));
          return "/downloaded.deb";
        },
      });
      expect(got).toBe("/downloaded.deb");
      expect(calls).toEqual([[PKG, ["sid", "trixie-backports"], cache]]);
    });

    test("when the download fails too, the error names every place it looked", () => {
      const download = () => {
        throw new Error("E: Unable to locate package linux-source-7.2");
      };
      let message = "";
      try {
        locateDeb(PKG, ["sid"], cache, { env: env(), download });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toContain(`no .deb in ${shared()}`);
      expect(message).toContain("REGCACHE_KERNEL_DEBS");
      expect(message).toContain(path.join(cache, "apt", "debs"));
      expect(message).toContain("fetching it failed: E: Unable to locate package linux-source-7.2");
    });
  });
});

describe("the private apt list", () => {
  test("archiveUri takes the first URIs: line, as the machine's deb822 file has it", () => {
    const sources = [
      "Types: deb",
      "# http://snapshot.debian.org/archive/debian/20250520T000000Z",
      "URIs: http://deb.debian.org/debian",
      "Suites: bookworm bookworm-updates",
      "",
      "Types: deb",
      "URIs: http://deb.debian.org/debian-security",
      "",
    ].join("\n");
    expect(archiveUri(sources)).toBe("http://deb.debian.org/debian");
    expect(archiveUri("Types: deb\n# URIs: http://x\n")).toBeUndefined();
  });

  test("privateAptSources: the suites, main, Debian's archive key", () => {
    expect(privateAptSources("http://deb.debian.org/debian", ["sid", "trixie-backports"])).toBe(
      "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: sid trixie-backports\n" +
        "Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n",
    );
  });

  test("privateAptOptions: no system source list; lists and caches under the private dir", () => {
    expect(privateAptOptions("/c/apt")).toEqual([
      "-o",
      "Dir::Etc::sourcelist=/dev/null",
      "-o",
      "Dir::Etc::sourceparts=/c/apt/parts",
      "-o",
      "Dir::State::Lists=/c/apt/lists",
      "-o",
      "Dir::Cache=/c/apt/cache",
    ]);
  });
});

describe("the compile database's paths", () => {
  const at = (root: string) => ({
    directory: `${root}/linux/build`,
    file: `${root}/linux/virt/kvm/kvm_main.c`,
    command: "gcc -c -o virt/kvm/kvm_main.o ../virt/kvm/kvm_main.c",
  });

  test("relocation moves either spelling of the temp dir, and nothing beside it", () => {
    const link = "/home/u/.cache/regcache/kernels/.tmp-k-1-0";
    const real = "/var/tmp/kernels/.tmp-k-1-0";
    const sibling = "/var/tmp/kernels/.tmp-k-1-0x";
    const moved = relocateCompileCommands(
      [at(link), at(real), at(sibling)],
      [link, real],
      "/var/tmp/kernels/k",
    );
    expect(moved).toEqual([at("/var/tmp/kernels/k"), at("/var/tmp/kernels/k"), at(sibling)]);
  });

  test("compileCommandsProblem names the first path outside the entry", () => {
    const roots = ["/c/k", "/real/k"];
    expect(compileCommandsProblem([at("/c/k"), at("/real/k")], roots)).toBeUndefined();
    expect(compileCommandsProblem([at("/c/k"), at("/c/.tmp-k-1-0")], roots)).toBe(
      '"/c/.tmp-k-1-0/linux/build" is outside /c/k and /real/k',
    );
    expect(compileCommandsProblem([{ ...at("/c/k"), file: "/c/kk/x.c" }], roots)).toBe(
      '"/c/kk/x.c" is outside /c/k and /real/k',
    );
    expect(compileCommandsProblem([], roots)).toBe("it holds no entries");
  });
});
