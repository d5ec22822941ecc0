/*
 * The changelog format (generator/size/formats/changelog.ts): a paragraph
 * per config as a kernel commit message quotes size figures, wrapped at 75
 * columns. Fixed reports in, whole text compared.
 */
import {
  CHANGELOG_WIDTH,
  formatChangelog,
  wrap,
} from "../../../../generator/size/formats/changelog";
import type { SizeReport } from "../../../../generator/size/report/report";
import { data, fn, measured, sampleReport } from "../sample-report";

test("two configs: the largest changes named with their bytes, the rest counted, the total", () => {
  const retpoline = {
    ...measured(
      "gcc-O2-retpoline",
      [fn("kvm_emulate_cpuid", 353), fn("kvm_emulate_hypercall", 1418), fn("same", 10)],
      [fn("kvm_emulate_cpuid", 182), fn("kvm_emulate_hypercall", 1172), fn("same", 10)],
    ),
    compilerVersion: "gcc (Debian 12.2.0-14) 12.2.0",
    retpoline: true,
  };
  expect(formatChangelog(sampleReport([measured("gcc-O2"), retpoline]))).toBe(
    [
      "With gcc-O2 (gcc 12), kvm_emulate_hypercall() shrinks from 1362 to 1143",
      "bytes, kvm_emulate_cpuid() from 342 to 182 and gone() is removed (40",
      "bytes). 2 other functions change size as well. In total the measured code",
      "shrinks by 402 bytes, from 1804 to 1402 (-22.3%).",
      "",
      "With gcc-O2-retpoline (gcc (Debian 12.2.0-14) 12.2.0, retpolines),",
      "kvm_emulate_hypercall() shrinks from 1418 to 1172 bytes and",
      "kvm_emulate_cpuid() from 353 to 182. In total the measured code shrinks by",
      "417 bytes, from 1781 to 1364 (-23.4%).",
      "",
    ].join("\n"),
  );
});

test("growth, an added function, data counted apart, and an unchanged total", () => {
  const report: SizeReport = sampleReport([
    measured(
      "clang-O2",
      [fn("a", 100), fn("b", 50), data("table", 64)],
      [fn("a", 120), fn("b", 50), fn("c", 8), data("table", 36)],
    ),
  ]);
  expect(formatChangelog(report)).toBe(
    [
      "With clang-O2 (gcc 12), a() grows from 100 to 120 bytes and c() is added (8",
      "bytes). 1 data symbol changes size as well. In total the measured code",
      "stays at 214 bytes.",
      "",
    ].join("\n"),
  );
});

test("nothing changed; no config; --objects reports open without a compiler", () => {
  expect(formatChangelog(sampleReport([measured("x", [fn("f", 1)], [fn("f", 1)])]))).toBe(
    "With x (gcc 12), no function changes size and neither does any data. In\ntotal the measured code stays at 1 byte.\n",
  );
  expect(formatChangelog(sampleReport([]))).toBe("No config was measured.\n");
  const objects: SizeReport = {
    ...sampleReport([{ ...measured("objects"), compilerVersion: "" }]),
    objects: { kind: "file", pairs: [{ path: "x86.o", old: true, new: true }], composites: [] },
  };
  expect(formatChangelog(objects).split("\n")[0]).toBe(
    "Between the two builds, kvm_emulate_hypercall() shrinks from 1362 to 1143",
  );
});

test("every line fits in 75 columns, long names included", () => {
  const long = "x".repeat(90);
  const names = Array.from(
    { length: 12 },
    (_, i) => `vmx_handle_exit_irqoff_${i}_${"y".repeat(i * 3)}`,
  );
  const report = sampleReport([
    measured(
      "gcc-O2-with-a-rather-long-config-name",
      [fn(long, 10), ...names.map((n, i) => fn(n, 1000 + i))],
      [fn(long, 99), ...names.map((n, i) => fn(n, 900 + 7 * i))],
    ),
  ]);
  const lines = formatChangelog(report).split("\n");
  expect(lines.length).toBeGreaterThan(3);
  for (const line of lines) expect(line.length).toBeLessThanOrEqual(CHANGELOG_WIDTH);
});

describe("wrap", () => {
  test.each([
    ["", 10, []],
    ["a b c", 3, ["a b", "c"]],
    ["abcdefghij k", 4, ["abcd", "efgh", "ij k"]],
    ["one  two\nthree", 80, ["one two three"]],
  ])("%j at %d", (text, width, want) => expect(wrap(text, width)).toEqual(want));
});
