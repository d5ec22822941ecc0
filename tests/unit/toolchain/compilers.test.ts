/*
 * The compile pool: at most `limit` tasks in flight, and as many as allowed
 * (so --jobs N really runs N compilers at once); results keep task order.
 */
import { runPool } from "../../../generator/toolchain/compilers";

test.each([1, 2, 4])("limit %d: never more in flight, and the limit is reached", async (limit) => {
  let inFlight = 0;
  let most = 0;
  const done: number[] = [];
  const tasks = Array.from({ length: 9 }, (_, i) => async () => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5 + ((i * 7) % 11)));
    inFlight--;
    return i * 10;
  });
  const results = await runPool(tasks, limit, (n) => done.push(n));
  expect(results).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80]);
  expect(most).toBe(limit);
  expect(done).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
});
