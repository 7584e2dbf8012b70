/**
 * The statutory annual report (条例 §50, due by 31 January): tables 2, 3 (with the 信息处理费
 * figures) and 4 counted from the case data by domain/reports/annual.ts, as JSON, CSV or a
 * printable Chinese HTML page; and, for any cell, the cases it counted.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { z } from 'zod';
import { escapeHtml as e } from '../../activities/notices';
import { type AgencyStore, listAgencies, loadAgency } from '../../db/repositories/agency';
import { AGENCY_CODE } from '../../domain/agency';
import { shanghaiDateOf } from '../../domain/calendar/dates';
import type { ApplicantType } from '../../domain/application/types';
import { DISPUTE_KINDS, type DisputeKind } from '../../domain/disputes/types';
import type { Outcome } from '../../domain/outcomes';
import {
  type AnnualReport,
  type ApplicationFact,
  annualReport,
  annualReportCell,
  annualReportCsv,
  annualReportFigures,
  type CellRef,
  cellRefProblem,
  type DisputeFact,
  type DocumentFact,
  FEE_COLUMN_LABELS,
  FEE_ROWS,
  type FeeRow,
  feeFactOf,
  TABLE_3_ALL_COLUMNS,
  TABLE_3_COLUMN_LABELS,
  TABLE_4_COLUMN_LABELS,
  TABLE_4_COLUMNS,
} from '../../domain/reports/annual';
import { consoleLink } from '../../domain/supervision/projection';
import type { Database } from '../../db/schema';
import { ApiError } from '../errors';
import type { RouteTable } from '../route';

export interface ReportFacts {
  applications: ApplicationFact[];
  disputes: DisputeFact[];
  documents: DocumentFact[];
}

/** The facts the counting rules need: only cases that could touch the year are read. */
export async function loadReportFacts(db: Kysely<Database>, agencyCode: string, year: number): Promise<ReportFacts> {
  const first = `${year}-01-01`;
  const last = `${year}-12-31`;
  // first_received_on / ended_on are written with every step (db migration 20261201T1200);
  // the fallbacks only cover a row no step has touched since.
  const receivedOn = sql<string>`coalesce(first_received_on, received_on, (created_at at time zone 'Asia/Shanghai')::date)`;
  const endedOn = sql<string | null>`coalesce(ended_on, (closed_at at time zone 'Asia/Shanghai')::date)`;
  const [applications, disputes, documents] = await Promise.all([
    db
      .selectFrom('applications')
      .select([
        'case_no',
        'applicant_type',
        'outcome',
        receivedOn.as('received_on'),
        endedOn.as('ended_on'),
        sql<unknown>`state->'fee'`.as('fee'),
        sql<unknown>`state->'feeWaiver'`.as('fee_waiver'),
      ])
      .where('agency_code', '=', agencyCode)
      .where(receivedOn, '<=', last)
      .where((eb) => eb.or([eb(endedOn, 'is', null), eb(endedOn, '>=', first)]))
      .orderBy('case_no')
      .execute(),
    db
      .selectFrom('disputes')
      .select(['dispute_no', 'kind', 'received_on', 'result', 'result_on'])
      .where('agency_code', '=', agencyCode)
      .where('received_on', '<=', last)
      .where((eb) => eb.or([eb('result_on', 'is', null), eb('result_on', '>=', first)]))
      .orderBy('dispute_no')
      .execute(),
    db
      .selectFrom('documents')
      .select(['doc_id', 'normative', 'final_attribute', 'signed_on'])
      .where('agency_code', '=', agencyCode)
      .where('signed_on', '>=', first)
      .where('signed_on', '<=', last)
      .orderBy('doc_id')
      .execute(),
  ]);
  return {
    applications: applications.map((a) => ({
      caseNo: a.case_no,
      applicantType: a.applicant_type as ApplicantType,
      receivedOn: a.received_on,
      endedOn: a.ended_on,
      outcome: a.outcome as Outcome | null,
      fee: feeFactOf(a.fee as Parameters<typeof feeFactOf>[0], a.fee_waiver as Parameters<typeof feeFactOf>[1]),
    })),
    disputes: disputes.map((d) => ({
      disputeNo: d.dispute_no,
      kind: d.kind,
      receivedOn: d.received_on,
      result: d.result,
      resultOn: d.result_on,
    })),
    documents: documents.map((d) => ({
      docId: d.doc_id,
      normative: d.normative,
      finalAttribute: d.final_attribute,
      signedOn: d.signed_on,
    })),
  };
}

export async function loadAnnualReport(db: Kysely<Database>, agencyCode: string, year: number): Promise<AnnualReport> {
  const facts = await loadReportFacts(db, agencyCode, year);
  return annualReport(year, facts.applications, facts.disputes, facts.documents);
}

/** The drill-down URL of one cell (the HTML page links every cell to it). */
export const cellPath = (year: number, table: CellRef['table'], row: string, column: string): string =>
  `/api/reports/annual/cell?${new URLSearchParams({ year: String(year), table, row, column }).toString()}`;

function annualReportHtml(report: AnnualReport, agencyName: string): string {
  const y = report.year;
  const cell = (table: CellRef['table'], row: string, column: string, value: number | null, title?: string) =>
    value === null
      ? `<td class="unsupported" title="${e(title ?? '')}">—</td>`
      : `<td><a href="${e(cellPath(y, table, row, column))}">${value}</a></td>`;
  const rows2 = report.table2
    .flatMap((r) =>
      r.cells.map(
        (c, i) =>
          `<tr>${i === 0 ? `<th class="label" rowspan="${r.cells.length}">${e(r.article)} ${e(r.label)}</th>` : ''}<th class="label">${e(c.label)}</th>${cell('2', r.row, c.column, c.value, c.unsupported)}</tr>`,
      ),
    )
    .join('');
  const notes2 = report.table2
    .flatMap((r) => r.cells.filter((c) => c.unsupported).map((c) => `<li>${e(r.label)}·${e(c.label)}：${e(c.unsupported!)}</li>`))
    .join('');
  const rows3 = report.table3
    .map(
      (r) =>
        `<tr><th class="row">${e(r.row)}</th><th class="label">${e(r.label)}</th>${TABLE_3_ALL_COLUMNS.map((c) => cell('3', r.row, c, r.counts[c])).join('')}</tr>`,
    )
    .join('');
  const rowsFees = (Object.keys(FEE_ROWS) as FeeRow[])
    .map(
      (r) =>
        `<tr><th class="label">${e(FEE_ROWS[r])}</th>${cell('fees', r, 'count', report.fees[r].count)}${cell('fees', r, 'amount', report.fees[r].amount)}</tr>`,
    )
    .join('');
  const rows4 = (Object.keys(DISPUTE_KINDS) as DisputeKind[])
    .map(
      (kind) =>
        `<tr><th class="label">${e(DISPUTE_KINDS[kind])}</th>${TABLE_4_COLUMNS.map((c) => cell('4', kind, c, report.table4[kind][c])).join('')}</tr>`,
    )
    .join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${e(agencyName)}${y}年政府信息公开工作年度报告（表二、表三、表四）</title>
<style>body{font-family:"Songti SC","SimSun",serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}th,td{border:1px solid #333;padding:4px 8px}td{text-align:right}td a{color:inherit;text-decoration:none}th.label{text-align:left;font-weight:normal}@media print{body{margin:0}}</style></head><body>
<h1>${e(agencyName)}${y}年政府信息公开工作年度报告</h1>
<h2>二、主动公开政府信息情况</h2>
<table><tbody>${rows2}</tbody></table>
<p>“—”：本系统数据不能支持，须另行统计：</p><ul>${notes2}</ul>
<h2>三、收到和处理政府信息公开申请情况</h2>
<table><thead><tr><th colspan="2">本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和</th>${TABLE_3_ALL_COLUMNS.map((c) => `<th>${e(TABLE_3_COLUMN_LABELS[c])}</th>`).join('')}</tr></thead><tbody>${rows3}</tbody></table>
<h3>信息处理费</h3>
<table><thead><tr><th></th><th>${e(FEE_COLUMN_LABELS.count)}</th><th>${e(FEE_COLUMN_LABELS.amount)}</th></tr></thead><tbody>${rowsFees}</tbody></table>
<h2>四、政府信息公开行政复议、行政诉讼情况</h2>
<table><thead><tr><th></th>${TABLE_4_COLUMNS.map((c) => `<th>${e(TABLE_4_COLUMN_LABELS[c])}</th>`).join('')}</tr></thead><tbody>${rows4}</tbody></table>
<p>统计口径见 domain/reports/annual.ts；每个数字链接到所统计的案件（/api/reports/annual/cell）；生成时间 ${e(new Date().toISOString())}。</p></body></html>`;
}

const yearSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a year') })
  .regex(/^\d{4}$/, 'must be a year such as 2026')
  .transform(Number)
  .refine(
    (y) => y >= 2008 && y <= Number(shanghaiDateOf(Date.now()).slice(0, 4)),
    'must be a year from 2008 (the 条例 took effect) to this year',
  );

const CELL_KIND_LABELS = { application: '依申请公开申请', dispute: '行政复议、行政诉讼', document: '公文' } as const;

export function reportRoutes(routes: RouteTable, deps: { db: Kysely<Database>; agency: AgencyStore }): void {
  const roles = ['clerk', 'leader', 'supervisor', 'admin'] as const;
  routes.add({
    method: 'get',
    path: '/api/reports/annual',
    summary: '政府信息公开工作年度报告：表二（主动公开）、表三（申请办理情况及信息处理费）、表四（行政复议、行政诉讼情况）',
    tags: ['reports'],
    roles,
    query: z.object({ year: yearSchema, format: z.enum(['json', 'csv', 'html']).default('json') }),
    response: { status: 200, description: 'the tables (JSON), or text/csv, or text/html', schema: z.unknown() },
    handler: async ({ query, res, user }) => {
      const agency = await deps.agency.of(user!.agencyCode);
      const report = await loadAnnualReport(deps.db, agency.code, query.year);
      if (query.format === 'csv') {
        res.type('text/csv; charset=utf-8').attachment(`annual-report-${query.year}.csv`).send(annualReportCsv(report));
        return '';
      }
      if (query.format === 'html') {
        res.type('html').send(annualReportHtml(report, agency.name));
        return '';
      }
      return { ...report, drillDown: '/api/reports/annual/cell?year={year}&table={2|3|fees|4}&row={row}&column={column}' };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/platform/reports/annual',
    summary: '全市年度报告（平台督办人员）：各机关年度报告主要数字并列；指定机关（agency）时为该机关的完整报告',
    tags: ['reports'],
    roles: ['supervisor', 'admin'],
    platform: true,
    query: z.object({
      year: yearSchema,
      agency: z.string().regex(AGENCY_CODE, 'must be an agency code').optional(),
      format: z.enum(['json', 'csv']).default('json'),
    }),
    response: {
      status: 200,
      description:
        'without `agency`: each agency’s headline figures side by side (JSON); with it: that agency’s full report (JSON, or text/csv)',
      schema: z.union([
        z.object({
          year: z.number(),
          agencies: z.array(
            z.object({
              agencyCode: z.string(),
              agencyName: z.string(),
              shortName: z.string(),
              figures: z.object({
                received: z.number(),
                carriedOver: z.number(),
                answered: z.number(),
                carriedForward: z.number(),
                disclosed: z.number(),
                feesCollected: z.object({ count: z.number(), amount: z.number() }),
                disputes: z.number(),
                normativeIssued: z.number().nullable(),
              }),
            }),
          ),
        }),
        z.object({ agencyCode: z.string(), agencyName: z.string(), year: z.number() }).passthrough(),
      ]),
    },
    errors: { 404: 'no such agency on the platform' },
    handler: async ({ query, res }) => {
      if (query.agency) {
        const agency = await loadAgency(deps.db, query.agency);
        if (!agency)
          throw new ApiError(404, 'not_found', `agency ${query.agency} is not on this platform`, [
            { field: 'agency', message: 'no such agency' },
          ]);
        const report = await loadAnnualReport(deps.db, agency.code, query.year);
        if (query.format === 'csv') {
          res.type('text/csv; charset=utf-8').attachment(`annual-report-${agency.code}-${query.year}.csv`).send(annualReportCsv(report));
          return '' as never; // sent above
        }
        return { agencyCode: agency.code, agencyName: agency.name, ...report };
      }
      if (query.format === 'csv')
        throw new ApiError(400, 'validation_failed', 'invalid query: format', [
          { field: 'format', message: 'csv is given for one agency’s report: name it with `agency`' },
        ]);
      // One agency after another: each report reads only its agency's cases of the year.
      const agencies = [];
      for (const agency of await listAgencies(deps.db)) {
        const report = await loadAnnualReport(deps.db, agency.code, query.year);
        agencies.push({
          agencyCode: agency.code,
          agencyName: agency.name,
          shortName: agency.shortName,
          figures: annualReportFigures(report),
        });
      }
      return { year: query.year, agencies };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/reports/annual/cell',
    summary: '年度报告任一单元格所统计的案件（案号、争议编号或公文编号），按与报告相同的统计口径',
    tags: ['reports'],
    roles,
    query: z
      .object({
        year: yearSchema,
        table: z.enum(['2', '3', 'fees', '4']),
        row: z.string().min(1).max(40),
        column: z.string().min(1).max(40),
      })
      .superRefine((v, ctx) => {
        const problem = cellRefProblem(v.table, v.row, v.column);
        if (problem) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
      }),
    response: {
      status: 200,
      description: 'the cell and the cases it counted',
      schema: z.object({
        year: z.number(),
        table: z.string(),
        row: z.string(),
        column: z.string(),
        kind: z.enum(['application', 'dispute', 'document']),
        kindLabel: z.string(),
        value: z.number().nullable(),
        unsupported: z.string().optional(),
        items: z.array(z.object({ id: z.string(), link: z.string() })),
      }),
    },
    handler: async ({ query, user }) => {
      const facts = await loadReportFacts(deps.db, user!.agencyCode, query.year);
      const members = annualReportCell(
        query.year,
        { table: query.table, row: query.row, column: query.column } as CellRef,
        facts.applications,
        facts.disputes,
        facts.documents,
      );
      // cellRefProblem has vetted the name, so the cell exists.
      const m = members!;
      return {
        year: query.year,
        table: query.table,
        row: query.row,
        column: query.column,
        kind: m.kind,
        kindLabel: CELL_KIND_LABELS[m.kind],
        value: m.value,
        ...(m.unsupported ? { unsupported: m.unsupported } : {}),
        items: m.ids.map((id) => ({ id, link: consoleLink(m.kind, id) })),
      };
    },
  });
}
