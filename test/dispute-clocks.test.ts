/**
 * Which defence clock a dispute opens (domain/disputes/clocks.ts) and the profile data it
 * reads: every profile carries 行政诉讼法 第六十七条's 15 calendar days for lawsuits and keeps
 * 10 WD for reconsiderations. Dates worked by hand (2026: 国庆 10-01..07 off, Sat 10-10 worked).
 */
import { PUBLISHED_CALENDAR, PUBLISHED_SOURCE } from '../domain/calendar/published';
import { composeCalendarData, WorkingDayCalendar } from '../domain/calendar/working-days';
import { deriveClock } from '../domain/clocks/working-day-clock';
import { isLitigation, litigationDefenceClock, reconsiderationDefenceClock } from '../domain/disputes/clocks';
import type { DisputeFiling } from '../domain/disputes/types';
import { currentRuleProfiles, findRuleProfile } from '../domain/rulesets';

const calendar = new WorkingDayCalendar(composeCalendarData({ version: PUBLISHED_SOURCE, published: PUBLISHED_CALENDAR }));
const filing = (kind: DisputeFiling['kind']): DisputeFiling => ({
  caseNo: '2026-000001',
  kind,
  receivedOn: '2026-09-20',
  body: '示例区人民法院',
  claims: '撤销答复',
});

it('every profile: lawsuits 15 calendar days under 行政诉讼法 第六十七条, reconsiderations 10 WD', () => {
  for (const profile of currentRuleProfiles()) {
    expect(profile.disputes.litigationDefence).toMatchObject({
      calendarDays: 15,
      citation: { source: '中华人民共和国行政诉讼法', article: '第六十七条' },
    });
    expect(profile.disputes.defenceDraft.workingDays).toBe(10);
  }
});

it('only the two lawsuit kinds count in calendar days', () => {
  expect(isLitigation('reconsideration')).toBe(false);
  expect(isLitigation('litigation-direct')).toBe(true);
  expect(isLitigation('litigation-after-reconsideration')).toBe(true);
});

it('a lawsuit received 2026-09-20 is due Thu 2026-10-08; a reconsideration Sat 2026-10-10', () => {
  const rules = findRuleProfile('huangyan-003')!.disputes;
  const lawsuit = litigationDefenceClock(filing('litigation-direct'), rules);
  expect(lawsuit.start).toEqual({
    type: 'started',
    date: '2026-09-20',
    calendarDays: 15,
    reason: '收到起诉状副本（中华人民共和国行政诉讼法第六十七条）',
    workingDayLimit: { workingDays: 10, reason: '本机关规定拟定答辩状' },
  });
  expect(deriveClock([lawsuit.start], calendar).due).toBe('2026-10-08');
  const reconsideration = reconsiderationDefenceClock(filing('reconsideration'), rules);
  // Byte for byte what disputes opened before lawsuits ran in calendar days.
  expect(reconsideration).toEqual({
    label: '拟定答辩状期限',
    rule: 'disputes.defenceDraft',
    statutory: false,
    start: { type: 'started', date: '2026-09-20', workingDays: 10, reason: '收到行政复议申请书（起诉状）副本' },
  });
  expect(deriveClock([reconsideration.start], calendar).due).toBe('2026-10-10');
});

it('a profile handed over without the field still gets the law’s 15 days', () => {
  const { litigationDefence: _omitted, ...older } = findRuleProfile('national-2019')!.disputes;
  const spec = litigationDefenceClock(filing('litigation-direct'), older as never);
  expect(spec.start).toMatchObject({ calendarDays: 15 });
});
