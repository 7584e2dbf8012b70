/** The wall-clock minute clock of public-opinion work, and the grade rules, worked by hand. */
import { deriveMinuteClock, type MinuteClockEvent } from '../domain/incidents/clock';
import { CLARIFICATION_APPROVAL_CITATIONS, periodsFor, requiredApproval } from '../domain/incidents/rules';
import { CONFIDENTIALITY_CITATION } from '../domain/messages/rules';
import { findRuleProfile } from '../domain/rulesets';

// 2026-11-21 22:10 Asia/Shanghai, a Saturday night: these clocks do not care.
const seen = '2026-11-21T14:10:00.000Z';
const start: MinuteClockEvent = { type: 'started', at: seen, period: { kind: 'minutes', minutes: 60 }, reason: '发现舆情（重大）' };

it('a 1 h report clock started on a Saturday night is due an hour later, explained in Chinese', () => {
  const derived = deriveMinuteClock([start]);
  expect(derived).toMatchObject({ status: 'running', dueAt: '2026-11-21T15:10:00.000Z', lateMinutes: null });
  expect(derived.steps[0]!.explanation).toBe(
    '2026-11-21 22:10 发现舆情（重大），时限1小时（不分昼夜、节假日），应于2026-11-21 23:10前完成',
  );
});

it('regrading re-derives the due instant from the original start, and says when it is already past', () => {
  const down = deriveMinuteClock([
    start,
    { type: 'regraded', at: '2026-11-21T14:40:00.000Z', period: { kind: 'minutes', minutes: 180 }, reason: '调整为一般' },
  ]);
  expect(down.dueAt).toBe('2026-11-21T17:10:00.000Z');
  expect(down.steps[1]!.explanation).toContain('原为2026-11-21 23:10');
  const up = deriveMinuteClock([
    start,
    { type: 'regraded', at: '2026-11-21T14:50:00.000Z', period: { kind: 'minutes', minutes: 30 }, reason: '调整为特别重大' },
  ]);
  expect(up.dueAt).toBe('2026-11-21T14:40:00.000Z');
  expect(up.steps[1]!.explanation).toContain('已经届满');
});

it('a stop measures lateness against the due instant in force; a stopped clock is not regraded', () => {
  const onTime = deriveMinuteClock([start, { type: 'stopped', at: '2026-11-21T15:00:00.000Z', reason: '已报送' }]);
  expect(onTime).toMatchObject({ status: 'stopped', lateMinutes: 0 });
  const late = deriveMinuteClock([start, { type: 'stopped', at: '2026-11-21T15:35:30.000Z', reason: '已报送' }]);
  expect(late.lateMinutes).toBe(26); // 25.5 minutes, rounded
  expect(late.steps[1]!.explanation).toContain('超过时限26分钟');
  expect(deriveMinuteClock([start, { type: 'stopped', at: '2026-11-21T15:10:05.000Z', reason: '已报送' }]).lateMinutes).toBe(1);
  expect(() =>
    deriveMinuteClock([
      start,
      { type: 'stopped', at: seen, reason: 'x' },
      { type: 'regraded', at: seen, period: { kind: 'minutes', minutes: 30 }, reason: 'y' },
    ]),
  ).toThrow('stopped');
});

it('"same day" ends at 24:00 Asia/Shanghai of the day the incident was seen', () => {
  const derived = deriveMinuteClock([{ type: 'started', at: seen, period: { kind: 'same-day' }, reason: '发现重要舆情' }]);
  expect(derived.dueAt).toBe('2026-11-21T16:00:00.000Z');
  expect(derived.steps[0]!.explanation).toContain('时限当天');
});

it('grades map to the profile clocks: 重大 1 h / 24 h, 一般 3 h / 48 h, 黄岩 重要 the same day', () => {
  const national = findRuleProfile('national-2019')!;
  expect(periodsFor(national, '重大')).toMatchObject({ report: { period: { minutes: 60 } }, response: { period: { minutes: 1440 } } });
  expect(periodsFor(national, '一般')).toMatchObject({ report: { period: { minutes: 180 } }, response: { period: { minutes: 2880 } } });
  expect(periodsFor(findRuleProfile('huangyan-003')!, '重要').response).toMatchObject({
    period: { kind: 'same-day' },
    citation: { seed: '003' },
  });
  expect(() => periodsFor(national, '重要')).toThrow();
});

it('approval: 主要领导 for 重大 and above; a clarification in the government’s name needs the government (seed 001 第七条)', () => {
  expect(requiredApproval({ kind: 'incident', grade: '重大', plan: null }).level).toBe('principal');
  expect(requiredApproval({ kind: 'incident', grade: '较大', plan: null }).level).toBe('department-head');
  const plan = { text: 'x', involvedDepartments: [], sensitive: false, by: 'u', at: seen };
  expect(requiredApproval({ kind: 'rumour', grade: '一般', plan: { ...plan, issuedInNameOf: 'government' } }).level).toBe('government');
  expect(requiredApproval({ kind: 'rumour', grade: '一般', plan: { ...plan, issuedInNameOf: 'department' } }).level).toBe(
    'department-head',
  );
  expect(requiredApproval({ kind: 'rumour', grade: '一般', plan: { ...plan, issuedInNameOf: 'department', sensitive: true } }).level).toBe(
    'government',
  );
});

it('the clarification and confidentiality rules carry their own citations (article and quote, non-empty)', () => {
  for (const c of [...Object.values(CLARIFICATION_APPROVAL_CITATIONS), CONFIDENTIALITY_CITATION]) {
    expect(c).toMatchObject({
      source: expect.stringMatching(/\S/),
      article: expect.stringMatching(/\S/),
      quote: expect.stringMatching(/\S/),
    });
  }
  expect(Object.values(CLARIFICATION_APPROVAL_CITATIONS).every((c) => c.seed === '001')).toBe(true);
  expect(CONFIDENTIALITY_CITATION.seed).toBe('004');
});
