/**
 * Reads of an applicant's personal data are audited, on the whole stack (dev server, worker,
 * API): one `personal-data.read` row per response that carries contact details unmasked —
 * the case for clerk and admin, a step's answer, a notice printing the address, an evidence
 * bundle — and none for the roles that see them masked.
 */
import request from 'supertest';
import { type ApiStack, startApiStack } from './support/api-stack';

let stack: ApiStack;

beforeAll(async () => {
  // The platform's admin imports calendar years and archives workflows that belong to no case (a calendar broadcast).
  stack = await startApiStack('audit-e2e', { secondAgency: true });
});

afterAll(async () => {
  await stack?.stop();
});

interface ReadRow {
  actor_username: string | null;
  actor_role: string | null;
  target: string | null;
  ip: string | null;
  details: { caseNo?: string; fields?: string[]; via?: string; document?: string };
}
const reads = async (caseNo: string): Promise<ReadRow[]> =>
  (await stack.database.db
    .selectFrom('audit_log')
    .select(['actor_username', 'actor_role', 'target', 'ip', 'details'])
    .where('action', '=', 'personal-data.read')
    .where('target', '=', `case:${caseNo}`)
    .orderBy('id')
    .execute()) as ReadRow[];

it('records who opened which case’s contact details, and nothing for masked views', async () => {
  const { app, as, post } = stack;
  const applicant = {
    type: 'natural-person',
    name: '卫十',
    idType: 'resident-id',
    idNumber: '110101198807071234',
    phone: '13566668888',
    email: 'wei.shi@example.cn',
    address: '北京市西城区某胡同8号',
  };
  const created = await request(app)
    .post('/api/applications')
    .set(as('clerk'))
    .send({ channel: 'in-person', applicant, description: '某工地安全检查记录', form: 'paper', delivery: 'post' });
  expect(created.status).toBe(201);
  const caseNo: string = created.body.caseNo;
  // Registering it is the clerk writing what the applicant gave, not a read.
  expect(await reads(caseNo)).toEqual([]);

  // The clerk and the admin open it: in full, and each read is a row.
  expect((await request(app).get(`/api/applications/${caseNo}`).set(as('clerk'))).body.case.intake.applicant.phone).toBe(applicant.phone);
  expect((await request(app).get(`/api/applications/${caseNo}`).set(as('admin'))).body.case.intake.applicant.idNumber).toBe(
    applicant.idNumber,
  );
  const everyField = ['idNumber', 'phone', 'email', 'address'];
  expect(await reads(caseNo)).toEqual([
    {
      actor_username: 'clerk',
      actor_role: 'clerk',
      target: `case:${caseNo}`,
      ip: expect.any(String),
      details: { caseNo, fields: everyField, via: 'case' },
    },
    {
      actor_username: 'admin',
      actor_role: 'admin',
      target: `case:${caseNo}`,
      ip: expect.any(String),
      details: { caseNo, fields: everyField, via: 'case' },
    },
  ]);

  // Masked views leave no row.
  for (const role of ['supervisor', 'leader', 'reviewer']) {
    const seen = await request(app).get(`/api/applications/${caseNo}`).set(as(role));
    expect(seen.status).toBe(200);
    expect(seen.body.case.intake.applicant.phone).not.toBe(applicant.phone);
  }
  expect(await reads(caseNo)).toHaveLength(2);

  // A clerk's step answers with the case in full: a read too.
  expect((await post(caseNo, 'accept', 'clerk')).status).toBe(200);
  expect((await post(caseNo, 'assign', 'clerk', { departmentCode: 'yjglk' })).status).toBe(200);
  const afterSteps = (await reads(caseNo)).slice(2);
  expect(afterSteps.map((r) => [r.actor_username, r.details.via])).toEqual([
    ['clerk', 'step:accept'],
    ['clerk', 'step:assign'],
  ]);

  // The department sees the case masked (no row), but the receipt it prints carries the address.
  const asDepartment = await request(app).get(`/api/applications/${caseNo}`).set(as('department'));
  expect(asDepartment.body.case.intake.applicant.address).not.toBe(applicant.address);
  expect(await reads(caseNo)).toHaveLength(4);
  const receipt = created.body.documents[0].docNo as string;
  const printed = await request(app)
    .get(`/api/applications/${caseNo}/documents/${encodeURIComponent(receipt)}`)
    .set(as('department'));
  expect(printed.status).toBe(200);
  expect(printed.text).toContain(applicant.address);
  expect(printed.text).not.toContain(applicant.idNumber); // the receipt masks the ID number
  expect((await reads(caseNo)).at(-1)).toMatchObject({
    actor_username: 'department',
    actor_role: 'department',
    details: { caseNo, fields: ['address'], via: 'document', document: receipt },
  });

  // The evidence bundle: its zip carries case.json (every field); its manifest alone carries none.
  const zip = await request(app)
    .get(`/api/admin/applications/${caseNo}/evidence?format=zip`)
    .set(as('admin'))
    .buffer(true)
    .parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  expect(zip.status).toBe(200);
  expect((await reads(caseNo)).at(-1)).toMatchObject({
    actor_username: 'admin',
    details: { caseNo, fields: everyField, via: 'evidence-zip' },
  });
  const count = (await reads(caseNo)).length;
  expect((await request(app).get(`/api/admin/applications/${caseNo}/evidence?format=json`).set(as('admin'))).status).toBe(200);
  expect(await reads(caseNo)).toHaveLength(count);

  // The admin finds them all by case number.
  const listed = await request(app).get(`/api/admin/audit?action=personal-data.read&target=${caseNo}&pageSize=100`).set(as('admin'));
  expect(listed.body.total).toBe(count);
  expect(new Set(listed.body.items.map((i: { actor: { username: string } }) => i.actor.username))).toEqual(
    new Set(['clerk', 'admin', 'department']),
  );
});

it('records the admin’s calendar changes, reconciliation, archiving and schedule set-up', async () => {
  const { app, as } = stack;
  const actions = async () =>
    (
      await stack.database.db
        .selectFrom('audit_log')
        .select(['action', 'actor_username', 'target', 'details'])
        .where('action', 'like', 'admin.%')
        .orderBy('id')
        .execute()
    ).map((r) => ({ action: r.action, actor: r.actor_username, target: r.target, details: r.details }));
  const set = await request(app)
    .put('/api/admin/calendar/overrides/2031-03-03')
    .set(as('admin'))
    .send({ kind: 'holiday', reason: '台风停工' });
  expect(set.status).toBe(200);
  expect((await request(app).delete('/api/admin/calendar/overrides/2031-03-03').set(as('admin')).send({ reason: '撤销' })).status).toBe(
    200,
  );
  expect((await request(app).delete('/api/admin/calendar/overrides/2031-03-03').set(as('admin')).send({ reason: '再撤销' })).status).toBe(
    404,
  ); // nothing changed, nothing recorded
  expect(
    (
      await request(app)
        .put('/api/admin/calendar/years/2031')
        .set(as('platform.admin'))
        .send({ format: 'json', reason: '2031年放假安排', days: [{ date: '2031-01-01', kind: 'holiday', name: '元旦' }] })
    ).status,
  ).toBe(200);
  expect((await request(app).post('/api/admin/supervision/reconcile?repair=false').set(as('admin'))).status).toBe(200);
  expect((await request(app).post('/api/admin/document-schedules').set(as('admin')).send({ ruleProfileId: 'national-2019' })).status).toBe(
    200,
  );
  const broadcast: string = set.body.broadcast.workflowId;
  // A workflow with no case is the platform's: an agency's admin does not find it, the platform's admin archives it.
  expect((await request(app).post(`/api/admin/workflows/${broadcast}/archive`).set(as('admin'))).status).toBe(404);
  expect((await request(app).post(`/api/admin/workflows/${broadcast}/archive`).set(as('platform.admin'))).status).toBe(202);

  expect(await actions()).toEqual([
    {
      action: 'admin.calendar-override-set',
      actor: 'admin',
      target: 'calendar:2031-03-03',
      details: { kind: 'holiday', reason: '台风停工', revision: set.body.revision, agencyCode: 'demo' },
    },
    {
      action: 'admin.calendar-override-removed',
      actor: 'admin',
      target: 'calendar:2031-03-03',
      details: { reason: '撤销', revision: expect.any(String), agencyCode: 'demo' },
    },
    {
      action: 'admin.calendar-year-imported',
      actor: 'platform.admin',
      target: 'calendar:2031',
      details: { format: 'json', days: 1, reason: '2031年放假安排', revision: expect.any(String) },
    },
    { action: 'admin.supervision-reconciled', actor: 'admin', target: null, details: { repair: false } },
    { action: 'admin.document-schedules-ensured', actor: 'admin', target: 'rule-profile:national-2019', details: { schedules: [] } },
    {
      action: 'admin.workflow-archive-requested',
      actor: 'platform.admin',
      target: `workflow:${broadcast}`,
      details: { runId: expect.any(String) },
    },
  ]);
  // A refused change (wrong role) leaves no row.
  expect(
    (await request(app).put('/api/admin/calendar/overrides/2031-03-04').set(as('clerk')).send({ kind: 'holiday', reason: 'x' })).status,
  ).toBe(403);
  expect(await actions()).toHaveLength(6);
});

it('records who saw a citizen message writer’s contact details, and nothing where they are withheld', async () => {
  const { app, as } = stack;
  const writer = { name: '钱八', phone: '13712348888', email: 'qian8@example.cn', address: '毕节市七星关区某街8号' };
  const message = {
    type: 'help',
    channel: 'hotline',
    subject: '求助',
    content: '道路积水',
    writer,
    confidential: true,
    ruleProfileId: 'bijie-004',
  };
  const created = await request(app).post('/api/messages').set(as('clerk')).send(message);
  expect(created.status).toBe(201);
  const id: string = created.body.id;
  const rows = async () =>
    (
      await stack.database.db
        .selectFrom('audit_log')
        .select(['actor_username', 'details'])
        .where('action', '=', 'personal-data.read')
        .where('target', '=', `message:${id}`)
        .orderBy('id')
        .execute()
    ).map((r) => [r.actor_username, r.details]);
  expect(await rows()).toEqual([]); // the clerk registering it

  expect((await request(app).get(`/api/messages/${id}`).set(as('supervisor'))).body.writer.phone).toBe(writer.phone);
  expect((await request(app).post(`/api/messages/${id}/assign`).set(as('clerk')).send({ departmentCode: 'yjglk' })).status).toBe(200);
  // Confidential: the department works it without seeing who wrote.
  expect((await request(app).get(`/api/messages/${id}`).set(as('department'))).body.writerWithheld).toBe(true);
  expect(await rows()).toEqual([
    ['supervisor', { messageId: id, fields: ['phone', 'email', 'address'], via: 'message' }],
    ['clerk', { messageId: id, fields: ['phone', 'email', 'address'], via: 'step:assign' }],
  ]);
});

it('records reading a history that carries the applicant in plain JSON (written with the codec off)', async () => {
  const { app, as } = stack;
  const applicant = {
    type: 'natural-person',
    name: '蒋九',
    idType: 'resident-id',
    idNumber: '110101198807071234',
    phone: '13566669999',
    address: '北京市西城区某胡同9号',
  };
  const created = await request(app)
    .post('/api/applications')
    .set(as('clerk'))
    .send({ channel: 'in-person', applicant, description: '某项目环评', form: 'paper', delivery: 'post' });
  const caseNo: string = created.body.caseNo;
  const history = await request(app).get(`/api/admin/workflows/application-${caseNo}/history`).set(as('admin'));
  expect(history.status).toBe(200);
  expect(await reads(caseNo)).toEqual([
    {
      actor_username: 'admin',
      actor_role: 'admin',
      target: `case:${caseNo}`,
      ip: expect.any(String),
      details: { caseNo, fields: ['idNumber', 'phone', 'address'], via: 'history' },
    },
  ]);
});
