/**
 * The annual report's tables 3 and 4 for a seeded year, against tables written out by hand.
 * The same cases are counted twice: by the pure counting module, and through the API from
 * rows in PostgreSQL (where closure instants near midnight must fall on the Shanghai date).
 */
import { Client } from '@temporalio/client';
import request from 'supertest';
import { createApp } from '../api/app';
import type { ApplicantType } from '../domain/application/types';
import type { DisputeKind, DisputeResult } from '../domain/disputes/types';
import type { Outcome } from '../domain/outcomes';
import { type ApplicationFact, annualReport, type DisputeFact } from '../domain/reports/annual';
import { issueToken, seedDemoUsers } from '../db/repositories/users';
import { createTestDatabase, type TestDatabase } from './support/database';

// Year 2025. Closure instants are UTC; the comment gives the Asia/Shanghai date that counts.
const APPLICATIONS: Array<ApplicationFact & { closedAt: string | null }> = [
  app('A01', 'natural-person', '2024-12-20', '2025-01-10T02:00:00Z', 'disclosed'), // 二, 三（一）
  app('A02', 'natural-person', '2024-11-01', '2024-12-01T02:00:00Z', 'disclosed'), // finished last year: not in 2025 at all
  app('A03', 'commercial', '2024-12-28', null, null), // 二, 四
  app('A04', 'natural-person', '2025-03-01', '2025-03-20T02:00:00Z', 'disclosed'), // 一, 三（一）
  app('A05', 'natural-person', '2025-04-01', '2025-04-25T02:00:00Z', 'partially-disclosed'), // 一, 三（二）
  app('A06', 'research', '2025-05-10', '2025-05-30T02:00:00Z', 'not-disclosed.state-secret'), // 一, 三（三）1
  app('A07', 'public-interest', '2025-06-01', '2025-06-05T02:00:00Z', 'not-handled.duplicate'), // 一, 三（五）2
  app('A08', 'legal-services', '2025-07-01', '2025-07-20T02:00:00Z', 'cannot-provide.not-held'), // 一, 三（四）1
  app('A09', 'other-organisation', '2025-08-01', '2025-09-01T02:00:00Z', 'other.correction-overdue'), // 一, 三（六）1
  app('A10', 'natural-person', '2025-12-20', '2026-01-15T02:00:00Z', 'disclosed'), // 一, 四
  app('A11', 'commercial', '2025-12-31', null, null), // 一, 四
  app('A12', 'natural-person', '2026-01-01', null, null), // next year
  app('A13', 'natural-person', '2025-01-01', '2025-12-31T15:30:00Z', 'other.other'), // 23:30 on 12-31 in Shanghai: 一, 三（六）3
  app('A14', 'commercial', '2024-12-31', '2024-12-31T16:30:00Z', 'disclosed'), // 00:30 on 2025-01-01 in Shanghai: 二, 三（一）
];

const DISPUTES: DisputeFact[] = [
  dispute('D01', 'reconsideration', '2025-02-01', 'upheld', '2025-03-15'),
  dispute('D02', 'reconsideration', '2025-04-01', 'corrected', '2025-05-20'),
  dispute('D03', 'reconsideration', '2025-11-20', null, null), // 尚未审结
  dispute('D04', 'reconsideration', '2024-12-10', 'upheld', '2025-01-20'), // carried in, decided in 2025
  dispute('D05', 'reconsideration', '2024-10-01', 'upheld', '2024-12-01'), // decided last year: not counted
  dispute('D06', 'litigation-direct', '2025-06-01', 'other', '2025-08-01'), // 撤诉
  dispute('D07', 'litigation-direct', '2025-09-01', 'corrected', '2026-02-01'), // decided next year: 尚未审结 in 2025
  dispute('D08', 'litigation-after-reconsideration', '2025-10-01', 'upheld', '2025-12-31'),
  dispute('D09', 'litigation-after-reconsideration', '2026-01-05', null, null), // next year
];

/* Table 3 by hand. Columns: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 法人或其他组织小计, 总计. */
const EXPECTED_TABLE_3: Record<string, number[]> = {
  '一': /*      */ [4, 1, 1, 1, 1, 1, 5, 9],
  '二': /*      */ [1, 2, 0, 0, 0, 0, 2, 3],
  '三（一）': /**/ [2, 1, 0, 0, 0, 0, 1, 3],
  '三（二）': /**/ [1, 0, 0, 0, 0, 0, 0, 1],
  '三（三）1': [0, 0, 1, 0, 0, 0, 1, 1],
  '三（三）2': [0, 0, 0, 0, 0, 0, 0, 0],
  '三（三）3': [0, 0, 0, 0, 0, 0, 0, 0],
  '三（三）4': [0, 0, 0, 0, 0, 0, 0, 0],
  '三（三）5': [0, 0, 0, 0, 0, 0, 0, 0],
  '三（三）6': [0, 0, 0, 0, 0, 0, 0, 0],
  '三（三）7': [0, 0, 0, 0, 0, 0, 0, 0],
  '三（三）8': [0, 0, 0, 0, 0, 0, 0, 0],
  '三（四）1': [0, 0, 0, 0, 1, 0, 1, 1],
  '三（四）2': [0, 0, 0, 0, 0, 0, 0, 0],
  '三（四）3': [0, 0, 0, 0, 0, 0, 0, 0],
  '三（五）1': [0, 0, 0, 0, 0, 0, 0, 0],
  '三（五）2': [0, 0, 0, 1, 0, 0, 1, 1],
  '三（五）3': [0, 0, 0, 0, 0, 0, 0, 0],
  '三（五）4': [0, 0, 0, 0, 0, 0, 0, 0],
  '三（五）5': [0, 0, 0, 0, 0, 0, 0, 0],
  '三（六）1': [0, 0, 0, 0, 0, 1, 1, 1],
  '三（六）2': [0, 0, 0, 0, 0, 0, 0, 0],
  '三（六）3': [1, 0, 0, 0, 0, 0, 0, 1],
  '三（七）': /**/ [4, 1, 1, 1, 1, 1, 5, 9],
  '四': /*      */ [1, 2, 0, 0, 0, 0, 2, 3],
};

/* Table 4 by hand. Columns: 结果维持, 结果纠正, 其他结果, 尚未审结, 总计. */
const EXPECTED_TABLE_4: Record<DisputeKind, number[]> = {
  reconsideration: [2, 1, 0, 1, 4],
  'litigation-direct': [0, 0, 1, 1, 2],
  'litigation-after-reconsideration': [1, 0, 0, 0, 1],
};

function app(caseNo: string, applicantType: ApplicantType, receivedOn: string, closedAt: string | null, outcome: Outcome | null) {
  const closedOn = closedAt === null ? null : new Date(Date.parse(closedAt) + 8 * 3600_000).toISOString().slice(0, 10);
  return { caseNo, applicantType, receivedOn, closedOn, closedAt, outcome };
}
function dispute(disputeNo: string, kind: DisputeKind, receivedOn: string, result: DisputeResult | null, resultOn: string | null): DisputeFact {
  return { disputeNo, kind, receivedOn, result, resultOn };
}

const table3Of = (rows: Array<{ row: string; counts: Record<string, number> }>) =>
  Object.fromEntries(rows.map((r) => [r.row, ['natural-person', 'commercial', 'research', 'public-interest', 'legal-services', 'other-organisation', 'organisations', 'total'].map((c) => r.counts[c]!)]));
const table4Of = (t: Record<string, Record<string, number>>) =>
  Object.fromEntries(Object.entries(t).map(([kind, c]) => [kind, [c.upheld, c.corrected, c.other, c.pending, c.total]]));

it('counts table 3 and table 4 of 2025 as written out by hand', () => {
  const report = annualReport(2025, APPLICATIONS, DISPUTES);
  expect(report.table3.map((r) => r.row)).toEqual(Object.keys(EXPECTED_TABLE_3)); // every row of the national table, in order
  expect(table3Of(report.table3)).toEqual(EXPECTED_TABLE_3);
  expect(table4Of(report.table4)).toEqual(EXPECTED_TABLE_4);
  expect(report.table3.find((r) => r.row === '三（三）4')!.label).toBe('不予公开：保护第三方合法权益');
});

it('keeps 一 + 二 = 三（七） + 四 in every column, whatever the cases', () => {
  const types: ApplicantType[] = ['natural-person', 'commercial', 'research', 'public-interest', 'legal-services', 'other-organisation'];
  const outcomes: Outcome[] = ['disclosed', 'partially-disclosed', 'not-handled.petition', 'other.fee-unpaid', 'cannot-provide.needs-creation'];
  let seed = 7;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const day = (offset: number) => new Date(Date.UTC(2023, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
  const facts: ApplicationFact[] = Array.from({ length: 500 }, (_, i) => {
    const received = random(1400);
    const closed = random(3) === 0 ? null : received + random(120);
    return { caseNo: `R${i}`, applicantType: types[random(types.length)]!, receivedOn: day(received), closedOn: closed === null ? null : day(closed), outcome: closed === null ? null : outcomes[random(outcomes.length)]! };
  });
  for (const year of [2023, 2024, 2025, 2026]) {
    const rows = Object.fromEntries(annualReport(year, facts, []).table3.map((r) => [r.row, r.counts]));
    for (const column of [...types, 'organisations', 'total'] as const) {
      expect(rows['一']![column] + rows['二']![column]).toBe(rows['三（七）']![column] + rows['四']![column]);
    }
  }
});

describe('GET /api/reports/annual', () => {
  let database: TestDatabase;
  let admin: string;
  let departmentUser: string;
  const temporal = new Client(); // lazy: the report never calls Temporal

  beforeAll(async () => {
    database = await createTestDatabase();
    const users = await seedDemoUsers(database.db);
    admin = await issueToken(database.db, users.admin!.id, 'report');
    departmentUser = await issueToken(database.db, users.department!.id, 'report');
    const { db } = database;
    for (const a of APPLICATIONS) {
      await db
        .insertInto('applications')
        .values({
          case_no: `2025-${a.caseNo.slice(1).padStart(6, '0')}`, workflow_id: `application-${a.caseNo}`, query_code: `Q${a.caseNo}`.padEnd(10, 'X'), agency_code: 'demo',
          rule_profile_id: 'national-2019', rule_profile_version: '2019.1', channel: 'in-person', applicant_type: a.applicantType, applicant_name: '某',
          applicant_id_number: '110101199001011234', description: '某信息', intake: '{}', stage: a.closedAt ? 'closed' : 'assigned', status: a.closedAt ? 'closed' : 'open',
          paused: false, outcome: a.outcome, received_on: a.receivedOn, state: '{}', last_seq: 1, closed_at: a.closedAt ? new Date(a.closedAt) : null,
        })
        .execute();
    }
    // Another agency's case on the same database is never counted.
    await db.insertInto('applications').values({
      case_no: '2025-999999', workflow_id: 'application-other', query_code: 'QOTHERXXXX', agency_code: 'elsewhere', rule_profile_id: 'national-2019', rule_profile_version: '2019.1',
      channel: 'in-person', applicant_type: 'natural-person', applicant_name: '某', applicant_id_number: '1', description: '某', intake: '{}', stage: 'assigned', status: 'open',
      paused: false, outcome: null, received_on: '2025-05-05', state: '{}', last_seq: 1, closed_at: null,
    }).execute();
    for (const d of DISPUTES) {
      await db
        .insertInto('disputes')
        .values({
          dispute_no: d.disputeNo, workflow_id: `dispute-${d.disputeNo}`, agency_code: 'demo', case_no: '2025-000001', kind: d.kind, body: '示例市人民政府', received_on: d.receivedOn,
          rule_profile_id: 'national-2019', stage: d.result ? 'closed' : 'received', status: d.result ? 'closed' : 'open', result: d.result, result_on: d.resultOn, state: '{}', last_seq: 1,
        })
        .execute();
    }
  });

  afterAll(async () => {
    await temporal.connection.close().catch(() => undefined);
    await database?.drop();
  });

  const get = (path: string, token = admin) =>
    request(createApp({ db: database.db, temporal, namespace: 'unused', agency: { code: 'demo', name: '示例市应急管理局', shortName: '示例应急', defaultRuleProfileId: 'national-2019' } }))
      .get(path)
      .set('Authorization', `Bearer ${token}`);

  it('produces the same tables from the case data, as JSON, CSV and printable HTML', async () => {
    const json = await get('/api/reports/annual?year=2025');
    expect(json.status).toBe(200);
    expect(table3Of(json.body.table3)).toEqual(EXPECTED_TABLE_3);
    expect(table4Of(json.body.table4)).toEqual(EXPECTED_TABLE_4);

    const csv = await get('/api/reports/annual?year=2025&format=csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines).toContain('一,本年新收政府信息公开申请数量,4,1,1,1,1,1,5,9');
    expect(lines).toContain('四,结转下年度继续办理,1,2,0,0,0,0,2,3');
    expect(lines).toContain('行政复议,2,1,0,1,4');
    expect(lines).toContain('行政诉讼（未经复议直接起诉）,0,0,1,1,2');

    const html = await get('/api/reports/annual?year=2025&format=html');
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.text).toContain('示例市应急管理局2025年政府信息公开工作年度报告');
    expect(html.text).toContain('<th class="row">三（七）</th><th class="label">总计</th><td>4</td><td>1</td><td>1</td><td>1</td><td>1</td><td>1</td><td>5</td><td>9</td>');
  });

  it('names the bad field and keeps the report from roles without it', async () => {
    const bad = await get('/api/reports/annual?year=20x5&format=pdf');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['format', 'year']);
    expect((await get('/api/reports/annual')).body.error.details).toEqual([{ field: 'year', message: 'is required' }]);
    expect((await get('/api/reports/annual?year=2099')).status).toBe(400);
    expect((await get('/api/reports/annual?year=2025', departmentUser)).status).toBe(403);
  });
});
