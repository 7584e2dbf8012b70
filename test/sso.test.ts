/**
 * Single sign-on (统一身份认证) against a real OpenID provider: `oidc-provider` started here on a
 * free port, with a registered client, PKCE required, accounts whose claims carry a role and a
 * department, and a minimal login + consent interaction posted as plain forms. The app runs on
 * a real port too; the browser is fetch with a cookie jar that follows every redirect.
 * Covered: the first sign-in creates the user with the mapped role and department and opens the
 * same session (cookie, CSRF) as a password; a second sign-in follows changed claims; unmapped
 * role refused, then let in by a default; a disabled user refused; state, browser, nonce and
 * PKCE tampering refused; the TOTP rule for leaders (provider MFA or not); the admin's mapping
 * API; the routes when SSO is not configured; audit rows for each.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@temporalio/client';
import request from 'supertest';
import { createApp } from '../api/app';
import { claimValues, mapClaims, type OidcSettings, providerAttestsMfa } from '../api/identity/oidc';
import { base32Encode, totpCode, totpStep } from '../api/identity/totp';
import { enableTotp } from '../db/repositories/credentials';
import { DEFAULT_SSO_MAPPING } from '../db/repositories/sso';
import { issueToken, seedDemoUsers } from '../db/repositories/users';
import { createTestDatabase, type TestDatabase } from './support/database';
import { CLIENT, PROVIDER_PASSWORD, startOidcProvider, type TestProvider } from './support/oidc-provider';

let database: TestDatabase;
const temporal = new Client(); // lazy: nothing here reaches Temporal
let provider: TestProvider;
/** The identity platform's accounts: `sub` → claims; tests change them between sign-ins. */
let accounts: TestProvider['accounts'];
let appServer: Server;
let appOrigin: string;
let settings: OidcSettings;
let adminKey: string;
let clerkKey: string;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function listen(handler: { current: Handler }): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => handler.current(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A browser: cookies per origin, redirects followed by hand so a test can step in. */
class Browser {
  private readonly cookies = new Map<string, Map<string, string>>();
  setCookies: string[] = [];

  cookie(origin: string, name: string): string | undefined {
    return this.cookies.get(origin)?.get(name);
  }

  drop(origin: string, name: string): void {
    this.cookies.get(origin)?.delete(name);
  }

  async fetch(url: URL, init: { method?: string; body?: URLSearchParams } = {}): Promise<Response> {
    const jar = this.cookies.get(url.origin) ?? new Map<string, string>();
    this.cookies.set(url.origin, jar);
    const headers: Record<string, string> = {};
    if (jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (init.body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      redirect: 'manual',
      ...(init.body ? { body: init.body.toString() } : {}),
    });
    for (const line of res.headers.getSetCookie()) {
      if (url.origin === appOrigin) this.setCookies.push(line);
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && new Date(a.split('=')[1]!) < new Date()),
      );
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }

  /** Takes a session cookie set on an answer that supertest, not this browser, received. */
  keep(setCookie: string[] | undefined): void {
    const line = setCookie?.find((c) => c.startsWith('gongkai_session='));
    if (!line) return;
    const jar = this.cookies.get(appOrigin) ?? new Map<string, string>();
    this.cookies.set(appOrigin, jar);
    jar.set('gongkai_session', line.split(';')[0]!.slice('gongkai_session='.length));
  }

  /** The session cookie's `Cookie` header for supertest. */
  session(): string {
    return `gongkai_session=${this.cookie(appOrigin, 'gongkai_session')}`;
  }
}

interface SignInOptions {
  login: string;
  amr?: string;
  browser?: Browser;
  /** Changes the authorization request on its way to the provider. */
  alterAuthorization?: (url: URL) => void;
  /** Changes the provider's answer on its way to the callback (or returns a browser to deliver it). */
  alterCallback?: (url: URL) => Browser | void;
}

/** Clicks 统一身份认证登录, signs in at the provider, consents, and comes back: where the app finally sends the browser. */
async function ssoSignIn(options: SignInOptions): Promise<{ location: string; browser: Browser; callback: URL | null }> {
  let browser = options.browser ?? new Browser();
  let url = new URL('/api/auth/oidc/start?returnTo=/console/cases', appOrigin);
  let init: { method?: string; body?: URLSearchParams } = {};
  let callback: URL | null = null;
  for (let step = 0; step < 20; step++) {
    const res = await browser.fetch(url, init);
    init = {};
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location')!, url);
      if (url.origin === appOrigin && url.pathname === '/api/auth/oidc/start') options.alterAuthorization?.(next);
      if (next.origin === appOrigin && next.pathname === '/api/auth/oidc/callback') {
        browser = options.alterCallback?.(next) ?? browser;
        callback = new URL(next);
      }
      if (next.origin === appOrigin && !next.pathname.startsWith('/api/auth/oidc/'))
        return { location: next.pathname + next.search, browser, callback };
      url = next;
      continue;
    }
    const html = await res.text();
    const form = /<form method="post" action="([^"]+)"><input type="hidden" name="prompt" value="(\w+)"/.exec(html);
    if (res.status !== 200 || !form) throw new Error(`unexpected answer ${res.status} from ${url.href}: ${html.slice(0, 300)}`);
    url = new URL(form[1]!, url);
    init = {
      method: 'POST',
      body: new URLSearchParams(
        form[2] === 'login'
          ? { prompt: 'login', login: options.login, password: PROVIDER_PASSWORD, amr: options.amr ?? 'pwd' }
          : { prompt: 'consent' },
      ),
    };
  }
  throw new Error('too many redirects');
}

const MAPPING = {
  usernameClaim: 'preferred_username',
  displayNameClaim: 'name',
  roleClaim: 'gongkai_role',
  roleMap: [
    { value: 'gk-clerk', role: 'clerk' },
    { value: 'gk-dept', role: 'department' },
    { value: 'gk-leader', role: 'leader' },
  ],
  defaultRole: null,
  departmentClaim: 'org.code',
  departmentMap: [
    { value: '310101-001', departmentCode: 'gkb' },
    { value: '310101-002', departmentCode: 'yjglk' },
    { value: '310101-004', departmentCode: 'ldbgs' },
  ],
  defaultDepartmentCode: null,
  linkExistingUsers: false,
};

const putMapping = (body: unknown, key = adminKey) =>
  request(appServer)
    .put('/api/admin/sso-mapping')
    .set('Authorization', `Bearer ${key}`)
    .send(body as object);
const me = (browser: Browser) => request(appServer).get('/api/me').set('Cookie', browser.session());
const auditRows = (action: string) => database.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();

beforeAll(async () => {
  database = await createTestDatabase();
  const users = await seedDemoUsers(database.db);
  // The mapping is the platform's (one identity provider for every agency): the admin here is a platform admin.
  await database.db.updateTable('users').set({ platform: true }).where('id', '=', users.admin!.id).execute();
  adminKey = await issueToken(database.db, users.admin!.id, 'test');
  clerkKey = await issueToken(database.db, users.clerk!.id, 'test');

  const appHandler: { current: Handler } = { current: () => undefined };
  ({ server: appServer, origin: appOrigin } = await listen(appHandler));
  const redirectUri = `${appOrigin}/api/auth/oidc/callback`;
  provider = await startOidcProvider({ host: '127.0.0.1', redirectUri: () => redirectUri });
  accounts = provider.accounts;
  settings = {
    issuer: provider.issuer,
    clientId: CLIENT.id,
    clientSecret: CLIENT.secret,
    redirectUri,
    scope: CLIENT.scope,
    clientAuth: 'client_secret_basic',
    mfaAcrValues: [],
    allowHttp: true,
  };
  const app = createApp({
    db: database.db,
    temporal,
    namespace: 'unused',
    rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 },
    oidc: settings,
  });
  appHandler.current = app as unknown as Handler;
});

afterAll(async () => {
  appServer?.closeAllConnections();
  await new Promise((resolve) => appServer?.close(resolve));
  await provider?.close();
  await temporal.connection.close().catch(() => undefined);
  await database?.drop();
});

describe('the admin’s mapping rule', () => {
  it('is the default that lets nobody in until an admin sets one, which is validated, audited and admin-only', async () => {
    const before = await request(appServer).get('/api/admin/sso-mapping').set('Authorization', `Bearer ${adminKey}`);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      stored: false,
      mapping: DEFAULT_SSO_MAPPING,
      provider: { issuer: settings.issuer, clientId: 'gongkai', redirectUri: settings.redirectUri },
    });

    accounts['u-0'] = { preferred_username: 'early', name: '早到', gongkai_role: 'gk-clerk', org: { code: '310101-001' } };
    expect((await ssoSignIn({ login: 'u-0' })).location).toBe('/console/login?sso_error=no-role');

    const unknownDepartment = await putMapping({ ...MAPPING, departmentMap: [{ value: 'x', departmentCode: 'nosuch' }] });
    expect(unknownDepartment.status).toBe(400);
    expect(unknownDepartment.body.error.details).toEqual([{ field: 'departmentMap.0.departmentCode', message: 'no department nosuch' }]);
    const twice = await putMapping({ ...MAPPING, roleMap: [...MAPPING.roleMap, { value: 'gk-clerk', role: 'admin' }] });
    expect(twice.status).toBe(400);
    expect(twice.body.error.details[0].field).toBe('roleMap.3.value');
    const badRole = await putMapping({ ...MAPPING, defaultRole: 'boss' });
    expect(badRole.status).toBe(400);
    expect((await putMapping(MAPPING, clerkKey)).status).toBe(403);

    const saved = await putMapping(MAPPING);
    expect(saved.status).toBe(200);
    expect(saved.body.mapping).toEqual(MAPPING);
    const after = await request(appServer).get('/api/admin/sso-mapping').set('Authorization', `Bearer ${adminKey}`);
    expect(after.body).toMatchObject({ stored: true, mapping: MAPPING, updatedBy: 'admin' });
    const [row] = await auditRows('admin.sso-mapping-updated');
    expect(row).toMatchObject({ actor_username: 'admin', target: 'sso-mapping', details: { before: null, after: MAPPING } });
  });
});

describe('signing in through the unified identity platform', () => {
  let first: Browser;

  it('creates the user with the mapped role and department and opens the same session, cookie and CSRF token as a password sign-in', async () => {
    accounts['u-1001'] = { preferred_username: 'ZhangSan', name: '张三', gongkai_role: ['staff', 'gk-clerk'], org: { code: '310101-001' } };
    const { location, browser } = await ssoSignIn({ login: 'u-1001' });
    first = browser;
    expect(location).toBe('/console/cases');
    const sessionCookie = browser.setCookies.find((c) => c.startsWith('gongkai_session='))!;
    expect(sessionCookie).toMatch(/^gongkai_session=[A-Za-z0-9_-]{43}; Path=\/; Expires=.+; HttpOnly; SameSite=Strict$/);
    // The browser binding of the request (SameSite=Lax, to come back on the provider's redirect) is set, then cleared.
    expect(browser.setCookies.find((c) => c.startsWith('gongkai_oidc=') && c.includes('Max-Age=600'))).toMatch(/HttpOnly; SameSite=Lax$/);
    expect(browser.cookie(appOrigin, 'gongkai_oidc')).toBeUndefined();

    const who = await me(browser);
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({
      username: 'zhangsan',
      displayName: '张三',
      role: 'clerk',
      department: { code: 'gkb', name: '政务公开办公室' },
      authenticatedBy: 'session',
      csrfToken: expect.any(String),
      pending: null,
      mustChangePassword: false,
      totpRequired: false,
    });
    // The stored user: linked by issuer and sub, no password.
    const user = await database.db.selectFrom('users').selectAll().where('username', '=', 'zhangsan').executeTakeFirstOrThrow();
    expect(user).toMatchObject({
      oidc_issuer: settings.issuer,
      oidc_subject: 'u-1001',
      password_hash: null,
      must_change_password: false,
      role: 'clerk',
    });
    const session = await database.db.selectFrom('sessions').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(session).toMatchObject({ sign_in_method: 'oidc', second_factor_pending: false });

    // A write with the cookie needs the CSRF token, as after a password sign-in.
    const noToken = await request(appServer).post('/api/inbox/1/read').set('Cookie', browser.session());
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.code).toBe('csrf_failed');
    const sessions = await request(appServer).get('/api/me/sessions').set('Cookie', browser.session());
    expect(sessions.body.items).toEqual([expect.objectContaining({ current: true, signInMethod: 'oidc', secondFactorPending: false })]);

    const created = await auditRows('auth.sso-user-created');
    expect(created.at(-1)).toMatchObject({
      actor_username: 'zhangsan',
      target: 'user:zhangsan',
      details: { issuer: settings.issuer, subject: 'u-1001', role: 'clerk', departmentCode: 'gkb' },
    });
    const signIns = (await auditRows('auth.sign-in')).filter((r) => r.actor_username === 'zhangsan');
    expect(signIns).toHaveLength(1);
    expect(signIns[0]).toMatchObject({
      ip: expect.any(String),
      details: { method: 'oidc', issuer: settings.issuer, subject: 'u-1001', providerMfa: false, created: true },
    });
  });

  it('follows changed claims at the next sign-in: same user, new role, department and name; sessions of the old role end', async () => {
    accounts['u-1001'] = { preferred_username: 'zhangsan-renamed', name: '张三丰', gongkai_role: 'gk-dept', org: { code: '310101-002' } };
    const { location, browser } = await ssoSignIn({ login: 'u-1001' });
    expect(location).toBe('/console/cases');
    const who = await me(browser);
    // The username stays what it was (the audit trail's name); the rest follows the claims.
    expect(who.body).toMatchObject({
      username: 'zhangsan',
      displayName: '张三丰',
      role: 'department',
      department: { code: 'yjglk' },
      pending: null,
    });
    expect(await database.db.selectFrom('users').select('id').where('oidc_subject', '=', 'u-1001').execute()).toHaveLength(1);
    const old = await me(first);
    expect(old.status).toBe(401);
    const [updated] = await auditRows('auth.sso-user-updated');
    expect(updated).toMatchObject({
      actor_username: 'zhangsan',
      details: {
        changed: ['displayName', 'role', 'departmentCode'],
        before: { role: 'clerk', departmentCode: 'gkb' },
        after: { role: 'department', departmentCode: 'yjglk', displayName: '张三丰' },
      },
    });

    // Signing out ends the SSO session like any other (CSRF token from GET /api/me).
    const out = await request(appServer).post('/api/auth/logout').set('Cookie', browser.session()).set('X-CSRF-Token', who.body.csrfToken);
    expect(out.body).toEqual({ signedOut: true });
    expect((await me(browser)).status).toBe(401);
  });

  it('refuses a role value the rule does not know, or gives the default role when the admin set one', async () => {
    accounts['u-2002'] = { preferred_username: 'lisi', name: '李四', gongkai_role: 'visitor', org: { code: '310101-001' } };
    const refused = await ssoSignIn({ login: 'u-2002' });
    expect(refused.location).toBe('/console/login?sso_error=no-role');
    expect(refused.browser.cookie(appOrigin, 'gongkai_session')).toBeUndefined();
    expect(await database.db.selectFrom('users').select('id').where('username', '=', 'lisi').execute()).toHaveLength(0);
    const failed = (await auditRows('auth.sign-in-failed')).at(-1);
    expect(failed).toMatchObject({
      actor_username: null,
      details: {
        reason: 'no-role',
        method: 'oidc',
        subject: 'u-2002',
        issuer: settings.issuer,
        detail: expect.stringContaining('visitor'),
      },
    });

    expect((await putMapping({ ...MAPPING, defaultRole: 'supervisor' })).status).toBe(200);
    const admitted = await ssoSignIn({ login: 'u-2002' });
    expect(admitted.location).toBe('/console/cases');
    expect((await me(admitted.browser)).body).toMatchObject({ username: 'lisi', role: 'supervisor', department: { code: 'gkb' } });
    expect((await putMapping(MAPPING)).status).toBe(200);
  });

  it('refuses a disabled user, and a username an unlinked user already has unless the rule links existing users', async () => {
    const disabled = await request(appServer).post('/api/admin/users/zhangsan/disable').set('Authorization', `Bearer ${adminKey}`).send({});
    expect(disabled.status).toBe(200);
    accounts['u-1001'] = { preferred_username: 'zhangsan', name: '张三', gongkai_role: 'gk-clerk', org: { code: '310101-001' } };
    const refused = await ssoSignIn({ login: 'u-1001' });
    expect(refused.location).toBe('/console/login?sso_error=inactive-user');
    expect(refused.browser.cookie(appOrigin, 'gongkai_session')).toBeUndefined();
    expect((await auditRows('auth.sign-in-failed')).at(-1)).toMatchObject({
      target: 'user:zhangsan',
      details: { reason: 'inactive-user', knownUser: true, method: 'oidc' },
    });
    // Still disabled, with its old role: a refused sign-in changes nothing.
    expect(
      await database.db.selectFrom('users').select(['active', 'role']).where('username', '=', 'zhangsan').executeTakeFirstOrThrow(),
    ).toEqual({ active: false, role: 'department' });

    // The demo clerk exists with a password and no link: a platform account of that name is not let in as them…
    accounts['u-3003'] = { preferred_username: 'clerk', name: '王五', gongkai_role: 'gk-clerk', org: { code: '310101-001' } };
    expect((await ssoSignIn({ login: 'u-3003' })).location).toBe('/console/login?sso_error=username-taken');
    // …until the admin's rule says the platform's usernames are the product's.
    expect((await putMapping({ ...MAPPING, linkExistingUsers: true })).status).toBe(200);
    const linked = await ssoSignIn({ login: 'u-3003' });
    expect(linked.location).toBe('/console/cases');
    expect((await me(linked.browser)).body).toMatchObject({ username: 'clerk', displayName: '王五', role: 'clerk', pending: null });
    expect(await database.db.selectFrom('users').select('oidc_subject').where('username', '=', 'clerk').executeTakeFirstOrThrow()).toEqual({
      oidc_subject: 'u-3003',
    });
    expect((await auditRows('auth.sso-user-linked')).at(-1)).toMatchObject({ target: 'user:clerk', details: { subject: 'u-3003' } });
    expect((await putMapping(MAPPING)).status).toBe(200);
  });
});

describe('tampering', () => {
  beforeAll(() => {
    accounts['u-4004'] = { preferred_username: 'zhaoliu', name: '赵六', gongkai_role: 'gk-clerk', org: { code: '310101-001' } };
  });

  it('refuses a changed state, a replayed callback, and a callback in another browser', async () => {
    const changed = await ssoSignIn({ login: 'u-4004', alterCallback: (url) => void url.searchParams.set('state', 'forged-state-value') });
    expect(changed.location).toBe('/console/login?sso_error=state-mismatch');
    expect(changed.browser.cookie(appOrigin, 'gongkai_session')).toBeUndefined();

    // A good sign-in; its callback URL played again is refused (a state is taken once).
    const good = await ssoSignIn({ login: 'u-4004' });
    expect(good.location).toBe('/console/cases');
    const replay = await good.browser.fetch(good.callback!);
    expect(replay.status).toBe(302);
    expect(replay.headers.get('location')).toBe('/console/login?sso_error=state-mismatch');

    // The provider's answer delivered to another browser (login CSRF): refused, and that browser gets no session.
    const other = new Browser();
    const elsewhere = await ssoSignIn({ login: 'u-4004', alterCallback: () => other });
    expect(elsewhere.location).toBe('/console/login?sso_error=browser-mismatch');
    expect(other.cookie(appOrigin, 'gongkai_session')).toBeUndefined();

    const reasons = (await auditRows('auth.sign-in-failed')).slice(-3).map((r) => (r.details as { reason: string }).reason);
    expect(reasons).toEqual(['state-mismatch', 'state-mismatch', 'browser-mismatch']);
  });

  it('refuses an ID token whose nonce is not the one sent, and a request without PKCE (the provider requires it)', async () => {
    const nonce = await ssoSignIn({
      login: 'u-4004',
      alterAuthorization: (url) => void url.searchParams.set('nonce', 'a-nonce-the-app-never-made'),
    });
    expect(nonce.location).toBe('/console/login?sso_error=token-rejected');
    expect(nonce.browser.cookie(appOrigin, 'gongkai_session')).toBeUndefined();
    expect((await auditRows('auth.sign-in-failed')).at(-1)).toMatchObject({
      details: { reason: 'token-rejected', detail: expect.stringMatching(/nonce/) },
    });

    const noPkce = await ssoSignIn({
      login: 'u-4004',
      alterAuthorization: (url) => (url.searchParams.delete('code_challenge'), url.searchParams.delete('code_challenge_method')),
    });
    expect(noPkce.location).toBe('/console/login?sso_error=provider-error');
    expect((await auditRows('auth.sign-in-failed')).at(-1)).toMatchObject({
      details: { reason: 'provider-error', detail: expect.stringMatching(/code_challenge|PKCE/i) },
    });
  });
});

describe('the second factor of admins and leaders', () => {
  it('is the provider’s when it attests a multi-factor sign-in, else the product’s TOTP is owed', async () => {
    accounts['u-5005'] = { preferred_username: 'leader-wang', name: '王局', gongkai_role: 'gk-leader', org: { code: '310101-004' } };
    const withMfa = await ssoSignIn({ login: 'u-5005', amr: 'pwd,otp' });
    expect(withMfa.location).toBe('/console/cases');
    expect((await me(withMfa.browser)).body).toMatchObject({
      username: 'leader-wang',
      role: 'leader',
      pending: null,
      totpRequired: true,
      totpEnrolled: false,
    });
    expect((await request(appServer).get('/api/supervision/summary').set('Cookie', withMfa.browser.session())).status).not.toBe(403);

    const passwordOnly = await ssoSignIn({ login: 'u-5005', amr: 'pwd' });
    const who = await me(passwordOnly.browser);
    expect(who.body).toMatchObject({ role: 'leader', pending: 'totp-enrolment' });
    const blocked = await request(appServer).get('/api/supervision/summary').set('Cookie', passwordOnly.browser.session());
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('totp_enrolment_required');
    const signIns = (await auditRows('auth.sign-in'))
      .filter((r) => r.actor_username === 'leader-wang')
      .map((r) => (r.details as { providerMfa: boolean }).providerMfa);
    expect(signIns).toEqual([true, false]);
  });

  it('asks an enrolled leader signing in with a password at the platform for the product’s TOTP code, then lets them in', async () => {
    const secret = base32Encode(Buffer.from('sso-leader-totp-secret-20b'));
    const leader = await database.db.selectFrom('users').select('id').where('username', '=', 'leader-wang').executeTakeFirstOrThrow();
    await enableTotp(database.db, leader.id, secret, totpStep(new Date()) - 10, new Date());
    const { browser } = await ssoSignIn({ login: 'u-5005', amr: 'pwd' });
    const who = await me(browser);
    expect(who.body).toMatchObject({ role: 'leader', pending: 'second-factor', totpEnrolled: true });
    expect((await request(appServer).get('/api/supervision/summary').set('Cookie', browser.session())).body.error.code).toBe(
      'second_factor_required',
    );
    const done = await request(appServer)
      .post('/api/auth/totp')
      .set('Cookie', browser.session())
      .set('X-CSRF-Token', who.body.csrfToken)
      .send({ code: totpCode(secret, new Date()) });
    expect(done.status).toBe(200);
    browser.keep(done.headers['set-cookie'] as unknown as string[]); // a new cookie value after the second factor
    expect((await me(browser)).body.pending).toBeNull();
    expect((await auditRows('auth.sign-in')).at(-1)).toMatchObject({ actor_username: 'leader-wang', details: { method: 'oidc+totp' } });

    // With the platform's multi-factor sign-in, the enrolled leader is not asked again.
    const mfa = await ssoSignIn({ login: 'u-5005', amr: 'mfa' });
    expect((await me(mfa.browser)).body.pending).toBeNull();
  });
});

describe('not configured', () => {
  it('answers that single sign-on is off, and 404 with a clear message on its routes', async () => {
    const app = createApp({
      db: database.db,
      temporal,
      namespace: 'unused',
      rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 },
      oidc: null,
    });
    expect((await request(app).get('/api/auth/oidc')).body).toEqual({ enabled: false });
    expect((await request(appServer).get('/api/auth/oidc')).body).toEqual({ enabled: true });
    for (const path of ['/api/auth/oidc/start', '/api/auth/oidc/callback?code=x&state=y']) {
      const res = await request(app).get(path);
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'sso_not_configured', message: expect.stringContaining('GONGKAI_OIDC_ISSUER') });
    }
  });

  it('answers 503 when the platform cannot be reached, at every attempt (a failed discovery is not kept)', async () => {
    const closed = await listen({ current: () => undefined });
    const issuer = closed.origin;
    await new Promise((resolve) => closed.server.close(resolve));
    const app = createApp({
      db: database.db,
      temporal,
      namespace: 'unused',
      rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 },
      oidc: { ...settings, issuer },
    });
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await request(app).get('/api/auth/oidc/start');
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('sso_unavailable');
    }
  });
});

describe('claims to a user, by the rule', () => {
  it('reads nested and list claims, maps in table order, and says why it refuses', () => {
    const claims = { preferred_username: ' Wang.Wu ', groups: ['a', 'gk-leader', 'gk-clerk'], org: { code: 310101 }, name: '' };
    expect(claimValues(claims, 'org.code')).toEqual(['310101']);
    expect(claimValues(claims, 'org.missing.deeper')).toEqual([]);
    const rule = {
      ...DEFAULT_SSO_MAPPING,
      roleClaim: 'groups',
      roleMap: [
        { value: 'gk-clerk', role: 'clerk' as const },
        { value: 'gk-leader', role: 'leader' as const },
      ],
      departmentClaim: 'org.code',
      departmentMap: [{ value: '310101', departmentCode: 'gkb' }],
    };
    expect(mapClaims(claims, rule)).toEqual({ username: 'wang.wu', displayName: 'wang.wu', role: 'clerk', departmentCode: 'gkb' });
    expect(mapClaims({ ...claims, org: { code: 1 } }, rule)).toMatchObject({ reason: 'no-department' });
    expect(mapClaims({ ...claims, preferred_username: 'a b' }, rule)).toMatchObject({ reason: 'bad-username' });
    expect(providerAttestsMfa({ amr: ['mfa'] }, [])).toBe(true);
    expect(providerAttestsMfa({ amr: ['pwd', 'sms'] }, [])).toBe(true);
    expect(providerAttestsMfa({ amr: ['pwd'] }, [])).toBe(false);
    expect(providerAttestsMfa({ amr: ['pwd'], acr: 'urn:gov:loa:3' }, ['urn:gov:loa:3'])).toBe(true);
  });
});
