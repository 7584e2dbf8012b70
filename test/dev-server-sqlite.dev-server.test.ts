/**
 * The dev server `npm start` runs keeps its SQLite file in WAL mode by default: the write-ahead
 * log sits next to the database file once the server is up (with the rollback journal it never
 * does). The server and its file live in a scratch directory under .data/ and go afterwards.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../db/local-cluster';
import { DEFAULT_SQLITE_PRAGMAS, type RunningDevServer, startDevServer } from '../temporal-config/dev-server';

const scratch = path.resolve(__dirname, '..', '.data', `test-dev-server-${randomBytes(4).toString('hex')}`);
let server: RunningDevServer | undefined;

afterAll(async () => {
  await server?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

it('runs the SQLite file in WAL mode with synchronous=NORMAL unless told otherwise', async () => {
  expect(DEFAULT_SQLITE_PRAGMAS).toEqual(['journal_mode=wal', 'synchronous=NORMAL']);
  const [port, uiPort] = [await freePort(), await freePort()];
  server = await startDevServer({ dataDir: scratch, namespace: 'gongkai', port, uiPort });
  expect(server.process).not.toBeNull(); // started here, with the defaults, not a server found running
  expect(fs.existsSync(path.join(scratch, 'temporal.sqlite'))).toBe(true);
  expect(fs.existsSync(path.join(scratch, 'temporal.sqlite-wal'))).toBe(true);
}, 120_000);
