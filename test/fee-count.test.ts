/**
 * Count fees (国办函〔2020〕109号 第四条) on real PostgreSQL: the applicant's place among the
 * applications *received* in the natural month of this one's receipt, whatever month the fee
 * notice goes out in. Orders worked by hand below.
 */
import { createApplicationActivities } from '../activities/application';
import { CalendarStore } from '../db/repositories/calendar';
import { createTestDatabase, type TestDatabase } from './support/database';

const APPLICANT = '110101199003071234';
const OTHER = '110101198512250011';
const AGENCY = { code: 'demo', name: '示例市应急管理局', shortName: '示例应急', defaultRuleProfileId: 'national-2019' };

let database: TestDatabase;
let activities: ReturnType<typeof createApplicationActivities>;

interface Row {
  caseNo: string;
  idNumber?: string;
  /** §31 receipt; null while awaiting confirmation. */
  firstReceivedOn: string | null;
  /** Moved by a correction (补正). */
  receivedOn?: string | null;
  /** When the row was written (the old code counted by this, in the notice's month). */
  createdAt: string;
}

async function insert(row: Row): Promise<void> {
  const received = row.receivedOn === undefined ? row.firstReceivedOn : row.receivedOn;
  await database.db
    .insertInto('applications')
    .values({
      case_no: row.caseNo,
      workflow_id: `application-${row.caseNo}`,
      query_code: `Q${row.caseNo}`,
      agency_code: 'demo',
      rule_profile_id: 'national-2019',
      rule_profile_version: '2019.1',
      channel: 'in-person',
      applicant_type: 'natural-person',
      applicant_name: '张三',
      applicant_id_number: row.idNumber ?? APPLICANT,
      description: '某信息',
      intake: '{}',
      stage: received ? 'assigned' : 'awaiting-receipt-confirmation',
      status: 'open',
      paused: false,
      state: '{}',
      last_seq: 1,
      received_on: received,
      first_received_on: row.firstReceivedOn,
      created_at: new Date(row.createdAt),
    })
    .execute();
}

/** A fee notice by count that split the request into `units` applications (一事一申请). */
async function feeNoticeSplit(caseNo: string, units: number): Promise<void> {
  const computation = {
    basis: 'by-count',
    lines: [{ band: '第1—10件', units, unitPrice: 0, amount: 0 }],
    total: 0,
    citation: '国办函〔2020〕109号 第四条',
  };
  await database.db
    .insertInto('case_events')
    .values({
      case_no: caseNo,
      seq: 2,
      type: 'fee-notice-issued',
      actor_username: 'clerk',
      actor_role: 'clerk',
      occurred_at: new Date('2026-10-20T02:00:00Z'),
      payload: JSON.stringify({ computation, noticeOn: '2026-10-20' }),
    })
    .execute();
}

beforeAll(async () => {
  database = await createTestDatabase();
  activities = createApplicationActivities({ db: database.db, calendar: new CalendarStore(database.db), agency: AGENCY });
  // The applicant's applications, in the order they arrived:
  await insert({ caseNo: '2026-000001', firstReceivedOn: '2026-09-30', createdAt: '2026-09-30T02:00:00Z' }); // September: not October's
  await insert({ caseNo: '2026-000002', firstReceivedOn: '2026-10-08', createdAt: '2026-10-08T02:00:00Z' }); // split into 3 → October 1st–3rd
  await feeNoticeSplit('2026-000002', 3);
  for (let i = 3; i <= 8; i += 1) {
    // October 4th–9th
    await insert({
      caseNo: `2026-00000${i}`,
      firstReceivedOn: `2026-10-${String(6 + i).padStart(2, '0')}`,
      createdAt: `2026-10-${String(6 + i).padStart(2, '0')}T02:00:00Z`,
    });
  }
  // October 10th: received 10-15, corrected on 11-02 (补正 moves received_on, not the month it counts in).
  await insert({ caseNo: '2026-000009', firstReceivedOn: '2026-10-15', receivedOn: '2026-11-02', createdAt: '2026-10-15T02:00:00Z' });
  // Posted in October, receipt still unconfirmed: not received, not counted.
  await insert({ caseNo: '2026-000010', firstReceivedOn: null, createdAt: '2026-10-16T02:00:00Z' });
  // Another applicant's October application.
  await insert({ caseNo: '2026-000011', idNumber: OTHER, firstReceivedOn: '2026-10-20', createdAt: '2026-10-20T02:00:00Z' });
  // Two received the same day, 2026-10-30: the smaller case number comes first.
  await insert({ caseNo: '2026-000013', firstReceivedOn: '2026-10-30', createdAt: '2026-10-30T03:00:00Z' });
  await insert({ caseNo: '2026-000012', firstReceivedOn: '2026-10-30', createdAt: '2026-10-30T08:00:00Z' });
  // November: the first of that month (000009's correction does not make it November's).
  await insert({ caseNo: '2026-000014', firstReceivedOn: '2026-11-02', createdAt: '2026-11-02T02:00:00Z' });
});

afterAll(async () => {
  await database?.drop();
});

const byCount = (caseNo: string, receivedOn: string, count = 1) =>
  activities.computeFee({ caseNo, idNumber: APPLICANT, basis: 'by-count', pages: 0, count, receivedOn });

it('charges the 11th application received in October ¥100 though its notice goes out in November', async () => {
  // October so far: 000002 ×3, 000003–000008 ×6, 000009 = 10; 000012 (same day, smaller number) is the 11th.
  const fee = await byCount('2026-000012', '2026-10-30');
  expect(fee.total).toBe(100);
  expect(fee.lines).toEqual([{ band: '第11—30件', units: 1, unitPrice: 100, amount: 100 }]);
  expect(fee.citation).toBe('国办函〔2020〕109号 第四条');
});

it('places a same-day case after the smaller case number, and charges each part of a split', async () => {
  // 000013 is the 12th; split into 2 it is the 12th and 13th: 2 × ¥100.
  expect((await byCount('2026-000013', '2026-10-30')).total).toBe(100);
  const split = await byCount('2026-000013', '2026-10-30', 2);
  expect(split.total).toBe(200);
  expect(split.lines).toEqual([{ band: '第11—30件', units: 2, unitPrice: 100, amount: 200 }]);
});

it('counts by the first receipt: the 10th of October stays free after its correction moved into November', async () => {
  expect((await byCount('2026-000009', '2026-11-02')).lines).toEqual([{ band: '第1—10件', units: 1, unitPrice: 0, amount: 0 }]);
  // November's first application is free: October's cases, corrected or not, are not November's.
  expect((await byCount('2026-000014', '2026-11-02')).total).toBe(0);
  // September's only application.
  expect((await byCount('2026-000001', '2026-09-30')).total).toBe(0);
});

it('moves into the ¥200 band at the 31st application of the month', async () => {
  // December: 000101–000130 received on 12-01 … 12-30; 000131 on 12-31 is the 31st.
  for (let i = 101; i <= 130; i += 1) {
    const day = String(i - 100).padStart(2, '0');
    await insert({ caseNo: `2026-000${i}`, firstReceivedOn: `2026-12-${day}`, createdAt: `2026-12-${day}T02:00:00Z` });
  }
  await insert({ caseNo: '2026-000131', firstReceivedOn: '2026-12-31', createdAt: '2026-12-31T02:00:00Z' });
  expect((await byCount('2026-000130', '2026-12-30')).total).toBe(100);
  const fee = await byCount('2026-000131', '2026-12-31');
  expect(fee.total).toBe(200);
  expect(fee.lines).toEqual([{ band: '第31—40件', units: 1, unitPrice: 200, amount: 200 }]);
});

it('charges pages by 第五条 whatever the month', async () => {
  const fee = await activities.computeFee({
    caseNo: '2026-000012',
    idNumber: APPLICANT,
    basis: 'by-pages',
    pages: 201,
    count: 1,
    receivedOn: '2026-10-30',
  });
  expect(fee.total).toBe(2740);
});
