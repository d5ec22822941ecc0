/*
 * What a --compile-commands run measures, decided before anything is
 * written (generator/size/inputs/tree.ts): the options that contradict it,
 * the database, the tree's root found from the units, the header's
 * directory, the units that can reach it, and what each side overlays there
 * (the generated headers, and the adopted host header for a tree that has
 * not adopted the generated block). Every problem at once. Also the
 * report's config for a tree, from the first unit's recorded command.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { generate } from "../../../../generator/generate/produce";
import {
  checkTreeOptions,
  codegenFlags,
  isRetpoline,
  KERNEL_HEADER,
  prepareTree,
  REFUSED_WITH_COMPILE_COMMANDS,
  treeConfig,
  type TreeOptions,
} from "../../../../generator/size/inputs/tree";
import type { GeneratedFile } from "../../../../generator/targets/types";
import { repoRoot } from "../../../helpers/capture";
import { tempDir } from "../../../helpers/temp";

const codes = (list: readonly { code: string }[]) => list.map((d) => d.code);

describe("checkTreeOptions", () => {
  test("with --compile-commands, each option that picks configs is refused", () => {
    const found = checkTreeOptions({
      compileCommands: "db.json",
      base: "all-cached",
      compilers: ["gcc"],
      configs: ["gcc-O2"],
      configFile: "c.yaml",
      explain: true,
      dispatch: ["pointer"],
    });
    expect(found.map((d) => d.message)).toEqual(
      REFUSED_WITH_COMPILE_COMMANDS.map((o) => `--${o} cannot be used with --compile-commands`),
    );
    // Each says why it is refused: one config for the config pickers, its own reason otherwise.
    const hints = new Map(REFUSED_WITH_COMPILE_COMMANDS.map((o, i) => [o, found[i]!.hint]));
    expect(hints.get("config")).toContain("one config");
    expect(hints.get("explain")).toContain("handler suite's savings to registers");
    expect(hints.get("explain")).not.toContain("one config");
    expect(hints.get("dispatch")).toContain("cache_reg");
  });

  test("without it, the tree's own options are refused", () => {
    const found = checkTreeOptions({ base: "tree", header: "h.h", units: ["a/**"] });
    expect(found.map((d) => d.message)).toEqual([
      "--base tree needs --compile-commands",
      "--header needs --compile-commands",
      "--units needs --compile-commands",
    ]);
  });

  test.each([
    [{ base: "all-cached" }],
    [{ base: "tree", compileCommands: "db.json", header: "h.h", units: [] }],
    [{ base: "git:HEAD", explain: false, compilers: undefined }],
    [{ base: "all-cached", compilers: ["gcc"], configs: ["gcc-O2"] }],
  ])("nothing to refuse: %j", (args) => expect(checkTreeOptions(args)).toEqual([]));
});

describe("prepareTree", () => {
  /** Head and base as x86-kvm generates them (c/kvm_regs.h, c/kvm_cache_regs.h). */
  function cHeaders(): { head: readonly GeneratedFile[]; base: readonly GeneratedFile[] } {
    const specPath = path.join(repoRoot, "spec", "x86-kvm-6.12.yaml");
    const head = generate({ specPath });
    const base = generate({ specPath, allCached: true });
    if (!head.ok || !base.ok) throw new Error("spec/x86-kvm-6.12.yaml does not generate");
    return { head: head.files, base: base.files };
  }

  /**
   * tree/arch/x86/kvm/x86.c (reaches the header's directory by its place),
   * tree/lib/a.c with -I into it, tree/lib/b.c without, and the database in
   * build/ listing them in that order.
   */
  function fixture(): { cwd: string; tree: string; kvm: string } {
    const cwd = tempDir("size-tree");
    const tree = path.join(cwd, "tree");
    const kvm = path.join(tree, "arch", "x86", "kvm");
    fs.mkdirSync(kvm, { recursive: true });
    fs.mkdirSync(path.join(tree, "lib"));
    fs.mkdirSync(path.join(cwd, "build"));
    for (const f of ["arch/x86/kvm/x86.c", "lib/a.c", "lib/b.c"])
      fs.writeFileSync(path.join(tree, f), "");
    const entry = (file: string, ...flags: string[]) => ({
      directory: path.join(cwd, "build"),
      file: path.join(tree, file),
      arguments: ["gcc-12", "-O2", "-mretpoline", ...flags, "-c", path.join(tree, file)],
    });
    fs.writeFileSync(
      path.join(cwd, "build", "compile_commands.json"),
      JSON.stringify([
        entry("arch/x86/kvm/x86.c"),
        entry("lib/a.c", `-I${kvm}`),
        entry("lib/b.c", "-Iinclude"),
      ]),
    );
    return { cwd, tree, kvm };
  }

  const options = (more: Partial<TreeOptions> = {}): TreeOptions => ({
    compileCommands: "build/compile_commands.json",
    header: "arch/x86/kvm/kvm_cache_regs.h",
    baseIsTree: false,
    ...more,
  });

  test("the units that reach the header's directory, the root, and each side's files", () => {
    const { cwd, tree, kvm } = fixture();
    const prepared = prepareTree(cwd, options(), cHeaders());
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.diagnostics));
    const t = prepared.tree;
    expect(t.units.map((u) => path.relative(tree, u.file))).toEqual([
      "arch/x86/kvm/x86.c",
      "lib/a.c",
    ]);
    expect([t.treeRoot, t.headerDir, t.header, t.compiler]).toEqual([
      tree,
      kvm,
      "arch/x86/kvm/kvm_cache_regs.h",
      "gcc-12",
    ]);
    expect(t.sides.map((s) => [s.name, s.files.map((f) => f.name)])).toEqual([
      ["base", ["kvm_cache_regs.h", "kvm_regs.h"]],
      ["head", ["kvm_cache_regs.h", "kvm_regs.h"]],
    ]);
    const { head, base } = cHeaders();
    expect(t.sides[1].files[0].contents).toBe(
      head.find((f) => f.path === "c/kvm_cache_regs.h")!.contents,
    );
    expect(t.sides[0].files[0].contents).toBe(
      base.find((f) => f.path === "c/kvm_cache_regs.h")!.contents,
    );
  });

  test("--units globs choose, reaching the directory or not; --base tree overlays nothing on base", () => {
    const { cwd } = fixture();
    const prepared = prepareTree(cwd, options({ units: ["lib/**"], baseIsTree: true }), {
      head: cHeaders().head,
    });
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.diagnostics));
    expect(prepared.tree.units.map((u) => path.basename(u.file))).toEqual(["a.c", "b.c"]);
    expect(prepared.tree.sides[0]).toEqual({ name: "base", files: [] });
  });

  test("an absolute --header: its directory is the root", () => {
    const { cwd, kvm } = fixture();
    const prepared = prepareTree(
      cwd,
      options({ header: path.join(kvm, "kvm_cache_regs.h") }),
      cHeaders(),
    );
    expect(prepared.ok && [prepared.tree.treeRoot, prepared.tree.headerDir]).toEqual([kvm, kvm]);
  });

  test.each<[string, string, RegExp]>([
    ["unreadable", "missing.json", /^compile database missing\.json: cannot read it \(ENOENT\)$/],
    ["not JSON", "{", /^compile database build\/compile_commands\.json: not valid JSON/],
    ["empty", "[]", /^compile database build\/compile_commands\.json: holds no compile commands$/],
    [
      "an entry without a file",
      '[{"directory": "/", "arguments": ["cc"]}]',
      /^compile database build\/compile_commands\.json: entry 0: /,
    ],
  ])("a database that is %s: RC641", (_name, text, message) => {
    const { cwd } = fixture();
    const db = text === "missing.json" ? "missing.json" : "build/compile_commands.json";
    if (db !== "missing.json") fs.writeFileSync(path.join(cwd, db), text);
    const prepared = prepareTree(cwd, options({ compileCommands: db }), cHeaders());
    expect(prepared.ok ? [] : prepared.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["RC641", expect.stringMatching(message)],
    ]);
  });

  test("a database that is not UTF-8: RC641 naming the byte, as every input is read", () => {
    const { cwd } = fixture();
    const db = "build/compile_commands.json";
    fs.writeFileSync(path.join(cwd, db), Buffer.from('[{"file": "\xe9"}]', "latin1"));
    const prepared = prepareTree(cwd, options({ compileCommands: db }), cHeaders());
    expect(prepared.ok ? [] : prepared.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["RC641", `compile database ${db}: not valid UTF-8: byte 0xe9 at byte offset 11`],
    ]);
  });

  test("a selected unit whose source is missing: RC641 naming the entry and the file, per entry", () => {
    const { cwd, tree } = fixture();
    fs.rmSync(path.join(tree, "lib/a.c"));
    fs.rmSync(path.join(tree, "arch/x86/kvm/x86.c"));
    fs.mkdirSync(path.join(tree, "arch/x86/kvm/x86.c"));
    const prepared = prepareTree(cwd, options(), cHeaders());
    expect(prepared.ok ? [] : prepared.diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        "RC641",
        `compile database build/compile_commands.json: entry 0: its source ${path.join(tree, "arch/x86/kvm/x86.c")} is not a file`,
      ],
      [
        "RC641",
        `compile database build/compile_commands.json: entry 1: its source ${path.join(tree, "lib/a.c")} does not exist`,
      ],
    ]);
  });

  test("a relative file is resolved against the entry's directory; an unselected missing source is no problem", () => {
    const { cwd, tree } = fixture();
    fs.rmSync(path.join(tree, "lib/b.c"));
    const db = path.join(cwd, "build", "compile_commands.json");
    const entries = JSON.parse(fs.readFileSync(db, "utf8")) as {
      directory: string;
      file: string;
    }[];
    fs.writeFileSync(
      db,
      JSON.stringify(
        entries.map((e) => ({ ...e, directory: tree, file: path.relative(tree, e.file) })),
      ),
    );
    // lib/b.c cannot reach the header's directory: not selected, not compiled.
    const prepared = prepareTree(cwd, options(), cHeaders());
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.diagnostics));
    expect(prepared.tree.units.map((u) => u.file)).toEqual([
      path.join(tree, "arch/x86/kvm/x86.c"),
      path.join(tree, "lib/a.c"),
    ]);
    // Selected by --units, it is.
    const picked = prepareTree(cwd, options({ units: ["lib/**"] }), cHeaders());
    expect(picked.ok ? [] : picked.diagnostics.map((d) => d.message)).toEqual([
      `compile database build/compile_commands.json: entry 2: its source ${path.join(tree, "lib/b.c")} does not exist`,
    ]);
  });

  test("no --header and no kernel header generated: RC644", () => {
    const { cwd } = fixture();
    const prepared = prepareTree(cwd, options({ header: undefined }), cHeaders());
    expect(prepared.ok ? [] : codes(prepared.diagnostics)).toEqual(["RC644"]);
  });

  test("every problem at once: a header neither side generates, no such directory, no unit", () => {
    const { cwd } = fixture();
    const prepared = prepareTree(
      cwd,
      options({ header: "virt/kvm/other.h", units: ["drivers/**"] }),
      cHeaders(),
    );
    expect(prepared.ok ? [] : prepared.diagnostics.map((d) => d.message)).toEqual([
      "--header virt/kvm/other.h (head): the spec generates no header named other.h",
      "--header virt/kvm/other.h (base): the spec generates no header named other.h",
      "--header virt/kvm/other.h: no directory virt/kvm in the tree of build/compile_commands.json",
      "no unit of build/compile_commands.json matches --units drivers/**",
    ]);
  });

  test("an absolute --header whose directory does not exist: RC642, and no unit reaches it (RC653)", () => {
    const { cwd } = fixture();
    const header = path.join(cwd, "nowhere", "kvm_cache_regs.h");
    const prepared = prepareTree(cwd, options({ header }), cHeaders());
    expect(prepared.ok ? [] : prepared.diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        "RC642",
        `--header ${header}: no directory ${path.dirname(header)} in the tree of build/compile_commands.json`,
      ],
      [
        "RC653",
        `no unit of build/compile_commands.json can reach ${path.dirname(header)}, the directory of the header it stands for`,
      ],
    ]);
  });

  test("without --units, no unit reaching the header's directory: RC653 naming the directory", () => {
    const { cwd, tree } = fixture();
    fs.mkdirSync(path.join(tree, "virt"));
    const prepared = prepareTree(cwd, options({ header: "virt/kvm_cache_regs.h" }), cHeaders());
    expect(prepared.ok ? [] : prepared.diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        "RC653",
        `no unit of build/compile_commands.json can reach ${path.join(tree, "virt")}, the directory of the header it stands for`,
      ],
    ]);
  });

  test.each([["tree/keep"], ["build/keep"], ["build"], ["build/..keep"], ["tree/...keep"]])(
    "--keep %s, inside what the run reads: RC645",
    (keep) => {
      const { cwd } = fixture();
      const prepared = prepareTree(cwd, options({ keep }), cHeaders());
      expect(prepared.ok ? [] : codes(prepared.diagnostics)).toEqual(["RC645"]);
    },
  );

  test("--keep beside the tree is fine", () => {
    const { cwd } = fixture();
    expect(prepareTree(cwd, options({ keep: "keep" }), cHeaders()).ok).toBe(true);
  });

  describe("a kernel spec's header", () => {
    function kernelHeaders(): readonly GeneratedFile[] {
      const generated = generate({ specPath: path.join(repoRoot, "spec", "linux-6.12.yaml") });
      if (!generated.ok) throw new Error("spec/linux-6.12.yaml does not generate");
      return generated.files;
    }
    const host = (body: string) =>
      `#ifndef H\n#define H\n${body}\nstatic inline int guest_mode(void) { return 0; }\n#endif\n`;
    const block =
      "#define BUILD_KVM_GPR_ACCESSORS(l, u) int l;\nstatic inline u64 kvm_read_edx_eax(struct kvm_vcpu *v)\n{\n\treturn 0;\n}";

    test("stands for arch/x86/kvm/kvm_cache_regs_gen.h without --header", () => {
      expect(KERNEL_HEADER).toBe("arch/x86/kvm/kvm_cache_regs_gen.h");
      const { cwd } = fixture();
      const prepared = prepareTree(cwd, options({ header: undefined }), {
        head: kernelHeaders(),
        base: kernelHeaders(),
      });
      if (!prepared.ok) throw new Error(JSON.stringify(prepared.diagnostics));
      expect(prepared.tree.header).toBe(KERNEL_HEADER);
      expect(prepared.tree.sides[1].files.map((f) => f.name)).toEqual(["kvm_cache_regs_gen.h"]);
    });

    test("a host header not yet adopted: each side overlays it with the block replaced", () => {
      const { cwd, kvm } = fixture();
      fs.writeFileSync(path.join(kvm, "kvm_cache_regs.h"), host(block));
      const prepared = prepareTree(cwd, options({ header: undefined }), {
        head: kernelHeaders(),
        base: kernelHeaders(),
      });
      if (!prepared.ok) throw new Error(JSON.stringify(prepared.diagnostics));
      const adopted = host('#include "kvm_cache_regs_gen.h"');
      for (const side of prepared.tree.sides)
        expect(
          side.files.map((f) => [f.name, f.name === "kvm_cache_regs.h" ? f.contents : ""]),
        ).toEqual([
          ["kvm_cache_regs.h", adopted],
          ["kvm_cache_regs_gen.h", ""],
        ]);
      // The tree is only read.
      expect(fs.readFileSync(path.join(kvm, "kvm_cache_regs.h"), "utf8")).toBe(host(block));
    });

    test("a host header that already includes the generated one is left as it is", () => {
      const { cwd, kvm } = fixture();
      fs.writeFileSync(path.join(kvm, "kvm_cache_regs.h"), host('#include "kvm_cache_regs_gen.h"'));
      const prepared = prepareTree(cwd, options({ header: undefined }), { head: kernelHeaders() });
      expect(prepared.ok && prepared.tree.sides[1].files.map((f) => f.name)).toEqual([
        "kvm_cache_regs_gen.h",
      ]);
    });

    test("a host header without the block: the adoption step's diagnostic", () => {
      const { cwd, kvm } = fixture();
      fs.writeFileSync(path.join(kvm, "kvm_cache_regs.h"), host("/* nothing */"));
      const prepared = prepareTree(cwd, options({ header: undefined }), { head: kernelHeaders() });
      expect(prepared.ok ? [] : codes(prepared.diagnostics)).toEqual(["RC700"]);
    });
  });
});

describe("the report's config for a tree", () => {
  test.each([
    [["gcc", "-O2", "-mindirect-branch=thunk-extern"], true],
    [["clang", "-mretpoline-external-thunk"], true],
    [["clang", "-mretpoline"], true],
    [["gcc", "-mretpoline-other"], false],
    [["gcc", "-O2"], false],
  ])("isRetpoline %j = %s", (argv, want) => expect(isRetpoline(argv)).toBe(want));

  test("codegenFlags: -O, -m and -f flags once each, path maps and the compiler left out", () => {
    expect(
      codegenFlags([
        "-fcc",
        "-O2",
        "-Wall",
        "-mno-red-zone",
        "-fno-pic",
        "-ffile-prefix-map=/a=b",
        "-DX",
        "-O2",
        "-I/m",
      ]),
    ).toEqual(["-O2", "-mno-red-zone", "-fno-pic"]);
  });

  test("treeConfig: named after the recorded compiler, its family, flags and retpoline", () => {
    const unit = (argv: string[]) => ({ directory: "/b", file: "/t/a.c", argv, index: 0 });
    const tree = (compiler: string, argv: string[]) => ({
      units: [unit(argv)],
      treeRoot: "/t",
      headerDir: "/t",
      header: "h.h",
      sides: [
        { name: "base", files: [] },
        { name: "head", files: [] },
      ] as const,
      compiler,
    });
    expect(
      treeConfig(tree("/usr/bin/clang-19", ["/usr/bin/clang-19", "-O2", "-mretpoline"])),
    ).toEqual({
      name: "clang-19",
      compiler: "clang",
      commands: ["/usr/bin/clang-19"],
      retpoline: true,
      flags: ["-O2", "-mretpoline"],
    });
    expect(treeConfig(tree("x86_64-linux-gnu-gcc-12", ["x86_64-linux-gnu-gcc-12", "-Os"]))).toEqual(
      {
        name: "x86_64-linux-gnu-gcc-12",
        compiler: "gcc",
        commands: ["x86_64-linux-gnu-gcc-12"],
        retpoline: false,
        flags: ["-Os"],
      },
    );
  });
});
