/**
 * The platform's supervision in a real browser (Debian's chromium via playwright-core) against
 * the real stack with two agencies: the platform's supervisor (the city's 政务公开办) lands on
 * 全市督办 and sees both agencies' counts and their overdue clocks, each row naming its agency
 * (机关), and can narrow the table to one agency; an agency's clerk sees only their own
 * agency's clocks on the 督办看板 and is offered no platform page. Screenshots go to test/artifacts/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { hashPassword } from '../api/identity/passwords';
import { shanghaiDateOf } from '../domain/calendar/dates';
import { loadCalendar } from '../db/repositories/calendar';
import { setPasswordHash } from '../db/repositories/credentials';
import { type ApiStack, startApiStack } from './support/api-stack';
import { ARTIFACTS, ensureConsoleBuilt, launchChromium, openConsole, serve, typePassword } from './support/browser';
import { eventually } from './support/eventually';

const WAIT = { timeout: 60_000 };
const PASSWORDS: Record<string, string> = {
  'platform.supervisor': 'Platform-browser-2026',
  'sfj.clerk': 'Sfj-clerk-browser-2026',
  clerk: 'Clerk-browser-2026',
};

let stack: ApiStack;
let server: Awaited<ReturnType<typeof serve>>;
let browser: Browser;
const pageErrors: string[] = [];
let demoLate = '';
let sfjLate = '';

beforeAll(async () => {
  ensureConsoleBuilt();
  [stack, browser] = await Promise.all([startApiStack('platform-supervision-browser', { secondAgency: true }), launchChromium()]);
  server = await serve(stack.app);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const [username, password] of Object.entries(PASSWORDS)) {
    const user = await stack.database.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
    await setPasswordHash(stack.database.db, user.id, await hashPassword(password), { mustChange: false, now: new Date() });
  }

  // One overdue application in each agency: received 25 working days ago, its 20 WD reply clock ran out.
  const calendar = await loadCalendar(stack.database.db);
  const longAgo = calendar.workingDaysBefore(shanghaiDateOf(Date.now()), 25);
  const start = async (user: string, name: string) =>
    (
      await request(stack.app)
        .post('/api/applications')
        .set(stack.as(user))
        .send({
          channel: 'in-person',
          receivedOn: longAgo,
          applicant: {
            type: 'natural-person',
            name,
            idType: 'resident-id',
            idNumber: '110101198501011239',
            phone: '13600000000',
            address: '某市某区某路1号',
          },
          description: '2025年度防汛物资储备清单',
          form: 'paper',
          delivery: 'post',
        })
        .expect(201)
    ).body.caseNo as string;
  demoLate = await start('clerk', '周一');
  sfjLate = await start('sfj.clerk', '郑三');
  await eventually(
    async () => {
      const res = await request(stack.app).get('/api/platform/supervision').set(stack.as('platform.supervisor'));
      const refs = (res.body.clocks?.items ?? []).map((c: { caseRef: string }) => c.caseRef);
      return refs.includes(demoLate) && refs.includes(sfjLate);
    },
    'both overdue clocks on the platform',
    { timeoutMs: 30_000, everyMs: 200 },
  );
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await stack?.stop();
});

async function loginAs(username: string): Promise<Page> {
  const page = await openConsole(browser, server.url, username, pageErrors);
  await typePassword(page, username, PASSWORDS[username]!);
  await page.locator('.topbar .user').waitFor(WAIT);
  return page;
}

it('shows the platform supervisor both agencies’ overdue clocks, each naming its agency', async () => {
  const page = await loginAs('platform.supervisor');
  await page.waitForURL('**/console/platform', WAIT); // their home
  await page.getByRole('heading', { name: '全市督办' }).waitFor(WAIT);
  const table = page.locator('table.clocks');
  await table.locator(`tr[data-case="${sfjLate}"]`).first().waitFor(WAIT);
  await table.locator(`tr[data-case="${demoLate}"]`).first().waitFor(WAIT);
  expect(await table.locator('thead th').first().textContent()).toBe('机关');
  expect(await table.locator(`tr[data-case="${sfjLate}"] td.agency`).first().textContent()).toBe('示例市司法局');
  expect(await table.locator(`tr[data-case="${demoLate}"] td.agency`).first().textContent()).toBe('示例市应急管理局');
  // Their own agency's case (their department is demo's) opens; another agency's is named, not linked.
  expect(await table.locator(`tr[data-case="${demoLate}"] a`).first().getAttribute('href')).toBe(`/console/cases/application/${demoLate}`);
  expect(await table.locator(`tr[data-case="${sfjLate}"] a`).count()).toBe(0);
  // Per-agency counts: each agency has its overdue clocks.
  for (const code of ['demo', 'sfj']) {
    const overdue = Number(await page.locator(`table.agencies tr[data-agency="${code}"] td`).nth(1).textContent());
    expect([code, overdue > 0]).toEqual([code, true]);
  }
  await page.screenshot({ path: path.join(ARTIFACTS, 'platform-supervision.png'), fullPage: true });

  // One agency: the table narrows to its clocks.
  await page.locator('table.agencies tr[data-agency="sfj"] button').click();
  await table
    .locator(`tr[data-case="${demoLate}"]`)
    .first()
    .waitFor({ state: 'detached', ...WAIT });
  await table.locator(`tr[data-case="${sfjLate}"]`).first().waitFor(WAIT); // the narrowed list has arrived, not only the old one gone
  expect(new Set(await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-agency'))))).toEqual(
    new Set(['sfj']),
  );
  await page.screenshot({ path: path.join(ARTIFACTS, 'platform-supervision-sfj.png'), fullPage: true });
  await page.context().close();
}, 120_000);

it('shows an agency’s clerk only their own agency’s clocks, and no platform page', async () => {
  const page = await loginAs('sfj.clerk');
  await page.goto(`${server.url}/console/dashboard`);
  const table = page.locator('table.clocks');
  await table.locator(`tr[data-case="${sfjLate}"]`).first().waitFor(WAIT);
  expect(await table.locator(`tr[data-case="${demoLate}"]`).count()).toBe(0);
  expect(await table.locator('thead th', { hasText: '机关' }).count()).toBe(0);
  expect(await page.locator('.topbar nav a', { hasText: '全市督办' }).count()).toBe(0);
  await page.screenshot({ path: path.join(ARTIFACTS, 'platform-supervision-agency-clerk.png'), fullPage: true });
  await page.goto(`${server.url}/console/platform`);
  await page.getByText('仅平台督办人员可查看全市督办。').waitFor(WAIT);

  // And demo's clerk, the other way round.
  const demo = await loginAs('clerk');
  await demo.goto(`${server.url}/console/dashboard`);
  await demo.locator(`table.clocks tr[data-case="${demoLate}"]`).first().waitFor(WAIT);
  expect(await demo.locator(`table.clocks tr[data-case="${sfjLate}"]`).count()).toBe(0);
  await page.context().close();
  await demo.context().close();
  expect(pageErrors).toEqual([]);
}, 120_000);
