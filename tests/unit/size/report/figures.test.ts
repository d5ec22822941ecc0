/*
 * generator/size/report/report.ts figure by figure: the model's edge cases (empty
 * sides, zero bases, symbol kinds, ties), the cross-config table over three
 * configs that really differ, source sizes, the what-if ranking, and every
 * helper that prints a figure. Each expected value is worked out by hand in the
 * comments beside it, or is what Python's `%.Nf` prints (formatFixed promises
 * exactly that); none comes from the code under test.
 */
import {
  buildReport,
  compareSides,
  crossConfigRows,
  fileSize,
  percentOf,
  rankExplain,
  sourceRows,
  type BudgetBreach,
  type ConfigReport,
  type ExplainRow,
  type MeasuredConfig,
  type SizeReport,
} from "../../../../generator/size/report/report";
import {
  formatCell,
  formatDelta,
  formatFixed,
  formatLimit,
  formatMeasured,
  formatPercent,
  formatSummary,
  formatTotals,
  objectsNotes,
  printableReport,
  ASCII_MINUS,
  crossRowsWithKind,
  TYPOGRAPHIC_MINUS,
} from "../../../../generator/size/report/figures";
import type { SymbolSize } from "../../../../generator/toolchain/symbols";
import { fullReport } from "../sample-report";

const fn = (name: string, size: number): SymbolSize => ({ name, kind: "function", size });
const data = (name: string, size: number): SymbolSize => ({ name, kind: "data", size });
const M = "\u2212";

function measured(name: string, base: SymbolSize[], head: SymbolSize[]): MeasuredConfig {
  return {
    name,
    compiler: name.startsWith("clang") ? "clang" : "gcc",
    command: name.startsWith("clang") ? "clang-19" : "gcc",
    compilerVersion: "v1",
    retpoline: name.endsWith("retpoline"),
    flags: ["-O2"],
    base,
    head,
  };
}

describe("percentOf", () => {
  test.each([
    [10, null, null],
    [10, 0, null], // no percentage of nothing
    [0, 7, 0],
    [5, 20, 25],
    [-40, 40, -100],
    [30, 20, 150],
  ])("%d of %j -> %j", (delta, base, want) => expect(percentOf(delta, base)).toBe(want));
});

describe("compareSides: the edges bloat-o-meter's calc() meets", () => {
  test("two empty sides: nothing, and no percentage of a 0 B total", () => {
    expect(compareSides([], [])).toEqual({
      summary: { add: 0, remove: 0, grow: 0, shrink: 0, up: 0, down: 0, net: 0 },
      functions: [],
      total: { base: 0, head: 0, delta: 0, percent: null },
    });
  });

  test("zero sizes, a symbol that changed kind, data beside functions", () => {
    const r = compareSides(
      [
        fn("was_empty", 0),
        fn("stays_empty", 0),
        data("table", 64),
        fn("became_data", 8),
        fn("old", 0),
      ],
      [
        fn("was_empty", 12),
        fn("stays_empty", 0),
        data("table", 32),
        data("became_data", 8),
        fn("new0", 0),
      ],
    );
    // was_empty: 0 -> 12, grows by 12 (no percentage of 0); stays_empty and
    // became_data: unchanged; table: 64 -> 32, shrinks by 32 (-50%); old (0 B)
    // removed and new0 (0 B) added move no bytes.
    expect(r.summary).toEqual({
      add: 1,
      remove: 1,
      grow: 1,
      shrink: 1,
      up: 12,
      down: 32,
      net: -20,
    });
    expect(r.functions).toEqual([
      { name: "was_empty", kind: "function", base: 0, head: 12, delta: 12, percent: null },
      // delta 0, by name in reverse: stays_empty, old, new0, became_data
      { name: "stays_empty", kind: "function", base: 0, head: 0, delta: 0, percent: null },
      { name: "old", kind: "function", base: 0, head: null, delta: 0, percent: null },
      { name: "new0", kind: "function", base: null, head: 0, delta: 0, percent: null },
      // the head's kind wins
      { name: "became_data", kind: "data", base: 8, head: 8, delta: 0, percent: 0 },
      { name: "table", kind: "data", base: 64, head: 32, delta: -32, percent: -50 },
    ]);
    // 0+0+64+8+0 = 72 before, 12+0+32+8+0 = 52 after: -20, -27.78%
    expect(r.total).toEqual({ base: 72, head: 52, delta: -20, percent: (-20 * 100) / 72 });
  });

  test("a removed symbol keeps its base's kind; everything from nothing has no total percentage", () => {
    const gone = compareSides([data("d", 16)], []);
    expect(gone.functions).toEqual([
      { name: "d", kind: "data", base: 16, head: null, delta: -16, percent: -100 },
    ]);
    expect(gone.summary).toEqual({
      add: 0,
      remove: 1,
      grow: 0,
      shrink: 0,
      up: 0,
      down: 16,
      net: -16,
    });
    const fresh = compareSides([], [fn("f", 10), data("g", 4)]);
    expect(fresh.summary).toEqual({
      add: 2,
      remove: 0,
      grow: 0,
      shrink: 0,
      up: 14,
      down: 0,
      net: 14,
    });
    expect(fresh.total).toEqual({ base: 0, head: 14, delta: 14, percent: null });
  });
});

describe("the cross-config table over three configs that differ", () => {
  // gcc-O2:            a 100->90 (-10)  b 50->60 (+10)  c 20->20 (0)   d 30->— (-30)
  // clang-O2:          a 100->95 (-5)   b 50->45 (-5)   c 20->25 (+5)  e —->15 (+15)
  // clang-O2-retpoline: a 100->100 (0)   c 20->20 (0)    f 7->7 (0)
  // Sums over configs: a -15, b +5, c +5, d -30, e +15; f never changes.
  let configs: ConfigReport[];
  beforeEach(() => {
    configs = buildReport({
      spec: "s.yaml",
      base: "all-cached",
      measured: [
        measured(
          "gcc-O2",
          [fn("a", 100), fn("b", 50), fn("c", 20), fn("d", 30)],
          [fn("a", 90), fn("b", 60), fn("c", 20)],
        ),
        measured(
          "clang-O2",
          [fn("a", 100), fn("b", 50), fn("c", 20)],
          [fn("a", 95), fn("b", 45), fn("c", 25), fn("e", 15)],
        ),
        measured(
          "clang-O2-retpoline",
          [fn("a", 100), fn("c", 20), fn("f", 7)],
          [fn("a", 100), fn("c", 20), fn("f", 7)],
        ),
      ],
      skipped: [],
      baseFiles: [],
      headFiles: [],
    }).configs as ConfigReport[];
  });

  test("rows by summed delta, ties (b and c, +5) by name; each cell its own config's", () => {
    const rows = crossConfigRows(configs);
    expect(rows.map((r) => r.name)).toEqual(["e", "b", "c", "a", "d"]);
    const cells = Object.fromEntries(rows.map((r) => [r.name, r.cells]));
    expect(cells.e).toEqual([null, { base: null, head: 15, delta: 15, percent: null }, null]);
    expect(cells.b).toEqual([
      { base: 50, head: 60, delta: 10, percent: 20 },
      { base: 50, head: 45, delta: -5, percent: -10 },
      null,
    ]);
    // c changed only in clang-O2; the others' unchanged cells are still shown.
    expect(cells.c).toEqual([
      { base: 20, head: 20, delta: 0, percent: 0 },
      { base: 20, head: 25, delta: 5, percent: 25 },
      { base: 20, head: 20, delta: 0, percent: 0 },
    ]);
    expect(cells.a).toEqual([
      { base: 100, head: 90, delta: -10, percent: -10 },
      { base: 100, head: 95, delta: -5, percent: -5 },
      { base: 100, head: 100, delta: 0, percent: 0 },
    ]);
    expect(cells.d).toEqual([{ base: 30, head: null, delta: -30, percent: -100 }, null, null]);
  });

  test("the same configs in another order give the same rows, cells in the configs' order", () => {
    const rows = crossConfigRows([configs[2]!, configs[1]!, configs[0]!]);
    expect(rows.map((r) => r.name)).toEqual(["e", "b", "c", "a", "d"]);
    expect(rows.find((r) => r.name === "b")!.cells.map((c) => formatCell(c, ASCII_MINUS))).toEqual([
      "",
      "50 → 45 (-10%)",
      "50 → 60 (+20%)",
    ]);
  });

  test("a row's kind is its symbol's in the first config that has it; a function when none does", () => {
    // t is data and only clang-O2 has it; gcc-O2, first, lacks it.
    const report = buildReport({
      spec: "s.yaml",
      base: "all-cached",
      measured: [
        measured("gcc-O2", [fn("a", 10)], [fn("a", 12)]),
        measured("clang-O2", [fn("a", 10), data("t", 8)], [fn("a", 11), data("t", 16)]),
      ],
      skipped: [],
      baseFiles: [],
      headFiles: [],
    });
    expect(crossRowsWithKind(report).map((r) => [r.name, r.kind])).toEqual([
      ["t", "data"],
      ["a", "function"],
    ]);
    expect(crossRowsWithKind({ ...report, configs: [] }).map((r) => r.kind)).toEqual([
      "function",
      "function",
    ]);
  });

  test("no config changed anything: no rows", () => {
    expect(crossConfigRows([configs[2]!])).toEqual([]);
    expect(crossConfigRows([])).toEqual([]);
  });
});

describe("fileSize: lines as wc -l counts them, plus a last line without newline; bytes in UTF-8", () => {
  test.each([
    ["", 0, 0],
    ["a", 1, 1],
    ["a\n", 1, 2],
    ["a\nb", 2, 3],
    ["a\nb\n", 2, 4],
    ["\n", 1, 1],
    ["\n\n", 2, 2],
    ["é\n", 1, 3], // U+00E9 is two bytes
    ["a\r\nb\r\n", 2, 6],
    ["\u2212", 1, 3],
  ])("%j: %d lines, %d bytes", (text, lines, bytes) =>
    expect(fileSize(text)).toEqual({ lines, bytes }),
  );
});

describe("sourceRows", () => {
  test("every path of either side, sorted, null where a side lacks it", () => {
    expect(
      sourceRows(
        [
          { path: "ts/b.ts", contents: "x\n" },
          { path: "c/a.h", contents: "" },
          { path: "c/old.h", contents: "1\n2\n" },
        ],
        [
          { path: "c/new.h", contents: "n" },
          { path: "c/a.h", contents: "aa\n" },
          { path: "ts/b.ts", contents: "x\n" },
        ],
      ),
    ).toEqual([
      { path: "c/a.h", base: { lines: 0, bytes: 0 }, head: { lines: 1, bytes: 3 } },
      { path: "c/new.h", base: null, head: { lines: 1, bytes: 1 } },
      { path: "c/old.h", base: { lines: 2, bytes: 4 }, head: null },
      { path: "ts/b.ts", base: { lines: 1, bytes: 2 }, head: { lines: 1, bytes: 2 } },
    ]);
  });
});

describe("rankExplain: measured registers by bytes saved, then the unreached by name", () => {
  const row = (register: string, reached: boolean, saved: (number | null)[]): ExplainRow => ({
    register,
    lazyIn: ["vmx"],
    reached,
    saved,
  });
  test("sums over configs (null counts 0), ties by name, unreached last", () => {
    const rows = [
      row("zz_unreached", false, [null, null]),
      row("rax", true, [10, 20]), // 30
      row("aa_unreached", false, [null, null]),
      row("rsp", true, [40, null]), // 40
      row("rbx", true, [15, 15]), // 30, ties with rax
      row("cr0", true, [-5, 0]), // -5: measured, but a loss
      row("rip", true, [0, 0]), // 0
    ];
    const copy = [...rows];
    expect(rankExplain(rows).map((r) => r.register)).toEqual([
      "rsp",
      "rax",
      "rbx",
      "rip",
      "cr0",
      "aa_unreached",
      "zz_unreached",
    ]);
    expect(rows).toEqual(copy); // the input is left as it was
  });

  test("buildReport ranks the what-if rows when there are any, and has no key without", () => {
    const input = {
      spec: "s.yaml",
      base: "git:HEAD:spec/x.yaml",
      measured: [],
      skipped: [{ name: "clang-O2", compiler: "clang", reason: "r", hint: "h" }],
      baseFiles: [],
      headFiles: [],
    };
    const without = buildReport(input);
    expect(without).toEqual({
      version: 2,
      spec: "s.yaml",
      base: "git:HEAD:spec/x.yaml",
      configs: [],
      skipped: [{ name: "clang-O2", compiler: "clang", reason: "r", hint: "h" }],
      crossConfig: [],
      sources: [],
    });
    expect("explain" in without).toBe(false);
    const withRows = buildReport({
      ...input,
      explain: [row("b", true, [1]), row("a", false, [null]), row("c", true, [2])],
    });
    expect(withRows.explain!.map((r) => r.register)).toEqual(["c", "b", "a"]);
  });
});

describe("how each figure prints", () => {
  test.each([
    [null, 0, ASCII_MINUS, ""],
    [0, 0, ASCII_MINUS, "0%"],
    [0, 1, ASCII_MINUS, "0.0%"],
    [-0.4, 0, ASCII_MINUS, "0%"], // rounds to zero: no sign
    [0.04, 1, ASCII_MINUS, "0.0%"],
    [-0.04, 1, TYPOGRAPHIC_MINUS, "0.0%"],
    [20, 0, ASCII_MINUS, "+20%"],
    [5, 1, ASCII_MINUS, "+5.0%"],
    [-100, 0, ASCII_MINUS, "-100%"],
    [(-160 * 100) / 342, 0, ASCII_MINUS, "-47%"], // -46.78...
    [(-160 * 100) / 342, 1, TYPOGRAPHIC_MINUS, `${M}46.8%`],
    [0.6, 0, ASCII_MINUS, "+1%"],
  ])("formatPercent(%j, %d, %j) = %j", (p, digits, minus, want) =>
    expect(formatPercent(p, digits, minus)).toBe(want),
  );

  test.each([
    [5, ASCII_MINUS, "+5"],
    [-5, ASCII_MINUS, "-5"],
    [-5, TYPOGRAPHIC_MINUS, `${M}5`],
    [0, TYPOGRAPHIC_MINUS, "0"],
    [1, TYPOGRAPHIC_MINUS, "+1"],
  ])("formatDelta(%d, %j) = %j", (d, minus, want) => expect(formatDelta(d, minus)).toBe(want));

  test("formatCell of no cell is empty", () => {
    expect(formatCell(null, ASCII_MINUS)).toBe("");
  });

  const breach = (b: Partial<BudgetBreach>): BudgetBreach => ({
    config: "gcc-O2",
    target: "total",
    check: "growth",
    unit: "bytes",
    limit: 0,
    base: 100,
    head: 100,
    delta: 0,
    ...b,
  });
  test.each([
    [{ check: "max", limit: 200 }, ASCII_MINUS, "max 200 B"],
    [{ check: "max", limit: 0 }, ASCII_MINUS, "max 0 B"],
    [{ check: "growth", unit: "bytes", limit: -10 }, ASCII_MINUS, "growth ≤ -10 B"],
    [{ check: "growth", unit: "bytes", limit: -10 }, TYPOGRAPHIC_MINUS, `growth ≤ ${M}10 B`],
    [{ check: "growth", unit: "percent", limit: -10 }, TYPOGRAPHIC_MINUS, `growth ≤ ${M}10%`],
    [{ check: "growth", unit: "percent", limit: 5 }, ASCII_MINUS, "growth ≤ 5%"],
    [{ check: "growth", unit: "bytes", limit: 0 }, ASCII_MINUS, "growth ≤ 0 B"],
  ] as const)("formatLimit(%j, %j) = %j", (b, minus, want) =>
    expect(formatLimit(breach(b), minus)).toBe(want),
  );

  test.each([
    [{ check: "max", base: 150, head: 163, delta: 13 }, ASCII_MINUS, "head 163 B"],
    [{ check: "growth", base: null, head: 20, delta: 20 }, ASCII_MINUS, "new, 20 B"],
    // -20 / 63 = -31.746%
    [{ check: "growth", base: 63, head: 43, delta: -20 }, ASCII_MINUS, "63 → 43 B (-20 B, -31.7%)"],
    [
      { check: "growth", base: 63, head: 43, delta: -20 },
      TYPOGRAPHIC_MINUS,
      `63 → 43 B (${M}20 B, ${M}31.7%)`,
    ],
    [
      { check: "growth", base: 40, head: null, delta: -40 },
      ASCII_MINUS,
      "40 → - B (-40 B, -100.0%)",
    ],
    // no percentage of a 0 B base
    [{ check: "growth", base: 0, head: 10, delta: 10 }, ASCII_MINUS, "0 → 10 B (+10 B)"],
    [{ check: "growth", base: 8, head: 9, delta: 1 }, ASCII_MINUS, "8 → 9 B (+1 B, +12.5%)"],
  ] as const)("formatMeasured(%j, %j) = %j", (b, minus, want) =>
    expect(formatMeasured(breach(b), minus)).toBe(want),
  );

  test.each([
    [
      { add: 0, remove: 0, grow: 0, shrink: 0, up: 0, down: 0, net: 0 },
      "add/remove: 0/0 grow/shrink: 0/0 up/down: 0/0 (0)",
    ],
    [
      { add: 2, remove: 3, grow: 4, shrink: 5, up: 60, down: 7, net: 53 },
      "add/remove: 2/3 grow/shrink: 4/5 up/down: 60/-7 (53)",
    ],
  ])("formatSummary %#", (s, want) => expect(formatSummary(s)).toBe(want));

  // formatFixed promises C's and Python's %.Nf: each `want` is what
  // python3 -c 'print("%.Nf" % x)' prints.
  test.each([
    [-0.0, 2, "-0.00"],
    [5e-324, 2, "0.00"], // the smallest subnormal
    [2 ** 53, 2, "9007199254740992.00"],
    [1e21, 0, "1000000000000000000000"],
    [-2.5, 0, "-2"],
    [0.5, 0, "0"],
    [1.5, 0, "2"],
    [2.675, 2, "2.67"], // 2.67499999... in binary
    [1.005, 2, "1.00"],
    [-0.005, 2, "-0.01"], // -0.005000000000000000104...
    [0.015, 2, "0.01"],
    [0.25, 1, "0.2"],
    [0.35, 1, "0.3"],
    [1234.5675, 3, "1234.568"],
    [Infinity, 2, "Infinity"],
    [NaN, 2, "NaN"],
  ])("formatFixed(%d, %d) = %s", (x, digits, want) => expect(formatFixed(x, digits)).toBe(want));

  test.each([
    [0, 0, "Total: Before=0, After=0, chg +0.00%"],
    [3, 0, "Total: Before=3, After=0, chg -100.00%"],
    [200, 201, "Total: Before=200, After=201, chg +0.50%"],
  ])("formatTotals %d -> %d", (b, h, want) =>
    expect(formatTotals({ base: b, head: h, delta: h - b, percent: null })).toBe(want),
  );
});

describe("objectsNotes", () => {
  const report = (objects?: SizeReport["objects"]): SizeReport => ({
    version: 2,
    spec: "s.yaml",
    base: "all-cached",
    configs: [],
    skipped: [],
    crossConfig: [],
    sources: [],
    ...(objects ? { objects } : {}),
  });
  test("none without --objects", () => {
    expect(objectsNotes(report())).toEqual([]);
  });
  test("nothing to note when every object is on both sides", () => {
    expect(
      objectsNotes(
        report({ kind: "file", pairs: [{ path: "a.o", old: true, new: true }], composites: [] }),
      ),
    ).toEqual([]);
  });
  test("one-sided objects per side, then each composite", () => {
    expect(
      objectsNotes(
        report({
          kind: "tree",
          pairs: [
            { path: "arch/x86/kvm/a.o", old: true, new: false },
            { path: "arch/x86/kvm/both.o", old: true, new: true },
            { path: "arch/x86/kvm/b.o", old: false, new: true },
            { path: "arch/x86/kvm/c.o", old: false, new: true },
          ],
          composites: [
            {
              side: "old",
              path: "arch/x86/kvm/kvm.o",
              parts: ["x86.o", "emulate.o"],
              uncounted: { functions: 0, bytes: 0 },
            },
            {
              side: "new",
              path: "arch/x86/kvm/kvm-intel.o",
              parts: ["vmx/vmx.o"],
              uncounted: { functions: 3, data: 1, bytes: 120 },
            },
          ],
        }),
      ),
    ).toEqual([
      "only in old: arch/x86/kvm/a.o",
      "only in new: arch/x86/kvm/b.o, arch/x86/kvm/c.o",
      "old/arch/x86/kvm/kvm.o: an 'ld -r' composite of x86.o, emulate.o: counted through its parts",
      "new/arch/x86/kvm/kvm-intel.o: an 'ld -r' composite of vmx/vmx.o: counted through its parts; 3 functions and 1 data symbol (120 B) in it that no object here defines (parts built elsewhere, symbols added at link time) are not counted",
    ]);
  });
});

describe("formatFixed on subnormal numbers (no implicit leading bit, exponent -1074)", () => {
  // python3 -c 'print("%.325f" % 5e-324)': 323 zeros after the point, then 49.
  test("the smallest subnormal at 325 decimals", () => {
    expect(formatFixed(5e-324, 325)).toBe(`0.${"0".repeat(323)}49`);
  });
});

describe("printableReport", () => {
  test("a report of plain names is returned equal", () => {
    const report = fullReport();
    expect(printableReport(report)).toEqual(report);
  });

  test("every string, however deep, has its control characters escaped; numbers stay", () => {
    const report = fullReport();
    const odd = {
      ...report,
      spec: "s\n",
      configs: report.configs.map((c) => ({
        ...c,
        flags: ["-D\u001b"],
        functions: c.functions.map((f) => ({ ...f, name: `${f.name}\u2028` })),
      })),
    };
    const shown = printableReport(odd);
    expect(shown.spec).toBe("s\\n");
    expect(shown.configs[0].flags).toEqual(["-D\\u{1b}"]);
    expect(shown.configs[0].functions.map((f) => [f.name, f.base, f.head])).toEqual(
      report.configs[0].functions.map((f) => [`${f.name}\\u{2028}`, f.base, f.head]),
    );
  });
});
