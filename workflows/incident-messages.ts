/**
 * Wire names and payloads of the incident workflow's messages (舆情回应 and 澄清虚假或不完整
 * 信息), defined once and shared by the workflow and the API. Every step is an update whose
 * validator refuses what the incident's state does not allow (the API answers 409).
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/application/types';
import type { Instant } from '../domain/incidents/clock';
import type {
  ApprovalLevel,
  IncidentGradeLevel,
  IncidentIntake,
  IncidentKind,
  IncidentState,
  ReleaseChannel,
} from '../domain/incidents/types';
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

interface Acting {
  actor: Actor;
}

export type Regrade = Acting & { grade: IncidentGradeLevel; reason: string };
export type AssignIncident = Acting & { departmentCode: string; assignee?: string };
export type Assess = Acting & { text: string };
export type Plan = Acting & {
  text: string;
  issuedInNameOf?: 'government' | 'department';
  involvedDepartments: string[];
  sensitive: boolean;
};
export type RecordConsent = Acting & { departmentCode: string; note: string };
export type Approve = Acting & { level: ApprovalLevel; comments: string };
export type ReleaseStep = Acting & { channel: ReleaseChannel; text: string; at?: Instant };
export type Report = Acting & { to: 'leadership' | 'superior'; recipient: string; summary: string; at?: Instant };
export type CloseIncident = Acting & { evaluation: string };

const u = <A>(name: string) => defineUpdate<StepResult, [A]>(`gongkai.incident.${name}`);

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
