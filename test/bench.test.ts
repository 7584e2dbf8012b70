/**
 * The benchmark harness's own machinery (bench/): percentiles, open-loop pacing that does not
 * hide a slow server, and the after-run correctness check, which must catch a lost or a
 * duplicated transition. A smoke run against the plain-PostgreSQL baseline; the figures
 * themselves come from `npm run bench`, never from tests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { openLoop } from '../bench/lib/load';
import { percentile, ratio, summarize, table } from '../bench/lib/stats';
import { CasePool, createCases, transition } from '../bench/lib/driver';
import { startBaseline, type SystemUnderTest } from '../bench/lib/systems';
import { TRANSITIONS } from '../bench/lib/application-script';

describe('stats', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(summarize([5, 1, 3])).toMatchObject({ count: 3, p50: 3, max: 5, mean: 3 });
    expect(ratio(30, 10)).toBe(3);
    expect(ratio(1, null)).toBeNull();
    expect(table(['figure', 'value'], [['名称', 1234]])).toContain('1,234');
  });
});

describe('open-loop load', () => {
  let server: http.Server;
  let url: string;
  let busyUntil = 0;
  beforeAll(async () => {
    // Serves one request at a time, 20 ms each: a server with a capacity of 50/s.
    server = http.createServer((_req, res) => {
      const start = Math.max(Date.now(), busyUntil);
      busyUntil = start + 20;
      setTimeout(() => res.end('ok'), busyUntil - Date.now());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const fire = async (_i: number, scheduledAt: number) => {
    await (await fetch(url)).text();
    return performance.now() - scheduledAt;
  };

  it('keeps the arrival rate and counts only the measured window', async () => {
    const result = await openLoop({ rate: 20, warmupSeconds: 0.5, seconds: 1.5, fire });
    expect(result.sent).toBe(30);
    expect(result.ok).toBe(30);
    expect(result.errors).toBe(0);
    expect(result.achievedRate).toBeGreaterThan(18);
    expect(result.achievedRate).toBeLessThan(22);
  });

  it('reports the rate it really started at when the client falls behind its schedule', async () => {
    // Each send holds the client's event loop for 100 ms: at most 10 arrivals a second can leave.
    const blocking = async () => {
      const until = performance.now() + 100;
      while (performance.now() < until) {
        // busy: a client saturated by its own work
      }
      return 0;
    };
    const result = await openLoop({ rate: 20, warmupSeconds: 0, seconds: 1, fire: blocking });
    expect(result.sent).toBe(20);
    expect(result.achievedRate).toBeGreaterThan(8);
    expect(result.achievedRate).toBeLessThan(11);
  });

  it('measures from the scheduled start, so a queue behind a slow server shows', async () => {
    // 100/s against a 50/s server: by the end, requests have waited about a second.
    const result = await openLoop({ rate: 100, warmupSeconds: 0, seconds: 2, fire });
    expect(result.ok).toBe(200);
    expect(summarize(result.latencies).max).toBeGreaterThan(1000);
  });

  it('counts failures and requests beyond the in-flight bound as errors', async () => {
    // 50/s of requests that each take 300 ms: about 15 in flight, against a bound of 5.
    const slow = async () => new Promise<number>((resolve) => setTimeout(() => resolve(300), 300));
    const result = await openLoop({ rate: 50, warmupSeconds: 0, seconds: 1, maxInFlight: 5, fire: slow });
    expect(result.shed).toBeGreaterThan(20);
    expect(result.ok).toBe(50 - result.shed);
    expect(result.errors).toBe(result.shed);
    // Shed arrivals never started: over the 1-second window the achieved rate is those sent.
    expect(Math.abs(result.achievedRate - result.sent)).toBeLessThan(2);
    const failing = await openLoop({ rate: 20, warmupSeconds: 0, seconds: 0.5, fire: async () => Promise.reject(new Error('refused')) });
    expect(failing).toMatchObject({ ok: 0, errors: 10 });
    expect(failing.errorSamples[0]).toBe('refused');
  });
});

describe('baseline system and the correctness check', () => {
  let sys: SystemUnderTest;
  beforeAll(async () => {
    process.env.DATABASE_URL = process.env.GONGKAI_TEST_PG_ADMIN_URL; // the run's PostgreSQL, not a cluster of its own
    sys = await startBaseline();
  }, 60_000);
  afterAll(async () => {
    await sys?.stop();
    delete process.env.DATABASE_URL;
  });

  it('drives cases through every transition and proves none was lost or applied twice', async () => {
    const pool = new CasePool(await createCases(sys, 4));
    for (let k = 0; k < TRANSITIONS.length; k += 1) {
      for (let c = 0; c < 4; c += 1) {
        const [accepted, visible] = await transition(sys, pool, performance.now());
        expect(visible).toBeGreaterThanOrEqual(accepted);
      }
    }
    expect(pool.cases.every((c) => c.done === TRANSITIONS.length)).toBe(true);
    expect(await sys.check(pool.cases)).toEqual({ cases: 4, uncertain: 0, problems: [] });

    // A transition applied twice, and one the client believes happened but never landed.
    const [twice, lost] = pool.cases;
    await sql`update baseline_cases set stage = 'closed', seq = seq + 1 where case_no = ${twice!.caseNo}`.execute(sys.scratch.db);
    await sql`insert into baseline_events (case_no, seq, type, actor, payload) select case_no, seq, 'closed', 'clerk', '{}' from baseline_cases where case_no = ${twice!.caseNo}`.execute(
      sys.scratch.db,
    );
    await sql`delete from baseline_events where case_no = ${lost!.caseNo} and type = 'closed'`.execute(sys.scratch.db);
    const report = await sys.check(pool.cases);
    expect(report.problems).toHaveLength(2);
    expect(report.problems.join('\n')).toContain(twice!.caseNo);
    expect(report.problems.join('\n')).toContain(lost!.caseNo);
  }, 60_000);
});
