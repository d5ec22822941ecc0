/*
 * The kernel proof's comparison helpers on hand-written nm and bloat-o-meter
 * output (runs in npm test; the real objects are compared by
 * npm run test:kernel).
 */
import {
  comparableName,
  compareBuilds,
  functionSize,
  parseBloatOMeter,
  parseNmSizeSort,
  realChanges,
  symbolTable,
} from "./compare";

describe("comparableName", () => {
  const cases: [string, { given: string; want: string }][] = [
    ["plain function", { given: "kvm_emulate_cpuid", want: "kvm_emulate_cpuid" }],
    ["local static numbered by gcc", { given: "__already_done.104", want: "__already_done" }],
    ["clone keeps its kind", { given: "vcpu_run.constprop.0", want: "vcpu_run.constprop" }],
    [
      "__UNIQUE_ID counter and clone number",
      {
        given: "__UNIQUE_ID___addressable___SCK__kvm_x86_cache_reg300.268",
        want: "__UNIQUE_ID___addressable___SCK__kvm_x86_cache_reg#",
      },
    ],
    [
      "__UNIQUE_ID counter only",
      { given: "__UNIQUE_ID_license1495", want: "__UNIQUE_ID_license#" },
    ],
    ["digits elsewhere are kept", { given: "handle_xsetbv2", want: "handle_xsetbv2" }],
  ];
  test.each(cases)("%s", (_n, { given, want }) => expect(comparableName(given)).toBe(want));
});

const NM_BEFORE = [
  "0000000000000001 b __already_done.7",
  "0000000000000001 b __already_done.9",
  "00000000000000e9 T kvm_emulate_cpuid",
  "0000000000000010 d __UNIQUE_ID_x12",
].join("\n");

describe("compareBuilds", () => {
  const build = (text: string) =>
    new Map([["arch/x86/kvm/cpuid.o", symbolTable(parseNmSizeSort(text))]]);
  const cases: [string, { after: string; want: string[] }][] = [
    ["identical", { after: NM_BEFORE, want: [] }],
    [
      "renumbered statics and counters are the same symbols",
      {
        after: NM_BEFORE.replace(".7", ".31").replace(".9", ".40").replace("x12", "x13"),
        want: [],
      },
    ],
    [
      "a function grows",
      {
        after: NM_BEFORE.replace("00e9 T", "00ea T"),
        want: ["function kvm_emulate_cpuid 233->234"],
      },
    ],
    [
      "a static disappears",
      { after: NM_BEFORE.split("\n").slice(1).join("\n"), want: ["data __already_done 1,1->1"] },
    ],
    [
      "a function appears",
      { after: NM_BEFORE + "\n0000000000000004 t helper", want: ["function helper ->4"] },
    ],
  ];
  test.each(cases)("%s", (_n, { after, want }) => {
    const result = compareBuilds(build(NM_BEFORE), build(after));
    expect(result.functions).toBe(1);
    expect(result.symbols).toBe(4);
    expect(
      result.differences.map((d) => `${d.symbol} ${d.before.join(",")}->${d.after.join(",")}`),
    ).toEqual(want);
  });

  test("functionSize sums a name across objects", () => {
    const b = new Map([
      [
        "a.o",
        symbolTable(parseNmSizeSort("0000000000000010 t f.isra.0\n0000000000000020 t f.isra.1")),
      ],
      ["b.o", symbolTable(parseNmSizeSort("0000000000000008 T g"))],
    ]);
    expect(functionSize(b, "f.isra")).toBe(48);
    expect(functionSize(b, "g")).toBe(8);
    expect(functionSize(b, "h")).toBeUndefined();
  });

  test("an nm line in another format is an error, not a skip", () => {
    expect(() => parseNmSizeSort("U undefined_symbol")).toThrow(/unexpected nm line/);
  });
});

describe("parseBloatOMeter / realChanges", () => {
  const report = (rows: string[], header: string) =>
    [
      header,
      "Function                                     old     new   delta",
      ...rows,
      "Total: Before=100, After=100, chg +0.00%",
    ].join("\n");
  const cases: [string, { output: string; want: string[] }][] = [
    [
      "nothing changed",
      { output: report([], "add/remove: 0/0 grow/shrink: 0/0 up/down: 0/0 (0)"), want: [] },
    ],
    [
      "a counter rename cancels out",
      {
        output: report(
          [
            "__UNIQUE_ID_vermagic77                        -      67     +67",
            "__UNIQUE_ID_vermagic76                       67       -     -67",
          ],
          "add/remove: 1/1 grow/shrink: 0/0 up/down: 67/-67 (0)",
        ),
        want: [],
      },
    ],
    [
      "a shrink stays",
      {
        output: report(
          ["kvm_emulate_hypercall                      1544    1274    -270"],
          "add/remove: 0/0 grow/shrink: 0/1 up/down: 0/-270 (-270)",
        ),
        want: ["kvm_emulate_hypercall 1544 1274"],
      },
    ],
    [
      "a rename with a new size stays",
      {
        output: report(
          [
            "__UNIQUE_ID_x5                                -      10     +10",
            "__UNIQUE_ID_x4                                8       -      -8",
          ],
          "add/remove: 1/1 grow/shrink: 0/0 up/down: 10/-8 (2)",
        ),
        want: ["__UNIQUE_ID_x4 8 undefined", "__UNIQUE_ID_x5 undefined 10"],
      },
    ],
  ];
  test.each(cases)("%s", (_n, { output, want }) => {
    expect(realChanges(parseBloatOMeter(output)).map((r) => `${r.name} ${r.old} ${r.new}`)).toEqual(
      want,
    );
  });

  test("output without the header is an error", () => {
    expect(() => parseBloatOMeter("Traceback (most recent call last):")).toThrow(
      /no bloat-o-meter header/,
    );
  });
});
