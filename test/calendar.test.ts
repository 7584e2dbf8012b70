/**
 * The working-day calendar against hand-checked dates: each expectation below was read off
 * the State Council's holiday notices for 2024 (国办发明电〔2023〕7号), 2025 (〔2024〕12号) and
 * 2026, not computed by the code under test.
 */
import { endOfDayShanghai, parseIsoDate, shanghaiDateOf } from '../domain/calendar/dates';
import { parseIcsYear } from '../domain/calendar/import';
import { PUBLISHED_CALENDAR, PUBLISHED_SOURCE } from '../domain/calendar/published';
import { composeCalendarData, type DayKind, WorkingDayCalendar } from '../domain/calendar/working-days';

const calendar = new WorkingDayCalendar(composeCalendarData({ version: PUBLISHED_SOURCE, published: PUBLISHED_CALENDAR }));

const HAND_CHECKED_DAYS: Array<[string, DayKind, string]> = [
  // 2024
  ['2024-01-01', 'holiday', '元旦 (Mon)'],
  ['2024-01-02', 'workday', 'ordinary Tuesday'],
  ['2024-02-04', 'makeup-workday', '春节 make-up Sunday'],
  ['2024-02-09', 'workday', '除夕 2024 was not an official day off (Fri)'],
  ['2024-02-10', 'holiday', '春节 first day (Sat)'],
  ['2024-02-15', 'holiday', '春节 (Thu)'],
  ['2024-02-17', 'holiday', '春节 last day (Sat)'],
  ['2024-02-18', 'makeup-workday', '春节 make-up Sunday'],
  ['2024-04-04', 'holiday', '清明 (Thu)'],
  ['2024-04-07', 'makeup-workday', '清明 make-up Sunday'],
  ['2024-04-28', 'makeup-workday', '劳动节 make-up Sunday'],
  ['2024-05-03', 'holiday', '劳动节 (Fri)'],
  ['2024-05-11', 'makeup-workday', '劳动节 make-up Saturday'],
  ['2024-06-10', 'holiday', '端午 (Mon)'],
  ['2024-09-14', 'makeup-workday', '中秋 make-up Saturday'],
  ['2024-09-16', 'holiday', '中秋 (Mon)'],
  ['2024-09-29', 'makeup-workday', '国庆 make-up Sunday'],
  ['2024-10-07', 'holiday', '国庆 last day (Mon)'],
  ['2024-10-12', 'makeup-workday', '国庆 make-up Saturday'],
  ['2024-10-13', 'weekend', 'ordinary Sunday'],
  // 2025
  ['2025-01-01', 'holiday', '元旦 (Wed)'],
  ['2025-01-26', 'makeup-workday', '春节 make-up Sunday'],
  ['2025-01-28', 'holiday', '除夕 2025 is a day off (Tue)'],
  ['2025-02-04', 'holiday', '春节 last day (Tue)'],
  ['2025-02-08', 'makeup-workday', '春节 make-up Saturday'],
  ['2025-04-04', 'holiday', '清明 (Fri)'],
  ['2025-04-27', 'makeup-workday', '劳动节 make-up Sunday'],
  ['2025-05-05', 'holiday', '劳动节 last day (Mon)'],
  ['2025-06-02', 'holiday', '端午 (Mon)'],
  ['2025-09-28', 'makeup-workday', '国庆中秋 make-up Sunday'],
  ['2025-10-08', 'holiday', '国庆中秋 8th day (Wed)'],
  ['2025-10-11', 'makeup-workday', '国庆中秋 make-up Saturday'],
  // 2026
  ['2026-01-02', 'holiday', '元旦 (Fri)'],
  ['2026-01-04', 'makeup-workday', '元旦 make-up Sunday'],
  ['2026-02-14', 'makeup-workday', '春节 make-up Saturday'],
  ['2026-02-23', 'holiday', '春节 last day (Mon)'],
  ['2026-02-28', 'makeup-workday', '春节 make-up Saturday'],
  ['2026-04-06', 'holiday', '清明 (Mon)'],
  ['2026-05-09', 'makeup-workday', '劳动节 make-up Saturday'],
  ['2026-06-19', 'holiday', '端午 (Fri)'],
  ['2026-09-20', 'makeup-workday', '国庆 make-up Sunday'],
  ['2026-09-25', 'holiday', '中秋 (Fri)'],
  ['2026-10-07', 'holiday', '国庆 last day (Wed)'],
  ['2026-10-10', 'makeup-workday', '国庆 make-up Saturday'],
  ['2026-11-21', 'weekend', 'ordinary Saturday'],
];

describe('day kinds from the published calendar', () => {
  it.each(HAND_CHECKED_DAYS)('%s is a %s (%s)', (date, kind) => {
    const day = calendar.day(date);
    expect(day.kind).toBe(kind);
    expect(day.working).toBe(kind === 'workday' || kind === 'makeup-workday');
    expect(day.provisional).toBe(false);
  });
});

describe('addWorkingDays: the N-th working day strictly after S', () => {
  it.each([
    ['2026-09-28', 20, '2026-10-30', 'domain.md §2 example across National Day and the 10-10 make-up Saturday'],
    ['2024-02-08', 1, '2024-02-09', '除夕 2024 is a working Friday'],
    ['2024-02-08', 2, '2024-02-18', 'Spring Festival skipped, make-up Sunday counted'],
    ['2025-01-24', 1, '2025-01-26', 'Saturday skipped, make-up Sunday counted'],
    ['2025-09-30', 1, '2025-10-09', 'eight-day National Day / Mid-autumn break'],
    ['2026-02-13', 1, '2026-02-14', 'make-up Saturday before Spring Festival'],
    ['2026-02-14', 1, '2026-02-24', 'nine-day Spring Festival'],
    ['2026-10-03', 1, '2026-10-08', 'S on a holiday is not counted'],
    ['2026-10-10', 1, '2026-10-12', 'S on a make-up day is not counted either'],
    ['2024-12-31', 1, '2025-01-02', 'New Year across years'],
    ['2026-04-02', 7, '2026-04-14', '清明 4-04..06 skipped: 4-03, 4-07..10, 4-13, 4-14'],
    ['2026-06-17', 3, '2026-06-23', '端午 6-19..21 skipped'],
    ['2026-09-24', 15, '2026-10-22', '中秋 and 国庆 in one period, 10-10 make-up counted'],
    ['2026-11-20', 0, '2026-11-20', 'zero days is S itself'],
  ])('%s + %i WD = %s (%s)', (from, days, due) => {
    const result = calendar.addWorkingDays(from, days);
    expect(result).toEqual({ from, days, due, provisional: false, calendarVersion: PUBLISHED_SOURCE });
  });

  it('refuses negative, fractional and absurd periods', () => {
    expect(() => calendar.addWorkingDays('2026-01-05', -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays('2026-01-05', 1.5)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays('2026-01-05', 3651)).toThrow(RangeError);
  });

  it('counts working days in (a, b] consistently with addWorkingDays', () => {
    expect(calendar.countWorkingDays('2026-09-28', '2026-10-30')).toBe(20);
    expect(calendar.countWorkingDays('2026-10-01', '2026-10-07')).toBe(0);
    expect(calendar.countWorkingDays('2026-10-30', '2026-09-28')).toBe(0);
  });
});

describe('years without official data', () => {
  it('flags dates past the published years as provisional and assumes the fixed holidays', () => {
    expect(calendar.isOfficialYear(2026)).toBe(true);
    expect(calendar.isOfficialYear(2027)).toBe(false);
    expect(calendar.day('2027-01-01')).toMatchObject({ kind: 'holiday', name: '元旦', provisional: true, origin: 'provisional-rule' });
    // A fixed holiday on a weekend is labelled a holiday, as the published data labels 2026-10-03.
    expect(calendar.day('2027-05-01')).toMatchObject({ kind: 'holiday', working: false });
    expect(calendar.day('2027-10-01')).toMatchObject({ kind: 'holiday', provisional: true });
    expect(calendar.addWorkingDays('2026-12-31', 1)).toMatchObject({ due: '2027-01-04', provisional: true });
    expect(calendar.addWorkingDays('2026-12-30', 1)).toMatchObject({ due: '2026-12-31', provisional: false });
  });

  it('an imported year replaces assumptions and is no longer provisional', () => {
    const withImport = new WorkingDayCalendar(
      composeCalendarData({
        version: 'test',
        published: PUBLISHED_CALENDAR,
        importedYears: [{ year: 2027, days: [{ date: '2027-01-04', kind: 'holiday', name: '元旦' }] }],
      }),
    );
    expect(withImport.day('2027-01-01')).toMatchObject({ kind: 'workday', provisional: false, origin: 'weekday-rule' });
    expect(withImport.addWorkingDays('2026-12-31', 1)).toMatchObject({ due: '2027-01-01', provisional: false });
    expect(withImport.addWorkingDays('2027-01-01', 1)).toMatchObject({ due: '2027-01-05' });
  });

  it('an override wins over published data', () => {
    const withOverride = new WorkingDayCalendar(
      composeCalendarData({
        version: 'test',
        published: PUBLISHED_CALENDAR,
        overrides: [{ date: '2026-10-29', kind: 'holiday', reason: '台风停工' }],
      }),
    );
    expect(withOverride.day('2026-10-29')).toMatchObject({ kind: 'holiday', name: '台风停工', origin: 'override' });
    expect(withOverride.addWorkingDays('2026-09-28', 20).due).toBe('2026-11-02');
  });
});

describe('listDays', () => {
  it('lists every day with its kind, inclusive of both ends', () => {
    const days = calendar.listDays('2026-09-30', '2026-10-10');
    expect(days).toHaveLength(11);
    expect(days.map((d) => d.kind)).toEqual([
      'workday',
      'holiday',
      'holiday',
      'holiday',
      'holiday',
      'holiday',
      'holiday',
      'holiday',
      'workday',
      'workday',
      'makeup-workday',
    ]);
    expect(days[1]).toMatchObject({ date: '2026-10-01', name: '国庆节', origin: 'chinese-days' });
  });
});

describe('ICS import', () => {
  it('expands all-day 休 / 班 events into one year', () => {
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//test//CN',
      'BEGIN:VEVENT',
      'UID:a',
      'DTSTAMP:20261101T000000Z',
      'DTSTART;VALUE=DATE:20270101',
      'DTEND;VALUE=DATE:20270102',
      'SUMMARY:元旦(休)',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:b',
      'DTSTAMP:20261101T000000Z',
      'DTSTART;VALUE=DATE:20270206',
      'DTEND;VALUE=DATE:20270214',
      'SUMMARY:春节(休)',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:c',
      'DTSTAMP:20261101T000000Z',
      'DTSTART;VALUE=DATE:20270214',
      'DTEND;VALUE=DATE:20270215',
      'SUMMARY:春节(班)',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const imported = parseIcsYear(2027, ics);
    expect(imported.days).toHaveLength(1 + 8 + 1);
    expect(imported.days[0]).toEqual({ date: '2027-01-01', kind: 'holiday', name: '元旦' });
    expect(imported.days.at(-1)).toEqual({ date: '2027-02-14', kind: 'makeup-workday', name: '春节' });
  });

  it('rejects a make-up day on a weekday and events that are neither 休 nor 班', () => {
    const event = (summary: string, start: string, end: string) => [
      'BEGIN:VEVENT',
      `UID:${start}`,
      'DTSTAMP:20261101T000000Z',
      `DTSTART;VALUE=DATE:${start}`,
      `DTEND;VALUE=DATE:${end}`,
      `SUMMARY:${summary}`,
      'END:VEVENT',
    ];
    const wrap = (lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//CN', ...lines, 'END:VCALENDAR'].join('\r\n');
    expect(() => parseIcsYear(2027, wrap(event('春节(班)', '20270210', '20270211')))).toThrow(/problem/);
    expect(() => parseIcsYear(2027, wrap(event('会议', '20270210', '20270211')))).toThrow(/not holidays/);
    expect(() => parseIcsYear(2027, 'not a calendar')).toThrow(/iCalendar/);
  });
});

describe('dates', () => {
  it('rejects impossible dates', () => {
    expect(parseIsoDate('2026-02-30')).toBeNull();
    expect(parseIsoDate('2026-13-01')).toBeNull();
    expect(parseIsoDate('2026-2-3')).toBeNull();
    expect(parseIsoDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
  });

  it('a period ends at 24:00 Asia/Shanghai on its due day', () => {
    expect(endOfDayShanghai('2026-10-30').toISOString()).toBe('2026-10-30T16:00:00.000Z');
    expect(shanghaiDateOf(new Date('2026-10-30T15:59:59Z'))).toBe('2026-10-30');
    expect(shanghaiDateOf(new Date('2026-10-30T16:00:00Z'))).toBe('2026-10-31');
  });
});
