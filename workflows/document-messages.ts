/**
 * Wire names and payloads of the document-release workflow (`document-<docId>`) and of the
 * recurring register / self-check workflows, defined once and shared with the API. Each
 * step is an update whose validator refuses what the state does not allow (409 at the API).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '../domain/calendar/dates';
import type { Actor, Attribute, DocumentRegistration, DocumentState } from '../domain/documents/types';
import type { RuleProfile } from '../domain/rulesets/schema';

export interface DocumentInput {
  docId: string;
  agencyCode: string;
  /** The profile as it stood at registration: the document keeps these rules. */
  profile: RuleProfile;
  registration: DocumentRegistration;
  /** The forwarded document's attribute on record, looked up at registration. */
  inherited: null | { docId: string; attribute: Attribute };
  submittedBy: Actor;
}

interface Acting {
  actor: Actor;
}

export type Verify = Acting & { notes?: string };
export type ReturnToDrafter = Acting & { missing: Array<'attribute' | 'reasons' | 'other'>; notes: string };
export type Resubmit = Acting & { proposedAttribute: Attribute; attributeReasons?: string; containsWithheldContent?: boolean };
export type ReviewSecrecy = Acting & {
  level: 1 | 2;
  conclusion: 'pass' | 'fail' | 'cannot-determine';
  basis: string;
  notes: string;
  participants: string[];
  /** Required with 'cannot-determine': the secrecy authority the question goes to. */
  authority?: string;
};
export type AnswerSecrecyEscalation = Acting & { conclusion: 'may-disclose' | 'secret'; notes: string; answeredOn: IsoDate };
export type ExtendSecrecyEscalation = Acting & { workingDays: number };
export type RecordCoIssuer = Acting & { coIssuer: string; agreed: boolean; notes: string };
export type SignOff = Acting & { finalAttribute: Attribute; reasons?: string };
export type RecordPublication = Acting & { channel: string; url: string; publishedOn: IsoDate };
export type RecordInterpretation = Acting & { title: string; url: string; publishedOn: IsoDate };
export type RecordDeposit = Acting & { place: string; depositedOn: IsoDate };
export type Convert = Acting & { reasons: string; selfCheckId?: string };

const u = <A>(name: string) => defineUpdate<DocumentState, [A]>(`gongkai.document.${name}`);

export const awaitDocumentRegistrationUpdate = defineUpdate<DocumentState, []>('gongkai.document.awaitRegistration');
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

/** The November self-check converts a withheld document (sent workflow-to-workflow, hence a signal). */
export const selfCheckConvertSignal = defineSignal<[Convert & { on: IsoDate }]>('gongkai.document.selfCheckConvert');
export const documentCalendarChangedSignal = defineSignal<[{ calendarVersion: string }]>('gongkai.document.calendarChanged');
export const documentStateQuery = defineQuery<DocumentState>('gongkai.document.state');

// ---- recurring duties ----------------------------------------------------------------------

export interface RecurringDutyInput {
  agencyCode: string;
  profileId: string;
  profileVersion?: string;
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
