/**
 * Wire names and payloads of the citizen-message workflow (政民互动), shared by the workflow
 * and the API. Every step is an update with a validator (refusal → 409 with the reason).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/case';
import type { MessageIntake, MessageState, MessageWriter } from '../domain/messages/types';
import type { MESSAGE_STEPS, MessageStepPayload as P } from '../api/steps/message';
import { stepNameOf } from '../domain/allowed-actions';
import type { StepResult } from './runtime/case-runtime';
import type { CarriesRuleProfile } from './runtime/profile';

export interface MessageInput extends CarriesRuleProfile {
  id: string;
  agencyCode: string;
  intake: MessageIntake;
  writer: MessageWriter;
  registeredBy: Actor;
}

/** Step payloads: each body as the API's table validates it (api/steps/message.ts), with the actor. */
export type AssignMessage = P<'assign'>;
export type TransferMessage = P<'transfer'>;
export type ExtendMessage = P<'extend'>;
export type ReplyMessage = P<'reply'>;
export type CloseMessage = P<'close'>;

const u = <A>(name: string) => defineUpdate<StepResult, [A]>(`gongkai.message.${name}`);

/** A step's update by its URL name in the API's table (`record-consent` → `recordConsent`); the named exports below are the same updates. */
export const messageStepUpdate = <N extends keyof typeof MESSAGE_STEPS & string>(name: N) => u<P<N>>(stepNameOf(name));

export const awaitMessageRegistrationUpdate = defineUpdate<StepResult, []>('gongkai.message.awaitRegistration');
export const assignMessageUpdate = u<AssignMessage>('assign');
export const transferMessageUpdate = u<TransferMessage>('transfer');
export const extendMessageUpdate = u<ExtendMessage>('extend');
export const replyMessageUpdate = u<ReplyMessage>('reply');
export const closeMessageUpdate = u<CloseMessage>('close');

/** An admin changed the calendar: re-derive the working-day clock. */
export const messageCalendarChangedSignal = defineSignal<[{ calendarVersion: string }]>('gongkai.message.calendarChanged');
export const messageStateQuery = defineQuery<MessageState>('gongkai.message.state');
