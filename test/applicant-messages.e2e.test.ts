/**
 * Reaching the applicant, end to end: notices go by e-mail with their PDF through a real SMTP
 * server (Mailpit, read back through its API) and are recorded on the case as delivered; the
 * mail server down then back delivers each e-mail once; SMS stays queued with no provider;
 * the sweep sends what was queued while no SMTP server was configured.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import request from 'supertest';
import { createActivities } from '../activities';
import type { MailSettings, SmsProvider, SmsSendRequest } from '../activities/applicant-messages';
import { shanghaiDateOf } from '../domain/calendar/dates';
import type { ApplicationIntake } from '../domain/application/types';
import type { Actor } from '../domain/case';
import { applicantMessageSweep } from '../workflows/notice-dispatch';
import { startCase } from './support/application-harness';
import { type ApiStack, startApiStack, TEST_AGENCY } from './support/api-stack';
import { eventually as eventuallyWithin } from './support/eventually';
import { type Mailpit, type MailpitMessage, startMailpit } from './support/mailpit';

// Servers to start and e-mails to wait for: longer than jest's default 5 s whatever the config says.
jest.setTimeout(120_000);

const FROM = '示例市应急管理局 <gongkai@example.gov.cn>';
let mailpit: Mailpit;
let stack: ApiStack;
let mail: MailSettings;

beforeAll(async () => {
  mailpit = await startMailpit();
  // Short backoff so "down then back" takes seconds; production waits 30 s doubling to 30 min.
  mail = { smtpUrl: mailpit.smtpUrl, from: FROM, retry: { initialInterval: '300 milliseconds', maximumInterval: '1 second' } };
  stack = await startApiStack('applicant-messages-e2e', { mail });
});

afterAll(async () => {
  await stack?.stop();
  await mailpit?.dispose();
});

let applicants = 0;
function intake(overrides: { delivery?: string; email?: string; phone?: string } = {}) {
  applicants += 1;
  return {
    channel: 'in-person',
    applicant: {
      type: 'natural-person',
      name: '张三',
      idType: 'resident-id',
      idNumber: '110101199003071233',
      phone: overrides.phone ?? '13800138000',
      email: overrides.email ?? `zhang${applicants}@example.com`,
      address: '北京市东城区某街道1号',
    },
    description: '2025年度本局安全生产执法检查计划及执行情况',
    form: 'email',
    delivery: overrides.delivery ?? 'email',
  };
}

type CaseView = {
  caseNo: string;
  stage: string;
  documents: Array<{
    docNo: string;
    kind: string;
    pdfSha256: string;
    delivery: { method: string; deliveredOn: string; proof?: string } | null;
  }>;
  messages: Array<{
    docNo: string;
    kind: string;
    channel: string;
    status: string;
    attemptCount: number;
    lastError: string | null;
    serverMessageId: string | null;
    deliveryRecordedAt: string | null;
  }>;
  clocks: Array<{ id: string }>;
};

const view = async (caseNo: string): Promise<CaseView> =>
  (await request(stack.app).get(`/api/applications/${caseNo}`).set(stack.as('clerk'))).body;

async function submit(body = intake()): Promise<CaseView> {
  const submitted = await request(stack.app).post('/api/applications').set(stack.as('clerk')).send(body);
  expect(submitted.status).toBe(201);
  return submitted.body;
}

/** The Mailpit messages to `to` whose subject names `docNo`, fully read. */
async function mailsFor(to: string, docNo: string): Promise<MailpitMessage[]> {
  const list = (await mailpit.messages()).filter((m) => m.To.some((a) => a.Address === to) && m.Subject.includes(docNo));
  return Promise.all(list.map((m) => mailpit.message(m.ID)));
}

/** A first e-mail waits for the dispatch worker's first workflow task: on a loaded machine, more than the default 15 s. */
const eventually = <T>(probe: () => Promise<T | null | undefined | false>, what: string) =>
  eventuallyWithin(probe, what, { timeoutMs: 60_000 });

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

it('e-mails the receipt with its PDF to an applicant who chose e-mail, and records the delivery on the case', async () => {
  const body = intake();
  const submitted = await submit(body);
  const receipt = submitted.documents.find((d) => d.kind === 'receipt')!;
  const [mail] = await eventually(async () => {
    const found = await mailsFor(body.applicant.email, receipt.docNo);
    return found.length > 0 ? found : null;
  }, 'the receipt e-mail');
  expect(mail!.Subject).toBe(`【示例市应急管理局】政府信息公开申请登记回执（${receipt.docNo}）`);
  expect(mail!.From).toEqual({ Name: '示例市应急管理局', Address: 'gongkai@example.gov.cn' });
  expect(mail!.Text).toContain('张三：');
  expect(mail!.Text).toContain(`案件编号：${submitted.caseNo}`);
  expect(mail!.Text).toContain('文书全文见本邮件附件');
  expect(mail!.Attachments).toHaveLength(1);
  expect(mail!.Attachments[0]).toMatchObject({ FileName: `${receipt.docNo}.pdf`, ContentType: 'application/pdf' });
  const attached = await mailpit.part(mail!.ID, mail!.Attachments[0]!.PartID);
  expect(attached.subarray(0, 5).toString()).toBe('%PDF-');
  // The attachment is the PDF stored at issue, byte for byte.
  expect(sha256(attached)).toBe(receipt.pdfSha256);
  const pdf = await request(stack.app)
    .get(`/api/applications/${submitted.caseNo}/documents/${encodeURIComponent(receipt.docNo)}?format=pdf`)
    .set(stack.as('clerk'))
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
  expect(sha256(pdf.body as Buffer)).toBe(sha256(attached));

  // Accepted by the server: the notice is delivered by e-mail, the server's answer its proof.
  const delivered = await eventually(async () => {
    const v = await view(submitted.caseNo);
    // The case lists the delivery a moment before the outbox row notes it was recorded.
    return v.documents.find((d) => d.docNo === receipt.docNo)?.delivery && v.messages.find((m) => m.channel === 'email')?.deliveryRecordedAt
      ? v
      : null;
  }, 'the delivery record');
  const record = delivered.documents.find((d) => d.docNo === receipt.docNo)!.delivery!;
  expect(record.method).toBe('email');
  expect(record.deliveredOn).toBe(shanghaiDateOf(Date.now()));
  expect(record.proof).toContain(mail!.MessageID);
  expect(record.proof).toContain('250');
  const email = delivered.messages.find((m) => m.channel === 'email')!;
  expect(email).toMatchObject({ docNo: receipt.docNo, kind: 'receipt', status: 'sent', attemptCount: 1, lastError: null });
  expect(email.serverMessageId).toBe(`<${mail!.MessageID}>`);
  expect(email.deliveryRecordedAt).not.toBeNull();
  const event = (await request(stack.app).get(`/api/applications/${submitted.caseNo}`).set(stack.as('clerk'))).body.events.find(
    (e: { type: string }) => e.type === 'notice-delivered',
  );
  expect(event.payload).toMatchObject({ docNo: receipt.docNo, method: 'email' });

  // No SMS provider: the SMS is queued, visible, never reported sent.
  const sms = delivered.messages.find((m) => m.channel === 'sms')!;
  expect(sms).toMatchObject({ docNo: receipt.docNo, status: 'queued', attemptCount: 0, serverMessageId: null, deliveryRecordedAt: null });
});

it('a correction notice e-mailed starts the correction period from the next day (its delivery is recorded)', async () => {
  const body = intake();
  const { caseNo } = await submit(body);
  const corrected = await stack.post(caseNo, 'request-correction', 'clerk', {
    items: ['请写明所需信息的文号或名称'],
    periodWorkingDays: 15,
  });
  expect(corrected.status).toBe(200);
  const notice = (corrected.body as CaseView).documents.find((d) => d.kind === 'correction')!;
  const mails = await eventually(async () => {
    const found = await mailsFor(body.applicant.email, notice.docNo);
    return found.length > 0 ? found : null;
  }, 'the correction e-mail');
  expect(mails[0]!.Subject).toContain('补正申请告知书');
  expect(mails[0]!.Text).toContain('补正申请告知书');
  const after = await eventually(async () => {
    const v = await view(caseNo);
    return v.clocks.some((c) => c.id === 'correction-period') ? v : null;
  }, 'the correction period opened by the e-mail delivery');
  expect(after.documents.find((d) => d.docNo === notice.docNo)!.delivery).toMatchObject({ method: 'email' });
});

it('no e-mail to an applicant who chose delivery by post; the SMS is queued', async () => {
  const body = intake({ delivery: 'post' });
  const { caseNo } = await submit(body);
  const v = await view(caseNo);
  expect(v.messages.map((m) => m.channel)).toEqual(['sms']);
  expect(v.messages[0]!.status).toBe('queued');
});

it('mail server down, then back: the notice retries, arrives once, and its failures show on the case', async () => {
  const body = intake();
  const { caseNo } = await submit(body);
  const receipt = (await view(caseNo)).documents.find((d) => d.kind === 'receipt')!;
  await eventually(async () => (await mailsFor(body.applicant.email, receipt.docNo)).length === 1, 'the receipt e-mail');
  expect((await stack.post(caseNo, 'accept', 'clerk')).status).toBe(200);

  await mailpit.stop();
  try {
    const suspended = await stack.post(caseNo, 'suspend', 'clerk', { reason: '不可抗力（洪涝灾害）', on: shanghaiDateOf(Date.now()) });
    expect(suspended.status).toBe(200);
    const notice = (suspended.body as CaseView).documents.find((d) => d.kind === 'suspension')!;
    const failing = await eventually(async () => {
      const message = (await view(caseNo)).messages.find((m) => m.docNo === notice.docNo && m.channel === 'email');
      return message && message.attemptCount >= 3 ? message : null;
    }, 'three failed attempts');
    expect(failing.status).toBe('queued');
    expect(failing.lastError).toContain('ECONNREFUSED');
    expect((await view(caseNo)).documents.find((d) => d.docNo === notice.docNo)!.delivery).toBeNull();

    await mailpit.start();
    const delivered = await eventually(async () => {
      const v = await view(caseNo);
      return v.documents.find((d) => d.docNo === notice.docNo)?.delivery ? v : null;
    }, 'the delivery once the server is back');
    const message = delivered.messages.find((m) => m.docNo === notice.docNo && m.channel === 'email')!;
    expect(message.status).toBe('sent');
    expect(message.attemptCount).toBeGreaterThanOrEqual(4);
    // Once: wait past a few more backoff periods, then count.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const arrived = await mailsFor(body.applicant.email, notice.docNo);
    expect(arrived).toHaveLength(1);
    expect(arrived[0]!.Subject).toContain('中止办理告知书');
    expect(await mailsFor(body.applicant.email, receipt.docNo)).toHaveLength(1);

    // Writes test/histories/notice-dispatch-retried.json with UPDATE_HISTORIES=1; test/replay.test.ts replays it.
    const { workflow_id: workflowId } = await stack.database.db
      .selectFrom('applicant_messages')
      .select('workflow_id')
      .where('case_no', '=', caseNo)
      .where('doc_no', '=', notice.docNo)
      .where('channel', '=', 'email')
      .executeTakeFirstOrThrow();
    const handle = stack.env.client.workflow.getHandle(workflowId);
    expect(await handle.result()).toBe('sent');
    if (process.env.UPDATE_HISTORIES === '1') {
      fs.writeFileSync(path.join(__dirname, 'histories', 'notice-dispatch-retried.json'), historyToJSON(await handle.fetchHistory()));
    }
  } finally {
    await mailpit.start().catch(() => undefined);
  }
});

it('the reply is e-mailed with its PDF and recorded as delivered, which ends the case', async () => {
  const body = intake();
  const { caseNo } = await submit(body);
  const { post } = stack;
  expect((await post(caseNo, 'accept', 'clerk')).status).toBe(200);
  expect((await post(caseNo, 'assign', 'clerk', { departmentCode: 'yjglk', assignee: 'department' })).status).toBe(200);
  expect((await post(caseNo, 'propose', 'department', { outcome: 'disclosed', summary: '执法检查计划', reasons: '可以公开' })).status).toBe(
    200,
  );
  expect((await post(caseNo, 'review-secrecy', 'reviewer', { level: 1, conclusion: 'pass', notes: '不涉及国家秘密' })).status).toBe(200);
  expect((await post(caseNo, 'review-secrecy', 'leader', { level: 2, conclusion: 'pass', notes: '同意' })).status).toBe(200);
  expect(
    (
      await post(caseNo, 'decide', 'clerk', {
        outcome: 'disclosed',
        reasons: '属于可以公开的政府信息',
        legalBasis: '《中华人民共和国政府信息公开条例》第三十六条第（二）项',
      })
    ).status,
  ).toBe(200);
  const signed = await post(caseNo, 'sign-off', 'leader');
  expect(signed.status).toBe(200);
  const reply = (signed.body as CaseView).documents.find((d) => d.kind === 'reply')!;
  const [mail] = await eventually(async () => {
    const found = await mailsFor(body.applicant.email, reply.docNo);
    return found.length > 0 ? found : null;
  }, 'the reply e-mail');
  expect(mail!.Subject).toBe(`【示例市应急管理局】政府信息公开申请答复书（${reply.docNo}）`);
  expect(sha256(await mailpit.part(mail!.ID, mail!.Attachments[0]!.PartID))).toBe(reply.pdfSha256);
  const delivered = await eventually(async () => {
    const v = await view(caseNo);
    return v.stage === 'delivered' ? v : null;
  }, 'the reply delivered by e-mail');
  expect(delivered.documents.find((d) => d.docNo === reply.docNo)!.delivery).toMatchObject({
    method: 'email',
    deliveredOn: shanghaiDateOf(Date.now()),
  });
});

it('messages queued while no SMTP server was configured are sent by the sweep once one is', async () => {
  // A case registered by a worker without SMTP: its e-mail is queued and no dispatch starts.
  const { database, env } = stack;
  const offline = await Worker.create({
    connection: env.nativeConnection,
    namespace: 'gongkai',
    taskQueue: 'applicant-messages-no-smtp',
    workflowsPath: require.resolve('../workflows'),
    activities: createActivities({ db: database.db, agency: TEST_AGENCY, temporal: env.client, mail: null }),
  });
  const running = offline.run();
  try {
    const body = intake();
    const clerk: Actor = { userId: '1', username: 'clerk', displayName: 'clerk', role: 'clerk', departmentCode: 'gkb' };
    const { state } = await startCase(env.client, 'applicant-messages-no-smtp', clerk, {
      intake: {
        ...body,
        channel: 'in-person',
        form: 'email',
        delivery: 'email',
        feeWaiverRequested: false,
        receivedOn: shanghaiDateOf(Date.now()),
      } as ApplicationIntake,
    });
    const caseNo = state.caseNo;
    const queued = await view(caseNo);
    const receipt = queued.documents.find((d) => d.kind === 'receipt')!;
    expect(queued.messages.find((x) => x.channel === 'email')).toMatchObject({ status: 'queued', attemptCount: 0 });
    expect(await mailsFor(body.applicant.email, receipt.docNo)).toHaveLength(0);

    // The sweep, run where SMTP is configured, starts the dispatch that was never started.
    const started = await env.client.workflow.execute(applicantMessageSweep, {
      workflowId: `sweep-${caseNo}`,
      taskQueue: 'applicant-messages-e2e',
      args: [{ minAgeSeconds: 0 }],
    });
    expect(started).toBeGreaterThanOrEqual(1);
    await eventually(async () => (await mailsFor(body.applicant.email, receipt.docNo)).length === 1, 'the swept receipt e-mail');
    const delivered = await eventually(async () => {
      const v = await view(caseNo);
      return v.documents.find((d) => d.docNo === receipt.docNo)?.delivery ? v : null;
    }, 'the swept e-mail recorded as delivered');
    expect(delivered.messages.find((x) => x.channel === 'email')!.status).toBe('sent');
    // A second sweep sends nothing twice.
    await env.client.workflow.execute(applicantMessageSweep, {
      workflowId: `sweep2-${caseNo}`,
      taskQueue: 'applicant-messages-e2e',
      args: [{ minAgeSeconds: 0 }],
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await mailsFor(body.applicant.email, receipt.docNo)).toHaveLength(1);
  } finally {
    offline.shutdown();
    await running;
  }
});

it('with an SMS provider configured, queued SMS go out in the SendSms shape, and an SMS is never recorded as a delivery', async () => {
  const body = intake({ delivery: 'post', phone: '+86 139-0013-9000' });
  const { caseNo } = await submit(body);
  const before = await view(caseNo);
  const sms = before.messages.find((x) => x.channel === 'sms')!;
  expect(sms.status).toBe('queued');
  // A provider that answers as Dysmsapi SendSms does (the real service is outside this machine's reach).
  const requests: SmsSendRequest[] = [];
  const provider: SmsProvider = {
    name: 'recording',
    signName: '示例应急',
    templateCode: 'SMS_123456789',
    sendSms: async (request) => {
      requests.push(request);
      return { Code: 'OK', Message: 'OK', BizId: `biz-${requests.length}`, RequestId: `req-${requests.length}` };
    },
  };
  const { database, env } = stack;
  const smsWorker = await Worker.create({
    connection: env.nativeConnection,
    namespace: 'gongkai',
    taskQueue: 'applicant-messages-sms',
    workflowsPath: require.resolve('../workflows'),
    activities: createActivities({ db: database.db, agency: TEST_AGENCY, temporal: env.client, mail: null, sms: provider }),
  });
  await smsWorker.runUntil(async () => {
    await env.client.workflow.execute(applicantMessageSweep, {
      workflowId: `sms-sweep-${caseNo}`,
      taskQueue: 'applicant-messages-sms',
      args: [{ minAgeSeconds: 0 }],
    });
    await eventually(async () => (await view(caseNo)).messages.find((x) => x.channel === 'sms')!.status === 'sent', 'the SMS sent');
  });
  const ours = requests.filter((r) => JSON.parse(r.TemplateParam).caseNo === caseNo);
  expect(ours).toHaveLength(1);
  expect(ours[0]).toEqual({
    PhoneNumbers: '13900139000',
    SignName: '示例应急',
    TemplateCode: 'SMS_123456789',
    TemplateParam: JSON.stringify({ caseNo, notice: '政府信息公开申请登记回执' }),
    OutId: `notice-dispatch-${caseNo}-1-sms`,
  });
  const after = await view(caseNo);
  expect(after.messages.find((x) => x.channel === 'sms')).toMatchObject({
    status: 'sent',
    attemptCount: 1,
    serverMessageId: expect.stringMatching(/^biz-/),
    deliveryRecordedAt: null,
  });
  expect(after.documents.find((d) => d.kind === 'receipt')!.delivery).toBeNull();
});
