/*
 * The banners produce() puts over each target's files: the spec's SPDX line
 * (output.spdx) heads the files of the targets whose Target says so
 * (spdxLine: the C-family ones) and no others, and no file at all when the
 * spec gives none. And the target each file comes from, emitted or reused.
 * On the bundled linux-6.12 spec, asked for every target.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { directoryCache } from "../../../generator/generate/output-cache";
import { generateAll } from "../../../generator/generate/produce";
import { TARGETS } from "../../../generator/targets";
import type { TargetName } from "../../../generator/targets/types";
import { tempDir } from "../../helpers/temp";

const specPath = path.resolve(__dirname, "../../../spec/linux-6.12.yaml");
const kernelSpec = fs.readFileSync(specPath, "utf8");
const everyTarget = kernelSpec.replace("targets: [kernel]", "targets: [kernel, c, ts]");

/** The target that wrote a path: the C headers below c/, the TypeScript below ts/, else the kernel header. */
const targetOf = (file: string): TargetName =>
  file.startsWith("c/") ? "c" : file.startsWith("ts/") ? "ts" : "kernel";

async function firstLines(specText: string): Promise<Record<string, string>> {
  const result = await generateAll({ specPath, specText, displayPath: "spec/linux-6.12.yaml" });
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
  return Object.fromEntries(result.files.map((f) => [f.path, f.contents.split("\n")[0]!]));
}

test("the spec's SPDX line heads exactly the files of the targets whose spdxLine is set", async () => {
  expect(everyTarget).not.toBe(kernelSpec);
  const lines = await firstLines(everyTarget);
  expect(Object.keys(lines).map(targetOf).sort()).toEqual(["c", "c", "kernel", "ts"]);
  expect(
    Object.entries(lines).map(([file, line]) => [file, TARGETS[targetOf(file)].spdxLine, line]),
  ).toEqual([
    ["c/kvm_cache_regs.h", true, "/* SPDX-License-Identifier: GPL-2.0 */"],
    ["c/kvm_regs.h", true, "/* SPDX-License-Identifier: GPL-2.0 */"],
    ["kvm_cache_regs_gen.h", true, "/* SPDX-License-Identifier: GPL-2.0 */"],
    ["ts/registers.ts", false, "/*"],
  ]);
});

test("without output.spdx no file has the line", async () => {
  const lines = await firstLines(everyTarget.replace(/^ {2}spdx: GPL-2\.0\n/m, ""));
  expect(Object.values(lines)).toEqual(["/*", "/*", "/*", "/*"]);
});

test("each file's target by path, whatever the kernel header is called, emitted or reused", async () => {
  const specText = everyTarget.replace(
    "kernel_header: kvm_cache_regs_gen.h",
    "kernel_header: c_regs_gen.h",
  );
  expect(specText).not.toBe(everyTarget);
  const want = {
    "c/kvm_cache_regs.h": "c",
    "c/kvm_regs.h": "c",
    "c_regs_gen.h": "kernel",
    "ts/registers.ts": "ts",
  };
  const cache = directoryCache(tempDir("produce-cache"));
  const emitted = await generateAll({ specPath, specText, cache });
  expect(emitted.ok && emitted.targetOf).toEqual(want);
  if (!emitted.ok) return;
  const onDisk = new Map(emitted.files.map((f) => [f.path, f.contents]));
  let stored = 0;
  const reused = await generateAll({
    specPath,
    specText,
    cache: { ...cache, store: () => void (stored += 1) },
    existing: (p) => onDisk.get(p),
  });
  // Every target came from disk (nothing stored again), and each still has its target.
  expect(stored).toBe(0);
  expect(reused.ok && reused.targetOf).toEqual(want);
});
