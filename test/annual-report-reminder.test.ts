/**
 * The annual report reminder (条例 §50: by 31 January): which reminders are due on a day, by
 * hand-worked dates, and the escalation sweep's activity queueing them once into the inbox of
 * each agency's office and leader.
 *
 * 2025 by hand: 31 January is a Friday inside the Spring Festival holiday (28 Jan – 4 Feb);
 * Sunday 26 January is a make-up working day. Working days before 31 Jan, counting back:
 * 27 (1), 26 (2), 24 (3), 23 (4), 22 (5): the final reminder starts on Wed 2025-01-22.
 * 2026 by hand: 31 January is a Saturday, no holiday near it: 30 (1), 29 (2), 28 (3),
 * 27 (4), 26 (5): from Mon 2026-01-26.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createSupervisionActivities, sendAnnualReportReminders } from '../activities/supervision';
import { PUBLISHED_CALENDAR, PUBLISHED_SOURCE } from '../domain/calendar/published';
import { composeCalendarData, WorkingDayCalendar } from '../domain/calendar/working-days';
import { annualReportReminders } from '../domain/reports/reminder';
import { CalendarStore } from '../db/repositories/calendar';
import { createTestDatabase, type TestDatabase } from './support/database';

const calendar = new WorkingDayCalendar(composeCalendarData({ version: PUBLISHED_SOURCE, published: PUBLISHED_CALENDAR }));
const rungsOn = (today: string) => annualReportReminders(today, calendar, 'demo').map((r) => r.dedupeKey);

describe('annualReportReminders (pure)', () => {
  it("opens on 1 January for the year just ended, to the agency's office and leader", () => {
    expect(rungsOn('2025-01-01')).toEqual(['annual-report/demo/2024/opening/role:clerk', 'annual-report/demo/2024/opening/role:leader']);
    const [first] = annualReportReminders('2025-01-01', calendar, 'demo');
    expect(first).toMatchObject({
      recipient: 'role:clerk@demo',
      kind: 'annual-report-reminder',
      link: null,
      title: '【年度报告】请编制2024年度政府信息公开工作年度报告',
    });
    expect(first!.body).toContain('第五十条');
    expect(first!.body).toContain('2025-01-31');
    expect(first!.body).toContain('/api/reports/annual?year=2024');
  });

  it('adds the final reminder 5 working days before 31 January, counted across the Spring Festival', () => {
    expect(rungsOn('2025-01-21')).toHaveLength(2);
    expect(rungsOn('2025-01-22')).toEqual([
      'annual-report/demo/2024/opening/role:clerk',
      'annual-report/demo/2024/opening/role:leader',
      'annual-report/demo/2024/final/role:clerk',
      'annual-report/demo/2024/final/role:leader',
    ]);
    expect(rungsOn('2025-01-31')).toHaveLength(4);
    expect(rungsOn('2026-01-23')).toHaveLength(2);
    expect(rungsOn('2026-01-26')).toHaveLength(4);
    expect(annualReportReminders('2026-01-26', calendar, 'demo')[2]!.title).toBe(
      '【年度报告】2025年度政府信息公开工作年度报告须于2026-01-31前公布（最后5个工作日）',
    );
  });

  it('is silent from 1 February to 31 December', () => {
    for (const day of ['2025-02-01', '2025-06-15', '2025-12-31']) expect(rungsOn(day)).toEqual([]);
  });
});

describe('the escalation sweep queues them once', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  const inbox = () =>
    database.db
      .selectFrom('notifications')
      .select(['recipient', 'kind', 'dedupe_key'])
      .where('kind', '=', 'annual-report-reminder')
      .orderBy('id')
      .execute();

  it('on 22 January 2025 (Shanghai), twice: four reminders the first time, none the second', async () => {
    const now = Date.parse('2025-01-22T01:00:00Z'); // 09:00 in Shanghai
    expect(await sendAnnualReportReminders(database.db, calendar, now)).toBe(4);
    expect(await sendAnnualReportReminders(database.db, calendar, now + 5 * 60_000)).toBe(0);
    expect((await inbox()).map((n) => n.dedupe_key)).toEqual([
      'annual-report/demo/2024/opening/role:clerk',
      'annual-report/demo/2024/opening/role:leader',
      'annual-report/demo/2024/final/role:clerk',
      'annual-report/demo/2024/final/role:leader',
    ]);
  });

  it('goes to every agency on the platform, each addressed to its own office and leader', async () => {
    await database.db
      .insertInto('agencies')
      .values({ code: 'sfj', name: '示例市司法局', short_name: '示例司法', default_rule_profile_id: 'national-2019' })
      .execute();
    try {
      const now = Date.parse('2025-01-22T01:00:00Z');
      expect(await sendAnnualReportReminders(database.db, calendar, now)).toBe(4); // demo's are queued already
      expect((await inbox()).slice(4).map((n) => n.recipient)).toEqual([
        'role:clerk@sfj',
        'role:leader@sfj',
        'role:clerk@sfj',
        'role:leader@sfj',
      ]);
    } finally {
      await database.db.deleteFrom('notifications').where('dedupe_key', 'like', 'annual-report/sfj/%').execute();
      await database.db.deleteFrom('agencies').where('code', '=', 'sfj').execute();
    }
  });

  it('rides on escalateLateClocks, the activity the gongkai-escalation-sweep Schedule runs', async () => {
    const spy = jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2025-12-31T16:30:00Z')); // 00:30 on 2026-01-01 in Shanghai
    try {
      const { escalateLateClocks } = createSupervisionActivities({ db: database.db, calendar: new CalendarStore(database.db) });
      const result = await new MockActivityEnvironment().run(escalateLateClocks);
      expect(result).toEqual({ examined: 0, escalated: 0, annualReportReminders: 2, auditRowsPurged: 0 });
    } finally {
      spy.mockRestore();
    }
    expect((await inbox()).slice(4).map((n) => [n.recipient, n.dedupe_key])).toEqual([
      ['role:clerk@demo', 'annual-report/demo/2025/opening/role:clerk'],
      ['role:leader@demo', 'annual-report/demo/2025/opening/role:leader'],
    ]);
  });
});
