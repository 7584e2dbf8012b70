/**
 * The statutory annual report (条例 §50; format of 国办公开办函〔2021〕30号): tables 2, 3 and
 * 4 and the 信息处理费 figures, counted from case facts. Every counting rule lives here, once,
 * and every cell keeps the cases it counted, so a cell can be traced to them (drill-down).
 *
 * Table 2 (主动公开, from the document data), per row of the format:
 * - 行政规范性文件 本年制发件数: normative documents signed in the year whose final attribute
 *   is 主动公开. 本年废止件数 and 现行有效件数 are not in the data (no repeal or expiry is
 *   recorded): they are answered as null with the reason, never as a guessed 0.
 * - 规章, 行政许可, 行政处罚, 行政强制, 行政事业性收费: not in the data (see TABLE_2_UNSUPPORTED).
 *
 * Table 3 (applications), per applicant type and in total:
 * - 一、本年新收: the first receipt date (§31) falls in the year. A correction (§30) restarts
 *   the reply period but does not move this date. An application still awaiting the clerk's
 *   confirmation of receipt counts by its registration date.
 * - 二、上年结转: received before the year and not ended before it started.
 * - 三、办理结果: ended in the year — the reply delivered to the applicant, or the event that
 *   ended the case (the correction or payment due date that expired, the withdrawal), not the
 *   day the file was archived — one row per outcome (domain/outcomes.ts maps each outcome to
 *   exactly one row); （七）总计 sums them.
 * - 四、结转下年度继续办理: received by the year's end and not ended by it.
 *   So 一 + 二 = 三（七） + 四 always holds, per column.
 *
 * 信息处理费 (国办函〔2020〕109号), reported with table 3 (the 2021 format asks for the fee
 * notices issued, their amount and the amount actually collected):
 * - 收费通知: notices issued in the year (a computation of ¥0 issues none), their amount;
 * - 实际收取: payments recorded in the year, their amount;
 * - 减免: waivers approved in the year (109号 第八条), with the amount computed where one was.
 *
 * Table 4 (disputes), per kind: a dispute counts in every year it was pending at some
 * point (received by the year's end and not decided before the year began); its column is
 * its result when decided within the year, else 尚未审结. Withdrawals count as 其他结果.
 *
 * Pure module.
 */
import type { IsoDate } from '../calendar/dates';
import { APPLICANT_TYPES, type ApplicantType } from '../application/types';
import { DISPUTE_KINDS, DISPUTE_RESULTS, type DisputeKind, type DisputeResult, PENDING_LABEL } from '../disputes/types';
import { OUTCOME_CODES, OUTCOME_GROUPS, OUTCOMES, type Outcome } from '../outcomes';

/** An application's fee record, as the report reads it (see feeFactOf). */
export interface FeeFact {
  /** The day the 收费通知 was issued; null when none was (nothing to charge, or waived). */
  noticeOn: IsoDate | null;
  /** Yuan charged by the notice, or computed before a waiver. */
  amount: number;
  paidOn: IsoDate | null;
  /** The day a waiver was approved (or the computed fee was waived), null if none. */
  waivedOn: IsoDate | null;
}

export interface ApplicationFact {
  caseNo: string;
  applicantType: ApplicantType;
  /** The first §31 receipt date (never moved by a correction), or the registration date while receipt awaits confirmation. */
  receivedOn: IsoDate;
  /** The day the case ended (reply delivered, due date that expired, withdrawal), null while it has not. */
  endedOn: IsoDate | null;
  outcome: Outcome | null;
  fee?: FeeFact | null;
}

export interface DisputeFact {
  disputeNo: string;
  kind: DisputeKind;
  receivedOn: IsoDate;
  result: DisputeResult | null;
  resultOn: IsoDate | null;
}

export interface DocumentFact {
  docId: string;
  normative: boolean;
  /** The attribute fixed at sign-off (or by a later conversion). */
  finalAttribute: string | null;
  signedOn: IsoDate | null;
}

/** Table 3's columns in the national order; 法人或其他组织 is the sum of the five organisation types. */
export const TABLE_3_COLUMNS = [
  'natural-person',
  'commercial',
  'research',
  'public-interest',
  'legal-services',
  'other-organisation',
] as const satisfies readonly ApplicantType[];
export type Table3Column = ApplicantType | 'organisations' | 'total';
export const TABLE_3_ALL_COLUMNS: readonly Table3Column[] = [...TABLE_3_COLUMNS, 'organisations', 'total'];

export type Counts = Record<ApplicantType, number> & { organisations: number; total: number };

export interface Table3Row {
  /** '一', '二', '三（一）', '三（三）4', '三（七）', '四'. */
  row: string;
  label: string;
  /** Outcome code for the rows of 三（一）…（六）. */
  outcome?: Outcome;
  counts: Counts;
}

export type Table4Column = DisputeResult | 'pending' | 'total';
export const TABLE_4_COLUMNS: readonly Table4Column[] = ['upheld', 'corrected', 'other', 'pending', 'total'];
export type Table4 = Record<DisputeKind, Record<Table4Column, number>>;

/** Table 2's rows and columns, in the format's order (第二十条 items they report on). */
export const TABLE_2_ROWS = {
  regulations: { label: '规章', article: '第二十条第（一）项', columns: ['issued', 'repealed', 'in-force'] },
  normative: { label: '行政规范性文件', article: '第二十条第（一）项', columns: ['issued', 'repealed', 'in-force'] },
  licensing: { label: '行政许可', article: '第二十条第（五）项', columns: ['decisions'] },
  penalties: { label: '行政处罚', article: '第二十条第（六）项', columns: ['decisions'] },
  enforcement: { label: '行政强制', article: '第二十条第（六）项', columns: ['decisions'] },
  charges: { label: '行政事业性收费', article: '第二十条第（八）项', columns: ['amount-10k-yuan'] },
} as const;
export type Table2RowKey = keyof typeof TABLE_2_ROWS;
export type Table2Column = (typeof TABLE_2_ROWS)[Table2RowKey]['columns'][number];
export const TABLE_2_COLUMN_LABELS: Record<Table2Column, string> = {
  issued: '本年制发件数',
  repealed: '本年废止件数',
  'in-force': '现行有效件数',
  decisions: '本年处理决定数量',
  'amount-10k-yuan': '本年收费金额（单位：万元）',
};

const NOT_IN_CASE_DATA = '不在本系统数据中：由本机关的行政执法、审批或财务数据另行统计填报';
/** Why a cell of table 2 has no figure: what the document data cannot support. */
export const TABLE_2_UNSUPPORTED: Partial<Record<`${Table2RowKey}.${Table2Column}`, string>> = {
  'regulations.issued':
    '公文数据不能认定规章：规章以政府令公布（《规章制定程序条例》），登记的公文种类与“规范性文件”标记都不区分规章，须另行统计',
  'regulations.repealed': '公文数据不能认定规章，也没有废止记录，须另行统计',
  'regulations.in-force': '公文数据不能认定规章，也没有废止、失效记录，须另行统计',
  'normative.repealed': '公文数据没有废止记录（公文流程无废止步骤），须另行统计',
  'normative.in-force': '现行有效件数须扣除历年已废止、已失效的文件，并包括本系统启用前制发的文件；公文数据没有这些记录，须另行统计',
  'licensing.decisions': NOT_IN_CASE_DATA,
  'penalties.decisions': NOT_IN_CASE_DATA,
  'enforcement.decisions': NOT_IN_CASE_DATA,
  'charges.amount-10k-yuan': NOT_IN_CASE_DATA,
};

export interface Table2Cell {
  column: Table2Column;
  label: string;
  /** Null when the data cannot support the figure; `unsupported` says why. */
  value: number | null;
  unsupported?: string;
}

export interface Table2Row {
  row: Table2RowKey;
  label: string;
  article: string;
  cells: Table2Cell[];
}

export const FEE_ROWS = {
  notices: '发出收费通知',
  collected: '实际收取',
  waived: '减免',
} as const;
export type FeeRow = keyof typeof FEE_ROWS;
export type FeeColumn = 'count' | 'amount';
export const FEE_COLUMN_LABELS: Record<FeeColumn, string> = { count: '件数', amount: '金额（元）' };
export type FeeFigures = Record<FeeRow, { count: number; amount: number }>;

export interface AnnualReport {
  year: number;
  table2: Table2Row[];
  table3: Table3Row[];
  fees: FeeFigures;
  table4: Table4;
}

/** One cell of the report, named as the drill-down endpoint names it. */
export type CellRef =
  | { table: '2'; row: Table2RowKey; column: Table2Column }
  | { table: '3'; row: string; column: Table3Column }
  | { table: 'fees'; row: FeeRow; column: FeeColumn }
  | { table: '4'; row: DisputeKind; column: Table4Column };

/** Table 3's row numbers in the national order. */
export const TABLE_3_ROWS: readonly string[] = ['一', '二', ...OUTCOME_CODES.map((o) => OUTCOMES[o].reportRow), '三（七）', '四'];

/** What is wrong with a cell's name (unknown row or column for its table), for a 400 naming the field; null if it names a cell. */
export function cellRefProblem(table: CellRef['table'], row: string, column: string): { field: 'row' | 'column'; message: string } | null {
  const choices: { rows: readonly string[]; columns: (row: string) => readonly string[] } =
    table === '2'
      ? { rows: Object.keys(TABLE_2_ROWS), columns: (r) => TABLE_2_ROWS[r as Table2RowKey].columns }
      : table === '3'
        ? { rows: TABLE_3_ROWS, columns: () => TABLE_3_ALL_COLUMNS }
        : table === 'fees'
          ? { rows: Object.keys(FEE_ROWS), columns: () => Object.keys(FEE_COLUMN_LABELS) }
          : { rows: Object.keys(DISPUTE_KINDS), columns: () => TABLE_4_COLUMNS };
  if (!choices.rows.includes(row)) return { field: 'row', message: `table ${table} has the rows ${choices.rows.join(', ')}` };
  const columns = choices.columns(row);
  if (!columns.includes(column)) return { field: 'column', message: `row ${row} of table ${table} has the columns ${columns.join(', ')}` };
  return null;
}

export interface CellMembers {
  kind: 'application' | 'dispute' | 'document';
  /** The cell's figure: a count, or an amount in yuan (fees' amount column). */
  value: number | null;
  /** Case numbers, dispute numbers or document ids, in order. */
  ids: string[];
  unsupported?: string;
}

interface Classified {
  table2: Array<{ row: Table2RowKey; cells: Array<{ column: Table2Column; docs: DocumentFact[] | null; unsupported?: string }> }>;
  table3: Array<{ row: string; label: string; outcome?: Outcome; facts: ApplicationFact[] }>;
  fees: Record<FeeRow, { facts: ApplicationFact[]; amount: number }>;
  table4: Record<DisputeKind, Record<Table4Column, DisputeFact[]>>;
}

const inColumn =
  (column: Table3Column) =>
  (f: ApplicationFact): boolean =>
    column === 'total' ? true : column === 'organisations' ? f.applicantType !== 'natural-person' : f.applicantType === column;

function count(facts: readonly ApplicationFact[]): Counts {
  const counts = Object.fromEntries(TABLE_3_ALL_COLUMNS.map((c) => [c, facts.filter(inColumn(c)).length])) as Counts;
  return counts;
}

/** Every cell's members, by the rules above: the report counts them, the drill-down lists them. */
function classify(
  year: number,
  applications: readonly ApplicationFact[],
  disputes: readonly DisputeFact[],
  documents: readonly DocumentFact[],
): Classified {
  const first = `${year}-01-01`;
  const last = `${year}-12-31`;
  const inYear = (d: IsoDate | null | undefined): d is IsoDate => d != null && d >= first && d <= last;

  const table2 = (Object.keys(TABLE_2_ROWS) as Table2RowKey[]).map((row) => ({
    row,
    cells: (TABLE_2_ROWS[row].columns as readonly Table2Column[]).map((column) => {
      const unsupported = TABLE_2_UNSUPPORTED[`${row}.${column}`];
      if (unsupported) return { column, docs: null, unsupported };
      // The one figure the document data holds: normative documents released proactively, by signing year.
      return { column, docs: documents.filter((d) => d.normative && d.finalAttribute === 'proactive' && inYear(d.signedOn)) };
    }),
  }));

  const endedInYear = applications.filter((a) => inYear(a.endedOn));
  const table3: Classified['table3'] = [
    { row: '一', label: '本年新收政府信息公开申请数量', facts: applications.filter((a) => inYear(a.receivedOn)) },
    {
      row: '二',
      label: '上年结转政府信息公开申请数量',
      facts: applications.filter((a) => a.receivedOn < first && (a.endedOn === null || a.endedOn >= first)),
    },
  ];
  for (const outcome of OUTCOME_CODES) {
    const definition = OUTCOMES[outcome];
    const groupLabel = OUTCOME_GROUPS[definition.group];
    table3.push({
      row: definition.reportRow,
      label: definition.label === groupLabel ? groupLabel : `${groupLabel}：${definition.label}`,
      outcome,
      facts: endedInYear.filter((a) => a.outcome === outcome),
    });
  }
  table3.push({ row: '三（七）', label: '总计', facts: endedInYear });
  table3.push({
    row: '四',
    label: '结转下年度继续办理',
    facts: applications.filter((a) => a.receivedOn <= last && (a.endedOn === null || a.endedOn > last)),
  });

  const feeRow = (pick: (fee: FeeFact) => IsoDate | null) => {
    const facts = applications.filter((a) => a.fee && inYear(pick(a.fee)));
    return { facts, amount: facts.reduce((sum, a) => sum + a.fee!.amount, 0) };
  };
  const fees = {
    notices: feeRow((f) => f.noticeOn),
    collected: feeRow((f) => f.paidOn),
    waived: feeRow((f) => f.waivedOn),
  };

  const table4 = Object.fromEntries(
    (Object.keys(DISPUTE_KINDS) as DisputeKind[]).map((kind) => [
      kind,
      Object.fromEntries(TABLE_4_COLUMNS.map((c) => [c, [] as DisputeFact[]])),
    ]),
  ) as Classified['table4'];
  for (const d of disputes) {
    if (d.receivedOn > last || (d.resultOn !== null && d.resultOn < first)) continue;
    const column: Table4Column = d.result !== null && inYear(d.resultOn) ? d.result : 'pending';
    table4[d.kind][column].push(d);
    table4[d.kind].total.push(d);
  }
  return { table2, table3, fees, table4 };
}

export function annualReport(
  year: number,
  applications: readonly ApplicationFact[],
  disputes: readonly DisputeFact[],
  documents: readonly DocumentFact[] = [],
): AnnualReport {
  const c = classify(year, applications, disputes, documents);
  return {
    year,
    table2: c.table2.map(({ row, cells }) => ({
      row,
      label: TABLE_2_ROWS[row].label,
      article: TABLE_2_ROWS[row].article,
      cells: cells.map((cell) => ({
        column: cell.column,
        label: TABLE_2_COLUMN_LABELS[cell.column],
        value: cell.docs === null ? null : cell.docs.length,
        ...(cell.unsupported ? { unsupported: cell.unsupported } : {}),
      })),
    })),
    table3: c.table3.map(({ facts, ...row }) => ({ ...row, counts: count(facts) })),
    fees: Object.fromEntries(Object.entries(c.fees).map(([row, f]) => [row, { count: f.facts.length, amount: f.amount }])) as FeeFigures,
    table4: Object.fromEntries(
      Object.entries(c.table4).map(([kind, columns]) => [
        kind,
        Object.fromEntries(Object.entries(columns).map(([column, ds]) => [column, ds.length])),
      ]),
    ) as Table4,
  };
}

/** The cases behind one cell, counted by the same rules as the report; null when no such cell exists. */
export function annualReportCell(
  year: number,
  ref: CellRef,
  applications: readonly ApplicationFact[],
  disputes: readonly DisputeFact[],
  documents: readonly DocumentFact[] = [],
): CellMembers | null {
  const c = classify(year, applications, disputes, documents);
  switch (ref.table) {
    case '2': {
      const cell = c.table2.find((r) => r.row === ref.row)?.cells.find((x) => x.column === ref.column);
      if (!cell) return null;
      if (cell.docs === null) return { kind: 'document', value: null, ids: [], unsupported: cell.unsupported! };
      return { kind: 'document', value: cell.docs.length, ids: cell.docs.map((d) => d.docId) };
    }
    case '3': {
      const row = c.table3.find((r) => r.row === ref.row);
      if (!row || !TABLE_3_ALL_COLUMNS.includes(ref.column)) return null;
      const facts = row.facts.filter(inColumn(ref.column));
      return { kind: 'application', value: facts.length, ids: facts.map((f) => f.caseNo) };
    }
    case 'fees': {
      const row = c.fees[ref.row];
      if (!row || !(ref.column in FEE_COLUMN_LABELS)) return null;
      return { kind: 'application', value: ref.column === 'count' ? row.facts.length : row.amount, ids: row.facts.map((f) => f.caseNo) };
    }
    case '4': {
      const members = c.table4[ref.row]?.[ref.column];
      if (!members) return null;
      return { kind: 'dispute', value: members.length, ids: members.map((d) => d.disputeNo) };
    }
  }
}

/**
 * An application's fee record as the report reads it, from the workflow state's `fee` and
 * `feeWaiver` (either may be absent). A notice goes out only for a charge above ¥0; a fee
 * marked waived with a charge, or an approved waiver decision, counts as 减免.
 */
export function feeFactOf(
  fee: { computation?: { total?: number }; noticeOn?: IsoDate | null; paidOn?: IsoDate | null; waived?: boolean } | null | undefined,
  waiver?: { approved?: boolean; decidedOn?: IsoDate } | null,
): FeeFact | null {
  const amount = fee?.computation?.total ?? 0;
  const waivedByDecision = waiver?.approved === true && waiver.decidedOn ? waiver.decidedOn : null;
  const waivedFee = fee?.waived === true && amount > 0 ? (fee.noticeOn ?? null) : null;
  const waivedOn = waivedByDecision ?? waivedFee;
  const noticeOn = fee && amount > 0 && waivedOn === null ? (fee.noticeOn ?? null) : null;
  if (noticeOn === null && waivedOn === null) return null;
  return { noticeOn, amount, paidOn: noticeOn !== null ? (fee?.paidOn ?? null) : null, waivedOn };
}

export const TABLE_4_COLUMN_LABELS: Record<Table4Column, string> = { ...DISPUTE_RESULTS, pending: PENDING_LABEL, total: '总计' };
export const TABLE_3_COLUMN_LABELS: Record<ApplicantType | 'organisations' | 'total', string> = {
  ...APPLICANT_TYPES,
  organisations: '法人或其他组织（小计）',
  total: '总计',
};

const csvCell = (v: string | number | null) =>
  v === null ? '—' : typeof v === 'number' ? String(v) : /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;

/** The tables as CSV, one section after the other, with Chinese headings (UTF-8 BOM for spreadsheet programs). */
export function annualReportCsv(report: AnnualReport): string {
  const lines: string[] = [];
  lines.push(`表二 主动公开政府信息情况（${report.year}年度；“—”为本系统数据不能支持、须另行统计的项）`);
  lines.push(['条款', '信息内容', '项目', '数量', '说明'].map(csvCell).join(','));
  for (const r of report.table2)
    for (const c of r.cells) lines.push([r.article, r.label, c.label, c.value, c.unsupported ?? ''].map(csvCell).join(','));
  lines.push('');
  lines.push(`表三 收到和处理政府信息公开申请情况（${report.year}年度）`);
  lines.push(['行', '项目', ...TABLE_3_ALL_COLUMNS.map((c) => TABLE_3_COLUMN_LABELS[c])].map(csvCell).join(','));
  for (const r of report.table3) lines.push([r.row, r.label, ...TABLE_3_ALL_COLUMNS.map((c) => r.counts[c])].map(csvCell).join(','));
  lines.push('');
  lines.push(`信息处理费（${report.year}年度）`);
  lines.push(['项目', FEE_COLUMN_LABELS.count, FEE_COLUMN_LABELS.amount].map(csvCell).join(','));
  for (const row of Object.keys(FEE_ROWS) as FeeRow[])
    lines.push([FEE_ROWS[row], report.fees[row].count, report.fees[row].amount].map(csvCell).join(','));
  lines.push('');
  lines.push(`表四 政府信息公开行政复议、行政诉讼情况（${report.year}年度）`);
  lines.push(['类别', ...TABLE_4_COLUMNS.map((c) => TABLE_4_COLUMN_LABELS[c])].map(csvCell).join(','));
  for (const kind of Object.keys(DISPUTE_KINDS) as DisputeKind[])
    lines.push([DISPUTE_KINDS[kind], ...TABLE_4_COLUMNS.map((c) => report.table4[kind][c])].map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The headline figures of one agency's report, for the platform's side-by-side view. */
export interface AnnualReportFigures {
  /** Table 3 一: new applications received in the year. */
  received: number;
  /** Table 3 二: carried over from the year before. */
  carriedOver: number;
  /** Table 3 三（七）: applications answered in the year. */
  answered: number;
  /** Table 3 四: carried forward to the next year. */
  carriedForward: number;
  /** Table 3 三（一）: answered with disclosure. */
  disclosed: number;
  /** 信息处理费 actually collected: cases and yuan. */
  feesCollected: { count: number; amount: number };
  /** Table 4: 行政复议 and 行政诉讼, all results and pending. */
  disputes: number;
  /** Table 2: normative documents issued (行政规范性文件 本年制发件数), null if unsupported. */
  normativeIssued: number | null;
}

export function annualReportFigures(report: AnnualReport): AnnualReportFigures {
  const row = (r: string) => report.table3.find((t) => t.row === r)?.counts.total ?? 0;
  const normative = report.table2.find((r) => r.row === 'normative')?.cells.find((c) => c.column === 'issued');
  return {
    received: row('一'),
    carriedOver: row('二'),
    answered: row('三（七）'),
    carriedForward: row('四'),
    disclosed: row('三（一）'),
    feesCollected: { ...report.fees.collected },
    disputes: Object.values(report.table4).reduce((sum, kind) => sum + kind.total, 0),
    normativeIssued: normative?.value ?? null,
  };
}
