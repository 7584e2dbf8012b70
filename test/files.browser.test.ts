/**
 * Case files in the console, in a real browser (Debian's chromium via playwright-core): a clerk
 * opens a case, uploads a file through the 附件 panel (sent with the session and its CSRF
 * token), sees it listed and downloads it back byte for byte; a file of a type not allowed is
 * refused with the reason shown. The case is a row in PostgreSQL (no workflow is needed to
 * attach files). Screenshot in test/artifacts/.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { Browser } from 'playwright-core';
import { createApp } from '../api/app';
import { hashPassword } from '../api/identity/passwords';
import { FileStore } from '../db/files/store';
import { setPasswordHash } from '../db/repositories/credentials';
import { seedDemoUsers } from '../db/repositories/users';
import { EncryptionCodec } from '../temporal-config/codec';
import { ARTIFACTS, ensureConsoleBuilt, launchChromium, openConsole, serve, typePassword } from './support/browser';
import { createTestDatabase, type TestDatabase } from './support/database';
import { applicationRow, fileFixtures } from './support/file-fixtures';

const CASE = '2026-000701';
const PASSWORD = 'Clerk-files-2026';
const temporal = new Client(); // lazy: nothing here reaches Temporal

let database: TestDatabase;
let browser: Browser;
let server: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  ensureConsoleBuilt();
  [database, browser] = await Promise.all([createTestDatabase(), launchChromium()]);
  const users = await seedDemoUsers(database.db);
  await setPasswordHash(database.db, users.clerk!.id, await hashPassword(PASSWORD), { mustChange: false, now: new Date() });
  const state = {
    caseNo: CASE,
    queryCode: 'QFILES0701',
    ruleProfile: { id: 'national-2019', version: '2019.1' },
    stage: 'assigned',
    closed: false,
    outcome: null,
    receivedOn: '2026-05-06',
    intake: {
      channel: 'in-person',
      description: '本市2025年度安全生产执法检查计划',
      applicant: { type: 'natural-person', name: '李四', idNumber: '11010519491231002X', phone: '13800000000', address: '某市某路1号' },
    },
    clocks: [],
    notices: [],
    delivery: null,
  };
  await database.db
    .insertInto('applications')
    .values({ ...(applicationRow(CASE, 'yjglk') as object), state: JSON.stringify(state) } as never)
    .execute();
  const codec = new EncryptionCodec([{ id: 'files-browser', key: randomBytes(32) }], 'default');
  server = await serve(
    createApp({
      db: database.db,
      temporal,
      namespace: 'unused',
      codec,
      files: new FileStore({ codec, maxBytes: 1024 * 1024 }),
      rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 },
    }),
  );
  fs.mkdirSync(ARTIFACTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await temporal.connection.close().catch(() => undefined);
  await database?.drop();
});

it('a clerk uploads a file on the case page, sees it listed, downloads it back; a zip is refused with the reason', async () => {
  const errors: string[] = [];
  const page = await openConsole(browser, server.url, 'clerk', errors, { acceptDownloads: true });
  await typePassword(page, 'clerk', PASSWORD);
  await page.waitForURL(/\/console\/(dashboard|inbox|cases)/);
  await page.goto(`${server.url}/console/cases/application/${CASE}`);
  const panel = page.locator('.panel.files');
  await panel.getByText('暂无附件').waitFor();

  const pdf = fileFixtures('browser').pdf;
  await panel.locator('select[name="purpose"]').selectOption('disclosed');
  await panel.locator('input[type="file"]').setInputFiles({ name: '公开信息.pdf', mimeType: 'application/pdf', buffer: pdf });
  await panel.getByRole('button', { name: '上传附件' }).click();
  await panel.getByRole('status').filter({ hasText: '已上传：公开信息.pdf' }).waitFor();
  const link = panel.getByRole('link', { name: '公开信息.pdf' });
  await link.waitFor();
  await expect(panel.textContent()).resolves.toContain('公开的政府信息');

  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const saved = await download.path();
  expect(download.suggestedFilename()).toBe('公开信息.pdf');
  expect(createHash('sha256').update(fs.readFileSync(saved!)).digest('hex')).toBe(createHash('sha256').update(pdf).digest('hex'));

  await panel
    .locator('input[type="file"]')
    .setInputFiles({ name: '材料.pdf', mimeType: 'application/pdf', buffer: fileFixtures('browser').zip });
  await panel.getByRole('button', { name: '上传附件' }).click();
  await panel.getByRole('alert').filter({ hasText: '不接受此类文件' }).waitFor();
  await expect(panel.getByRole('alert').textContent()).resolves.toContain('application/zip');

  const rows = await database.db
    .selectFrom('case_files')
    .select(['purpose', 'filename', 'uploaded_by'])
    .where('case_no', '=', CASE)
    .execute();
  expect(rows).toEqual([{ purpose: 'disclosed', filename: '公开信息.pdf', uploaded_by: 'clerk' }]);
  await page.screenshot({ path: path.join(ARTIFACTS, 'files-case-page.png'), fullPage: true });
  expect(errors).toEqual([]);
}, 180_000);
