/** Writing an Idempotency-Key's record while PostgreSQL is away: left to background retries, never failing the request. */
import { persistently } from '../api/idempotency';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

it('writes at once when it can', async () => {
  const write = jest.fn().mockResolvedValue(undefined);
  expect(await persistently(write)).toBe(true);
  expect(write).toHaveBeenCalledTimes(1);
});

it('keeps trying in the background, backing off, until the write lands', async () => {
  let calls = 0;
  const write = jest.fn(async () => {
    calls += 1;
    if (calls < 4) throw new Error('connection refused');
  });
  expect(await persistently(write)).toBe(false); // the request goes on
  await jest.advanceTimersByTimeAsync(999);
  expect(calls).toBe(1);
  await jest.advanceTimersByTimeAsync(1); // 1 s
  expect(calls).toBe(2);
  await jest.advanceTimersByTimeAsync(2_000); // then 2 s
  expect(calls).toBe(3);
  await jest.advanceTimersByTimeAsync(4_000); // then 4 s: lands
  expect(calls).toBe(4);
  await jest.advanceTimersByTimeAsync(60_000);
  expect(calls).toBe(4); // and stops
});

it('gives up after two minutes, when a stale claim is dropped anyway', async () => {
  const write = jest.fn().mockRejectedValue(new Error('connection refused'));
  expect(await persistently(write)).toBe(false);
  await jest.advanceTimersByTimeAsync(10 * 60_000);
  const attempts = write.mock.calls.length;
  expect(attempts).toBeGreaterThan(5);
  expect(attempts).toBeLessThan(15);
  await jest.advanceTimersByTimeAsync(10 * 60_000);
  expect(write.mock.calls.length).toBe(attempts);
});
