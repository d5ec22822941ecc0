/*
 * "Did you mean …?": the closest candidate by edit distance (a swap of two
 * neighbouring letters counts as one edit), when it is close enough to be a
 * plausible typo. Ties go to the candidate sharing the longest prefix, since
 * typos cluster at the end of a word: 'rsx' means 'rsp' rather than 'rax'.
 */
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

export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: { name: string; distance: number; prefix: number } | undefined;
  for (const c of candidates) {
    const cl = c.toLowerCase();
    const distance = editDistance(lower, cl);
    const prefix = commonPrefix(lower, cl);
    if (
      !best ||
      distance < best.distance ||
      (distance === best.distance &&
        (prefix > best.prefix || (prefix === best.prefix && c < best.name)))
    ) {
      best = { name: c, distance, prefix };
    }
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return best && best.distance <= limit ? best.name : undefined;
}
