/*
 * The kernel proof's helpers around `regcache adopt` (adopt-cli.ts) and the
 * spec edit it adopts (kernel-spec.ts, withVmxLazy), on a small tree laid out
 * as a kernel's top: the scratch copy holds exactly the Makefile and
 * arch/x86/kvm/, the digest sees a changed byte, a changed mode, a file added
 * and a leftover directory; adopt's output lines give the files it wrote; the
 * VMX lazy list is edited in its own style, the rest of the spec untouched.
 */
import * as fs from "fs";
import * as path from "path";
import { tempDir } from "../helpers/temp";
import {
  adoptScratch,
  digestDifferences,
  overlayOf,
  reportedFiles,
  treeDigest,
  type CliRun,
} from "./adopt-cli";
import { withVmxLazy } from "./kernel-spec";

/** A kernel top: Makefile, arch/x86/kvm/{x86.h, vmx/vmx.h}, and a file adopt never reads. */
function kernelTop(): string {
  const top = path.join(tempDir("adopt-cli"), "src");
  fs.mkdirSync(path.join(top, "arch/x86/kvm/vmx"), { recursive: true });
  fs.mkdirSync(path.join(top, "drivers"), { recursive: true });
  fs.writeFileSync(path.join(top, "Makefile"), "all:\n");
  fs.writeFileSync(path.join(top, "arch/x86/kvm/x86.h"), "#define X 1\n");
  fs.writeFileSync(path.join(top, "arch/x86/kvm/vmx/vmx.h"), "#define VMX 1\n");
  fs.chmodSync(path.join(top, "arch/x86/kvm/vmx/vmx.h"), 0o640);
  fs.writeFileSync(path.join(top, "drivers/other.c"), "int x;\n");
  return top;
}

describe("adoptScratch / treeDigest / digestDifferences", () => {
  it("copies exactly the Makefile and arch/x86/kvm/, bytes and modes, and the digests agree", () => {
    const top = kernelTop();
    const scratch = adoptScratch(top, tempDir("adopt-cli-scratch"));
    const digest = treeDigest(scratch);
    expect([...digest.keys()].sort()).toEqual([
      "Makefile",
      "arch",
      "arch/x86",
      "arch/x86/kvm",
      "arch/x86/kvm/vmx",
      "arch/x86/kvm/vmx/vmx.h",
      "arch/x86/kvm/x86.h",
    ]);
    expect(digest.get("arch/x86/kvm/vmx/vmx.h")).toMatch(/^file 640 [0-9a-f]{64}$/);
    expect(digestDifferences(treeDigest(top, ["Makefile", "arch/x86/kvm"]), digest)).toEqual([]);
  });

  it("names a changed byte, a changed mode, an added file and a leftover directory", () => {
    const top = kernelTop();
    const scratch = adoptScratch(top, tempDir("adopt-cli-scratch"));
    fs.writeFileSync(path.join(scratch, "arch/x86/kvm/x86.h"), "#define X 2\n");
    fs.chmodSync(path.join(scratch, "Makefile"), 0o755);
    fs.writeFileSync(path.join(scratch, "arch/x86/kvm/new.h"), "\n");
    fs.mkdirSync(path.join(scratch, ".regcache-adopt"));
    const differs = digestDifferences(
      treeDigest(top, ["Makefile", "arch/x86/kvm"]),
      treeDigest(scratch),
    ).map((line) => line.split(":")[0]);
    expect(differs).toEqual([
      ".regcache-adopt",
      "Makefile",
      "arch/x86/kvm/new.h",
      "arch/x86/kvm/x86.h",
    ]);
  });
});

describe("reportedFiles / overlayOf", () => {
  const run = (stdout: string): CliRun => ({ args: ["adopt"], code: 0, stdout, stderr: "" });

  it("reads the create/update lines adopt prints, and the overlay is those files' text", () => {
    const top = kernelTop();
    const r = run(
      "update  arch/x86/kvm/x86.h\ncreate  arch/x86/kvm/vmx/vmx.h\n.: adopted; the originals are kept in .regcache-adopt/ (regcache adopt --revert restores them)\n",
    );
    expect(reportedFiles(r)).toEqual([
      { action: "update", path: "arch/x86/kvm/x86.h" },
      { action: "create", path: "arch/x86/kvm/vmx/vmx.h" },
    ]);
    expect(overlayOf(top, r)).toEqual({
      "arch/x86/kvm/x86.h": "#define X 1\n",
      "arch/x86/kvm/vmx/vmx.h": "#define VMX 1\n",
    });
  });

  it("refuses an overlay from a run that removed a file (a revert's output)", () => {
    expect(() => overlayOf(kernelTop(), run("remove  arch/x86/kvm/x86.h\n"))).toThrow(
      /adopt removed arch\/x86\/kvm\/x86.h/,
    );
  });
});

describe("withVmxLazy", () => {
  const cr3OutRbpIn = (regs: string[]) => [...regs.filter((r) => r !== "cr3"), "rbp"];

  it.each([
    [
      "flow style",
      "backends:\n  vmx:\n    lazy: [rip, cr3, cr4]  # vmx.h\n  svm:\n    lazy: [pdptr]\n",
      "backends:\n  vmx:\n    lazy: [rip, cr4, rbp]  # vmx.h\n  svm:\n    lazy: [pdptr]\n",
    ],
    [
      "block style",
      "backends:\n  vmx:\n    lazy:\n      - rip\n      - cr3\n\n  svm:\n    lazy: [pdptr]\n",
      "backends:\n  vmx:\n    lazy:\n      - rip\n      - rbp\n\n  svm:\n    lazy: [pdptr]\n",
    ],
  ])("%s: edits only VMX's list", (_name, given, want) => {
    expect(withVmxLazy(given, cr3OutRbpIn)).toBe(want);
  });

  it("throws when the spec has no VMX lazy list", () => {
    expect(() => withVmxLazy("backends:\n  svm:\n    lazy: [pdptr]\n", cr3OutRbpIn)).toThrow(
      /no backends.vmx.lazy list/,
    );
  });
});
