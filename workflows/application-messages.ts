/**
 * Wire names and payloads of the application workflow's messages, defined once and shared
 * by the workflow and the API. Each clerk or reviewer step is an update: its validator
 * refuses what the case's state does not allow (the API answers 409 with the reason) and
 * its result is the step's sequence number and the stage after it.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApplicationIntake, ApplicationState, HandOver } from '../domain/application/types';
import type { Actor } from '../domain/case';
import type { APPLICATION_STEPS, ApplicationStepPayload as P } from '../api/steps/application';
import { stepNameOf } from '../domain/allowed-actions';
import type { StepResult } from './runtime/case-runtime';
import type { CarriesRuleProfile } from './runtime/profile';

export interface ApplicationInput extends CarriesRuleProfile {
  caseNo: string;
  queryCode: string;
  agencyCode: string;
  intake: ApplicationIntake;
  submittedBy: Actor;
  /** The agency's office for government information disclosure (政务公开工作机构) when the case started; absent in cases started before it was a setting (they keep `gkb`). */
  officeDepartmentCode?: string;
  /** Handed over from another agency of the platform (§36(五)); the intake's receipt date is the hand-over's day. */
  handOverFrom?: HandOver;
  /**
   * Possible 重复申请 found when the case was started (db/repositories/applications.ts
   * `possibleDuplicates`); absent in cases started before, whose workflow asks an activity.
   */
  possibleDuplicates?: string[];
}

/** Step payloads: each body as the API's table validates it (api/steps/application.ts), with the actor. */
export type ConfirmReceipt = P<'confirm-receipt'>;
export type RequestCorrection = P<'request-correction'>;
export type SubmitCorrection = P<'submit-correction'>;
export type Accept = P<'accept'>;
export type Assign = P<'assign'>;
export type Propose = P<'propose'>;
export type ReviewSecrecy = P<'review-secrecy'>;
export type AnswerSecrecyEscalation = P<'answer-secrecy-escalation'>;
export type ExtendSecrecyEscalation = P<'extend-secrecy-escalation'>;
export type Decide = P<'decide'>;
export type SignOff = P<'sign-off'>;
export type Deliver = P<'deliver'>;
export type Close = P<'close'>;
export type StartConsultation = P<'start-consultation'>;
export type RecordConsultationAnswer = P<'record-consultation-answer'>;
export type Suspend = P<'suspend'>;
export type Resume = P<'resume'>;
export type IssueFeeNotice = P<'issue-fee-notice'>;
export type RecordFeePayment = P<'record-fee-payment'>;
export type RequestExtension = P<'request-extension'>;
export type ApproveExtension = P<'approve-extension'>;
export type Withdraw = P<'withdraw'>;
export type DecideFeeWaiver = P<'decide-fee-waiver'>;
export type RecordNoticeDelivery = P<'record-notice-delivery'>;
export type RequestReasons = P<'request-reasons'>;
export type RuleExcessiveRequest = P<'rule-excessive-request'>;

/** Each step answers its sequence number and the stage after it; the case itself is read from PostgreSQL or the state query. */
const u = <A>(name: string) => defineUpdate<StepResult, [A]>(`gongkai.application.${name}`);

/** A step's update by its URL name in the API's table (`record-consent` → `recordConsent`); the named exports below are the same updates. */
export const applicationStepUpdate = <N extends keyof typeof APPLICATION_STEPS & string>(name: N) => u<P<N>>(stepNameOf(name));

/** Waits until the case is registered and persisted (used right after start). */
export const awaitRegistrationUpdate = defineUpdate<StepResult, []>('gongkai.application.awaitRegistration');
export const confirmReceiptUpdate = u<ConfirmReceipt>('confirmReceipt');
export const requestCorrectionUpdate = u<RequestCorrection>('requestCorrection');
export const submitCorrectionUpdate = u<SubmitCorrection>('submitCorrection');
export const acceptUpdate = u<Accept>('accept');
export const assignUpdate = u<Assign>('assign');
export const proposeUpdate = u<Propose>('propose');
export const reviewSecrecyUpdate = u<ReviewSecrecy>('reviewSecrecy');
export const answerSecrecyEscalationUpdate = u<AnswerSecrecyEscalation>('answerSecrecyEscalation');
export const extendSecrecyEscalationUpdate = u<ExtendSecrecyEscalation>('extendSecrecyEscalation');
export const decideUpdate = u<Decide>('decide');
export const signOffUpdate = u<SignOff>('signOff');
export const deliverUpdate = u<Deliver>('deliver');
export const closeUpdate = u<Close>('close');
export const startConsultationUpdate = u<StartConsultation>('startConsultation');
export const recordConsultationAnswerUpdate = u<RecordConsultationAnswer>('recordConsultationAnswer');
export const suspendUpdate = u<Suspend>('suspend');
export const resumeUpdate = u<Resume>('resume');
export const issueFeeNoticeUpdate = u<IssueFeeNotice>('issueFeeNotice');
export const recordFeePaymentUpdate = u<RecordFeePayment>('recordFeePayment');
export const requestExtensionUpdate = u<RequestExtension>('requestExtension');
export const approveExtensionUpdate = u<ApproveExtension>('approveExtension');
export const withdrawUpdate = u<Withdraw>('withdraw');
export const decideFeeWaiverUpdate = u<DecideFeeWaiver>('decideFeeWaiver');
export const recordNoticeDeliveryUpdate = u<RecordNoticeDelivery>('recordNoticeDelivery');
export const requestReasonsUpdate = u<RequestReasons>('requestReasons');
export const ruleExcessiveRequestUpdate = u<RuleExcessiveRequest>('ruleExcessiveRequest');

/** An admin changed the calendar: re-derive every clock from its events. */
export const calendarChangedSignal = defineSignal<[{ calendarVersion: string }]>('gongkai.application.calendarChanged');
export const applicationStateQuery = defineQuery<ApplicationState>('gongkai.application.state');

export { ACTION_REFUSED } from './runtime/refusal';
