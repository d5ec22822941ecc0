/*
 * Greedy word wrap (generator/util/text.ts): as many words per line as fit
 * in the width, a word longer than the width on its own line, whole.
 */
import { wrap } from "../../../generator/util/text";

test.each<[string, number, string[]]>([
  ["the quick brown fox", 9, ["the quick", "brown fox"]],
  ["the quick brown fox", 10, ["the quick", "brown fox"]],
  ["the quick brown fox", 19, ["the quick brown fox"]],
  ["the quick brown fox", 8, ["the", "quick", "brown", "fox"]],
  ["a verylongword b", 4, ["a", "verylongword", "b"]],
  ["a  b   c", 3, ["a b", "c"]],
  ["", 10, [""]],
  ["word", 1, ["word"]],
])("wrap(%j, %d)", (line, width, want) => expect(wrap(line, width)).toEqual(want));
