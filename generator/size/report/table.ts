/*
 * Column alignment for the plain-text layouts (text format, markdown code
 * blocks): pads cells to the widest in each column. Widths count UTF-16 code
 * units, which is right for the characters the report uses (→, −, —).
 */
export type Align = "left" | "right";

export function alignRows(
  rows: readonly (readonly string[])[],
  aligns: readonly Align[],
  gap = 2,
): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => {
        const pad = " ".repeat(widths[i] - cell.length);
        return aligns[i] === "right" ? pad + cell : i === row.length - 1 ? cell : cell + pad;
      })
      .join(" ".repeat(gap))
      .trimEnd(),
  );
}
