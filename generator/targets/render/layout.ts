/*
 * Kernel-style layout of C text: tab widths, backslash continuations aligned
 * with tabs, function heads wrapped under their opening parenthesis. A leaf
 * module: both C views use it.
 */
import type { LinkageWords } from "../../core/model/types";

const TAB = 8;
const CONTINUATION_COLUMN = 72;

export function displayWidth(line: string): number {
  let col = 0;
  for (const ch of line) col = ch === "\t" ? (Math.floor(col / TAB) + 1) * TAB : col + 1;
  return col;
}

/** Appends a backslash to every line but the last, aligned with tabs in kernel style. */
export function continueLines(lines: readonly string[]): string {
  return lines
    .map((line, i) => {
      if (i === lines.length - 1) return line;
      let padded = line;
      let col = displayWidth(padded);
      if (col >= CONTINUATION_COLUMN) return `${padded} \\`;
      while (col < CONTINUATION_COLUMN) {
        padded += "\t";
        col = (Math.floor(col / TAB) + 1) * TAB;
      }
      return `${padded}\\`;
    })
    .join("\n");
}

/** Tabs, then spaces, that bring a continuation line to column `col`. */
export function indentTo(col: number): string {
  return "\t".repeat(Math.floor(col / TAB)) + " ".repeat(col % TAB);
}

/**
 * A function's head in kernel style: one line when it fits in 80 columns,
 * else the parameters continued under the opening parenthesis.
 * emits: static inline unsigned long kvm_register_read_raw(struct kvm_vcpu *vcpu, int reg)
 */
export function signature(
  linkage: LinkageWords,
  ret: string,
  name: string,
  params: readonly string[],
): string {
  const head = `${linkage} ${ret} ${name}(`;
  const one = `${head}${params.join(", ")})`;
  if (displayWidth(one) <= 80) return one;
  const lines: string[] = [];
  let line = head;
  const col = displayWidth(head);
  params.forEach((param, i) => {
    const piece = `${param}${i === params.length - 1 ? ")" : ","}`;
    const candidate = line === head || line.endsWith("(") ? line + piece : `${line} ${piece}`;
    if (displayWidth(candidate) <= 80 || line === head) line = candidate;
    else {
      lines.push(line);
      line = indentTo(col) + piece;
    }
  });
  lines.push(line);
  return lines.join("\n");
}
