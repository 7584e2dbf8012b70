/** Wire names and payloads of the dispute workflow, shared by the workflow and the API. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '../domain/calendar/dates';
import type { Actor } from '../domain/case';
import type { DisputeFiling, DisputeState } from '../domain/disputes/types';
import type { DISPUTE_STEPS, DisputeStepPayload } from '../api/steps/dispute';
import { stepNameOf } from '../domain/allowed-actions';
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

/** Step payloads: each body as the API's table validates it (api/steps/dispute.ts), with the actor and the day (today unless given). */
type P<N extends keyof typeof DISPUTE_STEPS> = Omit<DisputeStepPayload<N>, 'on'> & { on: IsoDate };
export type Forward = P<'forward'>;
export type SubmitEvidence = P<'submit-evidence'>;
export type SubmitDefence = P<'submit-defence'>;
export type HoldMeeting = P<'hold-meeting'>;
export type RecordHearing = P<'record-hearing'>;
export type RecordResult = P<'record-result'>;
export type RecordEnforcement = P<'record-enforcement'>;
export type Withdraw = P<'withdraw'>;

/** Refusals thrown from a handler (after its validator passed) carry this type. */
export { ACTION_REFUSED } from './runtime/refusal';

/** A step's update by its URL name in the API's table (`submit-evidence` → `submitEvidence`; dispute updates carry no prefix); the named exports below are the same updates. */
export const disputeStepUpdate = <N extends keyof typeof DISPUTE_STEPS & string>(name: N) =>
  defineUpdate<StepResult, [P<N>]>(stepNameOf(name));
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
