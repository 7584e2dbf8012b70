/**
 * The citizen portal in a real browser (Debian's chromium via playwright-core) against the real
 * stack: a citizen on a phone-sized screen applies online with an attachment (the page solves
 * the proof-of-work challenge itself), gets the 查询码 and downloads the 登记回执 PDF; a clerk
 * confirms receipt in the console; the citizen looks the case up and sees the reply-by date
 * and how it was derived; the case is answered through the API, and the reply e-mail with its
 * PDF arrives in Mailpit (a real SMTP server), which records the delivery; the citizen downloads
 * the reply from the portal, the same bytes as the e-mailed PDF. Screenshots of the portal go to test/artifacts/portal-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import type { MailSettings } from '../activities/applicant-messages';
import { createApp } from '../api/app';
import { solveChallenge } from '../api/routes/public-guard';
import { hashPassword } from '../api/identity/passwords';
import { createAgency } from '../db/repositories/agency';
import { setPasswordHash } from '../db/repositories/credentials';
import { shanghaiDateOf } from '../domain/calendar/dates';
import { type ApiStack, startApiStack, TEST_AGENCY } from './support/api-stack';
import { ARTIFACTS, ensureConsoleBuilt, ensurePortalBuilt, launchChromium, openConsole, serve, typePassword } from './support/browser';
import { fileFixtures } from './support/file-fixtures';
import { eventually } from './support/eventually';
import { type Mailpit, startMailpit } from './support/mailpit';
import { TEST_NAMESPACE } from './support/temporal';

const WAIT = { timeout: 60_000 };
const TASK_QUEUE = 'portal-browser';
const CLERK_PASSWORD = 'Clerk-portal-2026';

let stack: ApiStack;
let server: Awaited<ReturnType<typeof serve>>;
let browser: Browser;
let mailpit: Mailpit;
const pageErrors: string[] = [];
/** Every URL the portal's pages asked for: all must be this origin's (no third-party resources). */
const requested: string[] = [];

beforeAll(async () => {
  ensureConsoleBuilt();
  ensurePortalBuilt();
  mailpit = await startMailpit();
  const mail: MailSettings = {
    smtpUrl: mailpit.smtpUrl,
    from: '示例市应急管理局 <gongkai@example.gov.cn>',
    retry: { initialInterval: '300 milliseconds', maximumInterval: '1 second' },
  };
  [stack, browser] = await Promise.all([startApiStack(TASK_QUEUE, { mail }), launchChromium()]);
  // A real (if small) challenge: the page must solve it.
  const app = createApp({
    db: stack.database.db,
    temporal: stack.env.client,
    namespace: TEST_NAMESPACE,
    taskQueue: TASK_QUEUE,
    agency: TEST_AGENCY,
    rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 },
    portal: { applyChallengeBits: 12, lookupChallengeBits: 10, perIpPerMinute: 0 },
  });
  server = await serve(app);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const clerk = await stack.database.db.selectFrom('users').select('id').where('username', '=', 'clerk').executeTakeFirstOrThrow();
  await setPasswordHash(stack.database.db, clerk.id, await hashPassword(CLERK_PASSWORD), { mustChange: false, now: new Date() });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await stack?.stop();
  await mailpit?.dispose();
});

async function openPortal(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`portal: ${error.message}`));
  page.on('request', (r) => requested.push(r.url()));
  page.setDefaultTimeout(60_000);
  await page.goto(`${server.url}/apply/`);
  return page;
}

/** At 200 % text the page reflows: nothing sticks out sideways on a phone-sized screen. */
async function largeTextFits(page: Page, screenshot: string): Promise<void> {
  await page.addStyleTag({ content: 'html { font-size: 200% !important; }' });
  const overflow = await page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document
      .documentElement;
    return root.scrollWidth - root.clientWidth;
  });
  await page.screenshot({ path: path.join(ARTIFACTS, screenshot), fullPage: true });
  expect(overflow).toBeLessThanOrEqual(0);
}

/** Clicks a download button and answers the downloaded bytes. */
async function downloaded(page: Page, button: ReturnType<Page['getByRole']>): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download', WAIT), button.click()]);
  const file = await download.path();
  return fs.readFileSync(file!);
}

it('a citizen applies online, the clerk confirms receipt, the citizen follows the case and downloads the reply', async () => {
  // ---- the citizen applies ----------------------------------------------------------------
  const page = await openPortal();
  await page.getByRole('heading', { name: '政府信息公开网上申请' }).waitFor(WAIT);
  await page.getByRole('button', { name: '开始申请' }).click();
  await page.waitForURL(/\/apply\/new$/, WAIT);

  // Submitting nothing: an error summary takes focus and names the fields, which are marked invalid.
  await page.getByRole('button', { name: '提交申请' }).click();
  const summary = page.locator('.error-summary');
  await summary.waitFor(WAIT);
  expect(
    await page.evaluate(
      () => (globalThis as unknown as { document: { activeElement: { className: string } | null } }).document.activeElement?.className,
    ),
  ).toBe('error-summary');
  expect(await summary.textContent()).toContain('所需政府信息的名称、文号或描述：此项为必填');
  expect(await page.getByLabel(/^姓名/).getAttribute('aria-invalid')).toBe('true');

  await largeTextFits(page, 'portal-large-text.png');
  await page.reload();
  await page.getByRole('button', { name: '提交申请' }).waitFor(WAIT);

  // Every field is reached by its label (what a screen reader announces).
  await page.getByLabel(/^姓名/).fill('钱网民');
  await page.getByLabel(/^证件号码/).fill('110101199003071234'); // a wrong check character first
  await page.getByLabel(/^联系电话/).fill('13955556666');
  await page.getByLabel('电子邮箱').fill('qian@example.org');
  await page.getByLabel(/^通信地址/).fill('北京市西城区示例大街8号');
  await page.getByLabel('所需政府信息的名称、文号或者便于查询的其他特征性描述').fill('2026年本市应急避难场所名录');
  await page.getByLabel('用途').fill('家庭应急准备');
  await page
    .getByLabel('身份证明')
    .setInputFiles({ name: '身份证复印件.pdf', mimeType: 'application/pdf', buffer: fileFixtures('portal-browser').pdf });
  await page.getByLabel(/本人确认以上信息真实/).check();
  await page.getByRole('button', { name: '提交申请' }).click();
  await page.locator('[data-field="applicant.idNumber"] .field-error', { hasText: '校验位' }).waitFor(WAIT);
  await page.screenshot({ path: path.join(ARTIFACTS, 'portal-apply-form.png'), fullPage: true });
  await page.getByLabel(/^证件号码/).fill('110101199003071233');
  // One agency on the platform: nothing to choose.
  expect(await page.locator('[data-field="agencyCode"]').count()).toBe(0);
  await page.getByRole('button', { name: '提交申请' }).click();

  await page.waitForURL(/\/apply\/receipt$/, WAIT);
  const queryCode = (await page.locator('.query-code').textContent())!;
  expect(await page.locator('.receipt .agency').textContent()).toBe('示例市应急管理局');
  expect(queryCode).toMatch(/^[A-Z0-9]{10}$/);
  const caseNo = (await page.locator('.case-no').textContent())!;
  expect(await page.locator('[data-upload="ok"]').textContent()).toContain('身份证复印件.pdf');
  await page.screenshot({ path: path.join(ARTIFACTS, 'portal-receipt.png'), fullPage: true });
  const receiptPdf = await downloaded(page, page.getByRole('button', { name: /下载政府信息公开申请登记回执/ }));
  expect(receiptPdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

  const registered = await request(server.url).get(`/api/applications/${caseNo}`).set(stack.as('clerk'));
  expect(registered.body).toMatchObject({ stage: 'awaiting-receipt-confirmation', receivedOn: null });
  expect(registered.body.case.intake.channel).toBe('online');
  const files = await request(server.url).get(`/api/applications/${caseNo}/files`).set(stack.as('clerk'));
  expect(JSON.stringify(files.body)).toContain('身份证复印件.pdf');

  // ---- the clerk confirms receipt in the console -------------------------------------------
  const clerkPage = await openConsole(browser, server.url, 'clerk', pageErrors);
  await typePassword(clerkPage, 'clerk', CLERK_PASSWORD);
  await clerkPage.locator('.topbar .user').waitFor(WAIT);
  await clerkPage.goto(`${server.url}/console/cases/application/${caseNo}`);
  await clerkPage.locator('.badge.stage[data-stage="awaiting-receipt-confirmation"]').waitFor(WAIT);
  await clerkPage.locator('button[data-action="confirm-receipt"]').click();
  await clerkPage.locator('[data-action="confirm-receipt"] form').getByRole('button', { name: '确认提交' }).click();
  await clerkPage.locator('.badge.stage[data-stage="registered"]').waitFor(WAIT);
  await clerkPage.context().close();

  // ---- the citizen looks the case up -------------------------------------------------------
  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '进度查询' }).click();
  // By keyboard alone: type, Tab to the next field, Enter submits.
  await page.getByLabel('查询码').focus();
  await page.keyboard.type(queryCode.toLowerCase());
  await page.keyboard.press('Tab');
  await page.keyboard.type('6666');
  await page.keyboard.press('Enter');
  await page.locator('[data-page="progress"]').waitFor(WAIT);
  const today = shanghaiDateOf(Date.now());
  expect(await page.locator('.received-on').textContent()).toBe(today);
  const due = (await page.locator('.reply-due strong').textContent())!;
  expect(due).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  const staffView = await request(server.url).get(`/api/applications/${caseNo}`).set(stack.as('clerk'));
  expect(due).toBe(staffView.body.replyDue);
  const derivation = await page.locator('.derivation li').allTextContents();
  expect(derivation).toEqual([`${today} 收到申请，答复期限为20个工作日（收到当日不计入）；答复期限为 ${due}`]);
  expect(await page.locator('.notices li').count()).toBe(2); // the receipt on submission and on confirmation
  await page.screenshot({ path: path.join(ARTIFACTS, 'portal-progress.png'), fullPage: true });
  await largeTextFits(page, 'portal-progress-large-text.png');

  // ---- the case is answered (through the API) -----------------------------------------------
  for (const [action, user, body] of [
    ['accept', 'clerk', {}],
    ['assign', 'clerk', { departmentCode: 'yjglk', assignee: 'department' }],
    ['propose', 'department', { outcome: 'disclosed', summary: '避难场所名录', reasons: '可以公开' }],
    ['review-secrecy', 'reviewer', { level: 1, conclusion: 'pass', notes: '不涉密' }],
    ['review-secrecy', 'leader', { level: 2, conclusion: 'pass', notes: '同意' }],
    [
      'decide',
      'clerk',
      { outcome: 'disclosed', reasons: '予以公开', legalBasis: '《中华人民共和国政府信息公开条例》第三十六条第（二）项' },
    ],
    ['sign-off', 'leader', {}],
  ] as const) {
    const step = await stack.post(caseNo, action, user, body);
    expect([action, step.status]).toEqual([action, 200]);
  }
  // The applicant chose e-mail: the reply goes out with its PDF, and the send is recorded as its delivery.
  const answered = await request(server.url).get(`/api/applications/${caseNo}`).set(stack.as('clerk'));
  const reply = answered.body.documents.find((d: { kind: string }) => d.kind === 'reply');
  const mail = await eventually(async () => {
    const found = (await mailpit.messages()).find(
      (m) => m.To.some((a) => a.Address === 'qian@example.org') && m.Subject.includes(reply.docNo),
    );
    return found ? mailpit.message(found.ID) : null;
  }, 'the reply e-mail in Mailpit');
  expect(mail.Subject).toContain('政府信息公开申请答复书');
  expect(mail.Attachments).toEqual([expect.objectContaining({ FileName: `${reply.docNo}.pdf`, ContentType: 'application/pdf' })]);
  const mailedPdf = await mailpit.part(mail.ID, mail.Attachments[0]!.PartID);
  await eventually(
    async () =>
      (await request(server.url).get(`/api/applications/${caseNo}`).set(stack.as('clerk'))).body.stage === 'delivered' ? true : null,
    'the reply recorded as delivered',
  );

  // ---- the citizen downloads the reply -------------------------------------------------------
  await page.getByRole('button', { name: '刷新' }).click();
  await page.locator('.stage[data-stage="delivered"]', { hasText: '已答复' }).waitFor(WAIT);
  expect(await page.locator('.reply-due').textContent()).toBe('已答复');
  const replyButton = page.locator('.reply').getByRole('button', { name: /下载政府信息公开申请答复书/ });
  await replyButton.waitFor(WAIT);
  await page.screenshot({ path: path.join(ARTIFACTS, 'portal-reply.png'), fullPage: true });
  const replyPdf = await downloaded(page, replyButton);
  expect(replyPdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(Buffer.compare(replyPdf, mailedPdf)).toBe(0); // the PDF the applicant was e-mailed
  const staffPdf = await request(server.url)
    .get(`/api/applications/${caseNo}/documents/${encodeURIComponent(reply.docNo)}`)
    .query({ format: 'pdf' })
    .set(stack.as('clerk'))
    .buffer(true);
  expect(Buffer.compare(replyPdf, staffPdf.body)).toBe(0); // the very document the office issued

  expect(pageErrors).toEqual([]);
  expect(requested.filter((url) => !url.startsWith(`${server.url}/`) && !url.startsWith('blob:') && !url.startsWith('data:'))).toEqual([]);
  expect(requested.some((url) => url.includes('/apply/assets/'))).toBe(true);
  // Served under the console's policy: this origin only, no inline scripts.
  const csp = (await request(server.url).get('/apply/track')).headers['content-security-policy'];
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).not.toContain('unsafe-eval');
}, 180_000);

it('a citizen asked for a correction submits the corrected application and a file in the portal', async () => {
  // Applied through the public API (as the page would), confirmed and sent back for correction by the clerk.
  const challenge = await request(server.url).get('/api/public/challenge').query({ purpose: 'apply' });
  const applied = await request(server.url)
    .post('/api/public/applications')
    .set('X-Proof-Of-Work', solveChallenge(challenge.body.token, challenge.body.bits))
    .send({
      applicant: {
        type: 'natural-person',
        name: '孙补正',
        idType: 'resident-id',
        idNumber: '11010519491231002X',
        phone: '13700001111',
        address: '北京市朝阳区示例路5号',
      },
      description: '关于应急物资的文件',
      form: 'paper',
      delivery: 'post',
      consent: true,
    });
  expect(applied.status).toBe(201);
  const { caseNo, queryCode } = applied.body;
  const today = shanghaiDateOf(Date.now());
  expect((await stack.post(caseNo, 'confirm-receipt', 'clerk', { receivedOn: today })).status).toBe(200);
  expect(
    (await stack.post(caseNo, 'request-correction', 'clerk', { items: ['请写明文件的名称或文号'], periodWorkingDays: 10 })).status,
  ).toBe(200);

  const page = await openPortal();
  await page.goto(`${server.url}/apply/track`);
  await page.getByLabel('查询码').fill(queryCode);
  await page.getByLabel('证件号码或联系电话的后四位').fill('002x'); // the ID number's last four, in any case
  await page.getByRole('button', { name: '查询', exact: true }).click();
  const correction = page.locator('section.correction');
  await correction.waitFor(WAIT);
  expect(await correction.locator('li').allTextContents()).toEqual(['请写明文件的名称或文号']);
  expect(await page.locator('.reply-due').textContent()).toBe('暂停计算中');
  await correction.getByLabel(/^补正后的申请内容/).fill('《示例市应急物资储备管理办法》（示应急〔2025〕8号）');
  await correction
    .getByLabel(/^补正材料/)
    .setInputFiles({ name: '文件目录截图.pdf', mimeType: 'application/pdf', buffer: fileFixtures('portal-correction').pdf });
  await page.screenshot({ path: path.join(ARTIFACTS, 'portal-correction.png'), fullPage: true });
  await correction.getByRole('button', { name: '提交补正' }).click();
  await page.locator('.stage[data-stage="registered"]').waitFor(WAIT);
  await correction.getByText(`已于 ${today} 收到补正`).waitFor(WAIT);
  expect(await page.locator('.derivation li').last().textContent()).toContain('收到补正后的申请，答复期限重新起算');
  expect(await page.locator('.reply-due strong').textContent()).toMatch(/^\d{4}-\d{2}-\d{2}$/);

  const staffView = await request(server.url).get(`/api/applications/${caseNo}`).set(stack.as('clerk'));
  expect(staffView.body.events.at(-1)).toMatchObject({ type: 'correction-received', actor: 'portal' });
  const files = await stack.database.db
    .selectFrom('case_files')
    .select('filename')
    .where('case_no', '=', caseNo)
    .where('purpose', '=', 'correction-material')
    .orderBy('id')
    .execute();
  expect(files.map((f) => f.filename)).toEqual(['其他材料-文件目录截图.pdf', `补正后的申请-${today}.txt`]);
  expect(pageErrors).toEqual([]);
}, 180_000);

it('with a second agency on the platform, the citizen chooses the agency applied to, whose case it is', async () => {
  await createAgency(
    stack.database.db,
    { code: 'sfj', name: '示例市司法局', shortName: '示例司法', regionCode: null, defaultRuleProfileId: 'national-2019' },
    null,
  );
  const page = await openPortal();
  await page.goto(`${server.url}/apply/new`);
  const choice = page.getByLabel('向哪个机关申请');
  await choice.waitFor(WAIT);
  expect(await choice.locator('option').allTextContents()).toEqual(['示例市应急管理局', '示例市司法局']);
  expect(await choice.inputValue()).toBe('demo'); // the deployment's own, until the citizen chooses
  await choice.selectOption('sfj');
  await page.getByLabel(/^姓名/).fill('李择机');
  await page.getByLabel(/^证件号码/).fill('110101199003071233');
  await page.getByLabel(/^联系电话/).fill('13955557777');
  await page.getByLabel('电子邮箱').fill('li@example.org');
  await page.getByLabel(/^通信地址/).fill('北京市西城区示例大街9号');
  await page.getByLabel('所需政府信息的名称、文号或者便于查询的其他特征性描述').fill('本市法律援助机构名录');
  await page.getByLabel(/本人确认以上信息真实/).check();
  await page.getByRole('button', { name: '提交申请' }).click();
  await page.waitForURL(/\/apply\/receipt$/, WAIT);
  expect(await page.locator('.receipt .case-no').textContent()).toMatch(/^sfj-\d{4}-000001$/);
  expect(await page.locator('.receipt .agency').textContent()).toBe('示例市司法局');
  expect(pageErrors).toEqual([]);
}, 180_000);
