/**
 * The reminder that the annual report is due (条例 §50: published by 31 January for the
 * previous year). Two rungs go to the office that compiles it (the clerks) and to the leader
 * in charge, who answers for it (国办公开办函〔2021〕30号: 分管领导是第一责任人):
 *
 * - `opening`: from 1 January, once the year it reports on has ended and its data are complete;
 * - `final`: from the 5th working day before 31 January (the Spring Festival can fall in late
 *   January, so the days are counted on the working-day calendar).
 *
 * Every agency publishes its own report, so each agency's office and leader get their own
 * reminder, addressed to the role in that agency (`role:clerk@demo`): another agency's clerk
 * neither sees it nor marks it read.
 *
 * The escalation sweep asks every few minutes; each reminder carries a dedupe key per agency,
 * report year, rung and recipient, so each is queued once. Pure module.
 */
import type { IsoDate } from '../calendar/dates';
import { agencyRoleAddress } from '../supervision/ladder';

/** 条例 §50: month-day by which the previous year's report is published. */
export const ANNUAL_REPORT_DUE_MONTH_DAY = '01-31';
/** Working days before the due date at which the final reminder goes out. */
export const FINAL_REMINDER_WORKING_DAYS_BEFORE = 5;
/** The office that compiles the report, and the leader responsible for it (in each agency). */
export const ANNUAL_REPORT_RECIPIENTS = ['clerk', 'leader'] as const;

export interface AnnualReportReminder {
  recipient: string;
  kind: 'annual-report-reminder';
  title: string;
  body: string;
  link: null;
  workflowId: null;
  dedupeKey: string;
}

/** One agency's reminders due on `today` (a Shanghai date); already-queued ones are dropped by their dedupe key. */
export function annualReportReminders(
  today: IsoDate,
  calendar: { workingDaysBefore(date: IsoDate, k: number): IsoDate },
  agencyCode: string,
): AnnualReportReminder[] {
  const year = Number(today.slice(0, 4));
  const due = `${year}-${ANNUAL_REPORT_DUE_MONTH_DAY}`;
  if (today > due) return [];
  const reportYear = year - 1;
  const finalFrom = calendar.workingDaysBefore(due, FINAL_REMINDER_WORKING_DAYS_BEFORE);
  const rungs: Array<'opening' | 'final'> = today >= finalFrom ? ['opening', 'final'] : ['opening'];
  const where = `GET /api/reports/annual?year=${reportYear}&format=html`;
  return rungs.flatMap((rung) =>
    ANNUAL_REPORT_RECIPIENTS.map((role) => ({
      recipient: agencyRoleAddress(agencyCode, role),
      kind: 'annual-report-reminder' as const,
      title:
        rung === 'final'
          ? `【年度报告】${reportYear}年度政府信息公开工作年度报告须于${due}前公布（最后${FINAL_REMINDER_WORKING_DAYS_BEFORE}个工作日）`
          : `【年度报告】请编制${reportYear}年度政府信息公开工作年度报告`,
      body:
        `依照《政府信息公开条例》第五十条，${reportYear}年度报告须于${due}前向社会公布。` +
        `表二、表三（含信息处理费）、表四可由本系统生成（${where}），每个数字可追溯到所统计的案件；系统数据不能支持的项（标“—”）须另行统计。`,
      link: null,
      workflowId: null,
      dedupeKey: `annual-report/${agencyCode}/${reportYear}/${rung}/role:${role}`,
    })),
  );
}
