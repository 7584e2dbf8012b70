/**
 * `npm start` (after scripts/bootstrap.mjs has installed what was missing): PostgreSQL,
 * the Temporal dev server, migrations, demo users, the worker and the API in one process
 * tree. Ctrl-C stops everything this run started; .data/ is kept for the next run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createActivities } from '../activities';
import { startApiServer } from '../api/server';
import { createDatabase, migrateToLatest } from '../db/connection';
import { resolveDatabaseUrl } from '../db/config';
import { loadCalendar } from '../db/repositories/calendar';
import { findUserByToken, issueToken, SECOND_DEMO_AGENCY, seedDemoUsers, seedSecondDemoAgency } from '../db/repositories/users';
import type { Database } from '../db/schema';
import { PROJECT_ROOT } from '../temporal-config/binaries';
import { connectClient, connectWorker, temporalSettingsFromEnv } from '../temporal-config/connection';
import { type RunningDevServer, startDevServer } from '../temporal-config/dev-server';
import { cipherOfSuite, codecKeysFromEnv, dataConverterFor, EncryptionCodec } from '../temporal-config/codec';
import { cryptoSuiteFromEnv } from '../db/crypto';
import { platformAgencies } from '../db/repositories/agency';
import { ensureSchedules } from '../temporal-config/schedules';
import { createWorker } from '../worker/create-worker';
import { startLocalMailpit } from './mailpit';
import { seedDemoCases } from './demo-seed';
import { ensureDemoCredentials } from './demo-users';
import { identityConfigFromEnv } from '../api/identity/config';
import {
  formatCodecKeys,
  spawnWorkers,
  startEngineForNpmStart,
  usePostgresEngine,
  waitForWorkers,
  workerCountFromEnv,
} from './postgres-engine';
import { requestIdClientInterceptor } from '../temporal-config/request-context';

const DATA_DIR = path.join(PROJECT_ROOT, '.data');
const TOKENS_FILE = path.join(DATA_DIR, 'demo-tokens.json');
const USERS_FILE = path.join(DATA_DIR, 'demo-users.json');

/** Reuses the tokens of an earlier run while they are still valid; issues the rest. */
async function demoTokens(db: Kysely<Database>): Promise<Record<string, string>> {
  const users = { ...(await seedDemoUsers(db)), ...(await seedSecondDemoAgency(db)) };
  const previous: Record<string, string> = fs.existsSync(TOKENS_FILE) ? JSON.parse(fs.readFileSync(TOKENS_FILE, 'utf8')) : {};
  const tokens: Record<string, string> = {};
  for (const [username, user] of Object.entries(users)) {
    const old = previous[username];
    tokens[username] = old && (await findUserByToken(db, old))?.id === user.id ? old : await issueToken(db, user.id, 'demo (npm start)');
  }
  fs.writeFileSync(TOKENS_FILE, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  return tokens;
}

async function main(): Promise<void> {
  // The worker's bundling chatter is noise on a console meant for URLs and tokens.
  Runtime.install({ logger: new DefaultLogger((process.env.GONGKAI_LOG_LEVEL as 'INFO' | undefined) ?? 'WARN') });
  const cleanups: Array<() => Promise<void> | void> = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\n[gongkai] stopping…');
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error('[gongkai] while stopping:', error instanceof Error ? error.message : error);
      }
    }
    process.exit(code);
  };
  // `on`, not `once`: Ctrl-C reaches this process twice (from the terminal, and relayed by tsx);
  // a second signal under `once` would end it at once, leaving PostgreSQL running.
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    fs.mkdirSync(DATA_DIR, { recursive: true });

    const { url: databaseUrl, cluster } = await resolveDatabaseUrl(PROJECT_ROOT);
    if (cluster?.startedHere) cleanups.push(() => cluster.stop());
    console.log(`[gongkai] PostgreSQL: ${cluster ? `private cluster in .data/postgres on port ${cluster.port}` : 'DATABASE_URL'}`);
    const db = createDatabase(databaseUrl);
    cleanups.push(() => db.destroy());
    const applied = await migrateToLatest(db);
    if (applied.length > 0) console.log(`[gongkai] migrations applied: ${applied.join(', ')}`);

    const settings = temporalSettingsFromEnv();
    let devServer: RunningDevServer | null = null;
    const postgresEngine = usePostgresEngine();
    if (!process.env.TEMPORAL_ADDRESS && postgresEngine) {
      const started = await startEngineForNpmStart(
        cluster?.adminUrl ?? databaseUrl,
        path.join(DATA_DIR, 'temporal-postgres'),
        settings.namespace,
      );
      settings.address = started.address;
      const engine = started.engine;
      if (engine) cleanups.push(() => engine.stop());
      console.log(
        `[gongkai] Temporal server on PostgreSQL: ${started.address}${engine ? ` (log ${path.relative(process.cwd(), started.logFile!)})` : ' (already running, reused)'}`,
      );
    } else if (!process.env.TEMPORAL_ADDRESS) {
      devServer = await startDevServer({
        dataDir: path.join(DATA_DIR, 'temporal'),
        namespace: settings.namespace,
        port: Number(process.env.TEMPORAL_PORT ?? 7233),
        uiPort: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
      });
      settings.address = devServer.address;
      const server = devServer;
      cleanups.push(() => server.stop());
      console.log(`[gongkai] Temporal dev server: ${devServer.address}${devServer.process ? '' : ' (already running, reused)'}`);
    }

    // No SMTP server configured: notices e-mailed to applicants land in a local Mailpit.
    const mailpit = process.env.GONGKAI_SMTP_URL ? null : await startLocalMailpit(DATA_DIR);
    if (mailpit) {
      cleanups.push(() => mailpit.stop());
      process.env.GONGKAI_SMTP_URL = mailpit.smtpUrl;
      process.env.GONGKAI_MAIL_FROM ??= 'Gongkai <gongkai@localhost>';
    }

    const codecKeys = codecKeysFromEnv(process.env, DATA_DIR);
    const dataConverter = dataConverterFor(codecKeys);
    console.log(
      `[gongkai] payload encryption: ${codecKeys ? `${cipherOfSuite(cryptoSuiteFromEnv())}, key ${codecKeys[0]!.id}` : 'off (GONGKAI_CODEC=off)'}`,
    );
    const clientConnection = await connectClient(settings);
    cleanups.push(() => clientConnection.close());
    const temporal = new Client({
      connection: clientConnection,
      namespace: settings.namespace,
      interceptors: { workflow: [requestIdClientInterceptor] },
      ...(dataConverter ? { dataConverter } : {}),
    });
    const workerConnection = await connectWorker(settings);
    cleanups.push(() => workerConnection.close());
    if (postgresEngine) {
      // Workers as separate processes, as a cluster runs them (GONGKAI_WORKERS, default 1).
      const count = workerCountFromEnv();
      const workerEnv: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: databaseUrl,
        TEMPORAL_ADDRESS: settings.address,
        TEMPORAL_NAMESPACE: settings.namespace,
        TEMPORAL_TASK_QUEUE: settings.taskQueue,
        ...(codecKeys ? { GONGKAI_CODEC_KEYS: formatCodecKeys(codecKeys) } : { GONGKAI_CODEC: 'off' }),
      };
      const workers = spawnWorkers(count, workerEnv, path.join(DATA_DIR, 'logs'), (index, code) => {
        if (!stopping) console.error(`[gongkai] worker ${index} exited with ${code}; see .data/logs/worker-${index}.log`);
      });
      cleanups.push(() => workers.stop());
      await waitForWorkers(workers);
      console.log(`[gongkai] ${count} worker process${count > 1 ? 'es' : ''} polling (logs: .data/logs/worker-N.log)`);
    } else {
      const worker = await createWorker({
        connection: workerConnection,
        namespace: settings.namespace,
        taskQueue: settings.taskQueue,
        activities: createActivities({ db, temporal }),
        ...(dataConverter ? { dataConverter } : {}),
      });
      const workerRun = worker.run();
      cleanups.push(async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await workerRun;
      });
      workerRun.catch((error) => {
        console.error('[gongkai] worker failed:', error);
        void stop(1);
      });
    }
    const schedules = await ensureSchedules(temporal, settings.taskQueue, await platformAgencies(db));
    console.log(`[gongkai] schedules: ${schedules.join(', ')}`);

    const port = Number(process.env.PORT ?? 3000);
    const api = await startApiServer(
      {
        db,
        temporal,
        namespace: settings.namespace,
        taskQueue: settings.taskQueue,
        ...(codecKeys ? { codec: new EncryptionCodec(codecKeys) } : {}),
      },
      port,
    );
    cleanups.push(() => api.close());

    const tokens = process.env.GONGKAI_DEMO_USERS === 'false' ? {} : await demoTokens(db);
    const demoUsers =
      process.env.GONGKAI_DEMO_USERS === 'false' ? {} : await ensureDemoCredentials(db, USERS_FILE, identityConfigFromEnv(process.env));
    console.log('');
    console.log('Gongkai is running.');
    console.log(`  Console      ${api.url}/console/   (sign in as a demo user below)`);
    console.log(`  Portal       ${api.url}/apply/   (the public: apply online, follow a case by 查询码)`);
    console.log(`  API          ${api.url}   (health: ${api.url}/healthz, OpenAPI: ${api.url}/api/openapi.json)`);
    console.log(`  Temporal UI  ${devServer ? devServer.uiUrl : `(cluster at ${settings.address})`}`);
    console.log(`  Namespace    ${settings.namespace}, task queue ${settings.taskQueue}`);
    console.log(
      `  E-mail       ${mailpit ? `${mailpit.uiUrl}   (Mailpit: notices e-mailed to applicants)` : process.env.GONGKAI_SMTP_URL ? 'GONGKAI_SMTP_URL' : 'none: e-mails to applicants stay queued (set GONGKAI_SMTP_URL)'}`,
    );
    if (Object.keys(demoUsers).length > 0) {
      console.log(`  Demo users   username / password (also in ${path.relative(process.cwd(), USERS_FILE)}):`);
      for (const [role, user] of Object.entries(demoUsers)) {
        const totp = user?.totpSecret ? `   second factor: TOTP secret ${user.totpSecret} (current code: npm run totp -- ${role})` : '';
        console.log(`    ${role.padEnd(19)} ${user!.username} / ${user!.password}${totp}`);
      }
    }
    if (Object.keys(tokens).length > 0) {
      console.log(`  Demo API keys for scripts and curl (also in ${path.relative(process.cwd(), TOKENS_FILE)}):`);
      for (const [username, token] of Object.entries(tokens)) console.log(`    ${username.padEnd(19)} ${token}`);
      console.log(
        `  Try: curl -H "Authorization: Bearer ${tokens.clerk}" "${api.url}/api/calendar/add-working-days?from=2026-09-28&days=20"`,
      );
    }
    if (process.argv.includes('--demo')) {
      const existing = await db
        .selectFrom('applications')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      if (Number(existing.n) >= 100) console.log(`[gongkai] demo data already present (${existing.n} applications); not seeding again`);
      else if (!tokens.clerk) console.log('[gongkai] --demo needs the demo users (GONGKAI_DEMO_USERS is false)');
      else {
        console.log('[gongkai] seeding demo cases through the API (a few minutes)…');
        const seeded = await seedDemoCases({
          baseUrl: api.url,
          tokens,
          calendar: await loadCalendar(db),
          log: (line) => console.log(`[gongkai] ${line}`),
        });
        console.log(
          `[gongkai] demo: ${seeded.applications} applications, ${seeded.disputes} disputes, ${seeded.documents} documents, ${seeded.incidents} incidents, ${seeded.messages} messages (${seeded.failures} failed)`,
        );
        // The platform's second agency gets a smaller mix of its own, for the platform supervisor's view.
        const second = await seedDemoCases({
          baseUrl: api.url,
          tokens,
          calendar: await loadCalendar(db),
          count: 60,
          seed: 20261203,
          agencyPrefix: SECOND_DEMO_AGENCY.code,
          log: (line) => console.log(`[gongkai] ${SECOND_DEMO_AGENCY.name}: ${line}`),
        });
        console.log(
          `[gongkai] ${SECOND_DEMO_AGENCY.name}: ${second.applications} applications, ${second.disputes} disputes, ${second.documents} documents, ${second.incidents} incidents, ${second.messages} messages (${second.failures} failed)`,
        );
      }
    }
    console.log('Press Ctrl-C to stop.');
  } catch (error) {
    console.error('[gongkai] failed to start:', error instanceof Error ? error.message : error);
    await stop(1);
  }
}

void main();
