/**
 * The annual report's dates on the applications projection (issue 15 item 11): the first
 * receipt, which a correction (补正) does not move, and the day the case ended (reply
 * delivered, the due date that expired, the withdrawal), which archiving does not move.
 * Written with every step by recordApplicationEvent, from states that carry the dates and
 * from states of workflows started before they did; existing rows carried forward by the
 * migration. Dates are written out by hand.
 */
import type { Kysely } from 'kysely';
import { createApplicationActivities } from '../activities/application';
import type { ApplicationState } from '../domain/application/types';
import { reportDatesOf, type ReportDatesSource } from '../domain/reports/report-dates';
import * as reportDatesMigration from '../db/migrations/20261201T1200_application_report_dates';
import { CalendarStore } from '../db/repositories/calendar';
import type { Database } from '../db/schema';
import { createTestDatabase, type TestDatabase } from './support/database';

const ACTOR = { userId: '1', username: 'clerk', displayName: '受理员', role: 'clerk' as const, departmentCode: 'office' };

/** A state as an older workflow holds it: no firstReceivedOn / endedOn. */
function legacyState(caseNo: string, overrides: Partial<ApplicationState> = {}): ApplicationState {
  const state = {
    caseNo,
    queryCode: `Q${caseNo.slice(-6)}`,
    ruleProfile: { id: 'national-2019', version: '2019.1' },
    stage: 'registered',
    closed: false,
    outcome: null,
    intake: {
      channel: 'in-person',
      description: '某信息',
      form: 'paper',
      delivery: 'post',
      feeWaiverRequested: false,
      receivedOn: '2025-12-15',
      applicant: {
        type: 'natural-person',
        name: '张三',
        idType: 'resident-id',
        idNumber: '11010519491231002X',
        phone: '13800000000',
        address: '某地',
      },
    },
    receivedOn: '2025-12-15',
    departmentCode: null,
    assignee: null,
    correction: null,
    proposal: null,
    secrecy: { firstLevel: null, secondLevel: null, escalation: null },
    decision: null,
    consultations: [],
    suspension: null,
    fee: null,
    extension: null,
    delivery: null,
    clocks: [replyClock([{ type: 'started', date: '2025-12-15', workingDays: 20, reason: '收到申请' }])],
    possibleDuplicates: [],
    seq: 1,
    ...overrides,
  };
  return state as unknown as ApplicationState;
}

function replyClock(events: ApplicationState['clocks'][number]['events']): ApplicationState['clocks'][number] {
  return {
    id: 'reply',
    kind: 'reply',
    label: '答复期限',
    statutory: true,
    rule: 'application.reply',
    events,
    derived: null,
    dueAt: null,
    reminders: [],
    remindersSent: [],
    overdueHandledFor: null,
    closed: false,
  };
}

describe('reportDatesOf (pure)', () => {
  const source = (overrides: Partial<ReportDatesSource>): ReportDatesSource => ({
    closed: false,
    receivedOn: '2026-01-05',
    delivery: null,
    clocks: [
      {
        id: 'reply',
        events: [
          { type: 'started', date: '2025-12-15' },
          { type: 'restarted', date: '2026-01-05' },
        ],
      },
    ],
    ...overrides,
  });
  const event = (type: string, payload: Record<string, unknown> = {}, at = '2026-02-01T03:00:00Z') => ({ type, at, payload });

  it('takes both dates from a state that carries them', () => {
    expect(reportDatesOf(source({ firstReceivedOn: '2025-12-14', endedOn: '2026-01-19' }), event('closed'))).toEqual({
      firstReceivedOn: '2025-12-14',
      endedOn: '2026-01-19',
      fromState: { firstReceivedOn: true, endedOn: true },
    });
  });

  it('falls back, for an older state, to the reply clock’s first start and to the ending event', () => {
    expect(reportDatesOf(source({}), event('correction-received'))).toEqual({
      firstReceivedOn: '2025-12-15',
      endedOn: null,
      fromState: { firstReceivedOn: false, endedOn: false },
    });
    expect(reportDatesOf(source({ delivery: { deliveredOn: '2026-01-20' } }), event('delivered')).endedOn).toBe('2026-01-20');
    // Abandonment: the due date that expired, not the instant the timer fired (00:00 the next day).
    expect(
      reportDatesOf(
        source({ closed: true }),
        event('abandoned', { reason: 'correction-overdue', due: '2025-12-31' }, '2025-12-31T16:00:05Z'),
      ).endedOn,
    ).toBe('2025-12-31');
    expect(reportDatesOf(source({ closed: true }), event('withdrawn', { on: '2025-06-03' }, '2025-06-04T02:00:00Z')).endedOn).toBe(
      '2025-06-03',
    );
    // Closed with nothing else to go by: the Shanghai day it closed (2026-02-01 03:00 UTC = 11:00 Shanghai).
    expect(reportDatesOf(source({ closed: true }), event('closed')).endedOn).toBe('2026-02-01');
    // Receipt not yet confirmed: nothing to count by.
    expect(reportDatesOf(source({ receivedOn: null, clocks: [] }), event('submitted')).firstReceivedOn).toBeNull();
  });

  it('falls back when the state holds null (fields present, not yet set)', () => {
    expect(
      reportDatesOf(source({ firstReceivedOn: null, endedOn: null, delivery: { deliveredOn: '2026-01-20' } }), event('delivered')),
    ).toEqual({
      firstReceivedOn: '2025-12-15',
      endedOn: '2026-01-20',
      fromState: { firstReceivedOn: false, endedOn: false },
    });
  });
});

describe('the projection written with every step', () => {
  let database: TestDatabase;
  let record: ReturnType<typeof createApplicationActivities>['recordApplicationEvent'];
  beforeAll(async () => {
    database = await createTestDatabase();
    record = createApplicationActivities({
      db: database.db,
      calendar: new CalendarStore(database.db),
      agency: { code: 'demo', name: '示例市应急管理局', shortName: '示例应急', defaultRuleProfileId: 'national-2019' },
    }).recordApplicationEvent;
  });
  afterAll(async () => database?.drop());

  const step = (state: ApplicationState, seq: number, type: string, at: string, payload: Record<string, unknown> = {}) =>
    record({
      workflowId: `application-${state.caseNo}`,
      agencyCode: 'demo',
      event: { seq, type, actor: ACTOR, at, payload },
      state: { ...state, seq },
    });
  const row = (caseNo: string) =>
    database.db
      .selectFrom('applications')
      .select(['received_on', 'first_received_on', 'ended_on', 'closed_at'])
      .where('case_no', '=', caseNo)
      .executeTakeFirstOrThrow();

  it('keeps the first receipt through a correction and dates the end by delivery, not by archiving (older state)', async () => {
    const submitted = legacyState('2025-000101');
    await step(submitted, 1, 'submitted', '2025-12-15T02:00:00Z', { receivedOn: '2025-12-15' });
    const corrected = legacyState('2025-000101', {
      stage: 'accepted',
      receivedOn: '2026-01-05',
      clocks: [
        replyClock([
          { type: 'started', date: '2025-12-15', workingDays: 20, reason: '收到申请' },
          { type: 'restarted', date: '2026-01-05', reason: '收到补正后的申请' },
        ]),
      ],
    });
    await step(corrected, 2, 'correction-received', '2026-01-05T02:00:00Z', { receivedOn: '2026-01-05' });
    expect(await row('2025-000101')).toMatchObject({ received_on: '2026-01-05', first_received_on: '2025-12-15', ended_on: null });

    const delivered = {
      ...corrected,
      stage: 'delivered' as const,
      outcome: 'disclosed' as const,
      delivery: { method: 'post', deliveredOn: '2026-01-20' },
    };
    await step(delivered, 3, 'delivered', '2026-01-21T02:00:00Z', { deliveredOn: '2026-01-20' });
    await step({ ...delivered, stage: 'closed', closed: true }, 4, 'closed', '2026-02-03T02:00:00Z');
    expect(await row('2025-000101')).toMatchObject({
      first_received_on: '2025-12-15',
      ended_on: '2026-01-20',
      closed_at: new Date('2026-02-03T02:00:00Z'),
    });
  });

  it('dates an abandonment by its expired due date, and a later write of the closed case leaves it (older state)', async () => {
    const s = legacyState('2025-000102');
    await step(s, 1, 'submitted', '2025-12-01T02:00:00Z');
    const abandoned = { ...s, stage: 'closed' as const, closed: true, outcome: 'other.correction-overdue' as const };
    await step(abandoned, 2, 'abandoned', '2025-12-31T16:00:05Z', { reason: 'correction-overdue', due: '2025-12-31' });
    expect((await row('2025-000102')).ended_on).toBe('2025-12-31');
    await step(abandoned, 3, 'note', '2026-02-01T02:00:00Z');
    expect((await row('2025-000102')).ended_on).toBe('2025-12-31');
  });

  it('writes the dates a current state carries', async () => {
    const s = {
      ...legacyState('2025-000103', { receivedOn: '2025-03-20', clocks: [] }),
      firstReceivedOn: '2025-03-01',
      endedOn: null,
    } as ApplicationState;
    await step(s, 1, 'correction-received', '2025-03-20T02:00:00Z');
    expect(await row('2025-000103')).toMatchObject({ received_on: '2025-03-20', first_received_on: '2025-03-01', ended_on: null });
    await step(
      { ...s, closed: true, stage: 'closed', outcome: 'other.other', endedOn: '2025-04-10' } as ApplicationState,
      2,
      'withdrawn',
      '2025-04-11T02:00:00Z',
      { on: '2025-04-10' },
    );
    expect((await row('2025-000103')).ended_on).toBe('2025-04-10');
  });
});

describe('migration 20261201T1200 carries existing rows forward', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  async function insert(
    db: Kysely<Database>,
    caseNo: string,
    values: { receivedOn: string | null; state?: unknown; closedAt?: string },
    events: Array<[string, Record<string, unknown>]>,
  ) {
    await db
      .insertInto('applications')
      .values({
        case_no: caseNo,
        workflow_id: `application-${caseNo}`,
        query_code: `Q${caseNo.slice(-6)}`,
        agency_code: 'demo',
        rule_profile_id: 'national-2019',
        rule_profile_version: '2019.1',
        channel: 'in-person',
        applicant_type: 'natural-person',
        applicant_name: '某',
        applicant_id_number: '11010519491231002X',
        description: '某',
        intake: '{}',
        stage: values.closedAt ? 'closed' : 'assigned',
        status: values.closedAt ? 'closed' : 'open',
        paused: false,
        outcome: null,
        received_on: values.receivedOn,
        state: JSON.stringify(values.state ?? {}),
        last_seq: events.length,
        closed_at: values.closedAt ? new Date(values.closedAt) : null,
      })
      .execute();
    for (const [i, [type, payload]] of events.entries()) {
      await db
        .insertInto('case_events')
        .values({
          case_no: caseNo,
          seq: i + 1,
          type,
          actor_username: 'clerk',
          actor_role: 'clerk',
          occurred_at: new Date(),
          payload: JSON.stringify(payload),
        })
        .execute();
    }
  }

  it('backfills the first receipt from the event log and the end from the state and events', async () => {
    const { db } = database;
    // Drop the columns as a database from before this migration, fill it as such, migrate again.
    await reportDatesMigration.down(db);
    await insert(
      db,
      '2025-000201',
      { receivedOn: '2026-01-05', state: { delivery: { method: 'post', deliveredOn: '2026-01-20' } }, closedAt: '2026-02-03T02:00:00Z' },
      [
        ['submitted', { receivedOn: '2025-12-15' }],
        ['correction-received', { receivedOn: '2026-01-05' }],
        ['delivered', { deliveredOn: '2026-01-20' }],
        ['closed', {}],
      ],
    );
    await insert(db, '2025-000202', { receivedOn: '2025-05-06', closedAt: '2025-06-30T16:00:05Z' }, [
      ['submitted', { receivedOn: null }],
      ['receipt-confirmed', { receivedOn: '2025-05-06' }],
      ['abandoned', { reason: 'fee-unpaid', due: '2025-06-30' }],
    ]);
    await insert(db, '2025-000203', { receivedOn: '2025-06-02', closedAt: '2025-07-01T03:00:00Z' }, [
      ['submitted', { receivedOn: '2025-06-02' }],
      ['withdrawn', { on: '2025-06-30' }],
    ]);
    await insert(db, '2025-000204', { receivedOn: '2025-08-01' }, []);
    await insert(db, '2025-000205', { receivedOn: '2025-09-01', closedAt: '2025-09-30T17:00:00Z' }, [
      ['submitted', { receivedOn: '2025-09-01' }],
      ['closed', {}],
    ]);
    await reportDatesMigration.up(db);

    const rows = await db.selectFrom('applications').select(['case_no', 'first_received_on', 'ended_on']).orderBy('case_no').execute();
    expect(rows).toEqual([
      { case_no: '2025-000201', first_received_on: '2025-12-15', ended_on: '2026-01-20' },
      { case_no: '2025-000202', first_received_on: '2025-05-06', ended_on: '2025-06-30' },
      { case_no: '2025-000203', first_received_on: '2025-06-02', ended_on: '2025-06-30' },
      { case_no: '2025-000204', first_received_on: '2025-08-01', ended_on: null },
      { case_no: '2025-000205', first_received_on: '2025-09-01', ended_on: '2025-10-01' }, // 01:00 on 10-01 in Shanghai
    ]);
  });
});
