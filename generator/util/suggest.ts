/*
 * "Did you mean …?": the closest candidate by edit distance (a swap of two
 * neighbouring letters counts as one edit), when it is close enough to be a
 * plausible typo. Equally close candidates are all offered, those sharing the
 * longest prefix first (typos cluster at the end of a word: 'rsx' is more
 * likely 'rsp' or 'rsi' than 'rax').
 */
import { byCodeUnit } from "./order";

export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** Every candidate at the smallest plausible distance, best first (shared prefix, then name). */
export function nearestAll(word: string, candidates: Iterable<string>): string[] {
  const lower = word.toLowerCase();
  const scored = [...new Set(candidates)].map((name) => {
    const cl = name.toLowerCase();
    return { name, distance: editDistance(lower, cl), prefix: commonPrefix(lower, cl) };
  });
  const limit = Math.max(1, Math.floor(word.length / 3));
  const best = Math.min(...scored.map((s) => s.distance));
  if (!(best <= limit)) return [];
  return scored
    .filter((s) => s.distance === best)
    .sort((a, b) => b.prefix - a.prefix || byCodeUnit(a.name, b.name))
    .map((s) => s.name);
}

export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  return nearestAll(word, candidates)[0];
}

/** " (did you mean 'rsp'?)", " (did you mean 'rsi' or 'rsp'?)", or "" when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const all = nearestAll(word, candidates);
  const top = all.filter((_, i) => i < 3);
  if (top.length === 0) return "";
  const quoted = top.map((c) => `'${c}'`);
  const list =
    quoted.length === 1
      ? quoted[0]
      : `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
  return ` (did you mean ${list}?)`;
}
