/** The benchmark's HTTP client: loopback fetch with a timeout; non-2xx answers throw. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export async function call(
  baseUrl: string,
  token: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  timeoutMs = 10_000,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (res.status >= 300) {
    // Gongkai answers { error: { code, message } }; the baseline { error: code }.
    const error = (typeof json.error === 'object' && json.error !== null ? json.error : { code: json.error }) as {
      code?: unknown;
      message?: unknown;
    };
    throw new Error(
      `${method} ${path.replace(/(?:[a-z][a-z0-9-]*-)?\d{4}-\d{6}/, ':caseNo')}: ${res.status} ${String(error.code ?? '')} ${String(error.message ?? '').slice(0, 120)}`,
    );
  }
  return { status: res.status, body: json };
}

/** Runs `fn` over items with at most `concurrency` at once (set-up work, not measured). */
export async function inBatches<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}
