/**
 * The platform's agencies in a real browser (Debian's chromium via playwright-core) against the
 * real stack: the platform admin signs in, the header names their agency, and 系统管理 → 机关
 * lists the agencies, refuses a taken code beside its field, creates an agency with its first
 * department and admin (the temporary password shown once) and renames another.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { hashPassword, verifyPassword } from '../api/identity/passwords';
import { generateTotpSecret, totpCode } from '../api/identity/totp';
import { enableTotp, setPasswordHash } from '../db/repositories/credentials';
import { type ApiStack, startApiStack } from './support/api-stack';
import { ARTIFACTS, ensureConsoleBuilt, launchChromium, openConsole, serve, typePassword } from './support/browser';

const WAIT = { timeout: 60_000 };
const PASSWORD = 'Platform-admin-2026';
const TOTP = generateTotpSecret();

let stack: ApiStack;
let server: Awaited<ReturnType<typeof serve>>;
let browser: Browser;
const pageErrors: string[] = [];

beforeAll(async () => {
  ensureConsoleBuilt();
  [stack, browser] = await Promise.all([startApiStack('platform-administration-browser', { secondAgency: true }), launchChromium()]);
  server = await serve(stack.app);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const admin = await stack.database.db.selectFrom('users').select('id').where('username', '=', 'platform.admin').executeTakeFirstOrThrow();
  await setPasswordHash(stack.database.db, admin.id, await hashPassword(PASSWORD), { mustChange: false, now: new Date() });
  await enableTotp(stack.database.db, admin.id, TOTP, 0, new Date());
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await stack?.stop();
});

it('a platform admin lists, creates and renames agencies from 系统管理 → 机关', async () => {
  const page = await openConsole(browser, server.url, 'platform.admin', pageErrors);
  await typePassword(page, 'platform.admin', PASSWORD);
  await page.getByRole('heading', { name: '动态验证码' }).waitFor(WAIT);
  await page.locator('#totp-code').fill(totpCode(TOTP, new Date()));
  await page.getByRole('button', { name: '验证', exact: true }).click();
  await page.locator('.topbar .user', { hasText: '吴平台' }).waitFor(WAIT);
  expect(await page.locator('.topbar .agency-name').textContent()).toContain('示例市应急管理局');

  await page.getByRole('link', { name: '系统管理' }).click();
  await page.locator('.tabs').getByRole('link', { name: '机关' }).click();
  await page.waitForURL(/\/console\/admin\/agencies$/, WAIT);
  await page.locator('[data-table="agencies"] tr[data-agency="sfj"]').waitFor(WAIT);

  // A taken code is refused beside its field; then the new agency, its admin's password shown once.
  const form = page.locator('form[data-form="new-agency"]');
  await form.locator('[name="code"]').fill('sfj');
  await form.locator('[name="name"]').fill('示例市商务局');
  await form.locator('[name="shortName"]').fill('示例商务');
  await form.locator('[name="departmentCode"]').fill('swj-gkb');
  await form.locator('[name="adminUsername"]').fill('swj.admin');
  await form.locator('[name="adminDisplayName"]').fill('孙管理');
  await form.getByRole('button', { name: '新增机关' }).click();
  await form.locator('[data-field="code"] .field-error').waitFor(WAIT);
  await form.locator('[name="code"]').fill('swj');
  await form.getByRole('button', { name: '新增机关' }).click();
  const secret = page.locator('[data-secret="agency-admin"]');
  await secret.waitFor(WAIT);
  const temporary = (await secret.textContent())!.trim();
  const row = page.locator('[data-table="agencies"] tr[data-agency="swj"]');
  await row.waitFor(WAIT);
  expect(await row.locator('td').allTextContents()).toEqual(expect.arrayContaining(['swj', '示例市商务局', '示例商务', '1']));
  const stored = await stack.database.db
    .selectFrom('users')
    .innerJoin('departments', 'departments.code', 'users.department_code')
    .select(['users.role', 'users.password_hash', 'departments.agency_code'])
    .where('users.username', '=', 'swj.admin')
    .executeTakeFirstOrThrow();
  expect(stored).toMatchObject({ role: 'admin', agency_code: 'swj' });
  expect(await verifyPassword(stored.password_hash!, temporary)).toBe(true);

  // Renaming another agency.
  const sfj = page.locator('[data-table="agencies"] tr[data-agency="sfj"]');
  await sfj.getByRole('button', { name: '修改' }).click();
  await sfj.locator('[name="edit-name"]').fill('示例市司法局（新）');
  await sfj.getByRole('button', { name: '保存' }).click();
  await page.locator('[data-table="agencies"] tr[data-agency="sfj"]:not(.editing)', { hasText: '示例市司法局（新）' }).waitFor(WAIT);
  await page.screenshot({ path: path.join(ARTIFACTS, 'admin-agencies.png'), fullPage: true });
  expect((await stack.database.db.selectFrom('agencies').select('name').where('code', '=', 'sfj').executeTakeFirstOrThrow()).name).toBe(
    '示例市司法局（新）',
  );
  expect(pageErrors).toEqual([]);
}, 180_000);
