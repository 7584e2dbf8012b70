/** Clock derivation from events, with the arithmetic of domain.md §2 worked by hand. */
import { PUBLISHED_CALENDAR, PUBLISHED_SOURCE } from '../domain/calendar/published';
import { composeCalendarData, WorkingDayCalendar } from '../domain/calendar/working-days';
import { type ClockEvent, deriveClock } from '../domain/clocks/working-day-clock';

const calendar = new WorkingDayCalendar(composeCalendarData({ version: PUBLISHED_SOURCE, published: PUBLISHED_CALENDAR }));
const start: ClockEvent = { type: 'started', date: '2026-09-28', workingDays: 20, reason: '收到申请' };

it('a plain 20 WD reply clock from 2026-09-28 is due 2026-10-30', () => {
  expect(deriveClock([start], calendar)).toMatchObject({ status: 'running', due: '2026-10-30', consumedWorkingDays: 0 });
});

it('a third-party consultation pauses the clock: (S, P] consumed, the rest counted after R', () => {
  // (09-28, 10-09] holds 09-29, 09-30, 10-08, 10-09: 4 used, 16 left, counted after 10-20:
  // 10-21..23 (3), 10-26..30 (8), 11-02..06 (13), 11-09..11 (16).
  const derived = deriveClock(
    [
      start,
      { type: 'paused', date: '2026-10-09', pauseId: 'tp-1', reason: '征求第三方意见' },
      { type: 'resumed', date: '2026-10-20', pauseId: 'tp-1', reason: '收到第三方意见' },
    ],
    calendar,
  );
  expect(derived).toMatchObject({
    status: 'running',
    due: '2026-11-11',
    consumedWorkingDays: 4,
    remainingWorkingDays: 16,
    countingFrom: '2026-10-20',
  });
  expect(derived.steps.map((s) => s.due)).toEqual(['2026-10-30', null, '2026-11-11']);
  expect(derived.steps[1]!.explanation).toContain('已用4个工作日，剩余16个工作日');
});

it('is paused, with no due date, while a pause is open', () => {
  const derived = deriveClock([start, { type: 'paused', date: '2026-10-09', pauseId: 'fee', reason: '收费通知' }], calendar);
  expect(derived).toMatchObject({ status: 'paused', due: null, remainingWorkingDays: 16 });
});

it('overlapping pauses stop once and resume when the last ends', () => {
  const derived = deriveClock(
    [
      start,
      { type: 'paused', date: '2026-10-09', pauseId: 'tp-1', reason: '征求第三方意见' },
      { type: 'paused', date: '2026-10-12', pauseId: 'fee', reason: '收费通知' },
      { type: 'resumed', date: '2026-10-14', pauseId: 'tp-1', reason: '收到第三方意见' },
      { type: 'resumed', date: '2026-10-20', pauseId: 'fee', reason: '缴费' },
    ],
    calendar,
  );
  expect(derived).toMatchObject({ due: '2026-11-11', consumedWorkingDays: 4 });
});

it('an extension moves the due date M working days past the current due date', () => {
  const derived = deriveClock([start, { type: 'extended', date: '2026-10-26', workingDays: 20, reason: '延期答复' }], calendar);
  // 20 WD after 2026-10-30: 11-02..06 (5), 09..13 (10), 16..20 (15), 23..27 (20).
  expect(derived.due).toBe('2026-11-27');
  expect(derived.steps[1]!.explanation).toContain('原期限2026-10-30');
});

it('a correction restarts the period from the corrected application’s receipt', () => {
  const derived = deriveClock(
    [
      start,
      { type: 'paused', date: '2026-09-30', pauseId: 'correction', reason: '补正告知' },
      { type: 'restarted', date: '2026-10-12', reason: '收到补正材料' },
    ],
    calendar,
  );
  // 20 WD after 2026-10-12 (Mon): 10-13..16 (4), 19..23 (9), 26..30 (14), 11-02..06 (19), 11-09 (20).
  expect(derived).toMatchObject({ due: '2026-11-09', consumedWorkingDays: 0, status: 'running' });
});

it('refuses nonsense sequences', () => {
  expect(() => deriveClock([{ type: 'resumed', date: '2026-10-01', pauseId: 'x', reason: 'r' }], calendar)).toThrow();
  expect(() => deriveClock([start, start], calendar)).toThrow();
  expect(() => deriveClock([start, { type: 'resumed', date: '2026-10-01', pauseId: 'x', reason: 'r' }], calendar)).toThrow(/not active/);
});

it('a stopped clock records what was used and has no due date', () => {
  const derived = deriveClock([start, { type: 'stopped', date: '2026-10-09', reason: '答复送达' }], calendar);
  expect(derived).toMatchObject({ status: 'stopped', due: null, consumedWorkingDays: 4 });
});
