/*
 * The change queue under fake timers: a burst of changes gives one run after
 * the quiet time, with every name once, sorted; runs never overlap, and a
 * change during a run waits for it; close stops everything but lets the run
 * in progress end; a task that fails goes to onError.
 */
import { changeQueue } from "../../../generator/util/change-queue";

/** A task whose runs end when the test says so; records each run's names. */
function controlledTask() {
  const runs: (readonly string[])[] = [];
  const ends: (() => void)[] = [];
  const fails: ((e: unknown) => void)[] = [];
  let active = 0;
  let maxActive = 0;
  const task = (why: readonly string[]) =>
    new Promise<void>((resolve, reject) => {
      runs.push(why);
      active++;
      maxActive = Math.max(maxActive, active);
      ends.push(() => {
        active--;
        resolve();
      });
      fails.push((e) => {
        active--;
        reject(e);
      });
    });
  return {
    task,
    runs,
    /** Ends the oldest run still going. */
    end: async () => {
      ends.shift()!();
      fails.shift();
      await jest.advanceTimersByTimeAsync(0);
    },
    fail: async (e: unknown) => {
      fails.shift()!(e);
      ends.shift();
      await jest.advanceTimersByTimeAsync(0);
    },
    maxActive: () => maxActive,
  };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

const noError = (e: unknown) => {
  throw e;
};

test("a burst of changes runs the task once, quietMs after the last, each name once and sorted", async () => {
  const t = controlledTask();
  const q = changeQueue(t.task, { quietMs: 100, onError: noError });
  q.changed("spec.yaml");
  await jest.advanceTimersByTimeAsync(60);
  q.changed("b.hbs");
  q.changed("spec.yaml");
  await jest.advanceTimersByTimeAsync(99);
  expect(t.runs).toEqual([]);
  await jest.advanceTimersByTimeAsync(1);
  expect(t.runs).toEqual([["b.hbs", "spec.yaml"]]);
  await t.end();
  await jest.advanceTimersByTimeAsync(1000);
  expect(t.runs).toHaveLength(1);
});

test("runs never overlap: changes during a run wait for it, then run together", async () => {
  const t = controlledTask();
  const q = changeQueue(t.task, { quietMs: 10, onError: noError });
  q.changed("a");
  await jest.advanceTimersByTimeAsync(10);
  expect(t.runs).toEqual([["a"]]);
  q.changed("c");
  q.changed("b");
  await jest.advanceTimersByTimeAsync(500);
  expect(t.runs).toEqual([["a"]]);
  await t.end();
  expect(t.runs).toEqual([["a"], ["b", "c"]]);
  await t.end();
  expect(t.maxActive()).toBe(1);
});

test("a change during a run whose quiet time has not passed waits for the quiet time", async () => {
  const t = controlledTask();
  const q = changeQueue(t.task, { quietMs: 50, onError: noError });
  q.run([]);
  q.changed("a");
  await t.end();
  expect(t.runs).toEqual([[]]);
  await jest.advanceTimersByTimeAsync(50);
  expect(t.runs).toEqual([[], ["a"]]);
});

test("run: the task at once with the names given, then `after`; idle resolves when it ends", async () => {
  const t = controlledTask();
  const q = changeQueue(t.task, { quietMs: 10, onError: noError });
  const order: string[] = [];
  q.run([], () => order.push("after"));
  expect(t.runs).toEqual([[]]);
  void q.idle().then(() => order.push("idle"));
  await jest.advanceTimersByTimeAsync(0);
  expect(order).toEqual([]);
  await t.end();
  expect(order).toEqual(["after", "idle"]);
  await expect(q.idle()).resolves.toBeUndefined();
});

test("close: a pending change never runs, later changes are ignored, the run in progress ends first", async () => {
  const t = controlledTask();
  const q = changeQueue(t.task, { quietMs: 10, onError: noError });
  q.run(["first"]);
  q.changed("a");
  let closed = false;
  void q.close().then(() => (closed = true));
  q.changed("b");
  await jest.advanceTimersByTimeAsync(100);
  expect(closed).toBe(false);
  await t.end();
  expect(closed).toBe(true);
  await jest.advanceTimersByTimeAsync(100);
  expect(t.runs).toEqual([["first"]]);
});

test("a task that rejects or throws goes to onError, and the queue is idle after it", async () => {
  const t = controlledTask();
  const errors: unknown[] = [];
  const q = changeQueue(t.task, { quietMs: 10, onError: (e) => errors.push(e) });
  q.run([]);
  await t.fail(new Error("boom"));
  expect(errors).toEqual([new Error("boom")]);
  await expect(q.idle()).resolves.toBeUndefined();

  const throwing = changeQueue(
    () => {
      throw new Error("at once");
    },
    { quietMs: 10, onError: (e) => errors.push(e) },
  );
  throwing.changed("a");
  await jest.advanceTimersByTimeAsync(10);
  expect(errors).toEqual([new Error("boom"), new Error("at once")]);
});
