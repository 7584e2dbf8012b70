/** Wire names and payloads of the dispute workflow, shared by the workflow and the API. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '../domain/calendar/dates';
import type { Actor } from '../domain/application/types';
import type { DisputeFiling, DisputeResult, DisputeState } from '../domain/disputes/types';
import type { StepResult } from './runtime/case-runtime';
import type { CarriesRuleProfile } from './runtime/profile';

export interface DisputeInput extends CarriesRuleProfile {
  disputeNo: string;
  agencyCode: string;
  filing: DisputeFiling;
  filedBy: Actor;
  /** The agency's office for government information disclosure (政务公开工作机构) when the case started; absent in cases started before it was a setting (they keep `gkb`). */
  officeDepartmentCode?: string;
}

interface Acting {
  actor: Actor;
  on: IsoDate;
}

export type Forward = Acting & { departmentCode: string };
export type SubmitEvidence = Acting & { items: string[]; secrecyNote?: string };
export type SubmitDefence = Acting & { summary: string };
export type HoldMeeting = Acting & { participants: string[]; conclusion: string };
export type RecordHearing = Acting & { representative: string; notes: string };
export type RecordResult = Acting & { result: DisputeResult; summary: string; documentNo?: string };
export type RecordEnforcement = Acting & { actions: string };
export type Withdraw = Acting & { reason: string };

/** Refusals thrown from a handler (after its validator passed) carry this type. */
export { ACTION_REFUSED } from './runtime/refusal';

export const awaitFilingUpdate = defineUpdate<StepResult>('awaitFiling');
export const forwardUpdate = defineUpdate<StepResult, [Forward]>('forward');
export const submitEvidenceUpdate = defineUpdate<StepResult, [SubmitEvidence]>('submitEvidence');
export const submitDefenceUpdate = defineUpdate<StepResult, [SubmitDefence]>('submitDefence');
export const holdMeetingUpdate = defineUpdate<StepResult, [HoldMeeting]>('holdMeeting');
export const recordHearingUpdate = defineUpdate<StepResult, [RecordHearing]>('recordHearing');
export const recordResultUpdate = defineUpdate<StepResult, [RecordResult]>('recordResult');
export const recordEnforcementUpdate = defineUpdate<StepResult, [RecordEnforcement]>('recordEnforcement');
export const withdrawUpdate = defineUpdate<StepResult, [Withdraw]>('withdraw');
export const disputeStateQuery = defineQuery<DisputeState>('disputeState');
/** The calendar broadcast sends every open case the same signal. */
export { calendarChangedSignal } from './application-messages';
