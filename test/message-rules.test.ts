/** Citizen-message rules of seed 004: limits by type, one extension up to the maximum, no transfer to the department complained about. */
import { limitFor, messageChecks } from '../domain/messages/rules';
import type { MessageState } from '../domain/messages/types';
import { findRuleProfile } from '../domain/rulesets';

const bijie = findRuleProfile('bijie-004')!;

function message(overrides: Partial<MessageState> = {}, intake: Partial<MessageState['intake']> = {}): MessageState {
  return {
    id: '2026-000001',
    ruleProfile: { id: 'bijie-004', version: bijie.version },
    stage: 'assigned',
    closed: false,
    intake: { type: 'hard-case', channel: 'mailbox', subject: 's', content: 'c', receivedOn: '2026-09-28', confidential: false, ...intake },
    departmentCode: 'xxzx',
    assignee: null,
    transfers: [],
    extension: null,
    reply: null,
    clock: {
      id: 'reply',
      label: 'l',
      rule: 'r',
      events: [],
      derived: null,
      dueAt: null,
      reminders: [],
      remindersSent: [],
      overdueHandledFor: null,
      closed: false,
    },
    accountability: [],
    seq: 1,
    ...overrides,
  };
}

it('limits by type: 3, 5–7, 5–7, 10, 15–30 WD; profiles without message rules have none', () => {
  const limits = (['policy-question', 'complaint', 'help', 'investigation', 'hard-case'] as const).map((t) => [
    limitFor(bijie, t)!.workingDays,
    limitFor(bijie, t)!.maxWorkingDays,
  ]);
  expect(limits).toEqual([
    [3, undefined],
    [5, 7],
    [5, 7],
    [10, undefined],
    [15, 30],
  ]);
  expect(limitFor(findRuleProfile('national-2019')!, 'complaint')).toBeUndefined();
});

it('extension: only where the type has a maximum, once, beyond the current total and not past the maximum', () => {
  const ctx = { profile: bijie };
  expect(messageChecks.extend(message(), { toWorkingDays: 30 }, ctx)).toBeNull();
  expect(messageChecks.extend(message(), { toWorkingDays: 31 }, ctx)).toContain('最长为30个工作日');
  expect(messageChecks.extend(message(), { toWorkingDays: 15 }, ctx)).toContain('须多于现有的15个工作日');
  expect(
    messageChecks.extend(
      message({ extension: { fromWorkingDays: 15, toWorkingDays: 20, reason: 'x', by: 'leader', on: '2026-10-09' } }),
      { toWorkingDays: 30 },
      ctx,
    ),
  ).toContain('只能延长一次');
  expect(messageChecks.extend(message({}, { type: 'investigation' }), { toWorkingDays: 12 }, ctx)).toContain('不能延长');
});

it('a complaint is never assigned or transferred to the department it complains about (第七条)', () => {
  const ctx = { profile: bijie };
  const complaint = message({ stage: 'registered', departmentCode: null }, { type: 'complaint', complainedDepartmentCode: 'yjglk' });
  expect(messageChecks.assign(complaint, { departmentCode: 'yjglk' }, ctx)).toContain('不得将检举、控告类信件转至被检举、控告单位');
  expect(messageChecks.assign(complaint, { departmentCode: 'xxzx' }, ctx)).toBeNull();
  const assigned = message({}, { type: 'complaint', complainedDepartmentCode: 'yjglk' });
  expect(messageChecks.transfer(assigned, { departmentCode: 'yjglk' }, ctx)).toContain('被检举、控告单位');
  expect(messageChecks.transfer(assigned, { departmentCode: 'xxzx' }, ctx)).toContain('已由xxzx承办');
  expect(messageChecks.transfer(assigned, { departmentCode: 'dcs' }, ctx)).toBeNull();
});
