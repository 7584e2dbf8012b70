/**
 * A client of Gongkai's HTTP API that honours the API's own rate limits: an answer of 429
 * (or 503) with `Retry-After` is retried after the time it names, a bounded number of times,
 * instead of failing the caller. The API refuses a rate-limited request before doing anything
 * (api/rate-limits.ts), so retrying a POST cannot apply it twice.
 */

export interface RetryAfterOptions {
  /** Retries of one request before its last answer is handed back (default 10). */
  maxRetries?: number;
  /** The longest wait honoured at once; a longer Retry-After is capped to it (default 65 s: one rate-limit window and a margin). */
  maxWaitMs?: number;
  /** Told before each wait. */
  onWait?: (wait: { url: string; status: number; attempt: number; waitMs: number }) => void;
  sleep?: (ms: number) => Promise<void>;
}

const RETRIED = new Set([429, 503]);
const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | null {
  if (header === null || header === undefined || header.trim() === '') return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * `fetch`, retried after Retry-After while the API answers 429 or 503 with one (a 429 without
 * it waits a second). After `maxRetries` the last answer is returned, for the caller to report.
 */
export async function fetchHonouringRetryAfter(url: string, init: RequestInit = {}, options: RetryAfterOptions = {}): Promise<Response> {
  const maxRetries = options.maxRetries ?? 10;
  const maxWaitMs = options.maxWaitMs ?? 65_000;
  const sleep = options.sleep ?? sleepFor;
  for (let attempt = 1; ; attempt += 1) {
    const response = await fetch(url, init);
    if (!RETRIED.has(response.status) || attempt > maxRetries) return response;
    const named = retryAfterMs(response.headers.get('Retry-After'));
    if (named === null && response.status !== 429) return response; // a 503 that names no time is an answer, not a pause
    // Up to a quarter second more, so that callers held back together do not all return at once.
    const waitMs = Math.min(maxWaitMs, named ?? 1000) + Math.floor(Math.random() * 250);
    await response.arrayBuffer(); // release the connection
    options.onWait?.({ url, status: response.status, attempt, waitMs });
    await sleep(waitMs);
  }
}
