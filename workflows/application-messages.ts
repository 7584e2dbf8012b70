/**
 * Wire names and payloads of the application workflow's messages, defined once and shared
 * by the workflow and the API. Each clerk or reviewer step is an update: its validator
 * refuses what the case's state does not allow (the API answers 409 with the reason) and
 * its result is the step's sequence number and the stage after it.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '../domain/calendar/dates';
import type { Actor, ApplicationIntake, ApplicationState, NoticeDeliveryMethod } from '../domain/application/types';
import type { FeeBasis } from '../domain/fees';
import type { Outcome, Section36Reply } from '../domain/outcomes';
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
}

interface Acting {
  actor: Actor;
}

export type ConfirmReceipt = Acting & { receivedOn: IsoDate };
export type RequestCorrection = Acting & { items: string[]; periodWorkingDays: number };
/** `materials`: the corrected application and materials as stored in the case's files (SHA-256 and name), recorded with the event. */
export type SubmitCorrection = Acting & { receivedOn: IsoDate; materials?: Array<{ sha256: string; filename: string }> };
export type Accept = Acting;
export type Assign = Acting & { departmentCode: string; assignee?: string };
export type Propose = Acting & { outcome: Outcome; summary: string; reasons: string };
export type ReviewSecrecy = Acting & {
  level: 1 | 2;
  conclusion: 'pass' | 'fail' | 'cannot-determine';
  notes: string;
  /** Required with 'cannot-determine': the secrecy authority the question goes to. */
  authority?: string;
};
export type AnswerSecrecyEscalation = Acting & { conclusion: 'may-disclose' | 'secret'; notes: string; answeredOn: IsoDate };
export type ExtendSecrecyEscalation = Acting & { workingDays: number };
export type Decide = Acting & { outcome: Outcome; section36?: Section36Reply; reasons: string; legalBasis: string; referral?: string };
export type SignOff = Acting;
export type Deliver = Acting & { method: string; deliveredOn: IsoDate; trackingNo?: string; proof?: string };
export type Close = Acting;
export type StartConsultation = Acting & { kind: 'third-party' | 'other-agency'; party: string; address?: string; sentOn: IsoDate };
export type RecordConsultationAnswer = Acting & {
  consultationId: string;
  result: 'agree' | 'object';
  receivedOn: IsoDate;
  summary?: string;
};
export type Suspend = Acting & { reason: string; on: IsoDate };
export type Resume = Acting & { on: IsoDate };
export type IssueFeeNotice = Acting & { basis: FeeBasis; pages?: number; count?: number; noticeOn: IsoDate };
export type RecordFeePayment = Acting & { paidOn: IsoDate };
export type RequestExtension = Acting & { workingDays: number; reason: string };
export type ApproveExtension = Acting;
export type Withdraw = Acting & { on: IsoDate; reason: string };
export type DecideFeeWaiver = Acting & { approved: boolean; reasons: string };
export type RecordNoticeDelivery = Acting & {
  docNo: string;
  method: NoticeDeliveryMethod;
  deliveredOn: IsoDate;
  trackingNo?: string;
  proof?: string;
};
export type RequestReasons = Acting & { explanation: string };
export type RuleExcessiveRequest = Acting & {
  reasonable: boolean;
  explanation: string;
  reasonsReceivedOn?: IsoDate;
  laterWorkingDays?: number;
};

/** Each step answers its sequence number and the stage after it; the case itself is read from PostgreSQL or the state query. */
const u = <A>(name: string) => defineUpdate<StepResult, [A]>(`gongkai.application.${name}`);

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
