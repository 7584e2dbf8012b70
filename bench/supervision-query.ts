/**
 * Benchmark: the supervisor's screen with 100,000 open cases. Fills `case_clocks` in a
 * scratch database of the project's PostgreSQL (two clocks per case, a realistic spread of
 * due instants, departments, kinds, paused clocks), then times the screen's requests through
 * the real Express app, in-process, and prints p50 / p95 / max per request with the query
 * plan of the overdue page. Run: npm run bench -- supervision-query [cases]
 */
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@temporalio/client';
import { sql } from 'kysely';
import request from 'supertest';
import { createApp } from '../api/app';
import { createDatabase, migrateToLatest } from '../db/connection';
import { resolveDatabaseUrl } from '../db/config';
import { dropDatabase, ensureDatabase } from '../db/local-cluster';
import { issueToken, seedDemoUsers } from '../db/repositories/users';
import { PROJECT_ROOT } from '../temporal-config/binaries';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function run(args: string[] = []): Promise<void> {
  const cases = Number(args[0] ?? 100_000);
  const { url, cluster } = await resolveDatabaseUrl(PROJECT_ROOT);
  const name = `gk_bench_${Date.now()}`;
  const admin = new URL(cluster?.adminUrl ?? url);
  if (!cluster) admin.pathname = '/postgres';
  await ensureDatabase(admin.toString(), name);
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  const db = createDatabase(scratch.toString(), { max: 10 });
  try {
    await migrateToLatest(db);
    const users = await seedDemoUsers(db);
    const token = await issueToken(db, users.supervisor!.id, 'bench');
    const started = performance.now();
    // Generated in SQL: 2 clocks per case, due from 10 days ago to 40 days ahead, 1 in 12 paused.
    await sql`
      insert into case_clocks (workflow_id, clock_id, kind, case_ref, label, stage, unit, status, due_at, due_date, remaining_when_paused, department_code, assignee, rule_profile_id, seq)
      select 'application-bench-' || g, c.clock_id, (array['application','application','application','document','incident','message','dispute'])[1 + g % 7],
             'B' || g, c.label, 'assigned', case when g % 7 = 4 then 'minutes' else 'working-days' end,
             case when g % 12 = 0 then 'paused' else 'running' end,
             case when g % 12 = 0 then null else now() + ((g * 7919) % 72000 - 14400) * interval '1 minute' end,
             case when g % 12 = 0 then null else (now() + ((g * 7919) % 72000 - 14400) * interval '1 minute')::date end,
             case when g % 12 = 0 then 7 else null end,
             (array['gkb','yjglk','bmk','xxzx','dcs'])[1 + g % 5], 'user' || (g % 40), 'national-2019', 1
      from generate_series(1, ${cases}) g
      cross join (values ('reply', '答复期限'), ('step:department-proposal', '承办科室提出答复意见期限')) as c(clock_id, label)`.execute(
      db,
    );
    await sql`analyze case_clocks`.execute(db);
    const fillMs = performance.now() - started;

    const app = createApp({ db, temporal: new Client(), namespace: 'bench' });
    const requests: Record<string, string> = {
      'overdue page (sort=due)': '/api/supervision/clocks?status=overdue&limit=50',
      'due-soon page': '/api/supervision/clocks?status=due-soon&limit=50',
      'department + kind filter': '/api/supervision/clocks?department=yjglk&kind=application&limit=50',
      'deep page (offset 5000)': '/api/supervision/clocks?limit=50&offset=5000',
      'summary by department': '/api/supervision/summary',
    };
    const results: Record<string, { p50: number; p95: number; max: number; total: number }> = {};
    for (const [label, url] of Object.entries(requests)) {
      for (let i = 0; i < 5; i += 1) await request(app).get(url).set('Authorization', `Bearer ${token}`); // warm-up
      const times: number[] = [];
      let total = 0;
      for (let i = 0; i < 60; i += 1) {
        const t0 = performance.now();
        const res = await request(app).get(url).set('Authorization', `Bearer ${token}`);
        times.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(res.body)}`);
        total = res.body.total ?? res.body.totals?.overdue ?? 0;
      }
      times.sort((a, b) => a - b);
      results[label] = { p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1)!, total };
    }
    const plan = await sql<{
      'QUERY PLAN': string;
    }>`explain analyze select * from case_clocks where status = 'running' and due_at < now() order by due_at limit 50`.execute(db);

    console.log(
      `\nSupervision screen with ${cases.toLocaleString()} open cases (${(cases * 2).toLocaleString()} clocks; filled in ${(fillMs / 1000).toFixed(1)} s)`,
    );
    console.log('request'.padEnd(30), 'p50 ms'.padStart(8), 'p95 ms'.padStart(8), 'max ms'.padStart(8), '  rows');
    for (const [label, r] of Object.entries(results))
      console.log(
        label.padEnd(30),
        r.p50.toFixed(1).padStart(8),
        r.p95.toFixed(1).padStart(8),
        r.max.toFixed(1).padStart(8),
        `  ${r.total}`,
      );
    console.log('\nplan of the overdue page:\n' + plan.rows.map((r) => `  ${r['QUERY PLAN']}`).join('\n'));
    const machine = {
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      postgres: (await sql<{ v: string }>`select version() as v`.execute(db)).rows[0]!.v,
    };
    const file = path.join(__dirname, 'results', `supervision-query-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(
      file,
      JSON.stringify(
        { scenario: 'supervision-query', cases, fillMs, results, plan: plan.rows.map((r) => r['QUERY PLAN']), machine },
        null,
        2,
      ),
    );
    console.log(`\nwritten ${path.relative(process.cwd(), file)}`);
  } finally {
    await db.destroy();
    await dropDatabase(admin.toString(), name);
    if (cluster?.startedHere) cluster.stop();
  }
}
