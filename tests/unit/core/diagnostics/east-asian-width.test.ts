/*
 * generator/core/diagnostics/east-asian-width.ts, the wide code points behind the diagnostics'
 * caret underlines, is what scripts/east-asian-width.js makes of Unicode's
 * EastAsianWidth.txt: the script on hand-cut excerpts (expected ranges
 * written by hand), its refusals, and the checked-in file against the
 * system's copy of the data (Debian's unicode-data, which .ci/run installs).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "../../../helpers/temp";

const root = path.join(__dirname, "..", "..", "..", "..");
const script = path.join(root, "scripts", "east-asian-width.js");
const fixtures = path.join(__dirname, "fixtures");
const SYSTEM_DATA = "/usr/share/unicode/EastAsianWidth.txt";

function run(input: string) {
  const out = path.join(tempDir("eaw"), "east-asian-width.ts");
  const r = spawnSync(process.execPath, [script, input, out], { encoding: "utf8" });
  const text = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : undefined;
  return { code: r.status, stderr: r.stderr, text };
}

/** The version and [first, last] ranges a written module states. */
function parsed(text: string) {
  const version = /UNICODE_VERSION = "([^"]+)"/.exec(text)?.[1];
  const numbers = [...text.slice(text.indexOf("WIDE_RANGES")).matchAll(/0x[0-9a-f]+/g)].map((m) =>
    parseInt(m[0], 16),
  );
  const ranges: [number, number][] = [];
  for (let i = 0; i < numbers.length; i += 2) ranges.push([numbers[i]!, numbers[i + 1]!]);
  return { version, ranges };
}

describe("scripts/east-asian-width.js", () => {
  test.each<[string, string, [number, number][]]>([
    [
      "15.0 (defaults in the header's prose; listed out of order; adjacent ranges merged)",
      "EastAsianWidth-15.0-mini.txt",
      [
        [0x1100, 0x115f],
        [0x231a, 0x231b],
        [0x2329, 0x232a],
        [0x3000, 0x3003],
        [0x4e00, 0x9fff],
        [0xff01, 0xff60],
        [0x20000, 0x2fffd],
      ],
    ],
    [
      "15.1 (defaults as @missing lines; N defaults and N lines left out)",
      "EastAsianWidth-15.1-mini.txt",
      [
        [0x3400, 0x4dbf],
        [0x1f300, 0x1f320],
        [0x1f32d, 0x1f335],
      ],
    ],
  ])("%s", (_name, fixture, ranges) => {
    const r = run(path.join(fixtures, fixture));
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(parsed(r.text!)).toEqual({ version: /-(\d+\.\d+)-/.exec(fixture)![1] + ".0", ranges });
    expect(r.text).toContain(`(${ranges.length} ranges)`);
  });

  test.each<[string, string | undefined, (file: string) => string]>([
    [
      "a missing file",
      undefined,
      (f) =>
        `east-asian-width: cannot read ${f}: ENOENT (Debian: apt-get install -y unicode-data)\n`,
    ],
    [
      "a file without the UCD's first line",
      "0000..001F;N\n",
      (f) =>
        `east-asian-width: ${f}:1: not the UCD's EastAsianWidth.txt (no "# EastAsianWidth-X.Y.Z.txt" line)\n`,
    ],
    [
      "a line it cannot read, by its line number",
      "# EastAsianWidth-15.0.0.txt\n1100..115F;W\n1160..11FF;Q # not a class\n",
      (f) => `east-asian-width: ${f}:3: cannot read '1160..11FF;Q'\n`,
    ],
  ])("%s: exit 2, one line, nothing written", (_name, contents, message) => {
    const file = path.join(tempDir("eaw-in"), "EastAsianWidth.txt");
    if (contents !== undefined) fs.writeFileSync(file, contents);
    expect(run(file)).toEqual({ code: 2, stderr: message(file), text: undefined });
  });

  const system = fs.existsSync(SYSTEM_DATA) ? test : test.skip;
  system(
    `generator/core/diagnostics/east-asian-width.ts is what the script makes of ${SYSTEM_DATA}`,
    () => {
      const r = run(SYSTEM_DATA);
      expect(r.code).toBe(0);
      expect(r.text).toBe(
        fs.readFileSync(
          path.join(root, "generator", "core", "diagnostics", "east-asian-width.ts"),
          "utf8",
        ),
      );
    },
  );
});
