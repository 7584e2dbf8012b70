/**
 * Reaching the applicant: every notice addressed to the applicant is queued, in the
 * transaction that issues it, as one outbox row per channel (`applicant_messages`): an
 * e-mail with the notice's PDF when the applicant chose e-mail delivery, an SMS when the
 * phone is a mainland mobile number. After the commit a `noticeDispatch` workflow per row
 * (id from case, notice and channel, so a second start is a no-op) sends it with Temporal's
 * retries and backoff; a sweep starts the ones whose start was lost. An e-mail the SMTP
 * server accepted is recorded on the case as the notice's delivery (送达, method e-mail, the
 * server's answer as proof). SMS carries no document: it is never a delivery, and with no
 * provider configured it stays queued, visible on the case.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { type Duration, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { type Kysely, sql, type Transaction } from 'kysely';
import nodemailer from 'nodemailer';
import { loadAgencyOf } from '../db/repositories/agency';
import type { Database } from '../db/schema';
import type { AgencyConfig } from '../domain/agency';
import type { ApplicationIntake, ApplicationState, NoticeKind } from '../domain/application/types';
import type { Actor } from '../domain/case';
import { addresseeOf } from '../domain/application/types';
import { shanghaiDateOf } from '../domain/calendar/dates';
import { deliverUpdate, recordNoticeDeliveryUpdate } from '../workflows/application-messages';
import { caseDocumentPdf } from './notice-pdf';

// ---- configuration ---------------------------------------------------------------------

/** Backoff of a message's send attempts (Temporal activity retry policy, ms-style durations). */
export interface MessageRetry {
  initialInterval: Duration;
  maximumInterval: Duration;
}

export interface MailSettings {
  /** smtp://user:pass@host:port or smtps://…; nodemailer's connection URL. */
  smtpUrl: string;
  /** The From header, e.g. "示例市应急管理局 <gongkai@example.gov.cn>". */
  from: string;
  retry?: MessageRetry;
}

/** GONGKAI_SMTP_URL and GONGKAI_MAIL_FROM; no URL: e-mails stay queued (nothing is sent). */
export function mailSettingsFromEnv(env: Record<string, string | undefined>): MailSettings | undefined {
  const smtpUrl = env.GONGKAI_SMTP_URL;
  if (!smtpUrl) return undefined;
  if (!/^smtps?:\/\//.test(smtpUrl)) throw new Error('GONGKAI_SMTP_URL must be an smtp:// or smtps:// URL');
  const from = env.GONGKAI_MAIL_FROM;
  if (!from) throw new Error('GONGKAI_MAIL_FROM is required with GONGKAI_SMTP_URL (the From address of notices sent by e-mail)');
  return { smtpUrl, from };
}

/**
 * The request of a mainstream Chinese SMS API (Aliyun Dysmsapi SendSms): one template,
 * filled with parameters, sent under the agency's registered signature.
 */
export interface SmsSendRequest {
  PhoneNumbers: string;
  SignName: string;
  TemplateCode: string;
  /** JSON object of the template's variables. */
  TemplateParam: string;
  /** The caller's own id, echoed in delivery reports: the outbox row's workflow id. */
  OutId: string;
}

export interface SmsSendResponse {
  /** 'OK' when accepted; otherwise the provider's error code (e.g. isv.MOBILE_NUMBER_ILLEGAL). */
  Code: string;
  Message: string;
  BizId?: string;
  RequestId?: string;
}

export interface SmsProvider {
  name: string;
  signName: string;
  templateCode: string;
  sendSms(request: SmsSendRequest): Promise<SmsSendResponse>;
}

export interface ApplicantMessageDeps {
  db: Kysely<Database>;
  agency: AgencyConfig;
  mail?: MailSettings;
  /** No provider: SMS stay queued, never reported sent. */
  sms?: SmsProvider;
  /** Else the worker's own client (activity context). */
  temporal?: Client;
}

// ---- queueing (inside the notice's transaction) ------------------------------------------

/** 中国大陆手机号码, with or without +86 / spaces / dashes. */
export function mobileNumberOf(phone: string): string | null {
  const digits = phone.replace(/[\s-]/g, '').replace(/^(\+?86)/, '');
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

export type MessageChannel = 'email' | 'sms';

/** The channels a notice reaches the applicant by. */
export function channelsFor(kind: NoticeKind, intake: ApplicationIntake): MessageChannel[] {
  if (addresseeOf(kind) !== 'applicant') return [];
  const channels: MessageChannel[] = [];
  if (intake.delivery === 'email' && intake.applicant.email) channels.push('email');
  if (mobileNumberOf(intake.applicant.phone)) channels.push('sms');
  return channels;
}

/** Business key of a message's dispatch workflow: a second start under it is a no-op. */
export const dispatchWorkflowId = (caseNo: string, eventSeq: number, channel: MessageChannel) =>
  `notice-dispatch-${caseNo}-${eventSeq}-${channel}`;

/** Queues the notice's messages in the transaction that issues it; a retried step queues nothing twice. */
export async function queueApplicantMessages(
  trx: Transaction<Database>,
  notice: { caseNo: string; eventSeq: number; docNo: string; kind: NoticeKind; intake: ApplicationIntake },
): Promise<void> {
  const channels = channelsFor(notice.kind, notice.intake);
  if (channels.length === 0) return;
  await trx
    .insertInto('applicant_messages')
    .values(
      channels.map((channel) => ({
        case_no: notice.caseNo,
        event_seq: notice.eventSeq,
        doc_no: notice.docNo,
        notice_kind: notice.kind,
        channel,
        workflow_id: dispatchWorkflowId(notice.caseNo, notice.eventSeq, channel),
      })),
    )
    .onConflict((oc) => oc.columns(['case_no', 'doc_no', 'channel']).doNothing())
    .execute();
}

// ---- dispatch ----------------------------------------------------------------------------

/** The input of `noticeDispatch` (workflows/notice-dispatch.ts). */
export interface NoticeDispatchInput {
  messageId: string;
  channel: MessageChannel;
  retry?: MessageRetry;
}

export interface SendResult {
  status: 'sent' | 'superseded';
  /** The e-mail is the notice's delivery: record it on the case. */
  recordsDelivery: boolean;
}

/** Who records an e-mail delivery on the case. */
const MAILER: Actor = { userId: '0', username: 'system', displayName: '系统（电子邮件送达）', role: 'admin', departmentCode: '' };

/** ApplicationFailure type of a message that can never go out (the workflow stops retrying). */
export const MESSAGE_UNDELIVERABLE = 'MessageUndeliverable';

interface MessageRow {
  id: string;
  case_no: string;
  doc_no: string;
  channel: MessageChannel;
  workflow_id: string;
}

export function createApplicantMessageActivities(deps: ApplicantMessageDeps) {
  const { db, agency, mail, sms } = deps;
  const transport = mail ? nodemailer.createTransport(mail.smtpUrl) : null;
  const client = (): Client => deps.temporal ?? Context.current().client;
  const configured = (channel: MessageChannel): boolean => (channel === 'email' ? transport !== null : sms !== undefined);

  /** Starts the dispatch workflow of each row whose channel is configured; an existing one is left alone. */
  async function dispatch(rows: MessageRow[], taskQueue: string): Promise<number> {
    let started = 0;
    for (const row of rows.filter((r) => configured(r.channel))) {
      const input: NoticeDispatchInput = { messageId: row.id, channel: row.channel, ...(mail?.retry ? { retry: mail.retry } : {}) };
      try {
        await client().workflow.start('noticeDispatch', {
          workflowId: row.workflow_id,
          taskQueue,
          args: [input],
          // Running: leave it; completed: the message went out (or never can); failed or terminated: again.
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        });
        started += 1;
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
      await db
        .updateTable('applicant_messages')
        .set({ dispatch_started_at: new Date() })
        .where('id', '=', row.id)
        .where('dispatch_started_at', 'is', null)
        .execute();
    }
    return started;
  }

  const rowColumns = ['id', 'case_no', 'doc_no', 'channel', 'workflow_id'] as const;

  /**
   * After the notice's commit (and its PDF): starts its messages' dispatch. A failure here
   * loses nothing: the rows are queued and the sweep starts them.
   */
  async function dispatchNoticeMessages(caseNo: string, docNo: string): Promise<void> {
    if (!transport && !sms) return; // nothing is sent: the rows stay queued, visible on the case
    try {
      const rows = await db
        .selectFrom('applicant_messages')
        .select(rowColumns)
        .where('case_no', '=', caseNo)
        .where('doc_no', '=', docNo)
        .where('status', '=', 'queued')
        .execute();
      if (rows.some((r) => configured(r.channel))) await dispatch(rows, Context.current().info.taskQueue);
    } catch (error) {
      const meta = { caseNo, docNo, error: (error as Error).message };
      try {
        Context.current().log.warn('notice messages not dispatched now; the sweep will', meta);
      } catch {
        console.warn('notice messages not dispatched now; the sweep will', meta); // called outside an activity
      }
    }
  }

  async function recordAttempt(
    id: string,
    attempt: { ok: boolean; response?: string; error?: string },
    set: Record<string, unknown> = {},
  ): Promise<void> {
    // The case view shows attempts to roles that see the applicant's contact masked: servers echo addresses in errors.
    if (attempt.error) attempt = { ...attempt, error: withoutContact(attempt.error) };
    const entry = JSON.stringify([{ at: new Date().toISOString(), ...attempt }]);
    await db
      .updateTable('applicant_messages')
      .set({
        attempt_count: sql<number>`attempt_count + 1`,
        attempts: sql<string>`attempts || ${entry}::jsonb`,
        last_error: attempt.ok ? null : (attempt.error ?? null),
        ...set,
      })
      .where('id', '=', id)
      .execute();
  }

  async function sendEmail(
    row: MessageRow & { notice_kind: string },
    caseRow: { state: unknown; query_code: string; agency_code: string },
  ): Promise<SendResult> {
    const state = caseRow.state as ApplicationState;
    const to = state.intake.applicant.email;
    if (!to) throw ApplicationFailure.nonRetryable('the applicant gave no e-mail address', MESSAGE_UNDELIVERABLE);
    const doc = await db
      .selectFrom('case_documents')
      .select(['title', 'issued_on', 'html', 'pdf', 'pdf_sha256'])
      .where('case_no', '=', row.case_no)
      .where('doc_no', '=', row.doc_no)
      .executeTakeFirstOrThrow();
    // The PDF is stored just after the notice's commit; a message that overtakes it waits a retry.
    if (!doc.pdf) throw ApplicationFailure.retryable(`the PDF of ${row.doc_no} is not stored yet`, 'PdfPending');
    const pdf = (await caseDocumentPdf(doc))!;
    const agencyName = (await loadAgencyOf(db, caseRow.agency_code, agency)).name; // the case's agency, as it is set now
    const email = noticeEmail({
      agencyName,
      applicantName: state.intake.applicant.name,
      caseNo: row.case_no,
      queryCode: caseRow.query_code,
      docNo: row.doc_no,
      title: doc.title,
      issuedOn: doc.issued_on,
      pdfSha256: doc.pdf_sha256 ?? createHash('sha256').update(pdf).digest('hex'),
    });
    const messageId = `<${createHash('sha256').update(row.workflow_id).digest('hex').slice(0, 32)}@${domainOf(mail!.from)}>`;
    let info: { messageId: string; response: string };
    try {
      info = await transport!.sendMail({
        from: mail!.from,
        to,
        subject: email.subject,
        text: email.text,
        messageId,
        attachments: [{ filename: `${row.doc_no}.pdf`, content: pdf, contentType: 'application/pdf' }],
      });
    } catch (error) {
      const failure = error as Error & { responseCode?: number; code?: string };
      await recordAttempt(row.id, { ok: false, error: `${failure.code ?? ''} ${failure.message}`.trim() });
      // 5xx: the server refuses this message for good (no such mailbox, policy); anything else may pass later.
      if (failure.responseCode !== undefined && failure.responseCode >= 500) {
        await db.updateTable('applicant_messages').set({ status: 'failed' }).where('id', '=', row.id).execute();
        throw ApplicationFailure.nonRetryable(`the mail server refused the message: ${failure.message}`, MESSAGE_UNDELIVERABLE);
      }
      throw ApplicationFailure.retryable(`e-mail not sent: ${failure.message}`, 'SmtpUnavailable');
    }
    await recordAttempt(
      row.id,
      { ok: true, response: info.response },
      {
        status: 'sent',
        sent_at: new Date(),
        sent_on: shanghaiDateOf(Date.now()),
        provider_message_id: info.messageId,
        provider_response: info.response,
      },
    );
    return { status: 'sent', recordsDelivery: true };
  }

  async function sendSms(row: MessageRow & { notice_kind: string }, caseRow: { state: unknown }): Promise<SendResult> {
    const state = caseRow.state as ApplicationState;
    const phone = mobileNumberOf(state.intake.applicant.phone);
    if (!phone) throw ApplicationFailure.nonRetryable('the applicant gave no mobile number', MESSAGE_UNDELIVERABLE);
    const doc = await db
      .selectFrom('case_documents')
      .select(['title'])
      .where('case_no', '=', row.case_no)
      .where('doc_no', '=', row.doc_no)
      .executeTakeFirstOrThrow();
    let response: SmsSendResponse;
    try {
      response = await sms!.sendSms({
        PhoneNumbers: phone,
        SignName: sms!.signName,
        TemplateCode: sms!.templateCode,
        TemplateParam: JSON.stringify({ caseNo: row.case_no, notice: doc.title }),
        OutId: row.workflow_id,
      });
    } catch (error) {
      await recordAttempt(row.id, { ok: false, error: (error as Error).message });
      throw ApplicationFailure.retryable(`SMS not sent: ${(error as Error).message}`, 'SmsUnavailable');
    }
    if (response.Code !== 'OK') {
      await recordAttempt(row.id, { ok: false, error: `${response.Code}: ${response.Message}` });
      // The provider's own limits pass; a bad number, template or signature does not.
      if (response.Code.startsWith('isv.') && !/LIMIT/.test(response.Code)) {
        await db.updateTable('applicant_messages').set({ status: 'failed' }).where('id', '=', row.id).execute();
        throw ApplicationFailure.nonRetryable(`the SMS provider refused the message: ${response.Code}`, MESSAGE_UNDELIVERABLE);
      }
      throw ApplicationFailure.retryable(`SMS not sent: ${response.Code}`, 'SmsUnavailable');
    }
    await recordAttempt(
      row.id,
      { ok: true, response: `${response.Code} ${response.Message}` },
      {
        status: 'sent',
        sent_at: new Date(),
        sent_on: shanghaiDateOf(Date.now()),
        provider_message_id: response.BizId ?? null,
        provider_response: `${response.Code} ${response.Message}`,
      },
    );
    return { status: 'sent', recordsDelivery: false };
  }

  return {
    dispatchNoticeMessages,

    /** One attempt at sending a queued message; a failure is kept on its row and thrown for Temporal to retry. */
    async sendApplicantMessage(input: { messageId: string }): Promise<SendResult> {
      const row = await db
        .selectFrom('applicant_messages')
        .select([...rowColumns, 'notice_kind', 'status'])
        .where('id', '=', input.messageId)
        .executeTakeFirst();
      if (!row) throw ApplicationFailure.nonRetryable(`no applicant message ${input.messageId}`, MESSAGE_UNDELIVERABLE);
      if (row.status === 'sent') return { status: 'sent', recordsDelivery: row.channel === 'email' };
      if (row.status !== 'queued') return { status: 'superseded', recordsDelivery: false };
      const caseRow = await db
        .selectFrom('applications')
        .select(['state', 'query_code', 'agency_code'])
        .where('case_no', '=', row.case_no)
        .executeTakeFirstOrThrow();
      const notice = (caseRow.state as ApplicationState).notices?.find((n) => n.docNo === row.doc_no);
      if (row.channel === 'email' && notice?.delivery && notice.delivery.method !== 'email') {
        // Delivered by hand or post meanwhile: the notice has reached the applicant.
        await db
          .updateTable('applicant_messages')
          .set({ status: 'superseded', delivery_note: `已于${notice.delivery.deliveredOn}以其他方式送达` })
          .where('id', '=', row.id)
          .execute();
        return { status: 'superseded', recordsDelivery: false };
      }
      if (!configured(row.channel)) throw ApplicationFailure.retryable(`no ${row.channel} transport is configured`, 'ChannelNotConfigured');
      return row.channel === 'email' ? sendEmail(row, caseRow) : sendSms(row, caseRow);
    },

    /**
     * Records the e-mail's delivery on the case: the notice's delivery record, or for the reply
     * the delivery step. Already recorded (by hand or an earlier attempt): nothing more.
     */
    async recordApplicantMessageDelivery(input: { messageId: string }): Promise<{ recorded: boolean; note: string | null }> {
      const row = await db
        .selectFrom('applicant_messages')
        .select([
          'id',
          'case_no',
          'doc_no',
          'notice_kind',
          'sent_on',
          'provider_message_id',
          'provider_response',
          'delivery_recorded_at',
          'delivery_note',
        ])
        .where('id', '=', input.messageId)
        .executeTakeFirstOrThrow();
      if (row.delivery_recorded_at) return { recorded: true, note: row.delivery_note };
      const settle = async (note: string | null) => {
        await db
          .updateTable('applicant_messages')
          .set({ delivery_recorded_at: note ? null : new Date(), delivery_note: note })
          .where('id', '=', row.id)
          .execute();
        return { recorded: note === null, note };
      };
      const caseRow = await db
        .selectFrom('applications')
        .select(['workflow_id', 'state', 'status'])
        .where('case_no', '=', row.case_no)
        .executeTakeFirstOrThrow();
      const stored = (caseRow.state as ApplicationState).notices?.find((n) => n.docNo === row.doc_no);
      if (stored?.delivery) return settle(`送达已另行登记（${stored.delivery.deliveredOn}）`);
      if (caseRow.status === 'closed') return settle('案件已办结，未登记送达');
      const proof = `电子邮件服务器已接收：${row.provider_message_id ?? ''} ${row.provider_response ?? ''}`.trim().slice(0, 500);
      const deliveredOn = row.sent_on!;
      const handle = client().workflow.getHandle(caseRow.workflow_id);
      try {
        if (row.notice_kind === 'reply')
          await handle.executeUpdate(deliverUpdate, { args: [{ actor: MAILER, method: 'email', deliveredOn, proof }] });
        else
          await handle.executeUpdate(recordNoticeDeliveryUpdate, {
            args: [{ actor: MAILER, docNo: row.doc_no, method: 'email', deliveredOn, proof }],
          });
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return settle('案件已办结，未登记送达');
        if (!(error instanceof WorkflowUpdateFailedError)) throw error;
        // Refused: the notice may not be on the case's list yet (the step that issued it is
        // finishing), or its delivery was recorded meanwhile, or the case has moved on.
        const now = await db.selectFrom('applications').select(['state']).where('case_no', '=', row.case_no).executeTakeFirstOrThrow();
        const notice = (now.state as ApplicationState).notices?.find((n) => n.docNo === row.doc_no);
        if (notice?.delivery)
          return settle(
            notice.delivery.method === 'email' && notice.delivery.proof === proof
              ? null
              : `送达已另行登记（${notice.delivery.deliveredOn}）`,
          );
        const reason = error.cause?.message ?? error.message;
        if (!notice) throw ApplicationFailure.retryable(`the case does not list ${row.doc_no} yet: ${reason}`, 'NoticeNotListed');
        return settle(`未登记送达：${reason}`);
      }
      return settle(null);
    },

    /** The sweep: starts the dispatch of queued messages whose start was lost (the process died after the commit). */
    async dispatchQueuedApplicantMessages(input: { minAgeSeconds?: number } = {}): Promise<number> {
      // Younger rows are still being started by the step that queued them.
      const minAgeSeconds = input.minAgeSeconds ?? 60;
      const rows = await db
        .selectFrom('applicant_messages')
        .select(rowColumns)
        .where('status', '=', 'queued')
        .where('created_at', '<=', sql<Date>`now() - make_interval(secs => ${minAgeSeconds})`)
        .orderBy('created_at')
        .limit(500)
        .execute();
      return dispatch(rows, Context.current().info.taskQueue);
    },
  };
}

/** An error text with e-mail addresses and mobile numbers masked. */
export function withoutContact(text: string): string {
  return text.replace(/[A-Za-z0-9._%+-]+@([A-Za-z0-9.-]+)/g, '***@$1').replace(/(?<!\d)(\+?86)?1[3-9]\d{9}(?!\d)/g, '1**********');
}

/** The domain of the From address, for Message-IDs. */
function domainOf(from: string): string {
  return /@([A-Za-z0-9.-]+)/.exec(from)?.[1] ?? 'gongkai.localhost';
}

/** Subject and plain-text body of the e-mail that carries a notice (the notice itself is the PDF). */
export function noticeEmail(m: {
  agencyName: string;
  applicantName: string;
  caseNo: string;
  queryCode: string;
  docNo: string;
  title: string;
  issuedOn: string;
  pdfSha256: string;
}): { subject: string; text: string } {
  return {
    subject: `【${m.agencyName}】${m.title}（${m.docNo}）`,
    text: [
      `${m.applicantName}：`,
      '',
      `${m.agencyName}就您的政府信息公开申请（案件编号：${m.caseNo}）向您送达《${m.title}》（${m.docNo}），文书全文见本邮件附件（PDF）。`,
      '',
      `您可凭查询码 ${m.queryCode} 查询办理进度。`,
      `附件的 SHA-256 校验值：${m.pdfSha256}`,
      '',
      '本邮件由系统自动发送，请勿直接回复。如有疑问，请与本机关政府信息公开工作机构联系。',
      '',
      m.agencyName,
      m.issuedOn,
    ].join('\n'),
  };
}
