/**
 * What each dispute step requires of the dispute's state: one function per step, returning
 * the refusal in Chinese or null. The workflow's update validators and handlers run them.
 */
import type { IsoDate } from '../calendar/dates';
import type { DisputeState } from './types';

export type DisputeAction =
  'forward' | 'submitEvidence' | 'submitDefence' | 'holdMeeting' | 'recordHearing' | 'recordResult' | 'recordEnforcement' | 'withdraw';

type Check = (s: DisputeState, p: { on?: IsoDate; [k: string]: unknown }, today: IsoDate) => string | null;

const open: Check = (s) => (s.closed ? '争议已结案' : null);
const undecided: Check = (s) => open(s, {}, '') ?? (s.result ? '已有复议决定或裁判结果' : null);
const notFuture: Check = (s, p, today) =>
  p.on && p.on > today
    ? `日期 ${p.on} 晚于今天`
    : p.on && p.on < s.filing.receivedOn
      ? `日期 ${p.on} 早于收到副本之日 ${s.filing.receivedOn}`
      : null;
const all =
  (...checks: Check[]): Check =>
  (s, p, t) => {
    for (const c of checks) {
      const refusal = c(s, p, t);
      if (refusal) return refusal;
    }
    return null;
  };

export const disputeChecks: Record<DisputeAction, Check> = {
  forward: all(undecided, notFuture, (s) => (s.forwardedOn ? `已于 ${s.forwardedOn} 转交 ${s.departmentCode}` : null)),
  submitEvidence: all(undecided, notFuture, (s) => (s.forwardedOn ? null : '尚未将副本转交业务科室')),
  submitDefence: all(undecided, notFuture, (s) => (s.defence ? `答辩状已于 ${s.defence.submittedOn} 提交` : null)),
  holdMeeting: all(undecided, notFuture),
  recordHearing: all(undecided, notFuture, (s) => (s.defence ? null : '尚未提交答辩状')),
  recordResult: all(undecided, notFuture, (s) => (s.defence ? null : '尚未提交答辩状')),
  recordEnforcement: all(open, notFuture, (s) => (s.stage === 'enforcing' ? null : '没有待执行的结果')),
  withdraw: all(undecided, notFuture),
};
