/**
 * What the supervisor's screen holds for each kind of case: its open clocks, its stage, who
 * has it. One function per kind, used by the activity that records the case's events and by
 * the admin's reconciliation against the workflow's live state. Pure module.
 */
import { STAGES, type ApplicationState } from '../application/types';
import { DISPUTE_STAGES, type DisputeState } from '../disputes/types';
import { STAGES as DOCUMENT_STAGES, type DocumentState } from '../documents/types';
import { INCIDENT_STAGES, type IncidentState } from '../incidents/types';
import { MESSAGE_STAGES, type MessageState } from '../messages/types';

export interface ClockSnapshotRow {
  clockId: string;
  label: string;
  unit: 'working-days' | 'minutes';
  status: 'running' | 'paused';
  dueAt: string | null;
  dueDate: string | null;
  remainingWhenPaused: number | null;
}

export interface CaseSnapshot {
  kind: string;
  caseRef: string;
  stage: string;
  departmentCode: string | null;
  assignee: string | null;
  ruleProfileId: string;
  seq: number;
  clocks: ClockSnapshotRow[];
}

interface WorkingDayClockLike {
  id: string;
  label: string;
  closed: boolean;
  dueAt: string | null;
  derived: { status: string; due: string | null; remainingWorkingDays: number } | null;
}

function workingDayRows(clocks: readonly WorkingDayClockLike[]): ClockSnapshotRow[] {
  return clocks
    .filter((c) => !c.closed && c.derived && (c.derived.status === 'running' || c.derived.status === 'paused'))
    .map((c) => {
      const paused = c.derived!.status === 'paused';
      return {
        clockId: c.id,
        label: c.label,
        unit: 'working-days' as const,
        status: paused ? ('paused' as const) : ('running' as const),
        dueAt: paused ? null : c.dueAt,
        dueDate: paused ? null : c.derived!.due,
        remainingWhenPaused: paused ? c.derived!.remainingWorkingDays : null,
      };
    });
}

export function applicationSnapshot(state: ApplicationState): CaseSnapshot {
  return {
    kind: 'application',
    caseRef: state.caseNo,
    stage: state.stage,
    departmentCode: state.departmentCode,
    assignee: state.assignee,
    ruleProfileId: state.ruleProfile.id,
    seq: state.seq,
    clocks: state.closed ? [] : workingDayRows(state.clocks),
  };
}

export function disputeSnapshot(state: DisputeState): CaseSnapshot {
  return {
    kind: 'dispute',
    caseRef: state.disputeNo,
    stage: state.stage,
    departmentCode: state.departmentCode,
    assignee: null,
    ruleProfileId: state.ruleProfile.id,
    seq: state.seq,
    clocks: state.closed ? [] : workingDayRows(state.clocks),
  };
}

/** A document's clocks belong to its issuing department. */
export function documentSnapshot(state: DocumentState): CaseSnapshot {
  return {
    kind: 'document',
    caseRef: state.docId,
    stage: state.stage,
    departmentCode: state.registration.issuingDepartment,
    assignee: null,
    ruleProfileId: state.ruleProfile.id,
    seq: state.seq,
    clocks: state.closed ? [] : workingDayRows(state.clocks),
  };
}

/** 舆情 clocks run in minutes, day and night: a running clock is its due instant. */
export function incidentSnapshot(state: IncidentState): CaseSnapshot {
  return {
    kind: 'incident',
    caseRef: state.id,
    stage: state.stage,
    departmentCode: state.departmentCode,
    assignee: state.assignee,
    ruleProfileId: state.ruleProfile.id,
    seq: state.seq,
    clocks: state.closed
      ? []
      : state.clocks
          .filter((c) => c.derived.status === 'running' && c.derived.dueAt)
          .map((c) => ({
            clockId: c.id,
            label: c.label,
            unit: 'minutes' as const,
            status: 'running' as const,
            dueAt: c.derived.dueAt,
            dueDate: null,
            remainingWhenPaused: null,
          })),
  };
}

export function messageSnapshot(state: MessageState): CaseSnapshot {
  return {
    kind: 'message',
    caseRef: state.id,
    stage: state.stage,
    departmentCode: state.departmentCode,
    assignee: state.assignee,
    ruleProfileId: state.ruleProfile.id,
    seq: state.seq,
    clocks: state.closed ? [] : workingDayRows([state.clock]),
  };
}

/** Chinese stage names per kind, for the screen. */
export const STAGE_LABELS: Record<string, Record<string, string>> = {
  application: STAGES,
  dispute: DISPUTE_STAGES,
  document: DOCUMENT_STAGES,
  incident: INCIDENT_STAGES,
  message: MESSAGE_STAGES,
};

/** Where the console shows a case. */
export const consoleLink = (kind: string, caseRef: string): string => `/console/cases/${kind}/${caseRef}`;
