/**
 * Polls until `probe` returns something truthy, for at most `timeoutMs` of wall-clock time (never
 * a number of tries: a loaded machine makes each try slower, not the wait longer): for effects a
 * workflow or a server writes after the request that caused them has returned.
 */
export async function eventually<T>(
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  what: string,
  { timeoutMs = 15_000, everyMs = 100 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    last = await probe();
    if (last) return last as T;
    const left = deadline - Date.now();
    if (left <= 0) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(everyMs, left)));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(JSON.stringify(last)).slice(0, 300)})`);
}

/**
 * Polls `probe` until `ok` accepts its value or `timeoutMs` have passed, and returns the last
 * value either way, so the test's own `expect` on it shows what was there instead.
 */
export async function pollUntil<T>(
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
  { timeoutMs = 15_000, everyMs = 100 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(everyMs, Math.max(0, deadline - Date.now()))));
    value = await probe();
  }
  return value;
}
