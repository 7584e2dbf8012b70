/**
 * The annual report's tables 2, 3 and 4 and the fee figures for a seeded year, against
 * tables written out by hand. The same cases are counted twice: by the pure counting module,
 * and through the API from rows in PostgreSQL. Every cell's drill-down lists the cases its
 * figure counted.
 */
import { Client } from '@temporalio/client';
import request from 'supertest';
import { createApp } from '../api/app';
import type { ApplicantType } from '../domain/application/types';
import type { DisputeKind, DisputeResult } from '../domain/disputes/types';
import type { Outcome } from '../domain/outcomes';
import {
  type ApplicationFact,
  annualReport,
  annualReportCell,
  cellRefProblem,
  type DisputeFact,
  type DocumentFact,
  FEE_ROWS,
  type FeeRow,
  feeFactOf,
  TABLE_2_ROWS,
  type Table2RowKey,
  TABLE_3_ALL_COLUMNS,
  TABLE_3_ROWS,
  TABLE_4_COLUMNS,
} from '../domain/reports/annual';
import { issueToken, seedDemoUsers } from '../db/repositories/users';
import { createTestDatabase, type TestDatabase } from './support/database';

type RawFee = { computation: { total: number }; noticeOn: string; paidOn: string | null; waived: boolean };
type RawWaiver = { approved: boolean; reasons: string; decidedBy: string; decidedOn: string };
interface Seeded extends ApplicationFact {
  /** What the projection row holds besides the report's dates: the reply clock's (moved) receipt date and the archive instant. */
  row: {
    receivedOn: string | null;
    closedAt: string | null;
    endedOnColumn: string | null;
    fee: RawFee | null;
    feeWaiver: RawWaiver | null;
  };
}

// Year 2025. The projection's ended_on is the date that counts; rows written before it
// existed (ended_on null here) fall back to the Asia/Shanghai date of closed_at (UTC below).
const APPLICATIONS: Seeded[] = [
  app('A01', 'natural-person', '2024-12-20', '2025-01-10', 'disclosed', { fee: fee(100, '2024-12-22', '2025-01-03') }), // 二, 三（一）; paid in 2025 for a notice of 2024
  app('A02', 'natural-person', '2024-11-01', '2024-12-01', 'disclosed'), // finished last year: not in 2025 at all
  app('A03', 'commercial', '2024-12-28', null, null), // 二, 四
  app('A04', 'natural-person', '2025-03-01', '2025-03-20', 'disclosed', { fee: fee(100, '2025-03-05', '2025-03-10') }), // 一, 三（一）; notice and payment
  app('A05', 'natural-person', '2025-04-01', '2025-04-25', 'partially-disclosed', { fee: fee(200, '2025-04-03', null) }), // 一, 三（二）; notice, unpaid
  app('A06', 'research', '2025-05-10', '2025-05-30', 'not-disclosed.state-secret'), // 一, 三（三）1
  app('A07', 'public-interest', '2025-06-01', '2025-06-05', 'not-handled.duplicate'), // 一, 三（五）2
  app('A08', 'legal-services', '2025-07-01', '2025-07-20', 'cannot-provide.not-held', {
    fee: { computation: { total: 300 }, noticeOn: '2025-07-03', paidOn: null, waived: true },
    feeWaiver: { approved: true, reasons: '申请人为低保对象', decidedBy: 'leader', decidedOn: '2025-07-03' },
  }), // 一, 三（四）1; ¥300 waived (109号 第八条), no notice
  app('A09', 'other-organisation', '2025-08-01', '2025-09-01', 'other.correction-overdue'), // 一, 三（六）1
  app('A10', 'natural-person', '2025-12-20', '2026-01-15', 'disclosed', { fee: fee(100, '2025-12-22', '2026-01-05') }), // 一, 四; notice in 2025, paid in 2026
  app('A11', 'commercial', '2025-12-31', null, null), // 一, 四
  app('A12', 'natural-person', '2026-01-01', null, null), // next year
  // Rows no step has written since the migration: closed_at decides, on the Shanghai date.
  app('A13', 'natural-person', '2025-01-01', '2025-12-31', 'other.other', { closedAt: '2025-12-31T15:30:00Z', endedOnColumn: null }), // 23:30 on 12-31 in Shanghai: 一, 三（六）3
  app('A14', 'commercial', '2024-12-31', '2025-01-01', 'disclosed', { closedAt: '2024-12-31T16:30:00Z', endedOnColumn: null }), // 00:30 on 2025-01-01 in Shanghai: 二, 三（一）
  // Issue 15 item 11: a correction moved the reply clock's receipt date into 2026; 新收 stays in 2025.
  app('A15', 'natural-person', '2025-12-15', '2026-01-20', 'disclosed', { receivedOn: '2026-01-05' }), // 一, 四
  // Reply delivered on 2025-12-30, archived on 2026-01-04: handled in 2025.
  app('A16', 'commercial', '2025-11-03', '2025-12-30', 'disclosed', { closedAt: '2026-01-04T02:00:00Z' }), // 一, 三（一）
  // Correction period expired on 2025-12-31; the timer closed the case at 00:00 on 2026-01-01 Shanghai.
  app('A17', 'natural-person', '2025-12-01', '2025-12-31', 'other.correction-overdue', { closedAt: '2025-12-31T16:00:00Z' }), // 一, 三（六）1
  // Reply delivered, file not yet archived (still open in the projection): handled in 2025.
  app('A18', 'research', '2025-09-01', '2025-10-10', 'disclosed', { closedAt: null }), // 一, 三（一）
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
  一: /*      */ [6, 2, 2, 1, 1, 1, 7, 13], // A04 A05 A10 A13 A15 A17 | A11 A16 | A06 A18 | A07 | A08 | A09
  二: /*      */ [1, 2, 0, 0, 0, 0, 2, 3], // A01 | A03 A14
  '三（一）': /**/ [2, 2, 1, 0, 0, 0, 3, 5], // A01 A04 | A14 A16 | A18
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
  '三（六）1': [1, 0, 0, 0, 0, 1, 1, 2], // A17 | A09
  '三（六）2': [0, 0, 0, 0, 0, 0, 0, 0],
  '三（六）3': [1, 0, 0, 0, 0, 0, 0, 1],
  '三（七）': /**/ [5, 2, 2, 1, 1, 1, 7, 12],
  四: /*      */ [2, 2, 0, 0, 0, 0, 2, 4], // A10 A15 | A03 A11
};

/* 信息处理费 by hand: notices A04 ¥100, A05 ¥200, A10 ¥100; paid A01 ¥100 (notice of 2024), A04 ¥100; waived A08 ¥300. */
const EXPECTED_FEES: Record<FeeRow, { count: number; amount: number }> = {
  notices: { count: 3, amount: 400 },
  collected: { count: 2, amount: 200 },
  waived: { count: 1, amount: 300 },
};

/* Documents: only normative documents released proactively, signed in 2025, are 本年制发. */
const DOCUMENTS: Array<DocumentFact & { agency: string }> = [
  doc('2025-000001', true, 'proactive', '2025-03-01'), // counted
  doc('2024-000009', true, 'proactive', '2024-12-30'), // last year
  doc('2025-000002', true, 'on-request', '2025-05-01'), // not 主动公开
  doc('2025-000003', false, 'proactive', '2025-06-01'), // not normative
  doc('2025-000004', true, 'proactive', '2025-12-31'), // counted
  doc('2025-000005', true, null, null), // not signed yet
  { ...doc('2025-000006', true, 'proactive', '2025-04-01'), agency: 'elsewhere' }, // another agency (database only)
];

/* Table 2 by hand: the one figure the data supports; every other cell has no figure. */
const EXPECTED_TABLE_2: Record<Table2RowKey, Array<number | null>> = {
  regulations: [null, null, null],
  normative: [2, null, null],
  licensing: [null],
  penalties: [null],
  enforcement: [null],
  charges: [null],
};

/* Table 4 by hand. Columns: 结果维持, 结果纠正, 其他结果, 尚未审结, 总计. */
const EXPECTED_TABLE_4: Record<DisputeKind, number[]> = {
  reconsideration: [2, 1, 0, 1, 4],
  'litigation-direct': [0, 0, 1, 1, 2],
  'litigation-after-reconsideration': [1, 0, 0, 0, 1],
};

function fee(total: number, noticeOn: string, paidOn: string | null): RawFee {
  return { computation: { total }, noticeOn, paidOn, waived: false };
}
function app(
  caseNo: string,
  applicantType: ApplicantType,
  receivedOn: string,
  endedOn: string | null,
  outcome: Outcome | null,
  row: Partial<Seeded['row']> = {},
): Seeded {
  const full = {
    receivedOn,
    closedAt: endedOn ? `${endedOn}T02:00:00Z` : null,
    endedOnColumn: endedOn,
    fee: null,
    feeWaiver: null,
    ...row,
  };
  return { caseNo, applicantType, receivedOn, endedOn, outcome, fee: feeFactOf(full.fee, full.feeWaiver), row: full };
}
function doc(docId: string, normative: boolean, finalAttribute: string | null, signedOn: string | null) {
  return { docId, normative, finalAttribute, signedOn, agency: 'demo' };
}
const caseNoOf = (id: string) => `2025-${id.slice(1).padStart(6, '0')}`;
const PURE_DOCUMENTS = DOCUMENTS.filter((d) => d.agency === 'demo');
function dispute(
  disputeNo: string,
  kind: DisputeKind,
  receivedOn: string,
  result: DisputeResult | null,
  resultOn: string | null,
): DisputeFact {
  return { disputeNo, kind, receivedOn, result, resultOn };
}

const table3Of = (rows: Array<{ row: string; counts: Record<string, number> }>) =>
  Object.fromEntries(
    rows.map((r) => [
      r.row,
      ['natural-person', 'commercial', 'research', 'public-interest', 'legal-services', 'other-organisation', 'organisations', 'total'].map(
        (c) => r.counts[c]!,
      ),
    ]),
  );
const table4Of = (t: Record<string, Record<string, number>>) =>
  Object.fromEntries(Object.entries(t).map(([kind, c]) => [kind, [c.upheld, c.corrected, c.other, c.pending, c.total]]));

const table2Of = (rows: Array<{ row: string; cells: Array<{ value: number | null }> }>) =>
  Object.fromEntries(rows.map((r) => [r.row, r.cells.map((c) => c.value)]));

it('counts tables 2, 3 and 4 and the fee figures of 2025 as written out by hand', () => {
  const report = annualReport(2025, APPLICATIONS, DISPUTES, PURE_DOCUMENTS);
  expect(report.table3.map((r) => r.row)).toEqual(Object.keys(EXPECTED_TABLE_3)); // every row of the national table, in order
  expect(table3Of(report.table3)).toEqual(EXPECTED_TABLE_3);
  expect(table4Of(report.table4)).toEqual(EXPECTED_TABLE_4);
  expect(report.fees).toEqual(EXPECTED_FEES);
  expect(table2Of(report.table2)).toEqual(EXPECTED_TABLE_2);
  expect(report.table3.find((r) => r.row === '三（三）4')!.label).toBe('不予公开：保护第三方合法权益');
  // Every cell without a figure says why.
  for (const row of report.table2)
    for (const cell of row.cells) expect(cell.value === null).toBe(typeof cell.unsupported === 'string' && cell.unsupported.length > 0);
});

it('dates 新收 by the first receipt and 办理结果 by the end of the case (issue 15 item 11)', () => {
  const cell = (year: number, row: string) => annualReportCell(year, { table: '3', row, column: 'total' }, APPLICATIONS, [], [])!.ids;
  // Corrected into 2026, received in 2025: new in 2025 only, carried into 2026.
  expect(cell(2025, '一')).toContain('A15');
  expect(cell(2026, '一')).not.toContain('A15');
  expect(cell(2026, '二')).toContain('A15');
  // Delivered (or abandoned) in 2025, archived in 2026: handled in 2025, not carried over.
  expect(cell(2025, '三（七）')).toEqual(expect.arrayContaining(['A16', 'A17', 'A18']));
  expect(cell(2025, '四')).not.toContain('A16');
  expect(cell(2026, '二')).not.toContain('A16');
  expect(cell(2026, '三（七）')).not.toContain('A17');
});

it('drills every cell down to exactly the cases its figure counts', () => {
  const report = annualReport(2025, APPLICATIONS, DISPUTES, PURE_DOCUMENTS);
  const drill = (ref: Parameters<typeof annualReportCell>[1]) => annualReportCell(2025, ref, APPLICATIONS, DISPUTES, PURE_DOCUMENTS)!;
  for (const row of report.table3) {
    for (const column of TABLE_3_ALL_COLUMNS) {
      const members = drill({ table: '3', row: row.row, column });
      expect([row.row, column, members.value, members.ids.length]).toEqual([row.row, column, row.counts[column], row.counts[column]]);
    }
  }
  for (const kind of Object.keys(report.table4) as DisputeKind[]) {
    for (const column of TABLE_4_COLUMNS) expect(drill({ table: '4', row: kind, column }).ids.length).toBe(report.table4[kind][column]);
  }
  for (const row of Object.keys(FEE_ROWS) as FeeRow[]) {
    expect(drill({ table: 'fees', row, column: 'count' }).ids.length).toBe(report.fees[row].count);
    expect(drill({ table: 'fees', row, column: 'amount' }).value).toBe(report.fees[row].amount);
  }
  for (const row of report.table2)
    for (const cell of row.cells) expect(drill({ table: '2', row: row.row, column: cell.column }).value).toBe(cell.value);
  // By hand.
  expect(drill({ table: '3', row: '三（一）', column: 'organisations' }).ids).toEqual(['A14', 'A16', 'A18']);
  expect(drill({ table: 'fees', row: 'notices', column: 'amount' })).toEqual({
    kind: 'application',
    value: 400,
    ids: ['A04', 'A05', 'A10'],
  });
  expect(drill({ table: '4', row: 'reconsideration', column: 'upheld' })).toEqual({ kind: 'dispute', value: 2, ids: ['D01', 'D04'] });
  expect(drill({ table: '2', row: 'normative', column: 'issued' })).toEqual({
    kind: 'document',
    value: 2,
    ids: ['2025-000001', '2025-000004'],
  });
  expect(drill({ table: '2', row: 'regulations', column: 'issued' })).toMatchObject({ value: null, ids: [] });
});

it('names the wrong part of a cell reference', () => {
  expect(cellRefProblem('3', '三（九）', 'total')?.field).toBe('row');
  expect(cellRefProblem('3', '三（一）', 'foreigners')?.field).toBe('column');
  expect(cellRefProblem('2', 'licensing', 'issued')?.field).toBe('column'); // 行政许可 has only 本年处理决定数量
  expect(cellRefProblem('4', 'reconsideration', 'pending')).toBeNull();
  expect(cellRefProblem('fees', 'waived', 'amount')).toBeNull();
  expect(TABLE_3_ROWS).toHaveLength(25);
  expect(Object.keys(TABLE_2_ROWS)).toEqual(['regulations', 'normative', 'licensing', 'penalties', 'enforcement', 'charges']);
});

it('reads a fee record: a notice only for a charge, a waiver by decision or on the fee', () => {
  const computed = (total: number, waived = false) => ({ computation: { total }, noticeOn: '2025-05-06', paidOn: null, waived });
  // ¥0 (within the free band): no notice went out, nothing to report.
  expect(feeFactOf(computed(0, true), null)).toBeNull();
  expect(feeFactOf(null, null)).toBeNull();
  expect(feeFactOf({ ...computed(100), paidOn: '2025-05-20' }, null)).toEqual({
    noticeOn: '2025-05-06',
    amount: 100,
    paidOn: '2025-05-20',
    waivedOn: null,
  });
  // A refused waiver leaves the notice to go out; an approved one replaces it.
  expect(feeFactOf(computed(100), { approved: false, decidedOn: '2025-05-05' })).toEqual({
    noticeOn: '2025-05-06',
    amount: 100,
    paidOn: null,
    waivedOn: null,
  });
  expect(feeFactOf(null, { approved: true, decidedOn: '2025-05-05' })).toEqual({
    noticeOn: null,
    amount: 0,
    paidOn: null,
    waivedOn: '2025-05-05',
  });
  expect(feeFactOf(computed(200, true), null)).toEqual({ noticeOn: null, amount: 200, paidOn: null, waivedOn: '2025-05-06' });
});

it('keeps 一 + 二 = 三（七） + 四 in every column, whatever the cases', () => {
  const types: ApplicantType[] = ['natural-person', 'commercial', 'research', 'public-interest', 'legal-services', 'other-organisation'];
  const outcomes: Outcome[] = [
    'disclosed',
    'partially-disclosed',
    'not-handled.petition',
    'other.fee-unpaid',
    'cannot-provide.needs-creation',
  ];
  let seed = 7;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const day = (offset: number) => new Date(Date.UTC(2023, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
  const facts: ApplicationFact[] = Array.from({ length: 500 }, (_, i) => {
    const received = random(1400);
    const closed = random(3) === 0 ? null : received + random(120);
    return {
      caseNo: `R${i}`,
      applicantType: types[random(types.length)]!,
      receivedOn: day(received),
      endedOn: closed === null ? null : day(closed),
      outcome: closed === null ? null : outcomes[random(outcomes.length)]!,
    };
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
      const { row } = a;
      const open = row.closedAt === null;
      await db
        .insertInto('applications')
        .values({
          case_no: caseNoOf(a.caseNo),
          workflow_id: `application-${a.caseNo}`,
          query_code: `Q${a.caseNo}`.padEnd(10, 'X'),
          agency_code: 'demo',
          rule_profile_id: 'national-2019',
          rule_profile_version: '2019.1',
          channel: 'in-person',
          applicant_type: a.applicantType,
          applicant_name: '某',
          applicant_id_number: '11010519491231002X',
          description: '某信息',
          intake: '{}',
          stage: open ? (a.endedOn ? 'delivered' : 'assigned') : 'closed',
          status: open ? 'open' : 'closed',
          paused: false,
          outcome: a.outcome,
          received_on: row.receivedOn,
          first_received_on: row.endedOnColumn === null && row.closedAt !== null ? null : a.receivedOn,
          ended_on: row.endedOnColumn,
          state: JSON.stringify({ fee: row.fee, feeWaiver: row.feeWaiver }),
          last_seq: 1,
          closed_at: open ? null : new Date(row.closedAt!),
        })
        .execute();
    }
    // Another agency's case and document on the same database are never counted.
    await db
      .insertInto('applications')
      .values({
        case_no: '2025-999999',
        workflow_id: 'application-other',
        query_code: 'QOTHERXXXX',
        agency_code: 'elsewhere',
        rule_profile_id: 'national-2019',
        rule_profile_version: '2019.1',
        channel: 'in-person',
        applicant_type: 'natural-person',
        applicant_name: '某',
        applicant_id_number: '11010519491231002X',
        description: '某',
        intake: '{}',
        stage: 'assigned',
        status: 'open',
        paused: false,
        outcome: null,
        received_on: '2025-05-05',
        first_received_on: '2025-05-05',
        state: '{}',
        last_seq: 1,
        closed_at: null,
      })
      .execute();
    for (const d of DOCUMENTS) {
      await db
        .insertInto('documents')
        .values({
          doc_id: d.docId,
          workflow_id: `document-${d.docId}-${d.agency}`,
          agency_code: d.agency,
          rule_profile_id: 'national-2019',
          rule_profile_version: '2019.1',
          title: `文件${d.docId}`,
          doc_number: `示应急发〔${d.docId.slice(0, 4)}〕${Number(d.docId.slice(5))}号`,
          kind: '通知',
          normative: d.normative,
          issuing_department: 'office',
          category: '01',
          proposed_attribute: d.finalAttribute ?? 'proactive',
          final_attribute: d.finalAttribute,
          stage: d.signedOn ? 'released' : 'drafted',
          status: d.signedOn ? 'closed' : 'open',
          signed_on: d.signedOn,
          state: '{}',
          last_seq: 1,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    for (const d of DISPUTES) {
      await db
        .insertInto('disputes')
        .values({
          dispute_no: d.disputeNo,
          workflow_id: `dispute-${d.disputeNo}`,
          agency_code: 'demo',
          case_no: '2025-000001',
          kind: d.kind,
          body: '示例市人民政府',
          received_on: d.receivedOn,
          rule_profile_id: 'national-2019',
          stage: d.result ? 'closed' : 'received',
          status: d.result ? 'closed' : 'open',
          result: d.result,
          result_on: d.resultOn,
          state: '{}',
          last_seq: 1,
        })
        .execute();
    }
  });

  afterAll(async () => {
    await temporal.connection.close().catch(() => undefined);
    await database?.drop();
  });

  const get = (path: string, token = admin) =>
    request(
      createApp({
        db: database.db,
        temporal,
        namespace: 'unused',
        agency: { code: 'demo', name: '示例市应急管理局', shortName: '示例应急', defaultRuleProfileId: 'national-2019' },
      }),
    )
      .get(path)
      .set('Authorization', `Bearer ${token}`);

  it('produces the same tables from the case data, as JSON, CSV and printable HTML', async () => {
    const json = await get('/api/reports/annual?year=2025');
    expect(json.status).toBe(200);
    expect(table3Of(json.body.table3)).toEqual(EXPECTED_TABLE_3);
    expect(table4Of(json.body.table4)).toEqual(EXPECTED_TABLE_4);
    expect(json.body.fees).toEqual(EXPECTED_FEES);
    expect(table2Of(json.body.table2)).toEqual(EXPECTED_TABLE_2);

    const csv = await get('/api/reports/annual?year=2025&format=csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines).toContain('一,本年新收政府信息公开申请数量,6,2,2,1,1,1,7,13');
    expect(lines).toContain('四,结转下年度继续办理,2,2,0,0,0,0,2,4');
    expect(lines).toContain('行政复议,2,1,0,1,4');
    expect(lines).toContain('行政诉讼（未经复议直接起诉）,0,0,1,1,2');
    expect(lines).toContain('发出收费通知,3,400');
    expect(lines).toContain('实际收取,2,200');
    expect(lines).toContain('减免,1,300');
    expect(lines).toContain('第二十条第（一）项,行政规范性文件,本年制发件数,2,');
    expect(lines.find((l) => l.startsWith('第二十条第（一）项,行政规范性文件,本年废止件数,—,'))).toBeDefined();

    const html = await get('/api/reports/annual?year=2025&format=html');
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.text).toContain('示例市应急管理局2025年政府信息公开工作年度报告');
    // Every figure links to its drill-down.
    const total = (column: string, n: number) =>
      `<td><a href="/api/reports/annual/cell?year=2025&amp;table=3&amp;row=%E4%B8%89%EF%BC%88%E4%B8%83%EF%BC%89&amp;column=${column}">${n}</a></td>`;
    expect(html.text).toContain(
      `<th class="row">三（七）</th><th class="label">总计</th>${total('natural-person', 5)}${total('commercial', 2)}${total('research', 2)}`,
    );
    expect(html.text).toContain('<td class="unsupported"');
  });

  it('answers the cases behind a cell', async () => {
    const cell = (query: string) => get(`/api/reports/annual/cell?year=2025&${query}`);
    const newPersons = await cell(`table=3&row=${encodeURIComponent('一')}&column=natural-person`);
    expect(newPersons.status).toBe(200);
    expect(newPersons.body).toMatchObject({ year: 2025, table: '3', row: '一', column: 'natural-person', kind: 'application', value: 6 });
    expect(newPersons.body.items).toEqual(
      ['A04', 'A05', 'A10', 'A13', 'A15', 'A17'].map((id) => ({ id: caseNoOf(id), link: `/console/cases/application/${caseNoOf(id)}` })),
    );

    const handled = await cell(`table=3&row=${encodeURIComponent('三（七）')}&column=total`);
    expect(handled.body.items.map((i: { id: string }) => i.id)).toEqual(
      ['A01', 'A04', 'A05', 'A06', 'A07', 'A08', 'A09', 'A13', 'A14', 'A16', 'A17', 'A18'].map(caseNoOf),
    );
    expect((await cell('table=fees&row=collected&column=amount')).body).toMatchObject({
      value: 200,
      items: [{ id: caseNoOf('A01') }, { id: caseNoOf('A04') }],
    });
    expect((await cell('table=4&row=litigation-direct&column=pending')).body).toMatchObject({
      kind: 'dispute',
      value: 1,
      items: [{ id: 'D07', link: '/console/cases/dispute/D07' }],
    });
    expect((await cell('table=2&row=normative&column=issued')).body).toMatchObject({
      kind: 'document',
      value: 2,
      items: [{ id: '2025-000001' }, { id: '2025-000004' }],
    });
    const unsupported = await cell('table=2&row=normative&column=in-force');
    expect(unsupported.body).toMatchObject({ value: null, items: [] });
    expect(unsupported.body.unsupported).toContain('废止');

    const badRow = await cell(`table=3&row=${encodeURIComponent('三（九）')}&column=total`);
    expect(badRow.status).toBe(400);
    expect(badRow.body.error.details.map((d: { field: string }) => d.field)).toEqual(['row']);
    const badColumn = await cell('table=4&row=reconsideration&column=won');
    expect(badColumn.body.error.details.map((d: { field: string }) => d.field)).toEqual(['column']);
    expect((await cell('table=5&row=x&column=y')).body.error.details.map((d: { field: string }) => d.field)).toContain('table');
    expect(
      (await get(`/api/reports/annual/cell?year=2025&table=3&row=${encodeURIComponent('一')}&column=total`, departmentUser)).status,
    ).toBe(403);
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
