/*
 * bench/synth-spec.ts, the benchmark's spec generator: seeded, deterministic,
 * and its specs are valid ones of the shape the benchmark says (N registers,
 * 4 backends, mask: bitmap, gprs and extended registers, guards, both list kinds).
 */
import { loadModel } from "../../generator/generate/produce";
import { synthSpec, toYaml } from "../../bench/synth-spec";

const text = (registers: number, seed: number) =>
  toYaml(synthSpec({ registers, seed, backends: 4 }));

describe("bench/synth-spec.ts", () => {
  test("the same seed gives the same bytes; another seed another spec", () => {
    expect(text(256, 1)).toBe(text(256, 1));
    expect(text(256, 2)).not.toBe(text(256, 1));
  });

  test.each([32, 256, 1000])("%i registers: a valid spec of the promised shape", (n) => {
    const loaded = loadModel({ specPath: `synthetic-${n}.yaml`, specText: text(n, 1) });
    if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join("\n"));
    const m = loaded.model;
    expect(m.registers).toHaveLength(n);
    expect(m.mask.kind).toBe("bitmap");
    expect(m.backends.map((b) => b.declared)).toEqual(["lazy", "available", "lazy", "available"]);
    expect(m.gprs.length).toBeGreaterThan(0);
    expect(m.extended.length).toBeGreaterThan(0);
    expect(m.registers.some((r) => r.guard)).toBe(true);
    expect(m.accessors.some((a) => a.path === "direct")).toBe(true);
    expect(m.accessors.some((a) => a.path === "cached")).toBe(true);
  });
});
