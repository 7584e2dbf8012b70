/**
 * The OpenAPI document the API serves passes a standard validator: Python's
 * openapi-spec-validator (PyPI, installed into .venv by bootstrap), fed the document exactly
 * as GET /api/openapi.json answers it. Needs no database: the app is built on a pool that is
 * never asked for a connection.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import request from 'supertest';
import { createApp } from '../api/app';
import { createDatabase } from '../db/connection';

const VALIDATOR = path.resolve(__dirname, '..', '.venv', 'bin', 'openapi-spec-validator');

/** Runs the validator on a document given on its standard input. */
function validate(document: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      VALIDATOR,
      ['--validation-errors', 'all', '-'],
      { encoding: 'utf8', timeout: 60_000, maxBuffer: 8 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` });
      },
    );
    child.stdin!.end(document);
  });
}

const db = createDatabase('postgres://unused:unused@127.0.0.1:1/unused', { max: 1 });
const temporal = new Client(); // lazy: serving the document never reaches Temporal

afterAll(async () => {
  await temporal.connection.close().catch(() => undefined);
  await db.destroy();
});

it('serves an OpenAPI document that openapi-spec-validator accepts', async () => {
  if (!fs.existsSync(VALIDATOR)) throw new Error(`openapi-spec-validator is missing at ${VALIDATOR}: run npm test (bootstrap installs it)`);
  const app = createApp({ db, temporal, namespace: 'unused' });
  const res = await request(app).get('/api/openapi.json');
  expect(res.status).toBe(200);
  expect(Object.keys(res.body.paths).length).toBeGreaterThan(50);
  const { code, output } = await validate(res.text);
  expect(output.trim()).toBe('stdin: OK');
  expect(code).toBe(0);
});

it('is a validator that refuses what the document once had: a string query parameter with a numeric default', async () => {
  const broken = {
    openapi: '3.1.0',
    info: { title: 'probe', version: '1' },
    paths: {
      '/items': {
        get: {
          parameters: [{ name: 'limit', in: 'query', schema: { type: 'string', pattern: '^\\d{1,3}$', default: 50 } }],
          responses: { '200': { description: 'ok' } },
        },
      },
    },
  };
  const { code, output } = await validate(JSON.stringify(broken));
  expect(output).toContain("50 is not of type 'string'");
  expect(code).not.toBe(0);
});
