/*
 * The report model on synthetic measurements (the end-to-end test measures
 * real objects): bloat-o-meter's arithmetic, the orderings, the cross-config
 * table, the generated sources' sizes and the Total line. The formats that
 * lay the model out have their own files under tests/unit/size/formats/.
 */
import { compareSides, SizeReport } from "../../../../generator/size/report/report";
import {
  ASCII_MINUS,
  formatCell,
  formatFixed,
  formatSummary,
  formatTotals,
  TYPOGRAPHIC_MINUS,
} from "../../../../generator/size/report/figures";
import { base, fn, head, measured, sampleReport } from "../sample-report";

describe("compareSides: bloat-o-meter's calc()", () => {
  // Computed per test (beforeEach), not while the file loads: a mutation run
  // attributes the code it reaches to the tests that reach it.
  let summary: ReturnType<typeof compareSides>["summary"];
  let functions: ReturnType<typeof compareSides>["functions"];
  let total: ReturnType<typeof compareSides>["total"];
  beforeEach(() => ({ summary, functions, total } = compareSides(base, head)));

  test("counts and sums like bloat-o-meter", () => {
    expect(summary).toEqual({
      add: 1,
      remove: 1,
      grow: 1,
      shrink: 2,
      up: 7 + 10,
      down: 160 + 219 + 40,
      net: 17 - 419,
    });
    expect(formatSummary(summary)).toBe("add/remove: 1/1 grow/shrink: 1/2 up/down: 17/-419 (-402)");
  });

  test("ties in bloat-o-meter's order: its reverse sort of (delta, name) puts the larger name first", () => {
    const tied = compareSides(
      [fn("alpha", 10), fn("beta", 10), fn("gamma", 10)],
      [fn("alpha", 11), fn("beta", 11), fn("gamma", 9)],
    );
    expect(tied.functions.map((f) => f.name)).toEqual(["beta", "alpha", "gamma"]);
  });

  test("rows sorted by delta, growth first", () => {
    expect(functions.map((f) => [f.name, f.delta])).toEqual([
      ["grows", 10],
      ["added", 7],
      ["same", 0],
      ["gone", -40],
      ["kvm_emulate_cpuid", -160],
      ["kvm_emulate_hypercall", -219],
    ]);
    expect(functions.find((f) => f.name === "added")).toMatchObject({
      base: null,
      head: 7,
      percent: null,
    });
    expect(functions.find((f) => f.name === "gone")).toMatchObject({
      base: 40,
      head: null,
      percent: -100,
    });
  });

  test("totals and the footer", () => {
    const before = 342 + 1362 + 40 + 10 + 50;
    const after = 182 + 1143 + 7 + 10 + 60;
    expect(total).toMatchObject({ base: before, head: after, delta: after - before });
    expect(formatTotals(total)).toBe(
      `Total: Before=${before}, After=${after}, chg -${((100 * (before - after)) / before).toFixed(2)}%`,
    );
  });

  test.each([
    [{ base: 342, head: 182, delta: -160, percent: (-160 * 100) / 342 }, "342 → 182 (-47%)"],
    [{ base: 1362, head: 1143, delta: -219, percent: (-219 * 100) / 1362 }, "1362 → 1143 (-16%)"],
    [{ base: 50, head: 60, delta: 10, percent: 20 }, "50 → 60 (+20%)"],
    [{ base: 10, head: 10, delta: 0, percent: 0 }, "10 → 10 (0%)"],
    [{ base: null, head: 7, delta: 7, percent: null }, "— → 7 (new)"],
    [{ base: 40, head: null, delta: -40, percent: -100 }, "40 → — (gone)"],
  ])("cell %#: %s", (cell, want) => {
    expect(formatCell(cell, ASCII_MINUS)).toBe(want);
    expect(formatCell(cell, TYPOGRAPHIC_MINUS)).toBe(want.replace("-", "\u2212"));
  });
});

describe("cross-config table and sources", () => {
  let report: SizeReport;
  beforeEach(() => (report = sampleReport()));
  test("one row per name changed anywhere, one cell per config", () => {
    expect(report.crossConfig.map((r) => r.name)).not.toContain("same");
    expect(
      report.crossConfig
        .find((r) => r.name === "kvm_emulate_cpuid")
        ?.cells.map((c) => formatCell(c, ASCII_MINUS)),
    ).toEqual(["342 → 182 (-47%)", "342 → 182 (-47%)"]);
  });
  test("configs that differ: each cell is its own config's, rows by summed delta", () => {
    const report = sampleReport([
      measured("gcc-O2"),
      measured(
        "clang-O2",
        [fn("kvm_emulate_cpuid", 300), fn("same", 10), fn("grows", 50), fn("clang_only", 5)],
        [fn("kvm_emulate_cpuid", 250), fn("same", 12), fn("grows", 50), fn("clang_only", 9)],
      ),
    ]);
    expect(
      report.crossConfig.map((r) => [r.name, ...r.cells.map((c) => formatCell(c, ASCII_MINUS))]),
    ).toEqual([
      ["grows", "50 → 60 (+20%)", "50 → 50 (0%)"],
      ["added", "— → 7 (new)", ""],
      ["clang_only", "", "5 → 9 (+80%)"],
      ["same", "10 → 10 (0%)", "10 → 12 (+20%)"],
      ["gone", "40 → — (gone)", ""],
      ["kvm_emulate_cpuid", "342 → 182 (-47%)", "300 → 250 (-17%)"],
      ["kvm_emulate_hypercall", "1362 → 1143 (-16%)", ""],
    ]);
  });
  test("generated source sizes per file", () => {
    expect(report.sources).toEqual([
      { path: "c/kvm_regs.h", base: { lines: 2, bytes: 4 }, head: { lines: 3, bytes: 7 } },
    ]);
  });
});

describe("the Total line is bloat-o-meter's, byte for byte (Python's %+.2f rounds ties to even)", () => {
  // Each `want` is what `python3 -c 'print("Total: Before=%d, After=%d, chg %+.2f%%" % (o, n, (n-o)*100.0/o))'` prints.
  test.each([
    [800, 801, "Total: Before=800, After=801, chg +0.12%"],
    [800, 799, "Total: Before=800, After=799, chg -0.12%"],
    [800, 803, "Total: Before=800, After=803, chg +0.38%"],
    [1600, 1601, "Total: Before=1600, After=1601, chg +0.06%"],
    [5327, 3304, "Total: Before=5327, After=3304, chg -37.98%"],
    [100, 100, "Total: Before=100, After=100, chg +0.00%"],
    [0, 10, "Total: Before=0, After=10, chg +0.00%"],
    [100000, 99999, "Total: Before=100000, After=99999, chg -0.00%"],
    [8, 9, "Total: Before=8, After=9, chg +12.50%"],
  ])("%d -> %d", (b, h, want) => {
    expect(formatTotals({ base: b, head: h, delta: h - b, percent: null })).toBe(want);
  });

  test.each([
    [0.125, 2, "0.12"],
    [0.375, 2, "0.38"],
    [2.5, 0, "2"],
    [3.5, 0, "4"],
    [-0.125, 2, "-0.12"],
    [1e-9, 2, "0.00"],
    [123456.789, 1, "123456.8"],
    [0.1, 20, "0.10000000000000000555"],
  ])("formatFixed(%d, %d) = %s", (x, digits, want) => expect(formatFixed(x, digits)).toBe(want));
});
