/**
 * The audit log in a real browser (Debian's chromium via playwright-core) against the real
 * stack: an admin signs in (password, then the authenticator's code), finds their own sign-in
 * on the 审计日志 page, filters by case number and action to a clerk's read of an applicant's
 * contact details, and downloads the filtered CSV with the session's cookie. Screenshot in
 * test/artifacts/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { hashPassword } from '../api/identity/passwords';
import { generateTotpSecret, totpCode } from '../api/identity/totp';
import { recordAudit } from '../db/repositories/audit';
import { enableTotp, setPasswordHash } from '../db/repositories/credentials';
import { type ApiStack, startApiStack } from './support/api-stack';
import { ARTIFACTS, ensureConsoleBuilt, launchChromium, serve, openConsole, typePassword } from './support/browser';

const WAIT = { timeout: 60_000 };
const ADMIN_PASSWORD = 'Admin-audit-2026';
const ADMIN_TOTP = generateTotpSecret();

let stack: ApiStack;
let server: Awaited<ReturnType<typeof serve>>;
let browser: Browser;
const pageErrors: string[] = [];

beforeAll(async () => {
  ensureConsoleBuilt();
  [stack, browser] = await Promise.all([startApiStack('audit-browser'), launchChromium()]);
  server = await serve(stack.app);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const db = stack.database.db;
  const admin = await db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
  await setPasswordHash(db, admin.id, await hashPassword(ADMIN_PASSWORD), { mustChange: false, now: new Date() });
  await enableTotp(db, admin.id, ADMIN_TOTP, 0, new Date());
  const clerk = await db.selectFrom('users').select(['id', 'username', 'role']).where('username', '=', 'clerk').executeTakeFirstOrThrow();
  await recordAudit(db, {
    action: 'personal-data.read',
    actor: { userId: clerk.id, username: clerk.username, role: clerk.role },
    ip: '10.3.0.7',
    target: 'case:2026-000999',
    details: { caseNo: '2026-000999', fields: ['phone', 'address'], via: 'case' },
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await stack?.stop();
});

it('an admin lists, filters and exports the audit log from the console', async () => {
  const page = await openConsole(browser, server.url, 'admin', pageErrors, { acceptDownloads: true });
  await typePassword(page, 'admin', ADMIN_PASSWORD);
  await page.getByRole('heading', { name: '动态验证码' }).waitFor(WAIT);
  await page.locator('#totp-code').fill(totpCode(ADMIN_TOTP, new Date()));
  await page.getByRole('button', { name: '验证', exact: true }).click();
  await page.locator('.topbar .user', { hasText: '刘管理' }).waitFor(WAIT);

  await page.getByRole('link', { name: '审计日志' }).click();
  await page.waitForURL(/\/console\/audit$/, WAIT);
  // The admin's own sign-in is there, newest first.
  await page.locator('table.audit-log tr[data-action="auth.sign-in"]', { hasText: 'admin' }).first().waitFor(WAIT);

  // Filter to the case and the action: the clerk's read, with the fields named in Chinese.
  await page.locator('.audit-filters [name="target"]').fill('2026-000999');
  await page.locator('.audit-filters [name="action"]').selectOption('personal-data.read');
  await page.getByRole('button', { name: '查询' }).click();
  const rows = page.locator('table.audit-log tbody tr');
  await page
    .locator('table.audit-log tr[data-action="auth.sign-in"]')
    .first()
    .waitFor({ state: 'detached', ...WAIT });
  const row = rows.first();
  await row.waitFor(WAIT);
  expect(await rows.count()).toBe(1);
  expect(await row.getAttribute('data-action')).toBe('personal-data.read');
  expect(await row.textContent()).toContain('clerk（受理员）');
  expect(await row.textContent()).toContain('case:2026-000999');
  expect(await row.textContent()).toContain('电话、地址');
  await page.screenshot({ path: path.join(ARTIFACTS, 'audit-log.png'), fullPage: true });

  // The CSV link carries the filter and downloads with the session.
  const link = page.getByRole('link', { name: '导出 CSV' });
  expect(await link.getAttribute('href')).toBe('/api/admin/audit.csv?action=personal-data.read&target=2026-000999');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const file = await download.path();
  const bytes = fs.readFileSync(file!);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain('"personal-data.read","查看申请人个人信息","clerk","clerk","10.3.0.7","case:2026-000999"');
  expect(download.suggestedFilename()).toMatch(/^audit-\d{4}-\d{2}-\d{2}\.csv$/);

  // The export is itself in the log.
  const exported = await stack.database.db
    .selectFrom('audit_log')
    .select(['actor_username', 'details'])
    .where('action', '=', 'audit.exported')
    .execute();
  expect(exported).toEqual([{ actor_username: 'admin', details: { filter: { action: 'personal-data.read', target: '2026-000999' } } }]);
  expect(pageErrors).toEqual([]);
  await page.context().close();
});
