/*
 * The kernel tree adoption works in: its top found by walking up, the C
 * sources below arch/x86/kvm/ (dot-entries skipped), files and modes read.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  findKernelTop,
  isKernelTop,
  kvmSources,
  modeOf,
  readTreeFile,
} from "../../../generator/adopt/tree";
import { tempDir } from "../../helpers/capture";

function tree(): string {
  const root = tempDir("adopt-tree");
  fs.mkdirSync(path.join(root, "arch/x86/kvm/vmx"), { recursive: true });
  fs.mkdirSync(path.join(root, "arch/x86/kvm/.store"), { recursive: true });
  fs.writeFileSync(path.join(root, "Makefile"), "VERSION = 6\n");
  for (const f of ["x86.c", "regs.h", "vmx/vmx.h", "vmx/notes.txt", ".x.o.cmd", ".store/vmx.h"])
    fs.writeFileSync(path.join(root, "arch/x86/kvm", f), "");
  return root;
}

describe("the kernel tree", () => {
  test("its top is found from any directory below it, and only with a Makefile", () => {
    const root = tree();
    expect(findKernelTop(path.join(root, "arch/x86/kvm/vmx"))).toBe(root);
    expect(isKernelTop(path.join(root, "arch"))).toBe(false);
    fs.rmSync(path.join(root, "Makefile"));
    expect(isKernelTop(root)).toBe(false);
    expect(findKernelTop(path.join(root, "arch"))).toBeUndefined();
  });

  test("kvmSources: the .c and .h files, sorted, without dot-entries", () => {
    expect(kvmSources(tree())).toEqual([
      "arch/x86/kvm/regs.h",
      "arch/x86/kvm/vmx/vmx.h",
      "arch/x86/kvm/x86.c",
    ]);
  });

  test("readTreeFile and modeOf: undefined for a missing file", () => {
    const root = tree();
    fs.chmodSync(path.join(root, "arch/x86/kvm/regs.h"), 0o640);
    expect(modeOf(root, "arch/x86/kvm/regs.h")).toBe(0o640);
    expect(readTreeFile(root, "arch/x86/kvm/regs.h")).toEqual(Buffer.alloc(0));
    expect(readTreeFile(root, "arch/x86/kvm/nope.h")).toBeUndefined();
    expect(modeOf(root, "arch/x86/kvm/nope.h")).toBeUndefined();
  });
});
