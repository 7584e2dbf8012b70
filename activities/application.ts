/**
 * Activities of the application workflow: clock derivation with the current calendar,
 * duplicate detection, fees, and the one-transaction write of every step (projection +
 * append-only event + notice). Each is idempotent: a retried write finds its event already
 * recorded and writes nothing twice.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { type Kysely, sql } from 'kysely';
import type { AgencyConfig } from '../domain/agency';
import { endOfDayShanghai, type IsoDate, shanghaiDateOf } from '../domain/calendar/dates';
import { DUPLICATE_SIMILARITY_THRESHOLD, descriptionSimilarity } from '../domain/application/similarity';
import { type Actor, type ApplicationState, NOTICE_KINDS, type NoticeKind } from '../domain/application/types';
import { type ClockEvent, type DerivedClock, deriveClock } from '../domain/clocks/working-day-clock';
import { applicationSnapshot } from '../domain/supervision/projection';
import { type FeeBasis, type FeeComputation, feeByCount, feeByPages } from '../domain/fees';
import type { CalendarStore } from '../db/repositories/calendar';
import { nextInSequence } from '../db/repositories/sequences';
import type { Database } from '../db/schema';
import { type NoticeDetails, renderNotice } from './notices';
import { recordSupervision } from './supervision';

export interface DerivedCaseClock {
  id: string;
  derived: DerivedClock;
  dueAt: string | null;
  reminders: Array<{ workingDaysBefore: number; date: IsoDate; at: string }>;
}

export interface RecordedEvent {
  seq: number;
  type: string;
  actor: Actor;
  at: string;
  payload: Record<string, unknown>;
}

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
  reply: '答复',
};

/** 09:00 Asia/Shanghai on a date, when reminders go out. */
function morningOf(date: IsoDate): string {
  return `${date}T01:00:00.000Z`;
}

export function createApplicationActivities(deps: { db: Kysely<Database>; calendar: CalendarStore; agency: AgencyConfig }) {
  const { db, calendar, agency } = deps;

  return {
    async deriveClocks(input: {
      clocks: Array<{ id: string; events: ClockEvent[] }>;
      reminderWorkingDaysBefore: number[];
    }): Promise<DerivedCaseClock[]> {
      const current = await calendar.current();
      return input.clocks.map(({ id, events }) => {
        let derived: DerivedClock;
        try {
          derived = deriveClock(events, current);
        } catch (error) {
          throw ApplicationFailure.nonRetryable(`clock ${id}: ${(error as Error).message}`, 'InvalidClockEvents');
        }
        const running = derived.status === 'running' && derived.due !== null;
        return {
          id,
          derived,
          dueAt: derived.due ? endOfDayShanghai(derived.due).toISOString() : null,
          reminders: running
            ? input.reminderWorkingDaysBefore
                .filter((k) => k < derived.totalWorkingDays)
                .map((k) => {
                  const date = current.workingDaysBefore(derived.due!, k);
                  return { workingDaysBefore: k, date, at: morningOf(date) };
                })
            : [],
        };
      });
    },

    /** Earlier cases of the same applicant within the window whose description is near-identical. */
    async findPossibleDuplicates(input: { caseNo: string; idNumber: string; description: string; windowDays: number }): Promise<string[]> {
      const earlier = await db
        .selectFrom('applications')
        .select(['case_no', 'description'])
        .where('applicant_id_number', '=', input.idNumber)
        .where('case_no', '!=', input.caseNo)
        .where('created_at', '>=', sql<Date>`now() - make_interval(days => ${input.windowDays})`)
        .orderBy('created_at', 'desc')
        .limit(200)
        .execute();
      return earlier
        .filter((row) => descriptionSimilarity(row.description, input.description) >= DUPLICATE_SIMILARITY_THRESHOLD)
        .map((row) => row.case_no);
    },

    /** 109号 fees; by count, the ordinal is this applicant's place among the month's applications. */
    async computeFee(input: { caseNo: string; idNumber: string; basis: FeeBasis; pages: number; count: number; on: IsoDate }): Promise<FeeComputation> {
      if (input.basis === 'by-pages') return feeByPages(input.pages);
      const row = await db
        .selectFrom('applications')
        .select(sql<string>`count(*)`.as('n'))
        .where('applicant_id_number', '=', input.idNumber)
        .where(sql<boolean>`date_trunc('month', created_at at time zone 'Asia/Shanghai') = date_trunc('month', ${input.on}::date)`)
        .where('created_at', '<=', (eb) => eb.selectFrom('applications').select('created_at').where('case_no', '=', input.caseNo))
        .executeTakeFirstOrThrow();
      return feeByCount(Math.max(1, Number(row.n)), input.count);
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
    }): Promise<{ docNo: string | null; event: RecordedEvent }> {
      // The event comes back so that the workflow's history (where a local activity keeps only
      // its result) still holds every event as it was written: the hearing's evidence.
      const { event, state } = input;
      const reply = state.clocks.find((c) => c.id === 'reply');
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
      return db.transaction().execute(async (trx) => {
        await trx
          .insertInto('applications')
          .values({
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
          })
          .onConflict((oc) => oc.column('case_no').doUpdateSet(projection).where('applications.last_seq', '<', event.seq))
          .execute();
        const inserted = await trx
          .insertInto('case_events')
          .values({
            case_no: state.caseNo,
            seq: event.seq,
            type: event.type,
            actor_username: event.actor.username,
            actor_role: event.actor.role,
            occurred_at: event.at,
            payload: JSON.stringify({ ...event.payload, actor: { username: event.actor.username, displayName: event.actor.displayName, role: event.actor.role } }),
          })
          .onConflict((oc) => oc.columns(['case_no', 'seq']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (inserted) await recordSupervision(trx, input.workflowId, applicationSnapshot(state), event);
        if (!inserted || !input.notice) {
          const existing = input.notice
            ? await trx.selectFrom('case_documents').select('doc_no').where('case_no', '=', state.caseNo).where('event_seq', '=', event.seq).executeTakeFirst()
            : undefined;
          return { docNo: existing?.doc_no ?? null, event };
        }
        const issuedOn = shanghaiDateOf(Date.parse(event.at));
        const year = Number(issuedOn.slice(0, 4));
        const n = await nextInSequence(trx, input.agencyCode, year, `notice:${input.notice.kind}`);
        const docNo = `${agency.shortName}依申请〔${year}〕${NOTICE_SERIES[input.notice.kind]}第${n}号`;
        const rendered = renderNotice({
          docNo,
          issuedOn,
          agencyName: agency.name,
          caseNo: state.caseNo,
          queryCode: state.queryCode,
          intake: state.intake,
          receivedOn: state.receivedOn,
          details: input.notice,
        });
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
        return { docNo, event };
      });
    },
  };
}
