/*
 * Plain-text helpers shared by the emitters (comments in C and in TypeScript).
 */
/** Greedy word wrap; a single word longer than the width stays whole. */
export function wrap(line: string, width: number): string[] {
  const out: string[] = [];
  let current = "";
  for (const word of line.split(/ +/)) {
    if (current && current.length + 1 + word.length > width) {
      out.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  out.push(current);
  return out;
}
