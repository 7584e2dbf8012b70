/**
 * A real SMTP server for tests: Mailpit (built by scripts/bootstrap.mjs into .data/bin from
 * the Go module proxy), on free loopback ports, read back through its REST API.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const MAILPIT = process.env.MAILPIT_PATH ?? path.resolve(__dirname, '..', '..', '.data', 'bin', 'mailpit');

export interface MailpitAddress {
  Name: string;
  Address: string;
}

export interface MailpitSummary {
  ID: string;
  MessageID: string;
  From: MailpitAddress;
  To: MailpitAddress[];
  Subject: string;
  Attachments: number;
}

export interface MailpitMessage extends Omit<MailpitSummary, 'Attachments'> {
  Text: string;
  Attachments: Array<{ PartID: string; FileName: string; ContentType: string; Size: number }>;
}

export interface Mailpit {
  /** smtp://127.0.0.1:<port> for nodemailer. */
  smtpUrl: string;
  /** The web UI and REST API. */
  httpUrl: string;
  messages(): Promise<MailpitSummary[]>;
  message(id: string): Promise<MailpitMessage>;
  /** The raw bytes of one MIME part (an attachment). */
  part(id: string, partId: string): Promise<Buffer>;
  /** Stops the server (the SMTP port refuses connections) until `start`. */
  stop(): Promise<void>;
  /** Starts it again on the same ports. */
  start(): Promise<void>;
  /** Stops it for good and removes its database (afterAll). */
  dispose(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startMailpit(): Promise<Mailpit> {
  if (!fs.existsSync(MAILPIT))
    throw new Error(`Mailpit not found at ${MAILPIT}: run \`node scripts/bootstrap.mjs setup\` (or set MAILPIT_PATH)`);
  const [smtpPort, httpPort] = [await freePort(), await freePort()];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongkai-mailpit-'));
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  let child: ChildProcess | null = null;

  const api = async (route: string): Promise<Response> => {
    const response = await fetch(`${httpUrl}${route}`);
    if (!response.ok) throw new Error(`Mailpit ${route}: HTTP ${response.status}`);
    return response;
  };

  const start = async (): Promise<void> => {
    // Already running: a second child could not bind the ports, and the first would outlive the tests.
    if (child && child.exitCode === null) return;
    const output: string[] = [];
    child = spawn(
      MAILPIT,
      [
        '--smtp',
        `127.0.0.1:${smtpPort}`,
        '--listen',
        `127.0.0.1:${httpPort}`,
        '--database',
        path.join(dir, 'mailpit.db'),
        '--disable-version-check',
        '--smtp-disable-rdns',
        '--quiet',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (d) => output.push(String(d)));
    child.stderr!.on('data', (d) => output.push(String(d)));
    for (let i = 0; i < 200; i += 1) {
      if (child.exitCode !== null) throw new Error(`Mailpit exited: ${output.join('')}`);
      try {
        await api('/api/v1/messages');
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    throw new Error(`Mailpit did not answer on ${httpUrl}: ${output.join('')}`);
  };

  const stop = async (): Promise<void> => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };

  await start();
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    httpUrl,
    messages: async () => ((await (await api('/api/v1/messages?limit=500')).json()) as { messages: MailpitSummary[] }).messages,
    message: async (id) => (await (await api(`/api/v1/message/${id}`)).json()) as MailpitMessage,
    part: async (id, partId) => Buffer.from(await (await api(`/api/v1/message/${id}/part/${partId}`)).arrayBuffer()),
    stop: async () => {
      await stop();
    },
    start,
    dispose: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
