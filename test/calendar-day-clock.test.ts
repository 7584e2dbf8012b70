/**
 * Calendar-day clocks (行政诉讼法 第六十七条: 15 days from receiving the complaint copy), with
 * every date worked by hand from the State Council's 2026 arrangements:
 * - 中秋 2026-09-25 (Fri) .. 09-27 and 国庆 2026-10-01 .. 10-07 are days off;
 * - Sun 2026-09-20 and Sat 2026-10-10 are make-up working days (调休上班);
 * - March 2026 and 12–31 October 2026 are ordinary weeks.
 */
import { PUBLISHED_CALENDAR, PUBLISHED_SOURCE } from '../domain/calendar/published';
import { composeCalendarData, WorkingDayCalendar } from '../domain/calendar/working-days';
import { type AnyClockEvent, type ClockEvent, deriveClock } from '../domain/clocks/working-day-clock';

const calendar = new WorkingDayCalendar(composeCalendarData({ version: PUBLISHED_SOURCE, published: PUBLISHED_CALENDAR }));
const complaint = (date: string, extra: { workingDayLimit?: { workingDays: number; reason: string } } = {}): AnyClockEvent => ({
  type: 'started',
  date,
  calendarDays: 15,
  reason: '收到起诉状副本',
  ...extra,
});
const LIMIT = { workingDays: 10, reason: '本机关规则规定' };

describe('15 calendar days, the start day not counted, a last day on a rest day moved to the next working day', () => {
  it('2026-09-20 → day 15 is Mon 2026-10-05, inside National Day → Thu 2026-10-08', () => {
    // 09-21 is day 1, 09-30 day 10, 10-05 day 15 (holidays inside the period are not skipped);
    // 10-05, 10-06, 10-07 are 国庆 days off, 10-08 (Thu) is the first working day after them.
    const derived = deriveClock([complaint('2026-09-20')], calendar);
    expect(derived).toMatchObject({
      status: 'running',
      unit: 'calendar-days',
      due: '2026-10-08',
      totalWorkingDays: 15,
      remainingWorkingDays: 15,
      provisional: false,
    });
    expect(derived.steps[0]!.explanation).toBe(
      '2026-09-20 收到起诉状副本，起算15日（当日不计入；期限届满日为休息日或法定节假日的，顺延至节假日后第一个工作日）：期限届满日2026-10-05为法定节假日（国庆节），顺延至2026-10-08',
    );
  });

  it('2026-03-02 (Mon) → day 15 is Tue 2026-03-17, a working day: due that day', () => {
    const derived = deriveClock([complaint('2026-03-02')], calendar);
    expect(derived.due).toBe('2026-03-17');
    expect(derived.steps[0]!.explanation).toMatch(/期限届满日2026-03-17$/);
  });

  it('2026-03-06 (Fri) → day 15 is Sat 2026-03-21 → Mon 2026-03-23', () => {
    const derived = deriveClock([complaint('2026-03-06')], calendar);
    expect(derived.due).toBe('2026-03-23');
    expect(derived.steps[0]!.explanation).toContain('期限届满日2026-03-21为休息日（星期六），顺延至2026-03-23');
  });

  it('a last day on a make-up working Saturday stays: 2026-09-25 → Sat 2026-10-10', () => {
    // 09-25 + 15: 09-30 is day 5, 10-10 day 15, which is 国庆调休上班.
    expect(deriveClock([complaint('2026-09-25')], calendar).due).toBe('2026-10-10');
  });

  it('is provisional in a year without official data', () => {
    // 2027-03-01 + 15 = Tue 2027-03-16, assumed a working day.
    expect(deriveClock([complaint('2027-03-01')], calendar)).toMatchObject({ due: '2027-03-16', provisional: true });
  });
});

describe('with the agency’s stricter working-day limit (domain.md §6), the earlier date applies', () => {
  it('2026-09-20: the law’s 15 days (10-08) end before 10 WD (10-10), so the law applies', () => {
    // 10 WD: 09-21..24 (4), 09-28..30 (7), 10-08 (8), 10-09 (9), Sat 10-10 make-up day (10).
    const derived = deriveClock([complaint('2026-09-20', { workingDayLimit: LIMIT })], calendar);
    expect(derived).toMatchObject({
      due: '2026-10-08',
      limits: { calendarDaysDue: '2026-10-08', workingDaysDue: '2026-10-10', applied: 'calendar-days' },
    });
    expect(derived.steps[0]!.explanation).toContain(
      '；本机关规则规定10个工作日，届满于2026-10-10；两者从严（取其早），适用15日期限，截止2026-10-08',
    );
  });

  it('2026-03-02: 10 WD end Mon 03-16, before the law’s Tue 03-17, so the agency’s limit applies', () => {
    // 10 WD: 03-03..06 (4), 03-09..13 (9), 03-16 (10).
    const derived = deriveClock([complaint('2026-03-02', { workingDayLimit: LIMIT })], calendar);
    expect(derived).toMatchObject({
      due: '2026-03-16',
      limits: { calendarDaysDue: '2026-03-17', workingDaysDue: '2026-03-16', applied: 'working-days' },
    });
    expect(derived.steps[0]!.explanation).toContain('适用10个工作日期限，截止2026-03-16');
  });
});

describe('pauses, extensions, restarts and stops', () => {
  it('a pause consumes the calendar days in (S, P]; the rest count from the resumption', () => {
    // (03-02, 03-05] = 3 days used, 12 left from 03-10: day 12 is Sun 03-22 → Mon 03-23.
    // The limit: 3 WD used (03-03..05), 7 left from 03-10: 03-11..13 (3), 03-16..19 (7) → Thu 03-19, earlier.
    const events: AnyClockEvent[] = [
      complaint('2026-03-02', { workingDayLimit: LIMIT }),
      { type: 'paused', date: '2026-03-05', pauseId: 'stay', reason: '中止' },
      { type: 'resumed', date: '2026-03-10', pauseId: 'stay', reason: '恢复' },
    ];
    const paused = deriveClock(events.slice(0, 2), calendar);
    expect(paused).toMatchObject({ status: 'paused', due: null, consumedWorkingDays: 3, remainingWorkingDays: 12 });
    expect(paused.steps[1]!.explanation).toBe('2026-03-05 中止，计时中止：已用3日，剩余12日（本机关规则规定已用3个工作日，剩余7个工作日）');
    const resumed = deriveClock(events, calendar);
    expect(resumed).toMatchObject({
      status: 'running',
      countingFrom: '2026-03-10',
      due: '2026-03-19',
      limits: { calendarDaysDue: '2026-03-23', workingDaysDue: '2026-03-19', applied: 'working-days' },
    });
    expect(resumed.steps.map((s) => s.due)).toEqual(['2026-03-16', null, '2026-03-19']);
  });

  it('an extension adds calendar days to the period, the last day again moved past a rest day', () => {
    // 03-02 + 15 + 5 = Sun 03-22 → Mon 03-23.
    const derived = deriveClock(
      [complaint('2026-03-02'), { type: 'extended', date: '2026-03-10', calendarDays: 5, reason: '人民法院准许延期' }],
      calendar,
    );
    expect(derived).toMatchObject({ due: '2026-03-23', totalWorkingDays: 20 });
    expect(derived.steps[1]!.explanation).toContain(
      '延长5日（原期限2026-03-17）：期限届满日2026-03-22为休息日（星期日），顺延至2026-03-23',
    );
  });

  it('a restart counts the period again from the new date', () => {
    // 2026-10-12 (Mon) + 15 = Tue 2026-10-27.
    const derived = deriveClock(
      [complaint('2026-09-20'), { type: 'restarted', date: '2026-10-12', reason: '重新收到起诉状副本' }],
      calendar,
    );
    expect(derived).toMatchObject({ due: '2026-10-27', countingFrom: '2026-10-12', consumedWorkingDays: 0 });
  });

  it('a stop records the calendar days used and leaves no due date', () => {
    const derived = deriveClock([complaint('2026-03-02'), { type: 'stopped', date: '2026-03-10', reason: '已提交答辩状' }], calendar);
    expect(derived).toMatchObject({ status: 'stopped', due: null, consumedWorkingDays: 8, unit: 'calendar-days' });
  });

  it('refuses events in the other unit', () => {
    const wd: ClockEvent = { type: 'started', date: '2026-03-02', workingDays: 10, reason: '收到' };
    expect(() =>
      deriveClock([complaint('2026-03-02'), { type: 'extended', date: '2026-03-05', workingDays: 5, reason: '延期' }], calendar),
    ).toThrow(/calendar days/);
    expect(() => deriveClock([wd, { type: 'extended', date: '2026-03-05', calendarDays: 5, reason: '延期' }], calendar)).toThrow(
      /calendar-day events/,
    );
    expect(() => deriveClock([complaint('2026-03-02'), complaint('2026-03-03')], calendar)).toThrow(/already started/);
  });

  it('leaves working-day clocks as they were: no unit, no limits', () => {
    const derived = deriveClock([{ type: 'started', date: '2026-09-28', workingDays: 20, reason: '收到申请' }], calendar);
    expect(derived.due).toBe('2026-10-30');
    expect('unit' in derived).toBe(false);
    expect('limits' in derived).toBe(false);
  });
});
