/**
 * Activities of the application workflow: clock derivation with the current calendar,
 * duplicate detection, fees, and the one-transaction write of every step (projection +
 * append-only event + notice). Each is idempotent: a retried write finds its event already
 * recorded and writes nothing twice.
 */
import { agencyOfCaseNumber } from '../domain/agency';
import type { RecordedEvent } from '../domain/case';
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { AgencyConfig } from '../domain/agency';
import { loadAgencyOf, loadAgencySeal, loadAgencySettings } from '../db/repositories/agency';
import { endOfDayShanghai, type IsoDate, shanghaiDateOf } from '../domain/calendar/dates';
import { type ApplicationState, issuedNotice, NOTICE_KINDS, type NoticeIssue, type NoticeKind } from '../domain/application/types';
import { type AnyClockEvent, type DerivedClock, deriveClock } from '../domain/clocks/working-day-clock';
import type { DerivedCaseClock, DerivedCaseClockAnswer } from '../domain/application/transitions';
import { applicationSnapshot } from '../domain/supervision/projection';
import { reportDatesOf } from '../domain/reports/report-dates';
import { type FeeBasis, type FeeComputation, feeByCount, feeByPages } from '../domain/fees';
import type { CalendarStore } from '../db/repositories/calendar';
import { appendCaseEvent, type RecordedDigest, recordedDigest, upsertCaseProjection } from '../db/repositories/case-events';
import { possibleDuplicates } from '../db/repositories/applications';
import { reminderInstant } from '../domain/clocks/timers';
import { nextInSequence } from '../db/repositories/sequences';
import type { Database } from '../db/schema';
import { queueApplicantMessages } from './applicant-messages';
import { renderNoticePdf } from './notice-pdf';
import { type NoticeDetails, renderNotice } from './notices';
import { recordSupervision } from './supervision';

/** Short series names used in document numbers: 示例应急依申请〔2026〕补正第3号. */
const NOTICE_SERIES: Record<NoticeKind, string> = {
  receipt: '登记',
  correction: '补正',
  extension: '延期',
  'third-party': '征询',
  'other-agency': '征求',
  suspension: '中止',
  resumption: '恢复',
  fee: '收费',
  'fee-waiver': '减免',
  'reasons-request': '说明理由',
  'deferred-reply': '延迟答复',
  'third-party-disclosure': '公开告知',
  reply: '答复',
};

/** The first day of the month after the one starting on `firstOfMonth` (YYYY-MM-01). */
function addMonthsToFirst(firstOfMonth: IsoDate): IsoDate {
  const year = Number(firstOfMonth.slice(0, 4));
  const month = Number(firstOfMonth.slice(5, 7));
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

export function createApplicationActivities(deps: {
  db: Kysely<Database>;
  calendar: CalendarStore;
  agency: AgencyConfig;
  /** Starts the dispatch of a notice's queued messages to the applicant (activities/applicant-messages.ts). */
  dispatchNoticeMessages?: (caseNo: string, docNo: string) => Promise<void>;
}) {
  const { db, calendar, agency } = deps;
  const agencyOf = (d: Kysely<Database> | Transaction<Database>, code: string) => loadAgencyOf(d, code, agency);

  return {
    async deriveClocks<Compact extends boolean = false>(input: {
      // Calendar-day clocks (lawsuits) too. `heldSteps`: the caller holds the derivation's first
      // `count` steps, made with `calendarVersion` (compact answers only).
      clocks: Array<{ id: string; events: AnyClockEvent[]; heldSteps?: { count: number; calendarVersion: string } }>;
      reminderWorkingDaysBefore: number[];
      /** true: without what the caller puts back itself (DerivedCaseClockAnswer). */
      compact?: Compact;
    }): Promise<Compact extends true ? DerivedCaseClockAnswer[] : DerivedCaseClock[]> {
      const current = await calendar.current();
      const answer: DerivedCaseClockAnswer[] = input.clocks.map(({ id, events, heldSteps }) => {
        let derived: DerivedClock;
        try {
          derived = deriveClock(events, current);
        } catch (error) {
          throw ApplicationFailure.nonRetryable(`clock ${id}: ${(error as Error).message}`, 'InvalidClockEvents');
        }
        const running = derived.status === 'running' && derived.due !== null;
        // A working-day clock's steps are a left fold over its events: with the same calendar, the
        // steps of events the caller derived before are the ones it holds. (A calendar-day event
        // changes how the whole clock counts, so those clocks are always answered whole.)
        const held =
          input.compact &&
          heldSteps &&
          heldSteps.calendarVersion === derived.calendarVersion &&
          derived.unit === undefined &&
          heldSteps.count <= derived.steps.length
            ? heldSteps.count
            : 0;
        return {
          id,
          ...(held > 0 ? { stepsFrom: held } : {}),
          derived: input.compact ? { ...derived, steps: derived.steps.slice(held).map(({ event: _event, ...step }) => step) } : derived,
          dueAt: derived.due ? endOfDayShanghai(derived.due).toISOString() : null,
          reminders: running
            ? input.reminderWorkingDaysBefore
                .filter((k) => k < derived.totalWorkingDays)
                .map((k) => {
                  const date = current.workingDaysBefore(derived.due!, k);
                  return input.compact ? { workingDaysBefore: k, date } : { workingDaysBefore: k, date, at: reminderInstant(date) };
                })
            : [],
        };
      });
      return answer as Compact extends true ? DerivedCaseClockAnswer[] : DerivedCaseClock[];
    },

    /** The duplicates check of cases whose input does not carry it (started before the API made it). */
    async findPossibleDuplicates(input: { caseNo: string; idNumber: string; description: string; windowDays: number }): Promise<string[]> {
      // Only the same agency's cases: another agency's case numbers are not this agency's to see.
      // The case has no row yet (this runs before registration): its number names its agency,
      // and a number from before the platform is the deployment's own agency's.
      const agencyCode = agencyOfCaseNumber(input.caseNo) ?? (await loadAgencySettings(db, agency)).code;
      return possibleDuplicates(db, { ...input, agencyCode });
    },

    /**
     * 109号 fees. By count (第四条: per applicant per natural month), this application's place
     * is 1 + the applications the applicant had received earlier in the month of its receipt:
     * ordered by first receipt date (a 补正 does not move it), ties by case number, each
     * weighted by the 一事一申请 split its fee notice recorded; not yet received ones (awaiting
     * confirmation) do not count. The month is the receipt's, never the notice's.
     */
    async computeFee(input: {
      caseNo: string;
      idNumber: string;
      basis: FeeBasis;
      pages: number;
      count: number;
      receivedOn: IsoDate;
    }): Promise<FeeComputation> {
      if (input.basis === 'by-pages') return feeByPages(input.pages);
      const own = await db
        .selectFrom('applications')
        .select(['agency_code', 'first_received_on', 'received_on'])
        .where('case_no', '=', input.caseNo)
        .executeTakeFirst();
      // The stored first receipt wins over the input, so that this case is placed by the same
      // date as every other case it is counted with.
      const receivedOn = own?.first_received_on ?? input.receivedOn ?? own?.received_on ?? null;
      if (!receivedOn) throw ApplicationFailure.nonRetryable(`${input.caseNo}: no receipt date to count the month by`, 'NoReceiptDate');
      const monthStart = `${receivedOn.slice(0, 7)}-01`;
      const nextMonthStart = addMonthsToFirst(monthStart);
      const received = sql<string>`coalesce(a.first_received_on, a.received_on)`;
      // A split recorded on the notice: an explicit `count`, else the units of a by-count computation.
      const weight = sql<number>`coalesce((
          select coalesce((e.payload->>'count')::int, case when e.payload->'computation'->>'basis' = 'by-count' then (
            select sum((l->>'units')::int)::int from jsonb_array_elements(e.payload->'computation'->'lines') l) end)
          from case_events e where e.case_no = a.case_no and e.type = 'fee-notice-issued' order by e.seq desc limit 1), 1)`;
      const row = await db
        .selectFrom('applications as a')
        .select(sql<string>`coalesce(sum(${weight}), 0)`.as('earlier'))
        .where('a.applicant_id_number', '=', input.idNumber)
        .where('a.agency_code', '=', own?.agency_code ?? (await loadAgencySettings(db, agency)).code)
        .where('a.case_no', '!=', input.caseNo)
        .where(sql<boolean>`${received} >= ${monthStart}::date and ${received} < ${nextMonthStart}::date`)
        .where(sql<boolean>`(${received} < ${receivedOn}::date or (${received} = ${receivedOn}::date and a.case_no < ${input.caseNo}))`)
        .executeTakeFirstOrThrow();
      return feeByCount(1 + Number(row.earlier), input.count);
    },

    /**
     * Writes one step in one transaction: the case projection (only moving forward), the
     * event (once per seq), and the notice the step issued, numbered in its series.
     */
    async recordApplicationEvent(input: {
      workflowId: string;
      agencyCode: string;
      event: RecordedEvent;
      state: ApplicationState;
      notice?: NoticeDetails;
      /** The notice's addressee and date: the stored case lists it with its number, awaiting delivery. */
      issue?: NoticeIssue;
    }): Promise<{ docNo?: string } & RecordedDigest> {
      const { event, state } = input;
      // A §35 later reply date replaces the reply period once set.
      const reply = state.clocks.find((c) => c.id === 'deferred-reply') ?? state.clocks.find((c) => c.id === 'reply');
      const projection = {
        stage: state.stage,
        status: state.closed ? ('closed' as const) : ('open' as const),
        paused: reply?.derived?.status === 'paused',
        department_code: state.departmentCode,
        assignee: state.assignee,
        outcome: state.outcome,
        received_on: state.receivedOn,
        reply_due: reply?.derived?.due ?? null,
        reply_due_at: reply?.dueAt && !reply.closed ? new Date(reply.dueAt) : null,
        state: JSON.stringify(state),
        possible_duplicates: state.possibleDuplicates,
        last_seq: event.seq,
        updated_at: new Date(),
        closed_at: state.closed ? new Date(event.at) : null,
      };
      // The annual report's dates (§50: 新收 by first receipt, 办理结果 by the end of the case).
      // A state from before the workflow carried them keeps what the row already holds.
      const dates = reportDatesOf(state, event);
      const reportDates = { first_received_on: dates.firstReceivedOn, ended_on: dates.endedOn };
      const reportDatesUpdate = {
        first_received_on: dates.fromState.firstReceivedOn
          ? dates.firstReceivedOn
          : sql<string | null>`coalesce(applications.first_received_on, ${dates.firstReceivedOn}::date)`,
        ended_on: dates.fromState.endedOn ? dates.endedOn : sql<string | null>`coalesce(applications.ended_on, ${dates.endedOn}::date)`,
      };
      const written = await db.transaction().execute(async (trx) => {
        await upsertCaseProjection(
          trx,
          'application',
          event.seq,
          {
            case_no: state.caseNo,
            workflow_id: input.workflowId,
            query_code: state.queryCode,
            agency_code: input.agencyCode,
            rule_profile_id: state.ruleProfile.id,
            rule_profile_version: state.ruleProfile.version,
            channel: state.intake.channel,
            applicant_type: state.intake.applicant.type,
            applicant_name: state.intake.applicant.name,
            applicant_id_number: state.intake.applicant.idNumber,
            description: state.intake.description,
            intake: JSON.stringify(state.intake),
            ...projection,
            ...reportDates,
          },
          { ...projection, ...reportDatesUpdate },
        );
        const inserted = await appendCaseEvent(trx, 'application', state.caseNo, event);
        if (inserted) await recordSupervision(trx, input.workflowId, applicationSnapshot(state), event);
        if (!inserted || !input.notice) {
          const existing = input.notice
            ? await trx
                .selectFrom('case_documents')
                .select(['doc_no', 'issued_on', 'pdf_sha256'])
                .where('case_no', '=', state.caseNo)
                .where('event_seq', '=', event.seq)
                .executeTakeFirst()
            : undefined;
          // A retry after a crash between the commit and the PDF: render it now (same model, same bytes).
          const owed =
            existing && existing.pdf_sha256 === null
              ? {
                  docNo: existing.doc_no,
                  issuedOn: existing.issued_on,
                  agencyName: (await agencyOf(trx, input.agencyCode)).name,
                  seal: (await loadAgencySeal(trx, input.agencyCode))?.png ?? null,
                }
              : null;
          return { docNo: existing?.doc_no ?? null, event, pdf: owed };
        }
        const issuedOn = shanghaiDateOf(Date.parse(event.at));
        const year = Number(issuedOn.slice(0, 4));
        const n = await nextInSequence(trx, input.agencyCode, year, `notice:${input.notice.kind}`);
        // The agency as an admin has set it now (the configuration only seeds the stored settings).
        const settings = await agencyOf(trx, input.agencyCode);
        const docNo = `${settings.shortName}依申请〔${year}〕${NOTICE_SERIES[input.notice.kind]}第${n}号`;
        const rendered = renderNotice({
          docNo,
          issuedOn,
          agencyName: settings.name,
          caseNo: state.caseNo,
          queryCode: state.queryCode,
          intake: state.intake,
          receivedOn: state.receivedOn,
          details: input.notice,
        });
        // The seal configured now goes on the PDF, rendered once the numbering lock is released.
        const seal = await loadAgencySeal(trx, input.agencyCode);
        await trx
          .insertInto('case_documents')
          .values({
            case_no: state.caseNo,
            event_seq: event.seq,
            kind: input.notice.kind,
            doc_no: docNo,
            title: rendered.title ?? NOTICE_KINDS[input.notice.kind],
            issued_on: issuedOn,
            html: rendered.html,
            sha256: createHash('sha256').update(rendered.html).digest('hex'),
          })
          .execute();
        // The e-mail and SMS to the applicant exist exactly when the notice does.
        await queueApplicantMessages(trx, {
          caseNo: state.caseNo,
          eventSeq: event.seq,
          docNo,
          kind: input.notice.kind,
          intake: state.intake,
        });
        if (input.issue) {
          // The workflow learns the number from this answer: the stored case lists it now.
          const stored = { ...state, notices: [...(state.notices ?? []), issuedNotice(docNo, input.notice.kind, input.issue)] };
          await trx
            .updateTable('applications')
            .set({ state: JSON.stringify(stored) })
            .where('case_no', '=', state.caseNo)
            .where('last_seq', '=', event.seq)
            .execute();
        }
        return { docNo, event, pdf: { docNo, issuedOn, agencyName: settings.name, seal: seal?.png ?? null } };
      });
      if (written.pdf && input.notice) {
        // Rendering takes ~100 ms: outside the transaction, which holds the series' numbering row.
        const { docNo, issuedOn, agencyName, seal } = written.pdf;
        const { model } = renderNotice({
          docNo,
          issuedOn,
          agencyName,
          caseNo: state.caseNo,
          queryCode: state.queryCode,
          intake: state.intake,
          receivedOn: state.receivedOn,
          details: input.notice,
        });
        const pdf = await renderNoticePdf(model, { issuedOn, seal });
        await db
          .updateTable('case_documents')
          .set({ pdf, pdf_sha256: createHash('sha256').update(pdf).digest('hex') })
          .where('case_no', '=', state.caseNo)
          .where('doc_no', '=', docNo)
          .where('pdf_sha256', 'is', null)
          .execute();
      }
      // After the commit and the PDF; a retried step starts what an earlier attempt may not have.
      if (written.docNo && input.notice) await deps.dispatchNoticeMessages?.(state.caseNo, written.docNo);
      return { ...(written.docNo ? { docNo: written.docNo } : {}), ...recordedDigest(written.event) };
    },
  };
}
