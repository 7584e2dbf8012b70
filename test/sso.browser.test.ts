/**
 * Single sign-on in a real browser (Debian's chromium via playwright-core): the sign-in page
 * offers 统一身份认证登录, the browser goes to a real OpenID provider (oidc-provider, started
 * here on `localhost`, so the way back to the app on 127.0.0.1 is a cross-site navigation, as
 * with an agency platform on its own domain), signs in and consents there, and comes back to
 * the console signed in with the mapped role and department; an identity the rule does not map
 * comes back to the sign-in page, which says why. Screenshots go to test/artifacts/.
 */
import fs from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { createApp } from '../api/app';
import { issueToken, seedDemoUsers } from '../db/repositories/users';
import { ARTIFACTS, ensureConsoleBuilt, launchChromium } from './support/browser';
import { createTestDatabase, type TestDatabase } from './support/database';
import { CLIENT, PROVIDER_PASSWORD, startOidcProvider, type TestProvider } from './support/oidc-provider';

const WAIT = { timeout: 60_000 };
const temporal = new Client(); // lazy: the pages used here do not reach Temporal
let database: TestDatabase;
let provider: TestProvider;
let appServer: Server;
let appUrl: string;
let browser: Browser;
const pageErrors: string[] = [];

beforeAll(async () => {
  ensureConsoleBuilt();
  [database, browser] = await Promise.all([createTestDatabase(), launchChromium()]);
  const users = await seedDemoUsers(database.db);
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => void res.end();
  appServer = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => appServer.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`;
  const redirectUri = `${appUrl}/api/auth/oidc/callback`;
  provider = await startOidcProvider({ host: 'localhost', redirectUri: () => redirectUri });
  const app = createApp({
    db: database.db,
    temporal,
    namespace: 'unused',
    rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 },
    oidc: {
      issuer: provider.issuer,
      clientId: CLIENT.id,
      clientSecret: CLIENT.secret,
      redirectUri,
      scope: CLIENT.scope,
      clientAuth: 'client_secret_basic',
      mfaAcrValues: [],
      allowHttp: true,
    },
  });
  handle = app as unknown as typeof handle;
  // The mapping is the platform's (one identity provider for every agency): set by a platform admin.
  await database.db.updateTable('users').set({ platform: true }).where('id', '=', users.admin!.id).execute();
  const adminKey = await issueToken(database.db, users.admin!.id, 'test');
  const saved = await request(appServer)
    .put('/api/admin/sso-mapping')
    .set('Authorization', `Bearer ${adminKey}`)
    .send({
      usernameClaim: 'preferred_username',
      displayNameClaim: 'name',
      roleClaim: 'gongkai_role',
      roleMap: [{ value: 'gk-clerk', role: 'clerk' }],
      defaultRole: null,
      departmentClaim: 'org.code',
      departmentMap: [{ value: '310101-001', departmentCode: 'gkb' }],
      defaultDepartmentCode: null,
      linkExistingUsers: false,
    });
  expect(saved.status).toBe(200);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  appServer?.closeAllConnections();
  await new Promise((resolve) => appServer?.close(resolve));
  await provider?.close();
  await temporal.connection.close().catch(() => undefined);
  await database?.drop();
});

async function signInAtPlatform(login: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`${login}: ${error.message}`));
  page.setDefaultTimeout(60_000);
  await page.goto(`${appUrl}/console/login`);
  await page.getByRole('link', { name: '统一身份认证登录' }).click();
  await page.waitForURL((url) => url.origin === provider.issuer, WAIT);
  await page.locator('[name="login"]').fill(login);
  await page.locator('[name="password"]').fill(PROVIDER_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('button', { name: '同意' }).click();
  await page.waitForURL((url) => url.origin === appUrl, WAIT);
  return page;
}

it('signs a clerk in through the platform and shows the console with the mapped role and department', async () => {
  provider.accounts['u-7007'] = { preferred_username: 'sunqi', name: '孙七', gongkai_role: 'gk-clerk', org: { code: '310101-001' } };
  const page = await signInAtPlatform('u-7007');
  await page.locator('.topbar .user', { hasText: '孙七' }).waitFor(WAIT);
  await page.waitForURL(/\/console\/inbox$/, WAIT);
  await page.screenshot({ path: path.join(ARTIFACTS, 'sso-signed-in.png'), fullPage: true });
  // The console's own calls carry the session (SameSite=Strict, set on the way back from the platform).
  const me = await page.evaluate(async () => (await fetch('/api/me')).json());
  expect(me).toMatchObject({ username: 'sunqi', role: 'clerk', department: { code: 'gkb' }, authenticatedBy: 'session', pending: null });
  expect(pageErrors).toEqual([]);
});

it('brings an identity the rule does not map back to the sign-in page, which says why', async () => {
  provider.accounts['u-8008'] = { preferred_username: 'zhouba', name: '周八', gongkai_role: 'visitor', org: { code: '310101-001' } };
  const page = await signInAtPlatform('u-8008');
  await page.waitForURL(/\/console\/login\?sso_error=no-role$/, WAIT);
  await page.getByText('您在统一身份认证平台的身份未能对应到本系统的角色或部门，请联系管理员').waitFor(WAIT);
  await page.getByRole('link', { name: '统一身份认证登录' }).waitFor(WAIT);
  await page.screenshot({ path: path.join(ARTIFACTS, 'sso-refused.png'), fullPage: true });
  expect(pageErrors).toEqual([]);
});
