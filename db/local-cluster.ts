/**
 * A private PostgreSQL cluster under .data/, from Debian's binaries, for development and
 * tests when no DATABASE_URL is given. PostgreSQL refuses to run as root, so as root the
 * server runs as the `postgres` user the Debian package creates.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface LocalCluster {
  dataDir: string;
  port: number;
  /** URL of the maintenance database; use databaseUrl(name) for others. */
  adminUrl: string;
  databaseUrl(name: string): string;
  /** True when this call started the server (and so the caller should stop it). */
  startedHere: boolean;
  stop(): void;
}

function findBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'pg_ctl'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) {
    throw new Error(
      'PostgreSQL server binaries not found under /usr/lib/postgresql; install the Debian package `postgresql` ' +
        '(npm start / npm test do this when run as root) or set DATABASE_URL',
    );
  }
  return path.join(root, newest, 'bin');
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a PostgreSQL tool as the user allowed to own the cluster. */
function runPg(binDir: string, tool: string, args: string[], options: { allowFail?: boolean } = {}): { status: number; output: string } {
  const command = isRoot ? 'runuser' : path.join(binDir, tool);
  const fullArgs = isRoot ? ['-u', 'postgres', '--', path.join(binDir, tool), ...args] : args;
  const result = spawnSync(command, fullArgs, { encoding: 'utf8', cwd: '/' });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0 && !options.allowFail) {
    throw new Error(`${tool} ${args.join(' ')} failed (${result.status}): ${output.trim()}`);
  }
  return { status: result.status ?? -1, output };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function chownToPostgres(target: string): void {
  if (isRoot) execFileSync('chown', ['-R', 'postgres:postgres', target]);
}

/**
 * Starts (or finds running) the cluster in dataDir and returns how to reach it. Tests run it
 * with fsync off; `durable` keeps PostgreSQL's default fsync, for benchmark figures that must
 * include the cost of a real commit.
 */
export async function ensureLocalCluster(dataDir: string, options: { durable?: boolean } = {}): Promise<LocalCluster> {
  const binDir = findBinDir();
  const absolute = path.resolve(dataDir);
  const pgData = path.join(absolute, 'pgdata');
  const socketDir = path.join(absolute, 'socket');
  const portFile = path.join(absolute, 'port');
  const logFile = path.join(absolute, 'postgres.log');

  fs.mkdirSync(socketDir, { recursive: true });
  if (!fs.existsSync(path.join(pgData, 'PG_VERSION'))) {
    fs.mkdirSync(pgData, { recursive: true });
    chownToPostgres(absolute);
    runPg(binDir, 'initdb', ['-D', pgData, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8']);
  }
  chownToPostgres(absolute);

  const running = runPg(binDir, 'pg_ctl', ['-D', pgData, 'status'], { allowFail: true }).status === 0;
  let port: number;
  let startedHere = false;
  if (running && fs.existsSync(portFile)) {
    port = Number(fs.readFileSync(portFile, 'utf8').trim());
  } else {
    port = Number(process.env.GONGKAI_PG_PORT) || (await freePort());
    fs.writeFileSync(portFile, `${port}\n`);
    const serverOptions = `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c max_connections=200${options.durable ? '' : ' -c fsync=off'}`;
    runPg(binDir, 'pg_ctl', ['-D', pgData, '-l', logFile, '-o', serverOptions, '-w', '-t', '60', 'start']);
    startedHere = true;
  }

  const databaseUrl = (name: string): string => `postgres://postgres@127.0.0.1:${port}/${name}`;
  return {
    dataDir: absolute,
    port,
    adminUrl: databaseUrl('postgres'),
    databaseUrl,
    startedHere,
    stop: () => {
      runPg(binDir, 'pg_ctl', ['-D', pgData, '-m', 'fast', '-w', 'stop'], { allowFail: true });
    },
  };
}

/** Runs fn with a client on the maintenance database, for CREATE / DROP DATABASE. */
async function withAdminClient<T>(adminUrl: string, name: string, fn: (client: import('pg').Client) => Promise<T>): Promise<T> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name: ${name}`);
  const { Client } = await import('pg');
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates the database if it does not exist yet. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdminClient(adminUrl, name, async (client) => {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`create database ${name}`);
  });
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdminClient(adminUrl, name, (client) => client.query(`drop database if exists ${name} with (force)`));
}
