/*
 * The generator as a library (generator/generate/produce.ts): a request to
 * files under their banners or to the spec's diagnostics. The command a
 * banner prints (shell-quoted, every path named), each target's input hash
 * (what it covers and what it ignores), loading a model from text or a file,
 * which targets generate() and generateAll() produce for a spec's
 * output.targets, and reuse: a target whose files on disk are exactly what
 * the same inputs produced is taken as it is, and anything else about them
 * (a hand edit, another banner) makes it emitted again. The SPDX line of each
 * target's banner is produce.banners.test.ts's.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import {
  generate,
  generateAll,
  inputHash,
  loadModel,
  regenerateCommand,
  shellWord,
  type GenerateRequest,
} from "../../../generator/generate/produce";
import type { BodyHashes, OutputCache } from "../../../generator/generate/output-cache";
import { parseBanner, sha256 } from "../../../generator/targets/banner";
import { generatorVersion } from "../../../generator/util/paths";
import { tempDir } from "../../helpers/temp";

const SPEC = [
  "regcache: 1",
  "name: t",
  "mask: u32",
  "registers:",
  "  gpr: [rax, rcx, rdx, rsp]",
  "  extended: [cr3]",
  "backends:",
  "  vmx: { lazy: [rsp, cr3] }",
  "",
].join("\n");

const KERNEL_SPEC = SPEC.replace("mask: u32", "mask: u64").concat(
  "output: { targets: [kernel], kernel_header: block_gen.h, spdx: GPL-2.0 }\n",
);

/** An output cache in memory that records what is stored in it. */
function memoryCache(): OutputCache & { stored: string[] } {
  const entries = new Map<string, BodyHashes>();
  const stored: string[] = [];
  return {
    stored,
    lookup: (key) => entries.get(key),
    store: (key, bodies) => {
      stored.push(key);
      entries.set(key, bodies);
    },
  };
}

describe("shellWord", () => {
  test.each([
    ["spec/x86-kvm.yaml", "spec/x86-kvm.yaml"],
    ["a=b,c:d@e%f+g", "a=b,c:d@e%f+g"],
    ["my spec.yaml", "'my spec.yaml'"],
    ["it's", "'it'\\''s'"],
    ["$HOME", "'$HOME'"],
    ["", "''"],
    ["sp*/s.yaml", `'sp'"*"'/s.yaml'`],
    ["a/*b", `'a/'"*"'b'`],
    ["q??/s", `'q'"?"''"?"'/s'`],
  ])("%j is %s", (word, shown) => {
    expect(shellWord(word)).toBe(shown);
  });

  /** What a POSIX shell reads back from a word of bare text and single-quoted runs. */
  const readBack = (text: string): string => {
    let out = "";
    for (let i = 0; i < text.length; i++) {
      if (text[i] === "\\") out += text[++i];
      else if (text[i] === '"') {
        // regcache writes only a '*' or a '?' in double quotes: nothing in them is special.
        const end = text.indexOf('"', i + 1);
        out += text.slice(i + 1, end);
        i = end;
      } else if (text[i] === "'") {
        const end = text.indexOf("'", i + 1);
        out += text.slice(i + 1, end);
        i = end;
      } else out += text[i];
    }
    return out;
  };

  test("any word is read back unchanged, left bare exactly when it is safe, and fits a C comment quoted", () => {
    fc.assert(
      fc.property(fc.string(), (word) => {
        const shown = shellWord(word);
        expect(readBack(shown)).toBe(word);
        expect(shown === word).toBe(/^[\w@%+=:,./-]+$/.test(word));
        // Safe inside a C block comment: nothing closes or opens one, no trigraph.
        if (shown !== word) expect(shown).not.toMatch(/\*\/|\/\*|\?\?/);
      }),
    );
  });
});

describe("regenerateCommand", () => {
  const req = (extra: Partial<GenerateRequest>): GenerateRequest => ({
    specPath: "/abs/spec.yaml",
    ...extra,
  });

  test.each<[string, Partial<GenerateRequest>, string]>([
    [
      "the spec path and the default output",
      {},
      "regcache generate --spec /abs/spec.yaml --out generated",
    ],
    [
      "the display path over the spec path",
      { displayPath: "spec.yaml" },
      "regcache generate --spec spec.yaml --out generated",
    ],
    [
      "the banner's path over the display path",
      { displayPath: "../x/spec.yaml", bannerSpecPath: "x/spec.yaml" },
      "regcache generate --spec x/spec.yaml --out generated",
    ],
    [
      "a bundled spec by its name",
      { bannerSpecPath: "x/spec.yaml", bundledSpec: "linux-7.2" },
      "regcache generate --spec linux-7.2 --out generated",
    ],
    [
      "the output directory, quoted",
      { displayPath: "s.yaml", outDir: "my out" },
      "regcache generate --spec s.yaml --out 'my out'",
    ],
    [
      "the C style when it is not the default, and --all-cached",
      { displayPath: "s.yaml", cStyle: "expanded", allCached: true },
      "regcache generate --spec s.yaml --out generated --c-style expanded --all-cached",
    ],
    [
      "not the default C style",
      { displayPath: "s.yaml", cStyle: "macro", allCached: false },
      "regcache generate --spec s.yaml --out generated",
    ],
  ])("%s", (_what, extra, want) => {
    expect(regenerateCommand(req(extra))).toBe(want);
  });
});

describe("inputHash", () => {
  const base = () => ({
    specText: SPEC,
    allCached: false,
    cStyle: "macro" as const,
    target: "c" as const,
    inputs: {
      templates: [
        { name: "c/a.hbs", text: "A" },
        { name: "c/b.hbs", text: "B" },
      ],
    },
  });

  test("is a sha256, the same for the same inputs", () => {
    expect(inputHash(base())).toMatch(/^[0-9a-f]{64}$/);
    expect(inputHash(base())).toBe(inputHash(base()));
  });

  test.each<[string, (b: ReturnType<typeof base>) => Parameters<typeof inputHash>[0]]>([
    ["the spec", (b) => ({ ...b, specText: b.specText + "# more\n" })],
    ["--all-cached", (b) => ({ ...b, allCached: true })],
    ["the C style", (b) => ({ ...b, cStyle: "expanded" })],
    ["the target", (b) => ({ ...b, target: "kernel" })],
    [
      "a template's text",
      (b) => ({
        ...b,
        inputs: { templates: [b.inputs.templates[0]!, { name: "c/b.hbs", text: "b" }] },
      }),
    ],
    [
      "a template's name",
      (b) => ({
        ...b,
        inputs: { templates: [b.inputs.templates[0]!, { name: "c/c.hbs", text: "B" }] },
      }),
    ],
    ["a tool's version", (b) => ({ ...b, inputs: { ...b.inputs, tools: { prettier: "1" } } })],
  ])("changes with %s", (_what, change) => {
    expect(inputHash(change(base()))).not.toBe(inputHash(base()));
  });

  test("ignores the spec's line endings and the templates' order", () => {
    const b = base();
    expect(inputHash({ ...b, specText: SPEC.replace(/\n/g, "\r\n") })).toBe(inputHash(b));
    expect(inputHash({ ...b, inputs: { templates: [...b.inputs.templates].reverse() } })).toBe(
      inputHash(b),
    );
  });
});

describe("loadModel", () => {
  test("builds the model of a spec's text with the request's options", () => {
    const r = loadModel({ specPath: "s.yaml", specText: SPEC, allCached: true });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.specText).toBe(SPEC);
    expect(r.model.name).toBe("t");
    expect(r.model.options).toEqual({ allCached: true, cStyle: "macro" });
    expect(r.model.accessors.map((a) => a.path)).toEqual(["cached", "cached", "cached", "cached"]);
  });

  test("reads the file when no text is given; a file it cannot read is RC001 under its display path", () => {
    const dir = tempDir("produce");
    try {
      fs.writeFileSync(path.join(dir, "s.yaml"), SPEC);
      const read = loadModel({ specPath: path.join(dir, "s.yaml"), displayPath: "s.yaml" });
      expect(read.ok && read.model.registers.map((r) => r.name)).toEqual([
        "rax",
        "rcx",
        "rdx",
        "rsp",
        "cr3",
      ]);
      const missing = loadModel({ specPath: path.join(dir, "no.yaml"), displayPath: "no.yaml" });
      expect(missing.ok ? [] : missing.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
        "RC001 cannot read no.yaml: no such file or directory (ENOENT)",
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a spec that does not parse, or does not validate, is its diagnostics", () => {
    const bad = loadModel({ specPath: "s.yaml", specText: "a: [\n" });
    expect(bad.ok ? [] : bad.diagnostics.map((d) => d.code)).toEqual(["RC100"]);
    const invalid = loadModel({
      specPath: "s.yaml",
      specText: SPEC.replace("lazy: [rsp", "lazy: [rsx"),
    });
    expect(invalid.ok ? [] : invalid.diagnostics.map((d) => [d.code, d.file.displayPath])).toEqual([
      ["RC104", "s.yaml"],
    ]);
  });
});

describe("generate and generateAll", () => {
  test("generate writes the C headers of a spec without output, under their banners", () => {
    const r = generate({ specPath: "/abs/s.yaml", displayPath: "s.yaml", specText: SPEC });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.files.map((f) => f.path)).toEqual(["c/kvm_cache_regs.h", "c/kvm_regs.h"]);
    expect(Object.keys(r.inputHashes)).toEqual(["c"]);
    for (const f of r.files) {
      expect(f.contents.split("\n").slice(0, 3)).toEqual([
        "/*",
        ` * DO NOT EDIT: generated by regcache ${generatorVersion()} from s.yaml.`,
        " * Regenerate with: regcache generate --spec s.yaml --out generated",
      ]);
      const banner = parseBanner(f.contents)!;
      expect(banner.bodyHash).toBe(sha256(banner.body));
    }
    expect(r.model.name).toBe("t");
  });

  test("a kernel spec's one header, named by output.kernel_header, opens with its SPDX line", () => {
    const r = generate({ specPath: "s.yaml", specText: KERNEL_SPEC, bundledSpec: "k" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.files.map((f) => f.path)).toEqual(["block_gen.h"]);
    expect(r.files[0]!.contents.split("\n").slice(0, 3)).toEqual([
      "/* SPDX-License-Identifier: GPL-2.0 */",
      "/*",
      ` * DO NOT EDIT: generated by regcache ${generatorVersion()} from k (bundled).`,
    ]);
    expect(r.files[0]!.contents).toContain("#ifndef BLOCK_GEN_H");
  });

  test("generateAll adds the TypeScript, without an SPDX line; the C files are generate's, byte for byte", async () => {
    const spec = SPEC.concat("output: { targets: [ts, c], spdx: MIT }\n");
    const c = generate({ specPath: "s.yaml", specText: spec });
    const all = await generateAll({ specPath: "s.yaml", specText: spec });
    expect(c.ok && all.ok).toBe(true);
    if (!c.ok || !all.ok) return;
    expect(all.files.map((f) => f.path)).toEqual([
      "c/kvm_cache_regs.h",
      "c/kvm_regs.h",
      "ts/registers.ts",
    ]);
    expect(all.files.filter((f) => f.path.startsWith("c/"))).toEqual(c.files);
    expect(c.files[0]!.contents.startsWith("/* SPDX-License-Identifier: MIT */\n")).toBe(true);
    expect(all.files[2]!.contents.startsWith("/*\n * DO NOT EDIT")).toBe(true);
    expect(Object.keys(all.inputHashes).sort()).toEqual(["c", "ts"]);
    expect(all.inputHashes.c).toBe(c.inputHashes.c);
  });

  test("a spec that writes only the TypeScript gives generate no file", () => {
    const r = generate({
      specPath: "s.yaml",
      specText: SPEC.concat("output: { targets: [ts] }\n"),
    });
    expect(r.ok && r.files).toEqual([]);
  });

  test("a bad spec is its diagnostics, and no file", async () => {
    const bad = SPEC.replace("lazy: [rsp", "lazy: [rsx");
    for (const r of [
      generate({ specPath: "s.yaml", specText: bad }),
      await generateAll({ specPath: "s.yaml", specText: bad }),
    ])
      expect(r.ok ? [] : r.diagnostics.map((d) => d.code)).toEqual(["RC104"]);
  });
});

describe("reusing the files on disk", () => {
  /** A first run's files, by path, and the cache it filled. */
  function firstRun(req: GenerateRequest) {
    const cache = memoryCache();
    const r = generate({ ...req, cache });
    if (!r.ok) throw new Error("the spec did not generate");
    const disk = new Map(r.files.map((f) => [f.path, f.contents]));
    return { cache, files: r.files, disk };
  }
  const req: GenerateRequest = { specPath: "s.yaml", specText: SPEC };

  test("the same inputs over the same files: taken as they are, nothing emitted", () => {
    const { cache, files, disk } = firstRun(req);
    expect(cache.stored).toHaveLength(1);
    const again = generate({ ...req, cache, existing: (p) => disk.get(p) });
    expect(again.ok && again.files).toEqual(files);
    expect(cache.stored).toHaveLength(1);
    // The model was not needed, and is built when asked for.
    expect(again.ok && again.model.registers).toHaveLength(5);
  });

  test.each<[string, (disk: Map<string, string>) => void]>([
    ["a file missing", (disk) => disk.delete("c/kvm_regs.h")],
    [
      "a hand edit of a body",
      (disk) => disk.set("c/kvm_regs.h", disk.get("c/kvm_regs.h")!.concat("/* mine */\n")),
    ],
    [
      "a body and its banner's hash edited together",
      (disk) => {
        const banner = parseBanner(disk.get("c/kvm_regs.h")!)!;
        const body = banner.body.concat("/* mine */\n");
        disk.set(
          "c/kvm_regs.h",
          disk
            .get("c/kvm_regs.h")!
            .replace(banner.bodyHash, sha256(body))
            .replace(banner.body, body),
        );
      },
    ],
    [
      "another banner over the same body",
      (disk) =>
        disk.set("c/kvm_regs.h", disk.get("c/kvm_regs.h")!.replace("from s.yaml.", "from t.yaml.")),
    ],
  ])("%s: emitted again, as the first run made them", (_what, tamper) => {
    const { cache, files, disk } = firstRun(req);
    tamper(disk);
    const again = generate({ ...req, cache, existing: (p) => disk.get(p) });
    expect(again.ok && again.files).toEqual(files);
    expect(cache.stored).toHaveLength(2);
  });

  test("another request (the banner's spec path) does not reuse the files, whose banner differs", () => {
    const { cache, disk } = firstRun(req);
    const moved = generate({
      ...req,
      bannerSpecPath: "elsewhere/s.yaml",
      cache,
      existing: (p) => disk.get(p),
    });
    expect(
      moved.ok && moved.files.map((f) => f.contents.includes("from elsewhere/s.yaml.")),
    ).toEqual([true, true]);
  });

  test("without a cache, or without the files, nothing is reused", () => {
    const { disk } = firstRun(req);
    const cache = memoryCache();
    generate({ ...req, existing: (p) => disk.get(p) });
    generate({ ...req, cache, existing: (p) => disk.get(p) });
    expect(cache.stored).toHaveLength(1);
  });
});
