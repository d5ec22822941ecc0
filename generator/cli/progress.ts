/*
 * Progress of a long compile run on stderr, never stdout. On a terminal a
 * live line, rewritten in place with \r and cleared when the count is
 * complete: `regcache size: [12/40] arch/x86/kvm/x86.c (head)`. Without one
 * (a log, CI), for a tree's units only, a plain line at most every
 * `intervalMs` (5 s by default) and a last one when the count completes, if
 * any was printed: `regcache size: compiled 12/40 units`; a run shorter than
 * the interval prints nothing. (The handler suite's compiles take seconds,
 * and a log of them stays byte-stable from run to run.)
 * The clock and the terminal test come in as data, so it is testable
 * without real time; pure but for the `write` it is given.
 */

export interface ProgressOptions {
  /** The command's name, first on every line ("regcache size"). */
  readonly program: string;
  /** Where the lines go: stderr. */
  readonly write: (text: string) => void;
  /** Whether that stream is a terminal. */
  readonly tty: boolean;
  /** Milliseconds from any fixed origin. */
  readonly now: () => number;
  /** Least milliseconds between two lines without a terminal. */
  readonly intervalMs?: number;
  /** The longest live line on a terminal (the unit's path is shortened from the left). */
  readonly width?: number;
}

export const PROGRESS_INTERVAL_MS = 5000;
const LIVE_WIDTH = 79;
const CLEAR_LINE = "\r\x1b[K";

export type ProgressCallback = (
  done: number,
  total: number,
  what: "suite" | "tree",
  current?: string,
) => void;

/** A SizeHooks.onProgress that prints as the top of this file says. */
export function progressPrinter(options: ProgressOptions): ProgressCallback {
  const interval = options.intervalMs ?? PROGRESS_INTERVAL_MS;
  const width = options.width ?? LIVE_WIDTH;
  let last: number | undefined;
  let printed = false;
  let current = "";
  return (done, total, what, unit) => {
    if (options.tty) {
      if (done >= total) {
        options.write(CLEAR_LINE);
        return;
      }
      if (unit !== undefined) current = unit;
      const head = `${options.program}: [${done}/${total}]`;
      const room = width - head.length - 1;
      const shown =
        current.length <= room ? current : room > 1 ? `…${current.slice(-(room - 1))}` : "";
      options.write(`${CLEAR_LINE}${head}${shown === "" ? "" : ` ${shown}`}`);
      return;
    }
    if (what !== "tree") return;
    const now = options.now();
    last ??= now;
    const complete = done >= total;
    if ((complete && printed) || (!complete && now - last >= interval)) {
      options.write(`${options.program}: compiled ${done}/${total} units\n`);
      printed = true;
      last = now;
    }
  };
}
