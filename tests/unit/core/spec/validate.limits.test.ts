/*
 * Validation (generator/core/spec/validate.ts) within the spec's size limits
 * (generator/core/spec/limits.ts): a spec at every limit is valid; one
 * register or backend more is refused before any other check; and however
 * many problems a spec has, MAX_DIAGNOSTICS are reported and the rest counted
 * in one RC135.
 */
import { parseSpec } from "../../../../generator/core/spec/parse";
import { validateSpec } from "../../../../generator/core/spec/validate";
import {
  MAX_BACKENDS,
  MAX_DIAGNOSTICS,
  MAX_REGISTER_BACKEND_PAIRS,
  MAX_REGISTERS,
} from "../../../../generator/core/spec/limits";

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** A spec of `registers` gprs and `backends` backends, each lazy in every third register. */
function spec(registers: number, backends: number, extra = ""): string {
  const regs = names("r", registers);
  const lists = names("b", backends).map(
    (b, j) => `  ${b}: { lazy: [${regs.filter((_, i) => i % 3 === j % 3).join(", ")}] }\n`,
  );
  return `regcache: 1\nname: t\nmask: bitmap\nregisters:\n  gpr: [${regs.join(", ")}]\nbackends:\n${lists.join("")}${extra}`;
}

function validate(text: string) {
  const parsed = parseSpec({ displayPath: "s.yaml", text });
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join("\n"));
  return validateSpec(parsed.doc);
}
const codes = (text: string) => {
  const r = validate(text);
  return r.ok ? [] : r.diagnostics.map((d) => d.code);
};

describe("validateSpec within the size limits", () => {
  test.each([
    [MAX_REGISTER_BACKEND_PAIRS / MAX_BACKENDS, MAX_BACKENDS],
    [MAX_REGISTERS, MAX_REGISTER_BACKEND_PAIRS / MAX_REGISTERS],
  ])("a spec of %i registers and %i backends (at the limits) is valid", (registers, backends) => {
    const r = validate(spec(registers, backends));
    expect(r.ok ? [r.spec.registers.length, r.spec.backends.length] : r.diagnostics).toEqual([
      registers,
      backends,
    ]);
  });

  test("one backend more than the pairs allow is RC136 alone", () => {
    const backends = MAX_REGISTER_BACKEND_PAIRS / MAX_REGISTERS + 1;
    expect(codes(spec(MAX_REGISTERS, backends, "x: 1\n"))).toEqual(["RC136"]);
  });

  test("one register more is RC133 alone: nothing else is checked", () => {
    // The unknown key and the unknown register would be RC102 and RC104 within the limit.
    const bad = (n: number) => spec(n, 2, "x: 1\n").replace("lazy: [r0", "lazy: [nope, r0");
    expect(codes(bad(MAX_REGISTERS))).toEqual(["RC102", "RC104"]);
    expect(codes(bad(MAX_REGISTERS + 1))).toEqual(["RC133"]);
  });

  test("one backend more is RC134 alone", () => {
    expect(codes(spec(3, MAX_BACKENDS + 1, "x: 1\n"))).toEqual(["RC134"]);
  });

  test("50,000 unknown keys: MAX_DIAGNOSTICS of them, then RC135 counting the rest", () => {
    const n = 50_000;
    const r = validate(
      spec(
        3,
        1,
        names("k", n)
          .map((k) => `${k}: 1\n`)
          .join(""),
      ),
    );
    const got = r.ok ? [] : r.diagnostics;
    expect(got).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(new Set(got.slice(0, -1).map((d) => d.code))).toEqual(new Set(["RC102"]));
    expect(got[got.length - 1]!.message).toBe(`${n - MAX_DIAGNOSTICS} more problems are not shown`);
  });

  test("unknown registers in backend lists and accessors past the limit are counted too", () => {
    const n = 5_000;
    const unknown = names("zz", n).join(", ");
    const text = spec(MAX_REGISTERS, 1).replace("lazy: [", `lazy: [${unknown}, `);
    const r = validate(`${text}accessors: [${unknown}]\n`);
    const got = r.ok ? [] : r.diagnostics;
    expect(got).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(got[got.length - 1]!.message).toBe(
      `${2 * n - MAX_DIAGNOSTICS} more problems are not shown`,
    );
  });

  test("duplicate keys the parse left out are counted with validation's own problems", () => {
    const dupes = Array.from({ length: MAX_DIAGNOSTICS + 4 }, () => "name: t\n").join("");
    const r = validate(spec(3, 1).replace("name: t\n", `name: t\n${dupes}`) + "x: 1\n");
    const got = r.ok ? [] : r.diagnostics;
    expect(got).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(got[got.length - 1]!.message).toBe("5 more problems are not shown");
  });
});
