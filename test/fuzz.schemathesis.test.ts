/**
 * The OpenAPI document fuzzed with schemathesis (PyPI, installed into .venv by bootstrap)
 * against the real stack, as each role, for a bounded number of examples per operation: no
 * request may earn a 5xx, and every error answer carries the JSON error shape its operation
 * documents.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type ApiStack, startApiStack } from './support/api-stack';

const SCHEMATHESIS = path.resolve(__dirname, '..', '.venv', 'bin', 'st');
let stack: ApiStack;
let server: http.Server;
let base: string;

beforeAll(async () => {
  stack = await startApiStack('fuzz');
  server = http.createServer(stack.app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await stack?.stop();
});

/** Runs schemathesis without blocking this process, which serves the API it calls. */
function schemathesis(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(SCHEMATHESIS, args, { encoding: 'utf8', timeout: 240_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}\n${stderr}` });
    });
  });
}

it.each(['clerk', 'admin', 'department', 'leader'])('survives fuzzing as %s', async (role) => {
  if (!fs.existsSync(SCHEMATHESIS)) throw new Error(`schemathesis is missing at ${SCHEMATHESIS}: run npm test (bootstrap installs it)`);
  // One worker: with two, hypothesis' shared lambda-source cache raced and failed the examples of
  // POST /api/applications as "flaky" (three runs out of four on 2026-11-21); one is faster here, too.
  const run = (seed: string) => schemathesis([
    'run', `${base}/api/openapi.json`,
    '--header', `Authorization: ${stack.as(role).Authorization}`,
    '--checks', 'not_a_server_error,response_schema_conformance',
    '--max-examples', '8', '--seed', seed, '--workers', '1', '--request-timeout', '30', '--no-color',
  ]);
  let { code, output } = await run('20261121');
  // A crash inside the fuzzer itself (a Python "Runtime Error", no failed check; hypothesis
  // calls a case that ran slowly once "flaky" on a loaded machine) is retried with other
  // seeds, twice at most; a failed check — a 5xx, an undocumented error shape — never is.
  for (const seed of ['20261122', '20261123']) {
    if (code === 0 || output.includes('FAILURES') || !output.includes('Runtime Error')) break;
    ({ code, output } = await run(seed));
  }
  if (code !== 0) console.log(output.slice(0, 12000));
  expect(code).toBe(0);
}, 600_000); // up to three fuzzer runs on a loaded machine
