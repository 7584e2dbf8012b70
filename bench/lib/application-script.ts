/**
 * One application's path from registration to closing, as HTTP calls: shared by the
 * benchmarks and the crash test, so both drive exactly the same transitions.
 */
import { residentIdCheckChar } from '../../domain/identity';

export interface Transition {
  action: string;
  /** Demo user who takes the step. */
  user: string;
  body: Record<string, unknown>;
  /** The event the step leaves in case_events. */
  event: string;
  /** The projection's stage once the step has landed. */
  stage: string;
}

export const TRANSITIONS: readonly Transition[] = [
  { action: 'accept', user: 'clerk', body: {}, event: 'accepted', stage: 'accepted' },
  { action: 'assign', user: 'clerk', body: { departmentCode: 'yjglk' }, event: 'assigned', stage: 'assigned' },
  {
    action: 'propose',
    user: 'department',
    body: { outcome: 'disclosed', summary: '拟予以公开', reasons: '属于可公开信息' },
    event: 'proposed',
    stage: 'proposed',
  },
  {
    action: 'review-secrecy',
    user: 'reviewer',
    body: { level: 1, conclusion: 'pass', notes: '不涉密' },
    event: 'secrecy-reviewed',
    stage: 'secrecy-review',
  },
  {
    action: 'review-secrecy',
    user: 'leader',
    body: { level: 2, conclusion: 'pass', notes: '同意' },
    event: 'secrecy-reviewed',
    stage: 'secrecy-review',
  },
  {
    action: 'decide',
    user: 'clerk',
    body: { outcome: 'disclosed', reasons: '依法公开', legalBasis: '条例第三十六条' },
    event: 'decided',
    stage: 'decided',
  },
  { action: 'sign-off', user: 'leader', body: {}, event: 'signed', stage: 'signed' },
  {
    action: 'deliver',
    user: 'clerk',
    body: { method: 'post', deliveredOn: '', trackingNo: 'EA000000000CN' },
    event: 'delivered',
    stage: 'delivered',
  },
  { action: 'close', user: 'clerk', body: {}, event: 'closed', stage: 'closed' },
];

/** Every event a closed case's log holds, in order. */
export const EXPECTED_EVENTS: readonly string[] = ['submitted', ...TRANSITIONS.map((t) => t.event)];

/** The body of transition k on a given Shanghai day (delivery is dated). */
export function transitionBody(k: number, today: string): Record<string, unknown> {
  const t = TRANSITIONS[k]!;
  return t.action === 'deliver' ? { ...t.body, deliveredOn: today } : t.body;
}

/**
 * One of 9,000 distinct resident IDs (born 1990-01-01…09, sequence 000–999) with the check
 * digit intake verifies (GB 11643), so applicants repeat as often as before it did.
 */
function residentId(i: number): string {
  const n = i % 9000;
  const body = `1101011990010${1 + Math.floor(n / 1000)}${String(n % 1000).padStart(3, '0')}`;
  return body + residentIdCheckChar(body);
}

/** A valid in-person application; `tag` makes its description unique. */
export function intakeBody(i: number, tag: string): Record<string, unknown> {
  return {
    channel: 'in-person',
    applicant: {
      type: 'natural-person',
      name: `测试${i % 10_000}`,
      idType: 'resident-id',
      idNumber: residentId(i),
      phone: '13800000000',
      address: '某市某区某路1号',
    },
    description: `基准测试申请 ${tag}`,
    form: 'paper',
    delivery: 'post',
  };
}

/** Transition events of a case, leaving out the timers' reminders and escalations. */
export const transitionsOf = (events: ReadonlyArray<{ type: string }>): string[] =>
  events.map((e) => e.type).filter((t) => !t.startsWith('clock'));
