/**
 * `Idempotency-Key` when the client hangs up before the answer (its timeout): the request runs
 * on, its key stays claimed, and the client's retry is told to wait, then gets the first
 * answer; the handler runs once. The middleware against real PostgreSQL, behind a route that
 * holds its answer until the test lets it go.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import type { KyselyPlugin } from 'kysely';
import { idempotency } from '../api/idempotency';
import { createTestDatabase, type TestDatabase } from './support/database';
import { eventually } from './support/eventually';

let database: TestDatabase;
let server: Server;
let base: string;
let runs = 0;
let firstClosed = false;
const held: Array<() => void> = [];
const release = () => held.splice(0).forEach((resolve) => resolve());

beforeAll(async () => {
  database = await createTestDatabase();
  const app = express();
  app.use(express.json());
  app.use(idempotency(database.db.withPlugin(queriesInFlight)));
  app.post('/held', async (_req, res) => {
    runs += 1;
    const n = runs;
    // Registered after the middleware's own 'close' listener, so this runs once that one has.
    if (n === 1) res.on('close', () => (firstClosed = true));
    await new Promise<void>((resolve) => held.push(resolve));
    res.status(201).json({ run: n });
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  release();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await database?.drop();
});

/** Counts the middleware's queries from the moment each is issued (synchronously, in `execute()`) until its result is in. */
let inFlight = 0;
const queriesInFlight: KyselyPlugin = {
  transformQuery: ({ node }) => {
    inFlight += 1;
    return node;
  },
  transformResult: async ({ result }) => {
    inFlight -= 1;
    return result;
  },
};

const post = (signal?: AbortSignal) =>
  fetch(`${base}/held`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'hangup-1', Authorization: 'Bearer t' },
    body: '{"a":1}',
    signal,
  });

it('keeps the claim of a request whose client hung up, and answers the retry with its result', async () => {
  const hangup = new AbortController();
  const first = post(hangup.signal).catch((error: unknown) => error);
  await eventually(async () => runs === 1, 'the handler to start');
  hangup.abort(); // the client's timeout: it never sees the answer
  expect(await first).toMatchObject({ name: 'AbortError' });
  // The server has seen the hang-up, and whatever the middleware did about it has reached PostgreSQL.
  await eventually(async () => firstClosed && inFlight === 0, 'the server to handle the hang-up');
  expect(await database.db.selectFrom('idempotency_keys').select('state').where('key', '=', 'hangup-1').executeTakeFirst()).toEqual({
    state: 'in-progress',
  });

  // The retry while the first still runs: told it is in progress, not run again.
  const early = await post(AbortSignal.timeout(3000)).catch((error: unknown) => error as Error);
  expect(runs).toBe(1);
  expect(early).toMatchObject({ status: 409 });

  release(); // the first request finishes after its client left
  const recorded = await eventually(
    () =>
      database.db
        .selectFrom('idempotency_keys')
        .select(['state', 'response_status'])
        .where('key', '=', 'hangup-1')
        .where('state', '=', 'done')
        .executeTakeFirst(),
    'the answer to be recorded',
  );
  expect(recorded).toEqual({ state: 'done', response_status: 201 });
  const retry = await post();
  expect(retry.status).toBe(201);
  expect(retry.headers.get('idempotent-replayed')).toBe('true');
  expect(await retry.json()).toEqual({ run: 1 });
  expect(runs).toBe(1);
});
