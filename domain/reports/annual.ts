/**
 * The statutory annual report's tables 3 and 4 (国办公开办函〔2021〕30号 format, 条例 §50),
 * counted from case facts. Every counting rule lives here, once:
 *
 * Table 3 (applications), per applicant type and in total:
 * - 一、本年新收: the receipt date (§31) falls in the year; an application still awaiting the
 *   clerk's confirmation of receipt counts by its registration date.
 * - 二、上年结转: received before the year and not closed before it started.
 * - 三、办理结果: closed in the year (Asia/Shanghai date of closure), one row per outcome
 *   (domain/outcomes.ts maps each outcome to exactly one row); （七）总计 sums them.
 * - 四、结转下年度继续办理: received by the year's end and still open at its end.
 *   So 一 + 二 = 三（七） + 四 always holds, per column.
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

export interface ApplicationFact {
  caseNo: string;
  applicantType: ApplicantType;
  /** §31 receipt date, or the registration date while receipt awaits confirmation. */
  receivedOn: IsoDate;
  /** Asia/Shanghai date the case closed, null while open. */
  closedOn: IsoDate | null;
  outcome: Outcome | null;
}

export interface DisputeFact {
  disputeNo: string;
  kind: DisputeKind;
  receivedOn: IsoDate;
  result: DisputeResult | null;
  resultOn: IsoDate | null;
}

/** Table 3's columns in the national order; 法人或其他组织 is the sum of the five organisation types. */
export const TABLE_3_COLUMNS = ['natural-person', 'commercial', 'research', 'public-interest', 'legal-services', 'other-organisation'] as const satisfies readonly ApplicantType[];

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
export type Table4 = Record<DisputeKind, Record<Table4Column, number>>;

export interface AnnualReport {
  year: number;
  table3: Table3Row[];
  table4: Table4;
}

function emptyCounts(): Counts {
  return { 'natural-person': 0, commercial: 0, research: 0, 'public-interest': 0, 'legal-services': 0, 'other-organisation': 0, organisations: 0, total: 0 };
}

function count(facts: readonly ApplicationFact[]): Counts {
  const counts = emptyCounts();
  for (const f of facts) {
    counts[f.applicantType] += 1;
    if (f.applicantType !== 'natural-person') counts.organisations += 1;
    counts.total += 1;
  }
  return counts;
}

export function annualReport(year: number, applications: readonly ApplicationFact[], disputes: readonly DisputeFact[]): AnnualReport {
  const first = `${year}-01-01`;
  const last = `${year}-12-31`;
  const inYear = (d: IsoDate | null): d is IsoDate => d !== null && d >= first && d <= last;

  const closedInYear = applications.filter((a) => inYear(a.closedOn));
  const table3: Table3Row[] = [
    { row: '一', label: '本年新收政府信息公开申请数量', counts: count(applications.filter((a) => inYear(a.receivedOn))) },
    { row: '二', label: '上年结转政府信息公开申请数量', counts: count(applications.filter((a) => a.receivedOn < first && (a.closedOn === null || a.closedOn >= first))) },
  ];
  for (const outcome of OUTCOME_CODES) {
    const definition = OUTCOMES[outcome];
    const groupLabel = OUTCOME_GROUPS[definition.group];
    table3.push({
      row: definition.reportRow,
      label: definition.label === groupLabel ? groupLabel : `${groupLabel}：${definition.label}`,
      outcome,
      counts: count(closedInYear.filter((a) => a.outcome === outcome)),
    });
  }
  table3.push({ row: '三（七）', label: '总计', counts: count(closedInYear) });
  table3.push({ row: '四', label: '结转下年度继续办理', counts: count(applications.filter((a) => a.receivedOn <= last && (a.closedOn === null || a.closedOn > last))) });

  const table4 = Object.fromEntries(
    (Object.keys(DISPUTE_KINDS) as DisputeKind[]).map((kind) => [kind, { upheld: 0, corrected: 0, other: 0, pending: 0, total: 0 }]),
  ) as Table4;
  for (const d of disputes) {
    if (d.receivedOn > last || (d.resultOn !== null && d.resultOn < first)) continue;
    const column: Table4Column = d.result !== null && inYear(d.resultOn) ? d.result : 'pending';
    table4[d.kind][column] += 1;
    table4[d.kind].total += 1;
  }
  return { year, table3, table4 };
}

export const TABLE_4_COLUMN_LABELS: Record<Table4Column, string> = { ...DISPUTE_RESULTS, pending: PENDING_LABEL, total: '总计' };
export const TABLE_3_COLUMN_LABELS: Record<ApplicantType | 'organisations' | 'total', string> = { ...APPLICANT_TYPES, organisations: '法人或其他组织（小计）', total: '总计' };

const csvCell = (v: string | number) => (typeof v === 'number' ? String(v) : /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/** Both tables as CSV, one section after the other, with Chinese headings (UTF-8 BOM for spreadsheet programs). */
export function annualReportCsv(report: AnnualReport): string {
  const lines: string[] = [];
  const columns3 = [...TABLE_3_COLUMNS, 'organisations', 'total'] as const;
  lines.push(`表三 收到和处理政府信息公开申请情况（${report.year}年度）`);
  lines.push(['行', '项目', ...columns3.map((c) => TABLE_3_COLUMN_LABELS[c])].map(csvCell).join(','));
  for (const r of report.table3) lines.push([r.row, r.label, ...columns3.map((c) => r.counts[c])].map(csvCell).join(','));
  lines.push('');
  lines.push(`表四 政府信息公开行政复议、行政诉讼情况（${report.year}年度）`);
  const columns4: Table4Column[] = ['upheld', 'corrected', 'other', 'pending', 'total'];
  lines.push(['类别', ...columns4.map((c) => TABLE_4_COLUMN_LABELS[c])].map(csvCell).join(','));
  for (const kind of Object.keys(DISPUTE_KINDS) as DisputeKind[]) lines.push([DISPUTE_KINDS[kind], ...columns4.map((c) => report.table4[kind][c])].map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
