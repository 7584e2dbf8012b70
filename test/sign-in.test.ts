/**
 * Signing in as a person, over HTTP against the real app and PostgreSQL: the session cookie
 * and its flags, CSRF refusal, lockout and unlock (the same answer for a name nobody has),
 * the password rules, the first-sign-in change and the 90-day expiry, TOTP enrolment and
 * sign-in for an admin, single-use recovery codes, the idle timeout and the absolute
 * lifetime, listing and revoking sessions. The identity rules run on a clock the tests move.
 */
import { Client } from '@temporalio/client';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../api/app';
import { hashPassword } from '../api/identity/passwords';
import { base32Encode, hotp, totpCode } from '../api/identity/totp';
import { credentialsByUsername, setPasswordHash } from '../db/repositories/credentials';
import { issueToken, seedDemoUsers } from '../db/repositories/users';
import { createTestDatabase, type TestDatabase } from './support/database';

let database: TestDatabase;
const temporal = new Client(); // lazy: nothing here reaches Temporal
const T0 = new Date('2026-12-01T08:00:00Z');
const MINUTE = 60_000;
const PASSWORDS = {
  clerk: 'Clerk-2026-pass',
  admin: 'Admin#2026-pass',
  leader: 'Leader#2026-pass',
  department: 'Dept-2026-pass',
  supervisor: 'Super-2026-pass',
};

/** An app whose identity rules run on a clock the test moves. */
function stack(start = T0) {
  let now = start;
  const app = createApp({
    db: database.db,
    temporal,
    namespace: 'unused',
    rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 },
    identity: { now: () => now },
  });
  return { app, advance: (ms: number) => void (now = new Date(now.getTime() + ms)), now: () => now };
}

/** Signs in; returns the cookie header and the CSRF token. */
async function signIn(app: Express, username: string, password: string) {
  const res = await request(app).post('/api/auth/login').send({ username, password });
  expect(res.status).toBe(200);
  const cookie = (res.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
  return { cookie, csrf: res.body.csrfToken as string, body: res.body };
}

beforeAll(async () => {
  database = await createTestDatabase();
  const users = await seedDemoUsers(database.db);
  for (const [username, password] of Object.entries(PASSWORDS))
    await setPasswordHash(database.db, users[username]!.id, await hashPassword(password), { mustChange: false, now: T0 });
});

afterAll(async () => {
  await temporal.connection.close().catch(() => undefined);
  await database?.drop();
});

it('signs a clerk in with a session cookie (httpOnly, SameSite=Strict, Secure over TLS) and answers who it is', async () => {
  const { app } = stack();
  const res = await request(app).post('/api/auth/login').send({ username: 'Clerk', password: PASSWORDS.clerk });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({
    user: { username: 'clerk', role: 'clerk', departmentCode: 'gkb' },
    mustChangePassword: false,
    totpRequired: false,
    totpEnrolmentRequired: false,
    csrfToken: expect.any(String),
  });
  const setCookie = (res.headers['set-cookie'] as unknown as string[])[0]!;
  expect(setCookie).toMatch(/^gongkai_session=[A-Za-z0-9_-]{43}; Path=\/; Expires=.+; HttpOnly; SameSite=Strict$/);
  expect(setCookie).not.toContain('Secure');
  // Only a digest of the cookie's value is stored.
  const value = setCookie.split(';')[0]!.split('=')[1]!;
  const stored = await database.db.selectFrom('sessions').select('token_sha256').execute();
  expect(stored.some((s) => s.token_sha256.includes(value))).toBe(false);

  const me = await request(app).get('/api/me').set('Cookie', `gongkai_session=${value}`);
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({
    username: 'clerk',
    role: 'clerk',
    department: { code: 'gkb', name: '政务公开办公室' },
    authenticatedBy: 'session',
    csrfToken: res.body.csrfToken,
    pending: null,
    session: {
      current: true,
      createdAt: T0.toISOString(),
      idleExpiresAt: new Date(T0.getTime() + 30 * MINUTE).toISOString(),
      expiresAt: new Date(T0.getTime() + 12 * 3_600_000).toISOString(),
    },
    passwordExpiresAt: new Date(T0.getTime() + 90 * 86_400_000).toISOString(),
  });

  // Behind a TLS-terminating proxy the app is told to trust, the cookie is Secure.
  process.env.GONGKAI_TRUST_PROXY = 'loopback';
  try {
    const tls = await request(stack().app)
      .post('/api/auth/login')
      .set('X-Forwarded-Proto', 'https')
      .send({ username: 'clerk', password: PASSWORDS.clerk });
    expect((tls.headers['set-cookie'] as unknown as string[])[0]).toMatch(/; HttpOnly; Secure; SameSite=Strict$/);
  } finally {
    delete process.env.GONGKAI_TRUST_PROXY;
  }
});

it('refuses a cookie-authenticated write without the session’s CSRF token; bearer tokens need none', async () => {
  const { app } = stack();
  const { cookie, csrf } = await signIn(app, 'clerk', PASSWORDS.clerk);
  const read = await request(app).post('/api/inbox/1/read').set('Cookie', cookie);
  expect(read.status).toBe(403);
  expect(read.body.error.code).toBe('csrf_failed');
  expect((await request(app).post('/api/auth/logout').set('Cookie', cookie).set('X-CSRF-Token', 'forged')).status).toBe(403);
  const other = await signIn(app, 'clerk', PASSWORDS.clerk);
  expect((await request(app).post('/api/auth/logout').set('Cookie', cookie).set('X-CSRF-Token', other.csrf)).body.error.code).toBe(
    'csrf_failed',
  );
  // Reads need no token; the right token lets the write through.
  expect((await request(app).get('/api/inbox').set('Cookie', cookie)).status).toBe(200);
  expect((await request(app).post('/api/auth/logout').set('Cookie', cookie).set('X-CSRF-Token', csrf)).body).toEqual({ signedOut: true });
  expect((await request(app).get('/api/me').set('Cookie', cookie)).status).toBe(401);

  const reviewer = await credentialsByUsername(database.db, 'reviewer');
  const token = await issueToken(database.db, reviewer!.id, 'script');
  const bearer = await request(app)
    .post('/api/auth/password')
    .set('Authorization', `Bearer ${token}`)
    .send({ currentPassword: 'wrong', newPassword: 'x' });
  expect(bearer.status).toBe(400); // validated, not refused for CSRF
  expect(bearer.body.error.details.map((d: { field: string }) => d.field)).toEqual(['currentPassword']);
});

it('answers bad sign-in input with 400 naming the field', async () => {
  const { app } = stack();
  const res = await request(app).post('/api/auth/login').send({ username: '' });
  expect(res.status).toBe(400);
  expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['password', 'username']);
});

it('locks a name for 15 minutes after 5 failures, answering 423 with the unlock time; a name nobody has is answered identically', async () => {
  const { app, advance, now } = stack(new Date('2026-12-02T08:00:00Z'));
  const attempt = (username: string, password: string) => request(app).post('/api/auth/login').send({ username, password });
  for (let i = 1; i <= 4; i++) {
    const [known, unknown] = [await attempt('clerk', 'Wrong-pass-1'), await attempt('ghost', 'Wrong-pass-1')];
    expect([known.status, unknown.status]).toEqual([401, 401]);
    expect(known.body).toEqual({ error: { code: 'invalid_credentials', message: '用户名或密码错误', details: [] } });
    expect(unknown.body).toEqual(known.body);
  }
  const started = Date.now();
  const unknownFifth = await attempt('ghost', 'Wrong-pass-1');
  const unknownTook = Date.now() - started;
  const knownFifth = await attempt('clerk', 'Wrong-pass-1');
  const until = new Date(now().getTime() + 15 * MINUTE).toISOString();
  expect([knownFifth.status, unknownFifth.status]).toEqual([423, 423]);
  expect(knownFifth.body).toEqual({
    error: {
      code: 'account_locked',
      message: expect.stringContaining(until),
      details: [{ field: 'username', message: `locked until ${until}` }],
    },
  });
  expect(unknownFifth.body).toEqual(knownFifth.body);
  expect(unknownFifth.headers['retry-after']).toBe('900');
  expect(knownFifth.headers['retry-after']).toBe('900');
  // The unknown name was checked against a (dummy) argon2id hash, not answered at once.
  expect(unknownTook).toBeGreaterThan(15);

  // Locked: even the right password is refused, the same way.
  advance(14 * MINUTE);
  const right = await attempt('clerk', PASSWORDS.clerk);
  expect(right.status).toBe(423);
  expect(right.headers['retry-after']).toBe('60');
  expect(right.body.error.details).toEqual([{ field: 'username', message: `locked until ${until}` }]);
  // Unlocked when the 15 minutes are over.
  advance(MINUTE);
  expect((await attempt('clerk', PASSWORDS.clerk)).status).toBe(200);
  expect((await attempt('ghost', 'Wrong-pass-1')).status).toBe(401);
  // A success starts the count again: four more failures do not lock.
  for (let i = 0; i < 4; i++) expect((await attempt('clerk', 'Wrong-pass-1')).status).toBe(401);
  expect((await attempt('clerk', PASSWORDS.clerk)).status).toBe(200);
  expect((await attempt('clerk', 'Wrong-pass-1')).status).toBe(401);
});

it('makes a user with a first (temporary) password change it before anything else, by the password rules', async () => {
  const { app } = stack();
  const { id } = await database.db
    .insertInto('users')
    .values({ username: 'newbie', display_name: '新同事', role: 'clerk', department_code: 'gkb' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await setPasswordHash(database.db, id, await hashPassword('Temp-4321-abc'), { mustChange: true, now: T0 });
  const { cookie, csrf, body } = await signIn(app, 'newbie', 'Temp-4321-abc');
  expect(body.mustChangePassword).toBe(true);
  const refused = await request(app).get('/api/inbox').set('Cookie', cookie);
  expect(refused.status).toBe(403);
  expect(refused.body.error.code).toBe('password_change_required');
  expect((await request(app).get('/api/me').set('Cookie', cookie)).body).toMatchObject({
    pending: 'password-change',
    mustChangePassword: true,
  });

  const change = (currentPassword: string, newPassword: string) =>
    request(app).post('/api/auth/password').set('Cookie', cookie).set('X-CSRF-Token', csrf).send({ currentPassword, newPassword });
  const fieldsOf = (res: request.Response) => res.body.error.details.map((d: { field: string }) => d.field);
  for (const weak of ['Ab1!', 'onlylowercase', 'lowercase1234', 'Newbie-2026-x', 'Temp-4321-abc']) {
    const res = await change('Temp-4321-abc', weak);
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toContain('newPassword');
  }
  expect((await change('Temp-4321-abc', 'lowercase1234')).body.error.details[0].message).toMatch(/at least 3 of/);
  expect(fieldsOf(await change('not-the-password', 'Good-pass-2026'))).toEqual(['currentPassword']);
  const ok = await change('Temp-4321-abc', 'Good-pass-2026');
  expect(ok.status).toBe(200);
  expect(ok.body).toMatchObject({ mustChangePassword: false, passwordExpiresAt: new Date(T0.getTime() + 90 * 86_400_000).toISOString() });
  expect((await request(app).get('/api/inbox').set('Cookie', cookie)).status).toBe(200);
  expect((await request(app).post('/api/auth/login').send({ username: 'newbie', password: 'Temp-4321-abc' })).status).toBe(401);
  await signIn(app, 'newbie', 'Good-pass-2026');
});

it('makes a password older than 90 days be changed at sign-in; a change ends the user’s other sessions', async () => {
  const { app, advance } = stack();
  advance(90 * 86_400_000 - 2 * MINUTE);
  const earlier = await signIn(app, 'supervisor', PASSWORDS.supervisor);
  advance(MINUTE);
  const { cookie, csrf, body } = await signIn(app, 'supervisor', PASSWORDS.supervisor);
  expect(body.mustChangePassword).toBe(false);
  advance(MINUTE);
  expect((await request(app).get('/api/supervision/summary').set('Cookie', cookie)).body.error.code).toBe('password_change_required');
  expect(
    (await request(app).post('/api/auth/login').send({ username: 'supervisor', password: PASSWORDS.supervisor })).body.mustChangePassword,
  ).toBe(true);
  const changed = await request(app)
    .post('/api/auth/password')
    .set('Cookie', cookie)
    .set('X-CSRF-Token', csrf)
    .send({ currentPassword: PASSWORDS.supervisor, newPassword: 'Super-2027-pass' });
  expect(changed.body.otherSessionsEnded).toBe(2);
  expect((await request(app).get('/api/supervision/summary').set('Cookie', cookie)).status).toBe(200);
  expect((await request(app).get('/api/me').set('Cookie', earlier.cookie)).status).toBe(401);
});

it('enrols an admin in TOTP, then signs them in with a code as the second step; each recovery code works once', async () => {
  const { app, advance, now } = stack(new Date('2026-12-03T08:00:00Z'));
  // An admin without a second factor may do nothing but enrol.
  const first = await signIn(app, 'admin', PASSWORDS.admin);
  expect(first.body).toMatchObject({ totpRequired: false, totpEnrolmentRequired: true });
  const write = (path: string, session: { cookie: string; csrf: string }, body: object = {}) =>
    request(app).post(path).set('Cookie', session.cookie).set('X-CSRF-Token', session.csrf).send(body);
  expect((await request(app).get('/api/admin/calendar/revisions').set('Cookie', first.cookie)).body.error.code).toBe(
    'totp_enrolment_required',
  );
  const enrol = await write('/api/me/totp', first);
  expect(enrol.status).toBe(200);
  const secret: string = enrol.body.secret;
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  expect(enrol.body.otpauthUri).toBe(`otpauth://totp/Gongkai%3Aadmin?secret=${secret}&issuer=Gongkai&algorithm=SHA1&digits=6&period=30`);
  const wrong = await write('/api/me/totp/confirm', first, { code: hotp(secret, 1) });
  expect(wrong.status).toBe(400);
  expect(wrong.body.error.details[0].field).toBe('code');
  const confirmed = await write('/api/me/totp/confirm', first, { code: totpCode(secret, now()) });
  expect(confirmed.status).toBe(200);
  const codes: string[] = confirmed.body.recoveryCodes;
  expect(new Set(codes).size).toBe(10);
  expect((await request(app).get('/api/admin/calendar/revisions').set('Cookie', first.cookie)).status).toBe(200);
  const stored = await database.db.selectFrom('recovery_codes').select('code_sha256').execute();
  expect(JSON.stringify(stored)).not.toContain(codes[0]!.slice(0, 4) + '-');

  // Next sign-in: the password alone opens nothing but the second step.
  const second = await signIn(app, 'admin', PASSWORDS.admin);
  expect(second.body).toMatchObject({ totpRequired: true, totpEnrolmentRequired: false });
  expect((await request(app).get('/api/admin/calendar/revisions').set('Cookie', second.cookie)).body.error.code).toBe(
    'second_factor_required',
  );
  expect((await request(app).get('/api/me').set('Cookie', second.cookie)).body.pending).toBe('second-factor');
  // The code used to enrol is not accepted again (same 30-second step).
  const replay = await write('/api/auth/totp', second, { code: totpCode(secret, now()) });
  expect(replay.status).toBe(401);
  expect(replay.body.error.code).toBe('invalid_second_factor');
  advance(30_000);
  const done = await write('/api/auth/totp', second, { code: totpCode(secret, now()) });
  expect(done.status).toBe(200);
  expect(done.body).toMatchObject({ totpRequired: false, recoveryCodesLeft: 10, user: { username: 'admin' } });
  // The step gives the session a new cookie value: the one from before it (which another page
  // or a fixation attack could hold) opens nothing now.
  const rotated = { cookie: (done.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!, csrf: done.body.csrfToken as string };
  expect(rotated.cookie).not.toBe(second.cookie);
  expect(rotated.csrf).not.toBe(second.csrf);
  expect((await request(app).get('/api/admin/calendar/revisions').set('Cookie', second.cookie)).status).toBe(401);
  expect((await request(app).get('/api/admin/calendar/revisions').set('Cookie', rotated.cookie)).status).toBe(200);
  expect((await write('/api/auth/totp', rotated, { code: totpCode(secret, now()) })).status).toBe(409);

  // A recovery code instead of the app: once.
  const third = await signIn(app, 'admin', PASSWORDS.admin);
  expect((await write('/api/auth/totp', third, { recoveryCode: codes[0]!.toUpperCase() })).body.recoveryCodesLeft).toBe(9);
  const fourth = await signIn(app, 'admin', PASSWORDS.admin);
  expect((await write('/api/auth/totp', fourth, { recoveryCode: codes[0] })).status).toBe(401);
  expect((await write('/api/auth/totp', fourth, {})).status).toBe(400);
  expect((await write('/api/auth/totp', fourth, { recoveryCode: codes[1] })).body.recoveryCodesLeft).toBe(8);

  // Wrong codes count towards the lockout; the half-signed-in session ends with it.
  const fifth = await signIn(app, 'admin', PASSWORDS.admin);
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++)
    statuses.push((await write('/api/auth/totp', fifth, { code: '000000' === totpCode(secret, now()) ? '111111' : '000000' })).status);
  expect(statuses).toEqual([401, 401, 401, 401, 423]);
  expect((await request(app).get('/api/me').set('Cookie', fifth.cookie)).status).toBe(401);
  expect((await request(app).post('/api/auth/login').send({ username: 'admin', password: PASSWORDS.admin })).status).toBe(423);
});

it('the TOTP codes are RFC 6238’s (SHA-1 test vectors, last 6 digits)', () => {
  const secret = base32Encode(Buffer.from('12345678901234567890'));
  expect(secret).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  expect(totpCode(secret, new Date(59_000))).toBe('287082');
  expect(totpCode(secret, new Date(1_111_111_109_000))).toBe('081804');
  expect(totpCode(secret, new Date(1_234_567_890_000))).toBe('005924');
  expect(totpCode(secret, new Date(2_000_000_000_000))).toBe('279037');
});

it('ends a session after 30 idle minutes and after 12 hours in all', async () => {
  const { app, advance } = stack();
  const idle = await signIn(app, 'department', PASSWORDS.department);
  const busy = await signIn(app, 'department', PASSWORDS.department);
  advance(29 * MINUTE);
  expect((await request(app).get('/api/me').set('Cookie', busy.cookie)).status).toBe(200);
  advance(2 * MINUTE);
  const expired = await request(app).get('/api/me').set('Cookie', idle.cookie);
  expect(expired.status).toBe(401);
  expect(expired.body.error.code).toBe('session_expired');
  expect((await request(app).get('/api/me').set('Cookie', idle.cookie)).body.error.code).toBe('unauthenticated'); // ended for good
  expect((await request(app).get('/api/me').set('Cookie', busy.cookie)).status).toBe(200); // used 2 minutes ago
  // The console's automatic refreshes are served but do not count as activity.
  const watched = await signIn(app, 'department', PASSWORDS.department);
  advance(20 * MINUTE);
  expect((await request(app).get('/api/inbox').set('Cookie', watched.cookie).set('X-Background-Refresh', '1')).status).toBe(200);
  advance(11 * MINUTE);
  expect((await request(app).get('/api/inbox').set('Cookie', watched.cookie).set('X-Background-Refresh', '1')).body.error.code).toBe(
    'session_expired',
  );
  advance(-31 * MINUTE);
  for (let hour = 0; hour < 12 * 3; hour++) {
    advance(20 * MINUTE);
    const res = await request(app).get('/api/me').set('Cookie', busy.cookie);
    if (res.status !== 200) {
      expect(res.body.error.code).toBe('session_expired');
      expect(hour).toBe(12 * 3 - 2); // 31 min + 35 × 20 min ≥ 12 h
      return;
    }
  }
  throw new Error('the session outlived its absolute lifetime');
});

it('lists a user’s live sessions and revokes one; another user’s session cannot be revoked', async () => {
  const { app } = stack();
  const a = await signIn(app, 'leader', PASSWORDS.leader);
  const b = await signIn(app, 'leader', PASSWORDS.leader);
  const other = await signIn(app, 'clerk', PASSWORDS.clerk);
  // The leader's role needs TOTP: until enrolled, only me, password, enrolment and sign-out.
  expect((await request(app).get('/api/me/sessions').set('Cookie', a.cookie)).body.error.code).toBe('totp_enrolment_required');
  const clerkSessions = await request(app).get('/api/me/sessions').set('Cookie', other.cookie);
  expect(clerkSessions.status).toBe(200);
  expect(clerkSessions.body.items.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
  const leader = await credentialsByUsername(database.db, 'leader');
  const token = await issueToken(database.db, leader!.id, 'sessions test');
  const listed = await request(app).get('/api/me/sessions').set('Authorization', `Bearer ${token}`);
  expect(listed.body.items.length).toBeGreaterThanOrEqual(2);
  const ids = listed.body.items.map((s: { id: string }) => s.id);
  const bId = (await request(app).get('/api/me').set('Cookie', b.cookie)).body.session.id;
  expect(ids).toContain(bId);
  expect(listed.body.items.every((s: { current: boolean }) => !s.current)).toBe(true);

  const otherId = (await request(app).get('/api/me').set('Cookie', other.cookie)).body.session.id;
  expect((await request(app).delete(`/api/me/sessions/${otherId}`).set('Cookie', a.cookie).set('X-CSRF-Token', a.csrf)).status).toBe(403); // unfinished sign-in
  expect((await request(app).delete(`/api/me/sessions/${otherId}`).set('Authorization', `Bearer ${token}`)).status).toBe(404);
  expect((await request(app).delete(`/api/me/sessions/${bId}`).set('Authorization', `Bearer ${token}`)).status).toBe(200);
  expect((await request(app).get('/api/me').set('Cookie', b.cookie)).status).toBe(401);
  expect((await request(app).get('/api/me').set('Cookie', a.cookie)).status).toBe(200);
  expect((await request(app).get('/api/me').set('Cookie', other.cookie)).status).toBe(200);
  expect((await request(app).delete(`/api/me/sessions/${bId}`).set('Authorization', `Bearer ${token}`)).status).toBe(404);
});

it('declares the sign-in routes in the OpenAPI document with their schemas', async () => {
  const { app } = stack();
  const doc = (await request(app).get('/api/openapi.json')).body;
  expect(doc.paths['/api/auth/login'].post.requestBody.content['application/json'].schema.required).toEqual(['username', 'password']);
  expect(Object.keys(doc.paths['/api/auth/login'].post.responses).sort()).toEqual(['200', '400', '401', '423']);
  for (const path of ['/api/auth/logout', '/api/auth/password', '/api/auth/totp', '/api/me/totp', '/api/me/totp/confirm'])
    expect(doc.paths[path].post['x-roles']).toHaveLength(6);
  expect(doc.paths['/api/me/sessions/{id}'].delete).toBeDefined();
  expect(doc.components.securitySchemes.session).toEqual({ type: 'apiKey', in: 'cookie', name: 'gongkai_session' });
});

it('records sign-ins, failures (the name typed and why), lockouts, sign-outs and idle ends in the audit log, never a password', async () => {
  const { app, advance } = stack(new Date('2026-12-05T08:00:00Z'));
  const since =
    (
      await database.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirst()
    )?.id ?? '0';
  for (let i = 0; i < 5; i++) await request(app).post('/api/auth/login').send({ username: 'nobody', password: 'Guess-pass-1' });
  await request(app).post('/api/auth/login').send({ username: 'department', password: 'Wrong-pass-1' });
  const { cookie, csrf } = await signIn(app, 'department', PASSWORDS.department);
  await request(app).post('/api/auth/logout').set('Cookie', cookie).set('X-CSRF-Token', csrf);
  const idle = await signIn(app, 'department', PASSWORDS.department);
  advance(31 * MINUTE);
  await request(app).get('/api/me').set('Cookie', idle.cookie);

  const rows = await database.db
    .selectFrom('audit_log')
    .select(['action', 'actor_username', 'target', 'details', 'ip'])
    .where('id', '>', String(since))
    .where('action', 'like', 'auth.%')
    .orderBy('id')
    .execute();
  expect(rows.map((r) => [r.action, r.actor_username, r.target])).toEqual([
    ...Array.from({ length: 5 }, () => ['auth.sign-in-failed', null, 'user:nobody']),
    ['auth.locked', null, 'user:nobody'],
    ['auth.sign-in-failed', null, 'user:department'],
    ['auth.sign-in', 'department', 'user:department'],
    ['auth.sign-out', 'department', 'user:department'],
    ['auth.sign-in', 'department', 'user:department'],
    ['auth.session-ended', 'department', 'user:department'],
  ]);
  expect(rows[0]!.details).toMatchObject({ username: 'nobody', reason: 'unknown-user', knownUser: false });
  expect(rows[6]!.details).toMatchObject({ reason: 'wrong-password', knownUser: true });
  expect(rows[10]!.details).toMatchObject({ reason: 'idle' });
  expect(rows.every((r) => r.ip)).toBe(true);
  expect(JSON.stringify(rows)).not.toMatch(/Guess-pass|Wrong-pass|Dept-2026/);
});
