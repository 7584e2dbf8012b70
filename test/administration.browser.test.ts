/**
 * Administration in a real browser (Debian's chromium via playwright-core) against the real
 * stack: an admin signs in (password, then the authenticator's code), creates a department and
 * a user in it from the 系统管理 pages, and that user signs in with the temporary password,
 * changes it and reaches the console. The admin renames a department and the case list and case
 * page show the new name, never the code. Screenshots go to test/artifacts/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { hashPassword, verifyPassword } from '../api/identity/passwords';
import { generateTotpSecret, totpCode } from '../api/identity/totp';
import { enableTotp, setPasswordHash } from '../db/repositories/credentials';
import { type ApiStack, startApiStack } from './support/api-stack';
import { pollUntil } from './support/eventually';
import { ARTIFACTS, ensureConsoleBuilt, launchChromium, serve, openConsole as openConsoleAt, typePassword } from './support/browser';

const WAIT = { timeout: 60_000 };
const ADMIN_PASSWORD = 'Admin-admin-2026';
const ADMIN_TOTP = generateTotpSecret();

let stack: ApiStack;
let server: Awaited<ReturnType<typeof serve>>;
let browser: Browser;
const pageErrors: string[] = [];

beforeAll(async () => {
  ensureConsoleBuilt();
  [stack, browser] = await Promise.all([startApiStack('administration-browser'), launchChromium()]);
  server = await serve(stack.app);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const admin = await stack.database.db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
  await setPasswordHash(stack.database.db, admin.id, await hashPassword(ADMIN_PASSWORD), { mustChange: false, now: new Date() });
  await enableTotp(stack.database.db, admin.id, ADMIN_TOTP, 0, new Date());
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await stack?.stop();
});

const openConsole = (who: string) => openConsoleAt(browser, server.url, who, pageErrors);

let lastTotpStep = -1;

/** A TOTP code is accepted once: a second sign-in within the same 30-second step waits for the next one. */
async function freshTotpCode(): Promise<string> {
  const step = () => Math.floor(Date.now() / 30_000);
  if (step() === lastTotpStep) await new Promise((resolve) => setTimeout(resolve, (lastTotpStep + 1) * 30_000 - Date.now() + 200));
  lastTotpStep = step();
  return totpCode(ADMIN_TOTP, new Date());
}

async function signInAdmin(): Promise<Page> {
  const page = await openConsole('admin');
  await typePassword(page, 'admin', ADMIN_PASSWORD);
  await page.getByRole('heading', { name: '动态验证码' }).waitFor(WAIT);
  await page.locator('#totp-code').fill(await freshTotpCode());
  await page.getByRole('button', { name: '验证', exact: true }).click();
  await page.locator('.topbar .user', { hasText: '刘管理' }).waitFor(WAIT);
  return page;
}

it('an admin creates a department and a user in it, who then signs in with the temporary password and changes it', async () => {
  const page = await signInAdmin();
  await page.getByRole('link', { name: '系统管理' }).click();
  await page.waitForURL(/\/console\/admin$/, WAIT);
  // The form shows before the settings arrive: wait for them, not just for the field. (Polled from
  // here: waitForFunction polls by evaluating in the page, which the console's CSP refuses.)
  await pollUntil(
    () => page.locator('form[data-form="agency"] [name="name"]').inputValue(),
    (name) => name !== '',
    { timeoutMs: WAIT.timeout },
  );
  expect(await page.locator('form[data-form="agency"] [name="name"]').inputValue()).toBe('示例市应急管理局');

  // 科室: a duplicate code is refused beside the field; then the new department.
  await page.locator('.tabs').getByRole('link', { name: '科室' }).click();
  await page.waitForURL(/\/console\/admin\/departments$/, WAIT);
  const departmentForm = page.locator('form[data-form="department"]');
  await departmentForm.locator('[name="code"]').fill('yjglk');
  await departmentForm.locator('[name="name"]').fill('又一个应急科');
  await departmentForm.getByRole('button', { name: '新建科室' }).click();
  await departmentForm.locator('[data-field="code"] .field-error').waitFor(WAIT);
  await departmentForm.locator('[name="code"]').fill('zcfgk');
  await departmentForm.locator('[name="name"]').fill('政策法规科');
  await departmentForm.locator('[name="indexCode"]').fill('007');
  await departmentForm.getByRole('button', { name: '新建科室' }).click();
  const row = page.locator('[data-table="departments"] tr[data-department="zcfgk"]');
  await row.waitFor(WAIT);
  expect(await row.locator('td').nth(0).textContent()).toBe('政策法规科');
  expect(await row.locator('td').nth(2).textContent()).toBe('007');
  await page.screenshot({ path: path.join(ARTIFACTS, 'admin-departments.png'), fullPage: true });

  // 用户: a user of the new department, its 科室负责人; the temporary password is shown once.
  await page.locator('.tabs').getByRole('link', { name: '用户' }).click();
  await page.waitForURL(/\/console\/admin\/users$/, WAIT);
  const userForm = page.locator('form[data-form="user"]');
  await userForm.locator('[name="username"]').fill('zhang.fg');
  await userForm.locator('[name="displayName"]').fill('张法规');
  await userForm.locator('[name="role"]').selectOption('department');
  await userForm.locator('[name="departmentCode"]').selectOption({ label: '政策法规科' });
  await userForm.locator('[name="departmentHead"]').check();
  await userForm.getByRole('button', { name: '新建用户' }).click();
  const secret = page.locator('[data-secret="temporary-password"]');
  await secret.waitFor(WAIT);
  const temporary = (await secret.textContent())!.trim();
  expect(temporary).toHaveLength(16);
  const userRow = page.locator('[data-table="users"] tr[data-user="zhang.fg"]');
  await userRow.waitFor(WAIT);
  expect(await userRow.locator('td').allTextContents()).toEqual(expect.arrayContaining(['张法规', '政策法规科', '是', '待改密码']));
  await page.screenshot({ path: path.join(ARTIFACTS, 'admin-users.png'), fullPage: true });
  await page.context().close();

  const stored = await stack.database.db
    .selectFrom('users')
    .select(['role', 'department_code', 'is_department_head', 'must_change_password', 'password_hash'])
    .where('username', '=', 'zhang.fg')
    .executeTakeFirstOrThrow();
  expect(stored).toMatchObject({ role: 'department', department_code: 'zcfgk', is_department_head: true, must_change_password: true });
  expect(await verifyPassword(stored.password_hash!, temporary)).toBe(true);

  // The new user signs in, must change the temporary password, and reaches the console.
  const theirs = await openConsole('zhang.fg');
  await typePassword(theirs, 'zhang.fg', temporary);
  await theirs.getByRole('heading', { name: '修改密码' }).waitFor(WAIT);
  // Just signed in with it, the console remembers the temporary password (a reload would ask for it).
  expect(await theirs.locator('#current-password').count()).toBe(0);
  await theirs.locator('#new-password').fill('Fagui-new-2026');
  await theirs.locator('#confirm-password').fill('Fagui-new-2026');
  await theirs.getByRole('button', { name: '修改密码' }).click();
  await theirs.locator('.topbar .user', { hasText: '张法规' }).waitFor(WAIT);
  await theirs.waitForURL(/\/console\/inbox$/, WAIT);
  expect(await theirs.getByRole('link', { name: '系统管理' }).count()).toBe(0); // not an admin
  await theirs.screenshot({ path: path.join(ARTIFACTS, 'admin-new-user-signed-in.png'), fullPage: true });
  await theirs.context().close();
  expect(pageErrors).toEqual([]);
});

it('shows departments by name on the case list and the case page, as the admin last named them', async () => {
  const application = await request(stack.app)
    .post('/api/applications')
    .set(stack.as('clerk'))
    .send({
      channel: 'in-person',
      applicant: {
        type: 'natural-person',
        name: '李四',
        idType: 'resident-id',
        idNumber: '110101198001011232',
        phone: '13900000000',
        address: '北京市西城区示例街2号',
      },
      description: '本局2026年防汛预案',
      form: 'email',
      delivery: 'email',
    });
  expect(application.status).toBe(201);
  const caseNo: string = application.body.caseNo;
  expect((await stack.post(caseNo, 'accept', 'clerk')).status).toBe(200);
  expect((await stack.post(caseNo, 'assign', 'clerk', { departmentCode: 'yjglk' })).status).toBe(200);

  const page = await signInAdmin();
  await page.goto(`${server.url}/console/admin/departments`);
  const row = page.locator('[data-table="departments"] tr[data-department="yjglk"]');
  await row.getByRole('button', { name: '修改' }).click();
  const editing = page.locator('[data-table="departments"] tr.editing');
  await editing.locator('[name="name"]').fill('应急管理科（应急办）');
  await editing.getByRole('button', { name: '保存' }).click();
  await row.locator('td', { hasText: '应急管理科（应急办）' }).waitFor(WAIT);

  await page.getByRole('link', { name: '案件' }).click();
  const listed = page.locator(`tr[data-case="${caseNo}"]`);
  await listed.waitFor(WAIT);
  expect(await listed.locator('td').allTextContents()).toContain('应急管理科（应急办）');
  expect(await listed.locator('td').allTextContents()).not.toContain('yjglk');
  await listed.getByRole('link', { name: caseNo }).click();
  await page.waitForURL(new RegExp(`/console/cases/application/${caseNo}$`), WAIT);
  await page.locator('.facts', { hasText: '应急管理科（应急办）' }).waitFor(WAIT);
  expect(await page.locator('.facts').textContent()).not.toContain('yjglk');
  await page.screenshot({ path: path.join(ARTIFACTS, 'admin-department-names.png'), fullPage: true });
  await page.context().close();
  expect(pageErrors).toEqual([]);
});
