/*
 * Runs a task for changes that come in bursts (an editor saves in several
 * steps: truncate, write, rename). Each change is named; once `quietMs` pass
 * without another, the task runs once for every name seen since the last
 * run, sorted. Runs never overlap: a change during a run waits for the run
 * to end and for the quiet time after its last change. Knows nothing of what
 * changes or what the task does.
 */

export interface ChangeQueue {
  /** A change named `name`: the task runs `quietMs` after the last change. */
  changed(name: string): void;
  /** Runs the task now with `why` (a first run, before any change), then `after`. */
  run(why: readonly string[], after?: () => void): void;
  /** Resolves once no run is in progress. */
  idle(): Promise<void>;
  /** Ends the queue: no more runs, changes ignored; resolves once the run in progress ends. */
  close(): Promise<void>;
}

export interface ChangeQueueOptions {
  /** Quiet time after the last change before the task runs. */
  readonly quietMs: number;
  /** A run whose task threw or rejected; the queue runs on unless closed. */
  readonly onError: (error: unknown) => void;
}

export function changeQueue(
  task: (why: readonly string[]) => Promise<void>,
  options: ChangeQueueOptions,
): ChangeQueue {
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  /** The run in progress. */
  let running: Promise<void> | undefined;
  let closed = false;

  const run = (why: readonly string[], after?: () => void): void => {
    let ran: Promise<void>;
    try {
      ran = task(why);
    } catch (error) {
      ran = Promise.reject(error);
    }
    running = ran.then(
      () => {
        running = undefined;
        after?.();
        if (!closed && pending.size > 0 && !timer) next();
      },
      (error: unknown) => {
        running = undefined;
        options.onError(error);
      },
    );
  };
  const next = (): void => {
    if (closed || running || pending.size === 0) return;
    const why = [...pending].sort();
    pending.clear();
    run(why);
  };

  return {
    changed(name) {
      if (closed) return;
      pending.add(name);
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        next();
      }, options.quietMs);
    },
    run,
    idle: () => running ?? Promise.resolve(),
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      return running ?? Promise.resolve();
    },
  };
}
