/*
 * "Did you mean …?" (generator/util/suggest.ts): edit distance with a swap
 * of neighbours as one edit, every candidate at the smallest plausible
 * distance (a third of the word's length, at least 1), those sharing the
 * longest prefix first, and the sentence that offers up to three.
 */
import { didYouMean, editDistance, nearest, nearestAll } from "../../../generator/util/suggest";

describe("editDistance", () => {
  test.each([
    ["", "", 0],
    ["abc", "", 3],
    ["", "abc", 3],
    ["rax", "rax", 0],
    ["rax", "rbx", 1],
    ["rax", "ra", 1],
    ["rax", "rrax", 1],
    ["rxa", "rax", 1],
    ["abcd", "badc", 2],
    ["kitten", "sitting", 3],
    ["ca", "abc", 3],
  ])("%s → %s: %d", (a, b, want) => {
    expect(editDistance(a, b)).toBe(want);
    expect(editDistance(b, a)).toBe(want);
  });
});

describe("nearestAll", () => {
  const registers = ["rax", "rbx", "rcx", "rsp", "rsi", "rdi", "rip", "cr0", "cr3"];
  test.each<[string, string[]]>([
    ["rsx", ["rsi", "rsp", "rax", "rbx", "rcx"]],
    ["rpi", ["rdi", "rip", "rsi"]],
    ["RAX", ["rax"]],
    ["cr4", ["cr0", "cr3"]],
    ["segments", []],
    ["r", []],
  ])("%s: %j", (word, want) => expect(nearestAll(word, registers)).toEqual(want));

  test("the limit grows with the word: a third of its length", () => {
    // 11 letters: up to 3 edits.
    expect(nearestAll("exit_info_x", ["exit_info_1"])).toEqual(["exit_info_1"]);
    expect(nearestAll("exit_inf_xx", ["exit_info_1"])).toEqual(["exit_info_1"]);
    expect(nearestAll("exxt_inf_xx", ["exit_info_1"])).toEqual([]);
    // 2 letters: still 1 edit.
    expect(nearestAll("ra", ["rax", "rbx"])).toEqual(["rax"]);
  });

  test("duplicates once, case kept as the candidates spell it; no candidates, nothing", () => {
    expect(nearestAll("ra", ["RAX", "RAX", "rbx"])).toEqual(["RAX"]);
    expect(nearestAll("rax", [])).toEqual([]);
  });

  test("nearest is the first of them", () => {
    expect(nearest("rsx", registers)).toBe("rsi");
    expect(nearest("zzzz", registers)).toBeUndefined();
  });
});

describe("didYouMean", () => {
  test.each([
    ["rpi", ["rip", "rax"], " (did you mean 'rip'?)"],
    ["rsx", ["rsp", "rsi"], " (did you mean 'rsi' or 'rsp'?)"],
    ["rzx", ["rdx", "rax", "rcx", "rbx"], " (did you mean 'rax', 'rbx' or 'rcx'?)"],
    ["segments", ["rax"], ""],
  ])("%s among %j", (word, candidates, want) => {
    expect(didYouMean(word, candidates)).toBe(want);
  });

  test("any iterable of candidates", () => {
    expect(didYouMean("rpi", new Set(["rip"]))).toBe(" (did you mean 'rip'?)");
  });
});
