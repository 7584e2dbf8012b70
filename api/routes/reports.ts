/**
 * The statutory annual report (条例 §50, due by 31 January): tables 3 and 4 counted from the
 * case data by domain/reports/annual.ts, as JSON, CSV or a printable Chinese HTML page.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { z } from 'zod';
import { escapeHtml as e } from '../../activities/notices';
import type { AgencyConfig } from '../../domain/agency';
import { shanghaiDateOf } from '../../domain/calendar/dates';
import type { ApplicantType } from '../../domain/application/types';
import { DISPUTE_KINDS, type DisputeKind } from '../../domain/disputes/types';
import type { Outcome } from '../../domain/outcomes';
import {
  type AnnualReport,
  annualReport,
  annualReportCsv,
  TABLE_3_COLUMN_LABELS,
  TABLE_3_COLUMNS,
  TABLE_4_COLUMN_LABELS,
  type Table4Column,
} from '../../domain/reports/annual';
import type { Database } from '../../db/schema';
import type { RouteTable } from '../route';

/** The facts the counting rules need: only cases that could touch the year are read. */
export async function loadAnnualReport(db: Kysely<Database>, agencyCode: string, year: number): Promise<AnnualReport> {
  const first = `${year}-01-01`;
  const last = `${year}-12-31`;
  const receivedOn = sql<string>`coalesce(received_on, (created_at at time zone 'Asia/Shanghai')::date)`;
  const closedOn = sql<string | null>`(closed_at at time zone 'Asia/Shanghai')::date`;
  const [applications, disputes] = await Promise.all([
    db
      .selectFrom('applications')
      .select(['case_no', 'applicant_type', 'outcome', receivedOn.as('received_on'), closedOn.as('closed_on')])
      .where('agency_code', '=', agencyCode)
      .where(receivedOn, '<=', last)
      .where((eb) => eb.or([eb('closed_at', 'is', null), eb(closedOn, '>=', first)]))
      .execute(),
    db
      .selectFrom('disputes')
      .select(['dispute_no', 'kind', 'received_on', 'result', 'result_on'])
      .where('agency_code', '=', agencyCode)
      .where('received_on', '<=', last)
      .where((eb) => eb.or([eb('result_on', 'is', null), eb('result_on', '>=', first)]))
      .execute(),
  ]);
  return annualReport(
    year,
    applications.map((a) => ({ caseNo: a.case_no, applicantType: a.applicant_type as ApplicantType, receivedOn: a.received_on, closedOn: a.closed_on, outcome: a.outcome as Outcome | null })),
    disputes.map((d) => ({ disputeNo: d.dispute_no, kind: d.kind, receivedOn: d.received_on, result: d.result, resultOn: d.result_on })),
  );
}

function annualReportHtml(report: AnnualReport, agencyName: string): string {
  const columns3 = [...TABLE_3_COLUMNS, 'organisations', 'total'] as const;
  const rows3 = report.table3
    .map((r) => `<tr><th class="row">${e(r.row)}</th><th class="label">${e(r.label)}</th>${columns3.map((c) => `<td>${r.counts[c]}</td>`).join('')}</tr>`)
    .join('');
  const columns4: Table4Column[] = ['upheld', 'corrected', 'other', 'pending', 'total'];
  const rows4 = (Object.keys(DISPUTE_KINDS) as DisputeKind[])
    .map((kind) => `<tr><th class="label">${e(DISPUTE_KINDS[kind])}</th>${columns4.map((c) => `<td>${report.table4[kind][c]}</td>`).join('')}</tr>`)
    .join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${e(agencyName)}${report.year}年政府信息公开工作年度报告（表三、表四）</title>
<style>body{font-family:"Songti SC","SimSun",serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}th,td{border:1px solid #333;padding:4px 8px}td{text-align:right}th.label{text-align:left;font-weight:normal}@media print{body{margin:0}}</style></head><body>
<h1>${e(agencyName)}${report.year}年政府信息公开工作年度报告</h1>
<h2>三、收到和处理政府信息公开申请情况</h2>
<table><thead><tr><th colspan="2">本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和</th>${columns3.map((c) => `<th>${e(TABLE_3_COLUMN_LABELS[c])}</th>`).join('')}</tr></thead><tbody>${rows3}</tbody></table>
<h2>四、政府信息公开行政复议、行政诉讼情况</h2>
<table><thead><tr><th></th>${columns4.map((c) => `<th>${e(TABLE_4_COLUMN_LABELS[c])}</th>`).join('')}</tr></thead><tbody>${rows4}</tbody></table>
<p>统计口径见 domain/reports/annual.ts；生成时间 ${e(new Date().toISOString())}。</p></body></html>`;
}

export function reportRoutes(routes: RouteTable, deps: { db: Kysely<Database>; agency: AgencyConfig }): void {
  routes.add({
    method: 'get',
    path: '/api/reports/annual',
    summary: '政府信息公开工作年度报告：表三（申请办理情况）、表四（行政复议、行政诉讼情况）',
    tags: ['reports'],
    roles: ['clerk', 'leader', 'supervisor', 'admin'],
    query: z.object({
      year: z
        .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a year') })
        .regex(/^\d{4}$/, 'must be a year such as 2026')
        .transform(Number)
        .refine((y) => y >= 2008 && y <= Number(shanghaiDateOf(Date.now()).slice(0, 4)), 'must be a year from 2008 (the 条例 took effect) to this year'),
      format: z.enum(['json', 'csv', 'html']).default('json'),
    }),
    response: { status: 200, description: 'the two tables (JSON), or text/csv, or text/html', schema: z.unknown() },
    handler: async ({ query, res }) => {
      const report = await loadAnnualReport(deps.db, deps.agency.code, query.year);
      if (query.format === 'csv') {
        res.type('text/csv; charset=utf-8').attachment(`annual-report-${query.year}.csv`).send(annualReportCsv(report));
        return '';
      }
      if (query.format === 'html') {
        res.type('html').send(annualReportHtml(report, deps.agency.name));
        return '';
      }
      return report;
    },
  });
}
