/**
 * `npm start`'s demo users: a random password per role generated once into demo-users.json
 * and kept across restarts, not to be changed at sign-in; the demo admin and leader enrolled
 * in TOTP with the secret kept beside it. Signed in over HTTP with what the file says.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import request from 'supertest';
import { createApp } from '../api/app';
import { DEFAULT_IDENTITY_CONFIG } from '../api/identity/config';
import { totpCode } from '../api/identity/totp';
import { credentialsByUsername, setPasswordHash } from '../db/repositories/credentials';
import { ROLES } from '../domain/roles';
import { ensureDemoCredentials } from '../scripts/demo-users';
import { createTestDatabase, type TestDatabase } from './support/database';

let database: TestDatabase;
const temporal = new Client(); // lazy: nothing here reaches Temporal
const file = path.join(__dirname, 'artifacts', `demo-users-${process.pid}.json`);

beforeAll(async () => {
  database = await createTestDatabase();
  fs.mkdirSync(path.dirname(file), { recursive: true });
});
afterAll(async () => {
  fs.rmSync(file, { force: true });
  await temporal.connection.close().catch(() => undefined);
  await database?.drop();
});

const SECOND_AGENCY_USERS = ROLES.map((role) => `sfj.${role}`);
const PLATFORM_USERS = ['platform.admin', 'platform.supervisor'];

it('generates each demo user a password once, keeps it across starts, and signs every role in with it', async () => {
  const first = await ensureDemoCredentials(database.db, file, DEFAULT_IDENTITY_CONFIG);
  // The first agency's users by role; the second agency's (示例市司法局) and the platform's by username.
  expect(Object.keys(first).sort()).toEqual([...ROLES, ...SECOND_AGENCY_USERS, ...PLATFORM_USERS].sort());
  for (const role of ROLES) {
    expect(first[role]).toMatchObject({ username: role, password: expect.stringMatching(/^.{16}$/) });
    expect('totpSecret' in first[role]!).toBe(role === 'admin' || role === 'leader');
    expect(first[`sfj.${role}`]).toMatchObject({ username: `sfj.${role}`, password: expect.stringMatching(/^.{16}$/) });
  }
  expect('totpSecret' in first['platform.admin']!).toBe(true);
  expect(new Set(Object.values(first).map((c) => c!.password)).size).toBe(Object.keys(first).length);
  expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(first);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);

  // A password changed meanwhile is set back to the file's; the next start keeps the file as it is.
  const clerk = await credentialsByUsername(database.db, 'clerk');
  await setPasswordHash(database.db, clerk!.id, clerk!.passwordHash!.replace(/.$/, 'x'), { mustChange: true, now: new Date() });
  expect(await ensureDemoCredentials(database.db, file, DEFAULT_IDENTITY_CONFIG)).toEqual(first);

  const app = createApp({ db: database.db, temporal, namespace: 'unused', rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 } });
  for (const role of [...ROLES, ...SECOND_AGENCY_USERS, ...PLATFORM_USERS]) {
    const { username, password, totpSecret } = first[role]!;
    const signIn = await request(app).post('/api/auth/login').send({ username, password });
    expect([role, signIn.status]).toEqual([role, 200]);
    // Demo passwords are not temporary.
    expect(signIn.body).toMatchObject({ mustChangePassword: false, totpEnrolmentRequired: false, totpRequired: totpSecret !== undefined });
    if (totpSecret) {
      const cookie = (signIn.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
      const second = await request(app)
        .post('/api/auth/totp')
        .set('Cookie', cookie)
        .set('X-CSRF-Token', signIn.body.csrfToken)
        .send({ code: totpCode(totpSecret, new Date()) });
      expect(second.status).toBe(200);
      const signedIn = (second.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!; // a new value after the second factor
      expect((await request(app).get('/api/me').set('Cookie', signedIn)).body.pending).toBeNull();
    }
  }
});
