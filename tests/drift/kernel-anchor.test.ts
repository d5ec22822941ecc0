/*
 * In a kernel tree, the banner's "Regenerate with:" command is anchored at the
 * tree's top (the directory holding the Makefile and arch/x86/kvm/): the same
 * command, `--out arch/x86/kvm`, whether generate ran from the top or from
 * arch/x86 with `--out kvm`, and whether or not a project file sits at the top.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { regcache } from "./helpers";
import { tempDir } from "../helpers/temp";

function kernelTree(): string {
  const top = tempDir("anchor");
  fs.writeFileSync(path.join(top, "Makefile"), "# top\n");
  fs.mkdirSync(path.join(top, "arch/x86/kvm"), { recursive: true });
  return top;
}

const regenerateLine = (top: string) => {
  const text = fs.readFileSync(path.join(top, "arch/x86/kvm/kvm_cache_regs_gen.h"), "utf8");
  const line = text.split("\n").find((l) => l.includes("Regenerate with:"));
  expect(line).toBeDefined();
  return line!;
};

test("the same command from the top, from arch/x86, and with a project file", async () => {
  const fromTop = kernelTree();
  expect(
    (await regcache(fromTop, "generate", "--spec", "linux-6.12", "--out", "arch/x86/kvm")).code,
  ).toBe(0);
  const want = regenerateLine(fromTop);
  expect(want).toContain("regcache generate --spec linux-6.12 --out arch/x86/kvm");

  const fromArch = kernelTree();
  const r = await regcache(
    path.join(fromArch, "arch/x86"),
    "generate",
    "--spec",
    "linux-6.12",
    "--out",
    "kvm",
  );
  expect(r.code).toBe(0);
  expect(regenerateLine(fromArch)).toBe(want);

  const withProject = kernelTree();
  fs.writeFileSync(
    path.join(withProject, "regcache.config.yaml"),
    "spec: linux-6.12\nout: arch/x86/kvm\n",
  );
  expect((await regcache(path.join(withProject, "arch"), "generate")).code).toBe(0);
  expect(regenerateLine(withProject)).toBe(want);

  // And check, from anywhere in the tree, agrees that nothing differs.
  expect(
    (
      await regcache(
        path.join(fromArch, "arch/x86/kvm"),
        "check",
        "--spec",
        "linux-6.12",
        "--out",
        ".",
      )
    ).code,
  ).toBe(0);
});
