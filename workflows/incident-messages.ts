/**
 * Wire names and payloads of the incident workflow's messages (舆情回应 and 澄清虚假或不完整
 * 信息), defined once and shared by the workflow and the API. Every step is an update whose
 * validator refuses what the incident's state does not allow (the API answers 409).
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/case';
import type { IncidentGradeLevel, IncidentIntake, IncidentKind, IncidentState } from '../domain/incidents/types';
import type { INCIDENT_STEPS, IncidentStepPayload as P } from '../api/steps/incident';
import { stepNameOf } from '../domain/allowed-actions';
import type { StepResult } from './runtime/case-runtime';
import type { CarriesRuleProfile } from './runtime/profile';

export interface IncidentInput extends CarriesRuleProfile {
  id: string;
  agencyCode: string;
  kind: IncidentKind;
  grade: IncidentGradeLevel;
  intake: IncidentIntake;
  registeredBy: Actor;
}

/** Step payloads: each body as the API's table validates it (api/steps/incident.ts), with the actor. */
export type Regrade = P<'regrade'>;
export type AssignIncident = P<'assign'>;
export type Assess = P<'assess'>;
export type Plan = P<'plan'>;
export type RecordConsent = P<'record-consent'>;
export type Approve = P<'approve'>;
export type ReleaseStep = P<'release'>;
export type Report = P<'report'>;
export type CloseIncident = P<'close'>;

const u = <A>(name: string) => defineUpdate<StepResult, [A]>(`gongkai.incident.${name}`);

/** A step's update by its URL name in the API's table (`record-consent` → `recordConsent`); the named exports below are the same updates. */
export const incidentStepUpdate = <N extends keyof typeof INCIDENT_STEPS & string>(name: N) => u<P<N>>(stepNameOf(name));

/** Waits until the intake is persisted, then returns the incident (used right after start). */
export const awaitIncidentRegistrationUpdate = defineUpdate<StepResult, []>('gongkai.incident.awaitRegistration');
export const regradeUpdate = u<Regrade>('regrade');
export const assignIncidentUpdate = u<AssignIncident>('assign');
export const assessUpdate = u<Assess>('assess');
export const planUpdate = u<Plan>('plan');
export const recordConsentUpdate = u<RecordConsent>('recordConsent');
export const approveUpdate = u<Approve>('approve');
export const releaseUpdate = u<ReleaseStep>('release');
export const reportUpdate = u<Report>('report');
export const closeIncidentUpdate = u<CloseIncident>('close');

export const incidentStateQuery = defineQuery<IncidentState>('gongkai.incident.state');
