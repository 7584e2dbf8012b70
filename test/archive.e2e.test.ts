/**
 * The record outlives Temporal: a closed case's history is archived to PostgreSQL; after the
 * execution is deleted from the namespace, the API still serves its history, a replay
 * verdict and an evidence bundle whose SHA-256 manifest (SM3 in GM mode) checks out. Real dev server, real DB.
 */
import { createHash } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import { sql } from 'kysely';
import request from 'supertest';
import { digestHex } from '../db/crypto';
import { shanghaiDateOf } from '../domain/calendar/dates';
import { ARCHIVE_SWEEP_SCHEDULE_ID, ensureSchedules } from '../temporal-config/schedules';
import { type ApiStack, startApiStack } from './support/api-stack';
import { eventually as poll } from './support/eventually';
import { TEST_NAMESPACE } from './support/temporal';

let stack: ApiStack;
let env: ApiStack['env'];
let database: ApiStack['database'];
let app: ApiStack['app'];
let as: ApiStack['as'];
let post: ApiStack['post'];

beforeAll(async () => {
  stack = await startApiStack('archive-e2e');
  ({ env, database, app, as, post } = stack);
});

afterAll(async () => {
  await stack?.stop();
});
const digest = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

// Archiving and the dev server's deletion (~30 s) are asynchronous.
const eventually = <T>(probe: () => Promise<T | null | undefined>, what: string) => poll(probe, what, { timeoutMs: 80_000, everyMs: 200 });

it('serves history, replay verdict and evidence from the archive after Temporal has forgotten the case', async () => {
  const submitted = await request(app)
    .post('/api/applications')
    .set(as('clerk'))
    .send({
      channel: 'in-person',
      applicant: {
        type: 'natural-person',
        name: '孙七',
        idType: 'resident-id',
        idNumber: '110101197001011238',
        phone: '13700000000',
        address: '某市某区某路9号',
      },
      description: '2026年度森林防火物资采购合同',
      form: 'paper',
      delivery: 'post',
    });
  const { caseNo } = submitted.body;
  const workflowId = `application-${caseNo}`;
  await post(caseNo, 'accept', 'clerk');
  await post(caseNo, 'request-extension', 'clerk', { workingDays: 15, reason: '合同分属多个年度' });
  await post(caseNo, 'approve-extension', 'leader');
  const withdrawn = await post(caseNo, 'withdraw', 'clerk', { on: shanghaiDateOf(Date.now()), reason: '申请人书面撤回申请' });
  expect(withdrawn.body).toMatchObject({ status: 'closed', outcome: 'other.other' });
  // Nobody asks: the worker's Schedule sweeps every closed run into the archive (triggered now rather than in 5 minutes).
  expect(await ensureSchedules(env.client, 'archive-e2e')).toContain(ARCHIVE_SWEEP_SCHEDULE_ID);
  await env.client.schedule.getHandle(ARCHIVE_SWEEP_SCHEDULE_ID).trigger();

  const archived = await eventually(
    () =>
      database.db
        .selectFrom('workflow_histories')
        .select(['run_id', 'event_count', 'status', 'sha256'])
        .where('workflow_id', '=', workflowId)
        .executeTakeFirst(),
    'the archived history',
  );
  expect(archived.status).toBe('COMPLETED');
  const live = await request(app).get(`/api/admin/workflows/${workflowId}/history`).set(as('admin'));
  expect(live.body).toMatchObject({ source: 'temporal', eventCount: archived.event_count });
  expect((await request(app).get(`/api/admin/workflows/${workflowId}/history`).set(as('clerk'))).status).toBe(403);

  // Temporal forgets the case, as retention would.
  await env.connection.workflowService.deleteWorkflowExecution({ namespace: TEST_NAMESPACE, workflowExecution: { workflowId } });
  await eventually(
    async () =>
      await env.client.workflow
        .getHandle(workflowId)
        .describe()
        .then(() => null)
        .catch(() => true),
    'the deletion',
  );

  const fromArchive = await request(app).get(`/api/admin/workflows/${workflowId}/history`).set(as('admin'));
  expect(fromArchive.status).toBe(200);
  expect(fromArchive.body).toMatchObject({ source: 'archive', sha256: archived.sha256, eventCount: archived.event_count });
  expect(fromArchive.body.history.events[0].eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');

  const replay = await request(app).post(`/api/admin/workflows/${workflowId}/replay`).set(as('admin'));
  expect(replay.body).toEqual({ workflowId, source: 'archive', reproduces: true });

  const zip = await request(app)
    .get(`/api/admin/applications/${caseNo}/evidence?format=zip`)
    .set(as('admin'))
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
  expect(zip.status).toBe(200);
  const files = unzipSync(new Uint8Array(zip.body as Buffer));
  const manifestBytes = files[`${caseNo}/manifest.json`]!;
  expect(digest(manifestBytes)).toBe(zip.headers['x-manifest-sha256']);
  const manifest = JSON.parse(strFromU8(manifestBytes)) as { algorithm: string; files: Array<{ path: string; sha256: string }> };
  expect(manifest.algorithm).toBe('sha256');
  expect(manifest.files.map((f) => f.path)).toEqual(expect.arrayContaining(['timeline.html', 'events.json', 'history.json', 'case.json']));
  for (const file of manifest.files) expect(digest(files[`${caseNo}/${file.path}`]!)).toBe(file.sha256);
  expect(manifest.files.filter((f) => f.path.startsWith('notices/') && f.path.endsWith('.html')).length).toBe(2); // 登记回执, 延期答复告知书
  expect(manifest.files.filter((f) => f.path.startsWith('notices/') && f.path.endsWith('.pdf')).length).toBe(2); // and each as PDF
  const timeline = strFromU8(files[`${caseNo}/timeline.html`]!);
  for (const text of ['登记申请', '受理', '批准延期答复', '申请人撤回申请', '延长15个工作日', '历史来源：数据库归档'])
    expect(timeline).toContain(text);
  expect(digest(files[`${caseNo}/history.json`]!)).toBe(archived.sha256);

  const html = await request(app).get(`/api/admin/applications/${caseNo}/evidence`).set(as('admin'));
  expect(html.headers['content-type']).toContain('text/html');
  expect(html.text).toContain(html.headers['x-manifest-sha256']); // each bundle pins its own generation time

  // GONGKAI_CRYPTO=gm: the same bundle with an SM3 manifest that says so.
  process.env.GONGKAI_CRYPTO = 'gm';
  try {
    const gmZip = await request(app)
      .get(`/api/admin/applications/${caseNo}/evidence?format=zip`)
      .set(as('admin'))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    const gmFiles = unzipSync(new Uint8Array(gmZip.body as Buffer));
    const gmManifestBytes = gmFiles[`${caseNo}/manifest.json`]!;
    expect(gmZip.headers['x-manifest-sha256']).toBeUndefined();
    expect(digestHex('sm3', gmManifestBytes)).toBe(gmZip.headers['x-manifest-sm3']);
    const gmManifest = JSON.parse(strFromU8(gmManifestBytes)) as {
      algorithm: string;
      files: Array<{ path: string; sm3: string; sha256?: string }>;
    };
    expect(gmManifest.algorithm).toBe('sm3');
    expect(gmManifest.files.length).toBe(manifest.files.length);
    for (const file of gmManifest.files) {
      expect(file.sha256).toBeUndefined();
      expect(digestHex('sm3', gmFiles[`${caseNo}/${file.path}`]!)).toBe(file.sm3);
    }
    expect(strFromU8(gmFiles[`${caseNo}/timeline.html`]!)).toContain('各文件的 SM3 摘要见 manifest.json');
    const gmJson = await request(app).get(`/api/admin/applications/${caseNo}/evidence?format=json`).set(as('admin'));
    expect(gmJson.body).toMatchObject({ algorithm: 'sm3', manifestDigest: expect.stringMatching(/^sm3:[0-9a-f]{64}$/) });
    const gmHtml = await request(app).get(`/api/admin/applications/${caseNo}/evidence`).set(as('admin'));
    expect(gmHtml.text).toContain('文件清单（SM3）');
    expect(gmHtml.text).toContain(gmHtml.headers['x-manifest-sm3']);
  } finally {
    delete process.env.GONGKAI_CRYPTO;
  }

  // Neither the event log nor the archive can be rewritten.
  await expect(sql`update case_events set type = 'forged' where case_no = ${caseNo}`.execute(database.db)).rejects.toThrow(/append-only/);
  await expect(sql`delete from workflow_histories where workflow_id = ${workflowId}`.execute(database.db)).rejects.toThrow(/append-only/);
});

it('archives on an admin request too, and the sweep archives terminated runs and never the same run twice', async () => {
  const submitted = await request(app)
    .post('/api/applications')
    .set(as('clerk'))
    .send({
      channel: 'in-person',
      applicant: {
        type: 'commercial',
        name: '某某建设有限公司',
        contactPerson: '周八',
        idType: 'unified-credit-code',
        idNumber: '91110000MA01ABCD2Q',
        phone: '01088886666',
        address: '某市某区某路10号',
      },
      description: '2026年度应急物资储备库建设项目招标文件',
      form: 'paper',
      delivery: 'post',
    });
  expect(submitted.status).toBe(201);
  const workflowId = `application-${submitted.body.caseNo}`;
  const requested = await request(app).post(`/api/admin/workflows/${workflowId}/archive`).set(as('admin'));
  expect(requested.status).toBe(202); // the archiver waits for the close, retrying
  // An administrator terminates the run (say, registered twice by mistake): no workflow code runs at its end.
  await env.client.workflow.getHandle(workflowId).terminate('重复登记，由管理员终止');
  const archived = await eventually(
    () =>
      database.db.selectFrom('workflow_histories').select(['status', 'run_id']).where('workflow_id', '=', workflowId).executeTakeFirst(),
    'the terminated run in the archive',
  );
  expect(archived.status).toBe('TERMINATED');

  const sweep = await env.client.workflow.execute('archiveSweep', { taskQueue: 'archive-e2e', workflowId: `archive-sweep-${Date.now()}` });
  // Other runs may close meanwhile (the Schedules' own sweeps) and be archived now; this one is not archived again.
  expect(sweep).toMatchObject({ vanished: [] });
  expect((sweep as { alreadyArchived: number }).alreadyArchived).toBeGreaterThanOrEqual(1);
  const rows = await database.db
    .selectFrom('workflow_histories')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('workflow_id', '=', workflowId)
    .executeTakeFirstOrThrow();
  expect(Number(rows.n)).toBe(1);
});
