/*
 * progressPrinter (generator/cli/progress.ts): a live line on a terminal,
 * rewritten with \r and cleared at the end; without one, a plain line for a
 * tree's units at most every interval and a last one if any was printed.
 * The clock is a variable the test moves; no real time passes.
 */
import { progressPrinter } from "../../../generator/cli/progress";

function printer(tty: boolean, width?: number) {
  const written: string[] = [];
  let clock = 1000;
  const onProgress = progressPrinter({
    program: "regcache size",
    write: (text) => written.push(text),
    tty,
    now: () => clock,
    intervalMs: 5000,
    ...(width !== undefined ? { width } : {}),
  });
  return { written, onProgress, advance: (ms: number) => void (clock += ms) };
}

test("a terminal: [n/N] with the unit being compiled, one line rewritten, cleared at the end", () => {
  const p = printer(true);
  p.onProgress(0, 2, "tree", "arch/x86/kvm/x86.c (head)");
  p.onProgress(0, 2, "tree", "arch/x86/kvm/emulate.c (head)");
  p.onProgress(1, 2, "tree");
  p.onProgress(1, 2, "tree", "arch/x86/kvm/x86.c (base)");
  p.onProgress(2, 2, "tree");
  expect(p.written).toEqual([
    "\r\x1b[Kregcache size: [0/2] arch/x86/kvm/x86.c (head)",
    "\r\x1b[Kregcache size: [0/2] arch/x86/kvm/emulate.c (head)",
    "\r\x1b[Kregcache size: [1/2] arch/x86/kvm/emulate.c (head)",
    "\r\x1b[Kregcache size: [1/2] arch/x86/kvm/x86.c (base)",
    "\r\x1b[K",
  ]);
  expect(p.written.join("")).not.toContain("\n");
});

test("a terminal: a long path is shortened from the left to the line's width", () => {
  const p = printer(true, 40);
  p.onProgress(3, 10, "tree", `drivers/${"very/".repeat(20)}deep.c (head)`);
  const line = p.written[0].slice("\r\x1b[K".length);
  expect(line.length).toBe(40);
  expect(line).toMatch(/^regcache size: \[3\/10\] ….*deep\.c \(head\)$/);
});

test("a terminal: the handler suite's compiles counted the same way", () => {
  const p = printer(true);
  p.onProgress(1, 4, "suite");
  p.onProgress(4, 4, "suite");
  expect(p.written).toEqual(["\r\x1b[Kregcache size: [1/4]", "\r\x1b[K"]);
});

test("no terminal: a line at most every interval, and a last one only if any was printed", () => {
  const p = printer(false);
  p.onProgress(0, 40, "tree", "a.c (head)");
  p.advance(4999);
  p.onProgress(3, 40, "tree");
  expect(p.written).toEqual([]);
  p.advance(1);
  p.onProgress(4, 40, "tree");
  p.advance(100);
  p.onProgress(5, 40, "tree", "b.c (base)");
  p.advance(5000);
  p.onProgress(20, 40, "tree");
  p.onProgress(40, 40, "tree");
  expect(p.written).toEqual([
    "regcache size: compiled 4/40 units\n",
    "regcache size: compiled 20/40 units\n",
    "regcache size: compiled 40/40 units\n",
  ]);
});

test("no terminal: a run shorter than the interval, or the handler suite, prints nothing", () => {
  const short = printer(false);
  short.onProgress(0, 2, "tree", "a.c (head)");
  short.advance(10);
  short.onProgress(2, 2, "tree");
  const suite = printer(false);
  suite.onProgress(1, 9, "suite");
  suite.advance(60000);
  suite.onProgress(9, 9, "suite");
  expect([short.written, suite.written]).toEqual([[], []]);
});
