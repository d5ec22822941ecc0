/*
 * generator/util/order.ts: the code-unit order every listing uses.
 */
import { byCodeUnit } from "../../../generator/util/order";

describe("byCodeUnit", () => {
  test.each([
    ["a", "b", -1],
    ["b", "a", 1],
    ["a", "a", 0],
    ["B", "a", -1], // 'B' is 0x42, 'a' 0x61
    ["kvm_x", "kvm_x_y", -1],
    ["kvm_x_y", "kvm_x", 1],
    ["c-d.h", "c.h", -1], // '-' < '.' < '/' < '0'
    ["c/a.h", "c0.h", -1],
    ["\u00e9", "\uffff", -1],
    ["\ud83d\ude00", "\uffff", -1], // by code unit: a surrogate (0xd83d) before 0xffff
  ])("%j vs %j -> %d", (a, b, want) => expect(byCodeUnit(a, b)).toBe(want));

  test("sorts as Array.prototype.sort does without a comparator", () => {
    const names = ["s10.h", "s2.h", "S1.h", "s1.h", "ba.h", "b/x.h", "b.h", "\u00e9.h", "z.h"];
    expect([...names].sort(byCodeUnit)).toEqual([...names].sort());
    console.log("order: byCodeUnit over 10 pairs and one listing");
  });
});
