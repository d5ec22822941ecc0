/*
 * The banners produce() puts over each target's files: the spec's SPDX line
 * (output.spdx) heads the files of the targets whose Target says so
 * (spdxLine: the C-family ones) and no others, and no file at all when the
 * spec gives none. On the bundled linux-6.12 spec, asked for every target.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { generateAll } from "../../../generator/generate/produce";
import { TARGETS } from "../../../generator/targets";
import type { TargetName } from "../../../generator/targets/types";

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
