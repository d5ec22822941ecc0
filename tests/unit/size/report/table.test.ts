/*
 * alignRows (generator/size/report/table.ts): every column as wide as its
 * widest cell, numbers right-aligned, the last left-aligned column not
 * padded, no trailing blanks.
 */
import { alignRows } from "../../../../generator/size/report/table";

test("pads each column to its widest cell, left or right as asked", () => {
  expect(
    alignRows(
      [
        ["function", "base", "delta"],
        ["kvm_emulate_cpuid", "342", "-160"],
        ["f", "7", "+1"],
      ],
      ["left", "right", "right"],
    ),
  ).toEqual([
    "function           base  delta",
    "kvm_emulate_cpuid   342   -160",
    "f                     7     +1",
  ]);
});

test("a left-aligned last column is not padded, and no line ends in blanks", () => {
  expect(
    alignRows(
      [
        ["a", "long name"],
        ["bbb", "x"],
        ["c", ""],
      ],
      ["left", "left"],
    ),
  ).toEqual(["a    long name", "bbb  x", "c"]);
});

test("the gap between columns", () => {
  expect(
    alignRows(
      [
        ["a", "b"],
        ["cc", "d"],
      ],
      ["left", "right"],
      1,
    ),
  ).toEqual(["a  b", "cc d"]);
});

test("widths count UTF-16 code units: an arrow or a minus sign is one", () => {
  expect(
    alignRows(
      [
        ["342 → 182", "x"],
        ["−1", "y"],
      ],
      ["right", "left"],
    ),
  ).toEqual(["342 → 182  x", "       −1  y"]);
});

test("rows of different lengths and no rows", () => {
  expect(alignRows([["a", "b", "c"], ["dd"]], ["left", "left", "left"])).toEqual([
    "a   b  c",
    "dd",
  ]);
  expect(alignRows([], [])).toEqual([]);
});
