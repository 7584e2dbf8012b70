/**
 * Crash test (issue 9): drives a few hundred applications through ten transitions each over
 * HTTP while SIGKILLing the worker, the API and the Temporal dev server at random moments and
 * restarting them; then checks that every case reached its expected state, that each case's
 * event log holds every transition exactly once, and that the projection agrees with
 * Temporal. Run: npm run faults -- [cases=200] [seconds=600].
 * GONGKAI_TEMPORAL=postgres runs it on the Temporal server on PostgreSQL (temporal-config/
 * postgres-server.ts) instead of the dev server; `npm test` does so with 40 cases.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createDatabase, migrateToLatest } from '../db/connection';
import { resolveDatabaseUrl } from '../db/config';
import { dropDatabase, ensureDatabase, ensureLocalCluster, type LocalCluster } from '../db/local-cluster';
import { issueToken, seedDemoUsers } from '../db/repositories/users';
import { shanghaiDateOf } from '../domain/calendar/dates';
import type { ApplicationState } from '../domain/application/types';
import { PROJECT_ROOT } from '../temporal-config/binaries';
import { dataConverterFor, newCodecKey, parseCodecKeys } from '../temporal-config/codec';
import { type RunningDevServer, startDevServer } from '../temporal-config/dev-server';
import { dropEngineDatabases, freeEnginePorts, type RunningPostgresEngine, startPostgresEngine } from '../temporal-config/postgres-server';
import { applicationStateQuery } from '../workflows/application-messages';
import { EXPECTED_EVENTS, intakeBody, TRANSITIONS, transitionBody, transitionsOf } from '../bench/lib/application-script';

const CASES = Number(process.argv[2] ?? 200);
const MAX_SECONDS = Number(process.argv[3] ?? 600);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// A case that makes no progress this long is given up (reported as stuck) so that the run ends with a report;
// longer than the 2 minutes after which the API releases an Idempotency-Key claim left in progress.
const STUCK_SECONDS = Number(process.env.GONGKAI_FAULTS_STUCK_SECONDS ?? 240);
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? null;
const random = (n: number) => Math.floor(Math.random() * n);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The state letter of a process (R, S, Z…), or null when it is gone. */
function processState(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
}

/** Resolves when the process is gone (or a zombie: the postmaster is not our child, so we cannot reap it). */
async function waitForPidExit(pid: number): Promise<void> {
  for (;;) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return;
    } catch {
      return;
    }
    await sleep(50);
  }
}

/** A read of the benchmark's own that waits out PostgreSQL's restarts. */
async function retrying<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= 120) throw error;
      await sleep(500);
    }
  }
}

class Supervised {
  child: ChildProcess | null = null;
  kills = 0;
  constructor(
    readonly name: string,
    readonly start: () => Promise<ChildProcess>,
    private readonly ready: () => Promise<boolean>,
  ) {}
  async up(): Promise<void> {
    this.child = await this.start();
    for (let i = 0; i < 600 && !(await this.ready()); i += 1) await sleep(100);
  }
  async kill(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child!.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
    this.kills += 1;
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gongkai-crash-'));
  // Killing PostgreSQL needs a cluster of this run's own (never the shared one in .data/postgres):
  // a durable one in the work directory, brought back on the same port after each kill.
  const killPostgres = process.env.GONGKAI_FAULTS_KILL_POSTGRES === '1';
  if (killPostgres) fs.chmodSync(work, 0o755); // the cluster runs as the postgres user (db/local-cluster.ts)
  const privatePg = killPostgres ? { dir: path.join(work, 'pg'), port: await freePort() } : null;
  const startPrivatePg = async (): Promise<LocalCluster> => {
    process.env.GONGKAI_PG_PORT = String(privatePg!.port);
    return ensureLocalCluster(privatePg!.dir, { durable: true });
  };
  const { url, cluster } = privatePg ? { url: '', cluster: await startPrivatePg() } : await resolveDatabaseUrl(PROJECT_ROOT);
  const adminUrl = new URL(cluster?.adminUrl ?? url);
  if (!cluster) adminUrl.pathname = '/postgres';
  const dbName = `gk_crash_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(adminUrl.toString(), dbName);
  const dbUrl = new URL(adminUrl.toString());
  dbUrl.pathname = `/${dbName}`;
  const db = createDatabase(dbUrl.toString());
  await migrateToLatest(db);
  const users = await seedDemoUsers(db);
  const tokens: Record<string, string> = {};
  for (const [name, user] of Object.entries(users)) tokens[name] = await issueToken(db, user.id, 'crash-test');

  const [temporalPort, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const codecKeys = newCodecKey('kcrash');
  const env = {
    ...process.env,
    DATABASE_URL: dbUrl.toString(),
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    TEMPORAL_NAMESPACE: 'gongkai',
    TEMPORAL_TASK_QUEUE: 'crash',
    GONGKAI_CODEC_KEYS: codecKeys,
    PORT: String(apiPort),
    GONGKAI_RATE_LIMIT_PER_TOKEN: '0',
    GONGKAI_RATE_LIMIT_PER_IP: '0',
  };
  const log = (name: string) => fs.openSync(path.join(work, `${name}.log`), 'a');
  let devServer: RunningDevServer | RunningPostgresEngine | null = null;
  // The postgres engine comes back on the same ports and databases after a kill, as a restarted pod would.
  const engine =
    process.env.GONGKAI_TEMPORAL === 'postgres' ? { ports: await freeEnginePorts(temporalPort), database: `${dbName}_temporal` } : null;
  const temporal = new Supervised(
    'temporal',
    async () => {
      devServer = engine
        ? await startPostgresEngine({
            adminUrl: adminUrl.toString(),
            database: engine.database,
            dataDir: path.join(work, 'temporal'),
            namespace: 'gongkai',
            ports: engine.ports,
            maxConns: 10,
            retentionDays: 1,
          })
        : await startDevServer({ port: temporalPort, uiPort, namespace: 'gongkai', dataDir: path.join(work, 'temporal') });
      if (!devServer.process) throw new Error(`port ${temporalPort} is taken by another Temporal server`);
      return devServer.process;
    },
    async () => true, // both return once the namespace answers
  );
  // One node process each (tsx as a loader, not a wrapper), so SIGKILL leaves no orphan behind.
  const apiUp = async () =>
    fetch(`http://127.0.0.1:${apiPort}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
  const worker = new Supervised(
    'worker',
    async () =>
      spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
        cwd: PROJECT_ROOT,
        env,
        stdio: ['ignore', log('worker'), log('worker')],
      }),
    async () => true,
  );
  const api = new Supervised(
    'api',
    async () =>
      spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], { cwd: PROJECT_ROOT, env, stdio: ['ignore', log('api'), log('api')] }),
    apiUp,
  );
  await temporal.up();
  await Promise.all([worker.up(), api.up()]);
  console.log(`[crash] stack up in ${((Date.now() - started) / 1000).toFixed(0)} s; logs in ${work}`);

  const postgres = privatePg
    ? new Supervised(
        'postgres',
        async () => {
          // A killed postmaster stays a zombie until init reaps it, and pg_ctl takes a zombie's pid
          // in postmaster.pid for a running server: it would then start nothing, and PostgreSQL
          // would stay down for the rest of the run. So wait until the old pid is gone.
          const pidFile = path.join(privatePg.dir, 'pgdata', 'postmaster.pid');
          const pidInFile = () => (fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]) : null);
          const zombie = (pid: number | null) => pid !== null && processState(pid) === 'Z';
          const old = pidInFile();
          for (let i = 0; i < 600 && zombie(old); i += 1) await sleep(100);
          // The postmaster's backends notice its death and exit; until they have, a new one may refuse to start.
          for (let attempt = 0; ; attempt += 1) {
            try {
              await startPrivatePg();
              break;
            } catch (error) {
              console.log(`[crash] postgres did not start (attempt ${attempt + 1}): ${String(error).slice(0, 200)}`);
              if (attempt >= 20) throw error;
              await sleep(500);
            }
          }
          const pid = pidInFile()!;
          if (zombie(pid)) throw new Error(`postgres was not started again: its old postmaster ${pid} is still a zombie`);
          return {
            pid,
            exitCode: null,
            kill: (signal: NodeJS.Signals) => process.kill(pid, signal),
            once: (_: 'exit', listener: () => void) => waitForPidExit(pid).then(listener),
          } as unknown as ChildProcess;
        },
        async () => true,
      )
    : null;
  if (postgres) postgres.child = await postgres.start();

  let transitionsDone = 0;
  const recoveries: Record<string, number[]> = {};
  const selfExits: Record<string, number> = {};
  // Chaos: every 8–20 s one of the three (four with PostgreSQL) dies by SIGKILL and comes back
  // 1–4 s later (a worker then takes some seconds to bundle its workflows again: on two cores,
  // faster chaos starves it). Recovery: from the kill to the next transition that completes.
  let chaos = true;
  // GONGKAI_FAULTS_VICTIMS=postgres (a comma list of worker, api, temporal, postgres) kills only those.
  const chosen = process.env.GONGKAI_FAULTS_VICTIMS?.split(',').map((name) => name.trim());
  const victims = [worker, api, temporal, ...(postgres ? [postgres] : [])].filter((p) => !chosen || chosen.includes(p.name));
  if (victims.length === 0) throw new Error(`GONGKAI_FAULTS_VICTIMS names none of worker, api, temporal${postgres ? ', postgres' : ''}`);
  const killLog: Array<{ victim: string; atSecond: number; transitionsBefore: number; recoverySeconds: number | null }> = [];
  const chaosLoop = (async () => {
    while (chaos) {
      await sleep(8000 + random(12000));
      if (!chaos) break;
      const victim = victims[random(victims.length)]!;
      const killedAt = Date.now();
      const doneAtKill = transitionsDone;
      await victim.kill();
      console.log(`[crash] SIGKILL ${victim.name} (${transitionsDone} transitions done so far)`);
      await sleep(1000 + random(3000));
      const upAt = Date.now();
      await victim.up();
      console.log(`[crash] ${victim.name} started again (${((Date.now() - upAt) / 1000).toFixed(1)} s to start)`);
      while (chaos && transitionsDone === doneAtKill) {
        // A process that died on its own (the API when PostgreSQL vanished under it) is restarted, as a supervisor would.
        for (const p of [worker, api, temporal, ...(postgres ? [postgres] : [])]) {
          if (p !== postgres && p.child && (p.child.exitCode !== null || p.child.signalCode !== null)) {
            console.log(`[crash] ${p.name} exited by itself (${p.child.exitCode}); restarting`);
            selfExits[p.name] = (selfExits[p.name] ?? 0) + 1;
            await p.up();
          }
        }
        await sleep(100);
      }
      const recovered = transitionsDone > doneAtKill ? (Date.now() - killedAt) / 1000 : null;
      if (recovered !== null) (recoveries[victim.name] ??= []).push(recovered);
      killLog.push({
        victim: victim.name,
        atSecond: Math.round((killedAt - started) / 1000),
        transitionsBefore: doneAtKill,
        recoverySeconds: recovered,
      });
      console.log(
        `[crash] ${victim.name} kill ${victim.kills}: next transition ${recovered === null ? 'never (load over)' : `after ${recovered.toFixed(1)} s`}`,
      );
    }
  })().catch((error: unknown) => {
    // A chaos loop that cannot bring its victim back would leave the run waiting for ever.
    console.error('[crash] chaos loop failed:', error);
    process.exit(2);
  });

  let retries = 0;
  const stuck: string[] = [];
  const today = shanghaiDateOf(Date.now());
  async function call(
    user: string,
    method: string,
    urlPath: string,
    body: object | undefined,
    key?: string,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${apiPort}${urlPath}`, {
          method,
          headers: {
            Authorization: `Bearer ${tokens[user]}`,
            'Content-Type': 'application/json',
            ...(key ? { 'Idempotency-Key': key } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(30_000),
        });
        const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
        if (res.status < 500 && res.status !== 429) return { status: res.status, body: json };
      } catch {
        // connection refused or reset: the API is down
      }
      retries += 1;
      await sleep(500 + random(1000));
    }
  }

  async function drive(i: number): Promise<string> {
    const tag = `${i}-${randomBytes(3).toString('hex')}`;
    const description = `故障测试申请 ${tag}`;
    let caseNo: string | null = null;
    while (!caseNo) {
      const res = await call('clerk', 'POST', '/api/applications', { ...intakeBody(i, tag), description }, `intake-${tag}`); // header values must be ASCII
      if (res.status === 201) caseNo = res.body.caseNo as string;
      else {
        // The first attempt may have registered the case before its API died: find it by its description.
        const found = await retrying(() =>
          db.selectFrom('applications').select('case_no').where('description', '=', description).executeTakeFirst(),
        );
        if (found) caseNo = found.case_no;
        else {
          retries += 1;
          await sleep(1000);
        }
      }
    }
    for (const [k, t] of TRANSITIONS.entries()) {
      const body = transitionBody(k, today);
      const since = Date.now();
      for (;;) {
        if (Date.now() - since > STUCK_SECONDS * 1000) {
          console.log(`[crash] ${caseNo}: no progress on ${t.action} for ${STUCK_SECONDS} s; given up (stuck)`);
          stuck.push(`${caseNo}: stuck at ${t.action}`);
          return caseNo;
        }
        const res = await call(t.user, 'POST', `/api/applications/${caseNo}/${t.action}`, body, `${caseNo}-${k}`);
        if (res.status === 200) {
          transitionsDone += 1;
          break;
        }
        // Refused (409): did an earlier attempt land? The event log says.
        const done = transitionsOf(
          await retrying(() => db.selectFrom('case_events').select('type').where('case_no', '=', caseNo).orderBy('seq').execute()),
        );
        if (done.length >= k + 2 && done[k + 1] === t.event) {
          transitionsDone += 1;
          break;
        }
        retries += 1;
        await sleep(500 + random(1000));
      }
    }
    return caseNo;
  }

  const caseNos: string[] = [];
  const deadline = started + MAX_SECONDS * 1000;
  for (let i = 0; i < CASES && Date.now() < deadline; i += 10) {
    caseNos.push(...(await Promise.all(Array.from({ length: Math.min(10, CASES - i) }, (_, k) => drive(i + k)))));
    console.log(
      `[crash] ${caseNos.length}/${CASES} cases done; kills so far: worker ${worker.kills}, api ${api.kills}, temporal ${temporal.kills}${postgres ? `, postgres ${postgres.kills}` : ''}; retries ${retries}`,
    );
  }
  chaos = false;
  await chaosLoop;

  // Let the last writes settle, then check everything.
  const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
  const client = new Client({ connection, namespace: 'gongkai', dataConverter: dataConverterFor(parseCodecKeys(codecKeys)) });
  const problems: string[] = [];
  let duplicatedTransitions = 0;
  let lostEvents = 0;
  let diverged = 0;
  let checked = 0;
  for (const caseNo of caseNos) {
    let row = await db.selectFrom('applications').select(['stage', 'status', 'last_seq']).where('case_no', '=', caseNo).executeTakeFirst();
    for (let i = 0; i < 100 && row?.status !== 'closed'; i += 1) {
      await sleep(200);
      row = await db.selectFrom('applications').select(['stage', 'status', 'last_seq']).where('case_no', '=', caseNo).executeTakeFirst();
    }
    const events = await db.selectFrom('case_events').select(['seq', 'type']).where('case_no', '=', caseNo).orderBy('seq').execute();
    const transitions = transitionsOf(events);
    if (row?.status !== 'closed' || row.stage !== 'closed') problems.push(`${caseNo}: projection ${row?.stage}/${row?.status}`);
    if (JSON.stringify(transitions) !== JSON.stringify(EXPECTED_EVENTS)) {
      problems.push(`${caseNo}: events ${transitions.join(',')}`);
      // More events than the script's steps: a step taken twice; fewer: a step lost.
      if (transitions.length > EXPECTED_EVENTS.length) duplicatedTransitions += transitions.length - EXPECTED_EVENTS.length;
      else lostEvents += EXPECTED_EVENTS.length - transitions.length;
    }
    const seqs = events.map((e) => e.seq);
    if (seqs[0] !== 1 || seqs.some((s, i) => i > 0 && s !== seqs[i - 1]! + 1)) problems.push(`${caseNo}: event seq gaps ${seqs.join(',')}`);
    const handle = client.workflow.getHandle(`application-${caseNo}`);
    const description = await handle.describe();
    const state = (await handle.query(applicationStateQuery)) as ApplicationState;
    if (description.status.name !== 'COMPLETED' || state.stage !== 'closed' || state.seq !== row?.last_seq) {
      problems.push(`${caseNo}: Temporal ${description.status.name}/${state.stage}/seq ${state.seq} vs projection seq ${row?.last_seq}`);
      diverged += 1;
    }
    checked += 1;
  }
  const duplicates = await db
    .selectFrom('applications')
    .select(['description'])
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .groupBy('description')
    .having((eb) => eb.fn.countAll(), '>', 1)
    .execute();
  for (const d of duplicates) problems.push(`duplicate registration: ${d.description} ×${d.n}`);
  const extra = await db
    .selectFrom('applications')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();

  problems.push(...stuck);
  const report = {
    temporalEngine: engine ? 'postgresql' : 'dev-server',
    cases: caseNos.length,
    transitions: caseNos.length * (TRANSITIONS.length + 1),
    applicationsInDatabase: Number(extra.n),
    kills: { worker: worker.kills, api: api.kills, temporal: temporal.kills, ...(postgres ? { postgres: postgres.kills } : {}) },
    clientRetries: retries,
    checked,
    lostTransitions: problems.filter((p) => p.includes(': events ') || p.includes('projection')).length,
    // The same problems split: steps missing from a case's event log, steps in it twice, and
    // cases whose projection and Temporal disagree (one ahead of the other).
    lostEvents,
    duplicatedTransitions,
    projectionDivergedFromTemporal: diverged,
    duplicatedRegistrations: duplicates.length,
    stuckCases: stuck.length,
    exitedByThemselves: selfExits,
    recoverySeconds: Object.fromEntries(
      Object.entries(recoveries).map(([name, list]) => [name, { kills: list.length, median: median(list), max: Math.max(...list) }]),
    ),
    killLog,
    problems: problems.length,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  console.log('\n[crash] report', JSON.stringify(report, null, 2));
  if (problems.length) console.log(problems.slice(0, 30).join('\n'));
  fs.mkdirSync(path.join(PROJECT_ROOT, 'faults', 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(PROJECT_ROOT, 'faults', 'results', `crash-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
    JSON.stringify({ ...report, problemList: problems }, null, 2),
  );

  await connection.close();
  for (const p of [api, worker]) await p.kill();
  await (devServer as RunningDevServer | RunningPostgresEngine | null)?.stop();
  await db.destroy();
  await dropDatabase(adminUrl.toString(), dbName);
  if (engine) await dropEngineDatabases(adminUrl.toString(), engine.database);
  if (cluster?.startedHere) cluster.stop();
  process.exit(problems.length ? 1 : 0);
}

main().catch((error) => {
  console.error('[crash] failed:', error);
  process.exit(2);
});
