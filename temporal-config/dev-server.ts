/**
 * Starts the Temporal dev server (`temporal server start-dev`) for `npm start`: persisted in
 * .data/temporal, the gongkai namespace and search attributes registered at start, UI on 8233.
 * Its SQLite file runs in WAL mode with synchronous=NORMAL unless told otherwise.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { requireTemporalCli } from './binaries';
import { searchAttributeCliArgs } from './search-attributes';

export interface DevServerOptions {
  dataDir: string;
  namespace: string;
  port: number;
  uiPort: number;
  /** `PRAGMA=VALUE` statements for the server's SQLite file: DEFAULT_SQLITE_PRAGMAS unless given; `[]` for SQLite's own defaults. */
  sqlitePragmas?: readonly string[];
}

/**
 * WAL: readers do not wait for the writer, and a commit appends to the log instead of
 * creating, syncing and deleting a journal file (with the rollback journal, seeding fell
 * from 14/s to 5–7/s past 65,000 cases; WAL brought back 11–14/s: bench/README.md, scale).
 * synchronous=NORMAL: no fsync per commit, only at checkpoints; a power cut can lose the last
 * commits but never corrupts the file. The only two pragmas the dev server accepts.
 */
export const DEFAULT_SQLITE_PRAGMAS: readonly string[] = ['journal_mode=wal', 'synchronous=NORMAL'];

export interface RunningDevServer {
  address: string;
  uiUrl: string;
  /** Null when an already-running server was reused. */
  process: ChildProcess | null;
  stop(): Promise<void>;
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Resolves once the namespace answers, or rejects after the deadline. */
export async function waitForNamespace(address: string, namespace: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  throw new Error(`Temporal at ${address} did not serve namespace ${namespace}: ${String(lastError)}`);
}

export async function startDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const address = `127.0.0.1:${options.port}`;
  const uiUrl = `http://localhost:${options.uiPort}`;
  if (await portInUse(options.port)) {
    // A dev server left by another terminal: use it rather than fail.
    await waitForNamespace(address, options.namespace, 10_000);
    return { address, uiUrl, process: null, stop: async () => undefined };
  }

  fs.mkdirSync(options.dataDir, { recursive: true });
  const logFile = fs.openSync(path.join(options.dataDir, 'dev-server.log'), 'a');
  const child = spawn(
    requireTemporalCli(),
    [
      'server',
      'start-dev',
      '--db-filename',
      path.join(options.dataDir, 'temporal.sqlite'),
      '--namespace',
      options.namespace,
      '--ip',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--ui-port',
      String(options.uiPort),
      '--log-level',
      'warn',
      ...(options.sqlitePragmas ?? DEFAULT_SQLITE_PRAGMAS).flatMap((pragma) => ['--sqlite-pragma', pragma]),
      ...searchAttributeCliArgs(),
    ],
    { stdio: ['ignore', logFile, logFile] },
  );
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`temporal server start-dev exited with ${code}; see ${options.dataDir}/dev-server.log`))),
  );
  await Promise.race([waitForNamespace(address, options.namespace, 60_000), exited]);
  return {
    address,
    uiUrl,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
