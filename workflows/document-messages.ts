/**
 * Wire names and payloads of the document-release workflow (`document-<docId>`) and of the
 * recurring register / self-check workflows, defined once and shared with the API. Each
 * step is an update whose validator refuses what the state does not allow (409 at the API).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '../domain/calendar/dates';
import type { Actor, Attribute, DocumentRegistration, DocumentState } from '../domain/documents/types';
import type { DOCUMENT_STEPS, DocumentStepPayload as P } from '../api/steps/document';
import { stepNameOf } from '../domain/allowed-actions';
import type { StepResult } from './runtime/case-runtime';
import type { CarriesRuleProfile } from './runtime/profile';

export interface DocumentInput extends CarriesRuleProfile {
  docId: string;
  agencyCode: string;
  registration: DocumentRegistration;
  /** The forwarded document's attribute on record, looked up at registration. */
  inherited: null | { docId: string; attribute: Attribute };
  submittedBy: Actor;
  /** The agency's office for government information disclosure (政务公开工作机构) when the case started; absent in cases started before it was a setting (they keep `gkb`). */
  officeDepartmentCode?: string;
  /**
   * Set when a change to a released document (whose run has completed) starts a new run of
   * the same workflow id: the run carries on from the recorded state instead of registering.
   */
  reopened?: { state: DocumentState };
}

interface Acting {
  actor: Actor;
}

/** Step payloads: each body as the API's table validates it (api/steps/document.ts), with the actor. */
export type Verify = P<'verify'>;
export type ReturnToDrafter = P<'return'>;
export type Resubmit = P<'resubmit'>;
export type ReviewSecrecy = P<'review-secrecy'>;
export type AnswerSecrecyEscalation = P<'answer-secrecy-escalation'>;
export type ExtendSecrecyEscalation = P<'extend-secrecy-escalation'>;
export type RecordCoIssuer = P<'record-co-issuer'>;
export type SignOff = P<'sign-off'>;
export type RecordPublication = P<'record-publication'>;
export type RecordInterpretation = P<'record-interpretation'>;
export type RecordDeposit = P<'record-deposit'>;
/** `selfCheckId`: set when the annual self-check converts it (document-registers), never by the API. */
export type Convert = P<'convert'> & { selfCheckId?: string };
/** Seed 003 第五条: the draft and its 起草说明 published for comment. */
export type OpenPublicComment = P<'open-public-comment'>;
/** Seed 003 第十一条、第十二条: the comments collected and how they were taken up (意见采纳情况). */
export type ClosePublicComment = P<'close-public-comment'>;
/** Seed 003 第四条: no public comment, with the explanation. */
export type ExemptPublicComment = P<'exempt-public-comment'>;
/** Seed 004 预公开制度: the proposal and its reasons published, for at most N WD. */
export type RecordPreDisclosure = P<'record-pre-disclosure'>;
export type EndPreDisclosure = P<'end-pre-disclosure'>;
/** A change to published information: what changed and the day it changed (the clock starts there). */
export type RecordChange = P<'record-change'>;
export type PublishChange = P<'publish-change'>;

const u = <A>(name: string) => defineUpdate<StepResult, [A]>(`gongkai.document.${name}`);

/** Where the workflow's name of a step is not its URL name in camelCase. */
const WORKFLOW_NAMES: Partial<Record<keyof typeof DOCUMENT_STEPS, string>> = { return: 'returnToDrafter' };

/** A step's update by its URL name in the API's table (`record-consent` → `recordConsent`); the named exports below are the same updates. */
export const documentStepUpdate = <N extends keyof typeof DOCUMENT_STEPS & string>(name: N) =>
  u<P<N>>(WORKFLOW_NAMES[name] ?? stepNameOf(name));

export const awaitDocumentRegistrationUpdate = defineUpdate<StepResult, []>('gongkai.document.awaitRegistration');
export const verifyUpdate = u<Verify>('verify');
export const returnToDrafterUpdate = u<ReturnToDrafter>('returnToDrafter');
export const resubmitUpdate = u<Resubmit>('resubmit');
export const reviewDocumentSecrecyUpdate = u<ReviewSecrecy>('reviewSecrecy');
export const answerDocumentSecrecyEscalationUpdate = u<AnswerSecrecyEscalation>('answerSecrecyEscalation');
export const extendDocumentSecrecyEscalationUpdate = u<ExtendSecrecyEscalation>('extendSecrecyEscalation');
export const recordCoIssuerUpdate = u<RecordCoIssuer>('recordCoIssuer');
export const signOffDocumentUpdate = u<SignOff>('signOff');
export const recordPublicationUpdate = u<RecordPublication>('recordPublication');
export const recordInterpretationUpdate = u<RecordInterpretation>('recordInterpretation');
export const recordDepositUpdate = u<RecordDeposit>('recordDeposit');
export const convertUpdate = u<Convert>('convert');
export const openPublicCommentUpdate = u<OpenPublicComment>('openPublicComment');
export const closePublicCommentUpdate = u<ClosePublicComment>('closePublicComment');
export const exemptPublicCommentUpdate = u<ExemptPublicComment>('exemptPublicComment');
export const recordPreDisclosureUpdate = u<RecordPreDisclosure>('recordPreDisclosure');
export const endPreDisclosureUpdate = u<EndPreDisclosure>('endPreDisclosure');
export const recordChangeUpdate = u<RecordChange>('recordChange');
export const publishChangeUpdate = u<PublishChange>('publishChange');

/** The November self-check converts a withheld document (sent workflow-to-workflow, hence a signal). */
export const selfCheckConvertSignal = defineSignal<[Convert & { on: IsoDate }]>('gongkai.document.selfCheckConvert');
export const documentCalendarChangedSignal = defineSignal<[{ calendarVersion: string }]>('gongkai.document.calendarChanged');
export const documentStateQuery = defineQuery<DocumentState>('gongkai.document.state');

// ---- recurring duties ----------------------------------------------------------------------

export interface RecurringDutyInput {
  agencyCode: string;
  profileId: string;
  profileVersion?: string;
  /** The agency's 政务公开工作机构 when the Schedule was made (absent: `gkb`, as before it was a setting). */
  officeDepartmentCode?: string;
}

export interface SelfCheckItem {
  docId: string;
  title: string;
  docNumber: string;
  attribute: Attribute;
  decision: null | 'confirm' | 'convert';
}

export interface SelfCheckState {
  registerId: string;
  dueOn: IsoDate;
  items: SelfCheckItem[];
  overdue: boolean;
  completed: boolean;
}

export type DecideSelfCheckItem = Acting & { docId: string; decision: 'confirm' | 'convert'; reasons: string };

export interface RegisterState {
  registerId: string;
  dueOn: IsoDate;
  docIds: string[];
  overdue: boolean;
  submitted: null | { by: string; submittedTo: string; on: IsoDate };
}
/** The office records that the 不予公开 register went to the superior (报备). */
export type SubmitRegister = Acting & { submittedTo: string; note?: string };
export const submitRegisterUpdate = defineUpdate<RegisterState, [SubmitRegister]>('gongkai.register.submit');
export const awaitRegisterCompiledUpdate = defineUpdate<RegisterState, []>('gongkai.register.awaitCompiled');
export const registerStateQuery = defineQuery<RegisterState>('gongkai.register.state');

export const decideSelfCheckItemUpdate = defineUpdate<SelfCheckState, [DecideSelfCheckItem]>('gongkai.selfCheck.decideItem');
export const awaitSelfCheckOpenedUpdate = defineUpdate<SelfCheckState, []>('gongkai.selfCheck.awaitOpened');
export const selfCheckStateQuery = defineQuery<SelfCheckState>('gongkai.selfCheck.state');
