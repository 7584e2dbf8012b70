/** The application steps a case allows a user now (see domain/allowed-actions.ts). Pure module. */
import { allowedBy } from '../allowed-actions';
import type { IsoDate } from '../calendar/dates';
import { OUTCOME_CODES, OUTCOMES } from '../outcomes';
import { type ActionName, type CheckContext, checks } from './rules';
import type { Actor, ApplicationState } from './types';

type Probe = (s: ApplicationState, actor: Actor, today: IsoDate) => Array<Record<string, unknown>>;

const REPLY_OUTCOMES = OUTCOME_CODES.filter((code) => OUTCOMES[code].replyLetter);

/** Plausible payloads per step; none means nothing to act on (no unanswered consultation, …). */
const PROBES: Partial<Record<ActionName, Probe>> = {
  confirmReceipt: (_s, _a, today) => [{ receivedOn: today }],
  requestCorrection: () => [{ items: ['补正事项'], periodWorkingDays: 15 }],
  submitCorrection: (_s, _a, today) => [{ receivedOn: today }],
  assign: () => [{ departmentCode: 'any' }],
  propose: () => [{ outcome: 'disclosed' }],
  reviewSecrecy: (_s, actor) => [{ level: actor.role === 'leader' ? 2 : 1, conclusion: 'pass' }],
  answerSecrecyEscalation: (_s, _a, today) => [{ answeredOn: today }],
  extendSecrecyEscalation: () => [{ workingDays: 1 }],
  decide: () => REPLY_OUTCOMES.map((outcome) => ({ outcome })),
  deliver: (_s, _a, today) => [{ deliveredOn: today }],
  startConsultation: (_s, _a, today) => [{ sentOn: today }],
  recordConsultationAnswer: (s, _a, today) =>
    s.consultations.filter((c) => c.answer === null).map((c) => ({ consultationId: c.id, receivedOn: today })),
  suspend: (_s, _a, today) => [{ on: today }],
  resume: (_s, _a, today) => [{ on: today }],
  issueFeeNotice: (_s, _a, today) => [{ basis: 'by-pages', pages: 0, noticeOn: today }],
  recordFeePayment: (_s, _a, today) => [{ paidOn: today }],
  requestExtension: () => [{ workingDays: 1 }],
  withdraw: (_s, _a, today) => [{ on: today }],
  recordNoticeDelivery: (s, _a, today) =>
    (s.notices ?? [])
      .filter((n) => n.delivery === null && n.kind !== 'reply')
      .map((n) => ({ docNo: n.docNo, method: 'in-person', deliveredOn: today })),
  ruleExcessiveRequest: () => [{ reasonable: false }],
};

/** The steps the case's state allows `actor` now (roles per step are the API's to add). */
export function allowedActions(state: ApplicationState, actor: Actor, ctx: CheckContext): ActionName[] {
  const probes = Object.fromEntries(
    Object.entries(PROBES).map(([action, probe]) => [action, (s: ApplicationState) => (probe as Probe)(s, actor, ctx.today)]),
  ) as Partial<Record<ActionName, (s: ApplicationState) => Array<Record<string, unknown>>>>;
  return allowedBy(
    Object.keys(checks) as ActionName[],
    probes,
    (action, s, payload) =>
      (checks[action] as (s: ApplicationState, p: unknown, c: CheckContext) => string | null)(s, { ...payload, actor }, ctx),
    state,
  );
}
