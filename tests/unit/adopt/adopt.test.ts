/*
 * adoptTree and revertTree in process, on small trees shaped like Linux 6.12
 * and 7.2 (tests/adopt/kernel-tree.ts): a spec change rewrites only the
 * generated file, a regenerated file does not stop a revert but a hand edit
 * does, an interrupted adoption can be run again, and each kind of refusal
 * writes nothing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { adoptTree, adoptionOutDir, type AdoptOutcome } from "../../../generator/adopt/adopt";
import { revertTree } from "../../../generator/adopt/revert";
import { generate, type GenerateRequest } from "../../../generator/generate/produce";
import { repoRoot, tempDir } from "../../helpers/capture";
import { contents, edit, kernelTree, read } from "../../adopt/kernel-tree";

const display = (p: string) => p;

/** The request for a spec file (copied into the test's TMPDIR when it is to be edited). */
function request(root: string, specPath: string, dryRun = false) {
  const generate: GenerateRequest = { specPath, displayPath: specPath, outDir: "arch/x86/kvm" };
  return { root, generate, dryRun, display };
}

const bundled = (name: string) => path.join(repoRoot, "spec", `${name}.yaml`);

function changed(outcome: AdoptOutcome): string[] {
  if (outcome.kind !== "done") throw new Error(`${outcome.kind}: ${JSON.stringify(outcome)}`);
  return outcome.files.filter((f) => f.action !== "unchanged").map((f) => `${f.action} ${f.path}`);
}

function editedSpec(name: string, from: string, to: string): string {
  const file = path.join(tempDir("adopt-spec"), `${name}.yaml`);
  const text = fs.readFileSync(bundled(name), "utf8");
  if (!text.includes(from)) throw new Error(`${name} does not contain ${from}`);
  fs.writeFileSync(file, text.replace(from, to));
  return file;
}

describe("adoptTree", () => {
  test("after a spec change, a second adoption rewrites only the generated file", () => {
    const root = kernelTree("6.12");
    const spec = editedSpec("linux-6.12", "", "");
    expect(changed(adoptTree(request(root, spec)))).toHaveLength(4);
    const header = read(root, "arch/x86/kvm/kvm_cache_regs.h");
    const vmx = read(root, "arch/x86/kvm/vmx/vmx.h");
    const first = read(root, "arch/x86/kvm/kvm_cache_regs_gen.h");
    fs.writeFileSync(spec, fs.readFileSync(spec, "utf8").replace("    - kvm_is_cr0_bit_set\n", ""));
    expect(changed(adoptTree(request(root, spec)))).toEqual([
      "update arch/x86/kvm/kvm_cache_regs_gen.h",
    ]);
    expect(read(root, "arch/x86/kvm/kvm_cache_regs_gen.h")).not.toBe(first);
    expect(read(root, "arch/x86/kvm/kvm_cache_regs.h")).toBe(header);
    expect(read(root, "arch/x86/kvm/vmx/vmx.h")).toBe(vmx);
  });

  test("--dry-run returns the diff and writes nothing", () => {
    const root = kernelTree("7.2");
    const before = contents(root);
    const outcome = adoptTree(request(root, bundled("linux-7.2"), true));
    expect(outcome.kind === "done" && outcome.diff).toMatch(/^--- a\/arch\/x86\/kvm\/regs\.h\n/);
    expect(contents(root)).toEqual(before);
  });

  test("an adoption interrupted after its store was written runs again to the end", () => {
    const root = kernelTree("6.12");
    const vmx = read(root, "arch/x86/kvm/vmx/vmx.h");
    adoptTree(request(root, bundled("linux-6.12")));
    const adopted = contents(root);
    fs.writeFileSync(path.join(root, "arch/x86/kvm/vmx/vmx.h"), vmx);
    expect(changed(adoptTree(request(root, bundled("linux-6.12"))))).toEqual([
      "update arch/x86/kvm/vmx/vmx.h",
    ]);
    expect(contents(root)).toEqual(adopted);
  });

  test("an adopted file changed since refuses the next adoption, naming it", () => {
    const root = kernelTree("6.12");
    adoptTree(request(root, bundled("linux-6.12")));
    edit(root, "arch/x86/kvm/svm/svm.h", "#endif", "/* mine */\n#endif");
    const spec = editedSpec("linux-6.12", "    - kvm_is_cr0_bit_set\n", "");
    const before = contents(root);
    const outcome = adoptTree(request(root, spec));
    expect(outcome).toMatchObject({
      kind: "refused",
      message: "changed since regcache adopt wrote it: arch/x86/kvm/svm/svm.h",
    });
    expect(contents(root)).toEqual(before);
  });

  test.each([
    [
      "a header adopted without regcache adopt (no store): RC700, adopted before",
      (root: string) => {
        adoptTree(request(root, bundled("linux-6.12")));
        fs.rmSync(path.join(root, ".regcache-adopt"), { recursive: true });
      },
      /RC700.*already includes "kvm_cache_regs_gen\.h": adopted before\?/,
    ],
    [
      "a set defined in two files: RC705 at the second",
      (root: string) =>
        fs.appendFileSync(
          path.join(root, "arch/x86/kvm/x86.c"),
          "#define SVM_REGS_LAZY_LOAD_SET 0\n",
        ),
      /x86\.c RC705 '#define SVM_REGS_LAZY_LOAD_SET' appears 2 times/,
    ],
    [
      "two region starts: RC701",
      (root: string) =>
        fs.appendFileSync(
          path.join(root, "arch/x86/kvm/kvm_cache_regs.h"),
          "#define BUILD_KVM_GPR_ACCESSORS(a, b)\n",
        ),
      /RC701/,
    ],
  ])("%s; nothing written", (_name, damage, want) => {
    const root = kernelTree("6.12");
    damage(root);
    const before = contents(root);
    const outcome = adoptTree(request(root, bundled("linux-6.12")));
    expect(outcome.kind).toBe("invalid");
    const text =
      outcome.kind === "invalid"
        ? outcome.diagnostics.map(
            (d) => `${path.basename(d.file.displayPath)} ${d.code} ${d.message}`,
          )
        : [];
    expect(text.join("\n")).toMatch(want);
    expect(contents(root)).toEqual(before);
  });

  test("a spec without the kernel target is refused", () => {
    const root = kernelTree("6.12");
    const outcome = adoptTree(request(root, bundled("x86-kvm")));
    expect(outcome).toMatchObject({ kind: "refused" });
    expect(outcome.kind === "refused" && outcome.message).toMatch(
      /does not write the kernel target/,
    );
  });

  test("a tree file that is not UTF-8 is refused, naming it", () => {
    const root = kernelTree("6.12");
    fs.appendFileSync(path.join(root, "arch/x86/kvm/vmx/vmx.h"), Buffer.from([0xff, 0x0a]));
    const outcome = adoptTree(request(root, bundled("linux-6.12")));
    expect(outcome).toMatchObject({
      kind: "refused",
      message: "arch/x86/kvm/vmx/vmx.h is not UTF-8 text",
    });
  });

  test("a damaged manifest is refused", () => {
    const root = kernelTree("6.12");
    fs.mkdirSync(path.join(root, ".regcache-adopt"));
    fs.writeFileSync(path.join(root, ".regcache-adopt/manifest.json"), "{");
    expect(adoptTree(request(root, bundled("linux-6.12"))).kind).toBe("refused");
    expect(revertTree({ root, dryRun: false, display }).kind).toBe("refused");
  });
});

describe("revertTree", () => {
  test("a generated file regenerated since adoption does not stop the revert", () => {
    const root = kernelTree("6.12");
    const before = contents(root);
    adoptTree(request(root, bundled("linux-6.12")));
    const spec = editedSpec("linux-6.12", "    - kvm_is_cr0_bit_set\n", "");
    const regenerated = generate({ specPath: spec, outDir: "arch/x86/kvm" });
    if (!regenerated.ok) throw new Error("the edited spec does not generate");
    fs.writeFileSync(
      path.join(adoptionOutDir(root), "kvm_cache_regs_gen.h"),
      regenerated.files[0]!.contents,
    );
    expect(revertTree({ root, dryRun: false, display }).kind).toBe("done");
    expect(contents(root)).toEqual(before);
  });

  test("a hand-edited generated file stops the revert, naming it; --dry-run writes nothing", () => {
    const root = kernelTree("7.2");
    adoptTree(request(root, bundled("linux-7.2")));
    edit(root, "arch/x86/kvm/regs_gen.h", "#define REGS_GEN_H", "#define REGS_GEN_H /* mine */");
    const before = contents(root);
    expect(revertTree({ root, dryRun: false, display })).toMatchObject({
      kind: "refused",
      message: "changed since regcache adopt wrote it: arch/x86/kvm/regs_gen.h",
    });
    expect(contents(root)).toEqual(before);
  });

  test("--dry-run gives the reverse diff, removing the created file, and writes nothing", () => {
    const root = kernelTree("6.12");
    adoptTree(request(root, bundled("linux-6.12")));
    const before = contents(root);
    const outcome = revertTree({ root, dryRun: true, display });
    expect(outcome.kind === "done" && outcome.diff).toContain(
      "--- a/arch/x86/kvm/kvm_cache_regs_gen.h\n+++ /dev/null\n@@ -1,",
    );
    expect(contents(root)).toEqual(before);
  });

  test("a stored original that does not match the manifest is refused", () => {
    const root = kernelTree("6.12");
    adoptTree(request(root, bundled("linux-6.12")));
    fs.appendFileSync(path.join(root, ".regcache-adopt/originals/arch/x86/kvm/vmx/vmx.h"), "x");
    const before = contents(root);
    expect(revertTree({ root, dryRun: false, display })).toMatchObject({
      kind: "refused",
      message: expect.stringMatching(/stored original of arch\/x86\/kvm\/vmx\/vmx\.h/),
    });
    expect(contents(root)).toEqual(before);
  });
});
