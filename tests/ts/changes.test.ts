/*
 * Changes reach the TypeScript output: a spec edit changes registers.ts, its
 * input hash and what `regcache check` reports; the emitter's identity and
 * tool versions are in the TypeScript file's hash and not the C headers';
 * masks work at u64 and bitmap widths with thousands of registers.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { generate, generateAll, inputHash } from "../../generator/generate/produce";
import { parseBanner } from "../../generator/targets/banner";
import * as emitC from "../../generator/targets/c/view";
import * as emitTs from "../../generator/targets/ts/emit";
import { TS_EMITTER_ID, TS_OUTPUT_PATH, tsToolVersions } from "../../generator/targets/ts/emit";
import * as parse from "../../generator/core/spec/parse";
import type { Reg } from "../../generated/x86-kvm-6.12/ts/registers";
import { runCli } from "../helpers/capture";
import { memoryCache } from "../helpers/output-cache";
import { emitted, load, tmp } from "./emit-helpers";
import { repoRoot } from "./runtime-build";

let specs = 0;

describe("spec and emitter changes reach the output", () => {
  const specText = fs.readFileSync(path.join(repoRoot, "spec/x86-kvm.yaml"), "utf8");

  async function fromText(text: string) {
    const file = path.join(tmp, `spec-${specs++}.yaml`);
    fs.writeFileSync(file, text);
    return emitted({ spec: file });
  }

  it("RSP always available: rspRead becomes a plain regs access, the hash changes", async () => {
    const before = await fromText(specText);
    const edited = specText
      .replace("lazy: [rsp, rip, ", "lazy: [rip, ")
      .replace("available: [rax, ", "available: [rax, rsp, ");
    expect(edited).not.toBe(specText);
    const after = await fromText(edited);
    const rspRead = (t: string) => /export function rspRead[^}]*\}/.exec(t)?.[0];
    expect(rspRead(before.text)).toContain("registerReadRaw(vcpu, Reg.RSP)");
    expect(rspRead(after.text)).toContain("vcpu.arch.regs[Reg.RSP]");
    expect(parseBanner(after.text)?.bodyHash).not.toBe(parseBanner(before.text)?.bodyHash);
  });

  it("a new extended register joins the enum and the lazy sets", async () => {
    const after = await fromText(
      specText
        .replace("    - exit_info_2\n", "    - exit_info_2\n    - dr6\n")
        .replace("lazy: [pdptr]", "lazy: [pdptr, dr6]"),
    );
    const r = load(after.text);
    // This spec's Reg has a DR6 the checked-in registers.ts (whose type r has) lacks.
    const dr6 = (r.Reg as unknown as Record<string, Reg>)["DR6"]!;
    expect(dr6).toBe(25);
    expect(r.maskTest(r.REGS_LAZY_LOAD_SET.svm, dr6)).toBe(true);
    expect(r.maskTest(r.REGS_LAZY_LOAD_SET.tdx, dr6)).toBe(true); // not in its available list
    expect(r.maskTest(r.REGS_AVAIL_SET.vmx, dr6)).toBe(true); // not in its lazy list
  });

  it("regcache generate writes ts/registers.ts; after a spec edit regcache check reports it", async () => {
    const project = fs.mkdtempSync(path.join(tmp, "project-"));
    fs.cpSync(path.join(repoRoot, "spec"), path.join(project, "spec"), { recursive: true });
    fs.copyFileSync(
      path.join(repoRoot, "regcache.config.yaml"),
      path.join(project, "regcache.config.yaml"),
    );
    const gen = await runCli(["generate"], { cwd: project });
    expect(gen.code).toBe(0);
    const written = fs.readFileSync(path.join(project, "generated", "ts", "registers.ts"), "utf8");
    expect(written).toBe(fs.readFileSync(path.join(repoRoot, "generated/ts/registers.ts"), "utf8"));
    expect((await runCli(["check"], { cwd: project })).code).toBe(0);

    const spec = path.join(project, "spec", "x86-kvm.yaml");
    fs.writeFileSync(spec, specText.replace("lazy: [pdptr]", "lazy: [pdptr, rax]"));
    const check = await runCli(["check"], { cwd: project });
    expect(check.code).toBe(1);
    expect(check.stdout + check.stderr).toMatch(/modified\s+generated\/ts\/registers\.ts/);
    expect((await runCli(["generate"], { cwd: project })).code).toBe(0);
    const regenerated = fs.readFileSync(
      path.join(project, "generated", "ts", "registers.ts"),
      "utf8",
    );
    expect(/export function raxReadRaw[^}]*\}/.exec(regenerated)?.[0]).toContain(
      "registerReadRaw(vcpu, Reg.RAX)",
    );
  });

  it("each target's hash covers its own inputs: the TS emitter and tools only the TS file's", () => {
    const parts = { specText, allCached: false, cStyle: "macro" as const };
    const tools = tsToolVersions();
    const ts = inputHash({
      ...parts,
      target: "ts",
      inputs: { templates: [], tools: { emitter: TS_EMITTER_ID, ...tools } },
    });
    const emitter = inputHash({
      ...parts,
      target: "ts",
      inputs: { templates: [], tools: { emitter: `${TS_EMITTER_ID}+1`, ...tools } },
    });
    const prettier = inputHash({
      ...parts,
      target: "ts",
      inputs: { templates: [], tools: { emitter: TS_EMITTER_ID, ...tools, prettier: "0" } },
    });
    const template = { name: "c/kvm_regs.h.hbs", text: "{{name}}" };
    const c = inputHash({ ...parts, target: "c", inputs: { templates: [template] } });
    const edited = inputHash({
      ...parts,
      target: "c",
      inputs: { templates: [{ ...template, text: "{{name}} " }] },
    });
    expect(new Set([ts, emitter, prettier, c, edited]).size).toBe(5);
  });

  it("files on disk whose bodies the cache records for these inputs are reused: nothing parsed or emitted", async () => {
    const req = { specPath: path.join(repoRoot, "spec/x86-kvm.yaml"), cache: memoryCache() };
    const before = await generateAll(req);
    if (!before.ok) throw new Error("should generate");
    const onDisk = new Map(before.files.map((f) => [f.path, f.contents]));
    const spies = [
      jest.spyOn(parse, "parseSpec"),
      jest.spyOn(emitC, "cView"),
      jest.spyOn(emitTs, "emitTs"),
    ];
    try {
      const again = await generateAll({ ...req, existing: (p) => onDisk.get(p) });
      expect(again.ok && again.files).toEqual(before.files);
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it("without a cache, or with an empty one, the files on disk are produced again", async () => {
    const req = { specPath: path.join(repoRoot, "spec/x86-kvm.yaml") };
    const before = await generateAll(req);
    if (!before.ok) throw new Error("should generate");
    const onDisk = new Map(before.files.map((f) => [f.path, f.contents]));
    for (const cache of [undefined, memoryCache()]) {
      const spy = jest.spyOn(emitC, "cView");
      try {
        const again = await generateAll({
          ...req,
          ...(cache ? { cache } : {}),
          existing: (p) => onDisk.get(p),
        });
        expect(again.ok && again.files).toEqual(before.files);
        expect(spy).toHaveBeenCalledTimes(1);
      } finally {
        spy.mockRestore();
      }
    }
  });

  // Each bump returns its own undo.
  it.each<[string, () => () => void]>([
    [
      "a prettier bump",
      () => {
        const tools = { ...tsToolVersions(), prettier: "99.0.0" };
        const spy = jest.spyOn(emitTs, "tsToolVersions").mockReturnValue(tools);
        return () => spy.mockRestore();
      },
    ],
    [
      "a new TS_EMITTER_ID",
      () => {
        const ids = emitTs as { TS_EMITTER_ID: string };
        const replaced = jest.replaceProperty(ids, "TS_EMITTER_ID", `${TS_EMITTER_ID}+1`);
        return () => replaced.restore();
      },
    ],
  ])(
    "%s changes only ts/registers.ts's input hash, and not a byte of any file",
    async (_, bump) => {
      const cache = memoryCache();
      const req = { specPath: path.join(repoRoot, "spec/x86-kvm.yaml"), cache };
      const before = await generateAll(req);
      if (!before.ok) throw new Error("should generate");
      expect(cache.stored).toEqual([before.inputHashes.c, before.inputHashes.ts]);
      const onDisk = new Map(before.files.map((f) => [f.path, f.contents]));
      const undo = bump();
      try {
        cache.stored.length = 0;
        // Reuse tests each target against its own hash: the C headers on disk
        // are what the cache records for their inputs; the TypeScript target's
        // inputs are new, so it is produced again.
        const fromDisk = await generateAll({ ...req, existing: (p) => onDisk.get(p) });
        if (!fromDisk.ok) throw new Error("should generate");
        expect(fromDisk.inputHashes.c).toBe(before.inputHashes.c);
        expect(fromDisk.inputHashes.ts).not.toBe(before.inputHashes.ts);
        expect(cache.stored).toEqual([fromDisk.inputHashes.ts]);
        expect(fromDisk.files).toEqual(before.files);
      } finally {
        undo();
      }
    },
  );

  it("generate() (C only) gives byte for byte the C files generateAll gives", async () => {
    const c = generate({ specPath: path.join(repoRoot, "spec/x86-kvm.yaml") });
    const all = await generateAll({ specPath: path.join(repoRoot, "spec/x86-kvm.yaml") });
    if (!c.ok || !all.ok) throw new Error("should generate");
    expect(all.files.filter((f) => f.path.startsWith("c/"))).toEqual(c.files);
    expect(all.files.map((f) => f.path)).toEqual([...c.files.map((f) => f.path), TS_OUTPUT_PATH]);
    expect(all.inputHashes.c).toBe(c.inputHashes.c);
    expect(c.inputHashes.ts).toBeUndefined();
    expect(all.inputHashes.ts).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("masks at every width", () => {
  /** A spec with `count` extended registers, all lazy on one backend. */
  function wideSpec(mask: string, count: number): string {
    const extended = Array.from({ length: count }, (_, i) => `    - x${i}`).join("\n");
    return [
      "regcache: 1",
      "name: wide",
      `mask: ${mask}`,
      "registers:",
      "  gpr: [rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, rip]",
      "  extended:",
      extended,
      "backends:",
      "  vmx: { lazy: [rip, rsp, x" + (count - 1) + "] }",
      "  svm: { available: [rax] }",
      "",
    ].join("\n");
  }

  it.each([
    ["u64", 40, 2],
    ["bitmap", 2000, Math.ceil(2009 / 64) * 2],
  ])("%s with %i extended registers", async (mask, count, words) => {
    const file = path.join(tmp, `wide-${mask}.yaml`);
    fs.writeFileSync(file, wideSpec(mask, count));
    const { text, model } = await emitted({ spec: file });
    const r = load(text);
    expect(r.REG_MASK_WORDS).toBe(words);
    const last = model.registers.length - 1;
    expect(r.maskTest(r.REGS_LAZY_LOAD_SET.vmx, last)).toBe(true);
    expect(r.maskTest(r.REGS_LAZY_LOAD_SET.vmx, last - 1)).toBe(false);
    expect(r.maskTest(r.REGS_AVAIL_SET.svm, 0)).toBe(true);
    expect(r.maskTest(r.REGS_LAZY_LOAD_SET.svm, last)).toBe(true);
    const vcpu = r.createVcpu({ cacheReg: () => undefined });
    r.markDirty(vcpu, last);
    expect([r.isAvailable(vcpu, last), r.isDirty(vcpu, last), r.isDirty(vcpu, last - 1)]).toEqual([
      true,
      true,
      false,
    ]);
    r.markForReload(vcpu, last);
    expect(r.isAvailable(vcpu, last)).toBe(false);
  });
});
