/**
 * The escalation ladder of a late clock, and the notifications each rung sends. Pure module.
 *
 * 1. the assignee (or the department, or the clerks) — reminders before the due date, from
 *    the profile's `remindersWorkingDaysBefore`, sent by the case's own workflow;
 * 2. the department head and 3. the supervisor — when the clock runs out, also by the workflow;
 * 4. the leader — a configured time after that, by the supervision sweep over the projection.
 */
import { consoleLink } from './projection';

/** Case kinds as people name them, so a title never leaves the kind to guess (numbers look alike across kinds). */
export const CASE_KIND_LABELS: Record<string, string> = {
  application: '依申请',
  dispute: '行政争议',
  document: '公文',
  incident: '舆情',
  message: '留言',
};
const named = (kind: string, caseRef: string) => `${CASE_KIND_LABELS[kind] ?? kind} ${caseRef}`;

/**
 * The address of one role in one agency, for a notice about no case (the annual report's
 * reminder); a notice about a case is addressed `role:<role>` and reaches that role in the
 * case's agency only (db/repositories/supervision.ts).
 */
export const agencyRoleAddress = (agencyCode: string, role: string): string => `role:${role}@${agencyCode}`;

export type Rung = 'assignee' | 'department-head' | 'supervisor' | 'leader';
export const RUNG_LABELS: Record<Rung, string> = {
  assignee: '承办人',
  'department-head': '科室负责人',
  supervisor: '督办',
  leader: '分管领导',
};

export interface LeaderRung {
  /** Working-day clocks: the leader hears of it this many working days after the due date. */
  workingDaysAfterDue: number;
  /** Minute clocks (舆情): this many minutes after the due instant. */
  minutesAfterDue: number;
}

/** Default for every profile; an agency with a different practice changes it here, in one place. */
export const DEFAULT_LEADER_RUNG: LeaderRung = { workingDaysAfterDue: 3, minutesAfterDue: 60 };

/** Which rung an address of a workflow's notify list belongs to. */
export function rungOf(address: string): Rung {
  if (address.startsWith('department-head:')) return 'department-head';
  if (address === 'role:supervisor') return 'supervisor';
  if (address === 'role:leader') return 'leader';
  return 'assignee';
}

export interface ClockEventPayload {
  clockId: string;
  label: string;
  /** Working-day clocks: the due date. */
  due?: string;
  /** Minute clocks (舆情): the due instant. */
  dueAt?: string;
  notify: string[];
  workingDaysBefore?: number;
  message?: string;
}

export interface Notification {
  recipient: string;
  kind: 'clock-reminder' | 'clock-overdue' | 'clock-escalated' | 'update-reminder';
  title: string;
  body: string;
  link: string;
  dedupeKey: string;
}

/** Events a case's workflow records that notify someone. */
export const NOTIFYING_EVENTS = ['clock-reminder', 'clock-overdue', 'clock-missed', 'update-reminder'] as const;

/** The notifications a workflow's reminder, overdue (or 舆情 missed-clock) or rolling-update event sends, one per address. */
export function notificationsForEvent(
  caseKind: string,
  caseRef: string,
  workflowId: string,
  event: { type: string; seq: number; payload: Record<string, unknown> },
): Notification[] {
  if (!(NOTIFYING_EVENTS as readonly string[]).includes(event.type)) return [];
  const payload = event.payload as unknown as ClockEventPayload;
  const link = consoleLink(caseKind, caseRef);
  const due = payload.due ?? payload.dueAt ?? '';
  const dueText = payload.due ?? (payload.dueAt ? `${payload.dueAt.slice(0, 16).replace('T', ' ')} UTC` : '');
  return (payload.notify ?? []).map((recipient) => {
    const rung = rungOf(recipient);
    switch (event.type) {
      case 'clock-reminder':
        return {
          recipient,
          kind: 'clock-reminder' as const,
          link,
          title: `【期限提醒】${named(caseKind, caseRef)} ${payload.label}`,
          body: `${caseRef} 的${payload.label}将于 ${dueText} 届满（还剩 ${payload.workingDaysBefore} 个工作日）。`,
          dedupeKey: `${workflowId}/${payload.clockId}/${due}/reminder-${payload.workingDaysBefore}/${recipient}`,
        };
      case 'update-reminder':
        return {
          recipient,
          kind: 'update-reminder' as const,
          link,
          title: `【持续发布提醒】${named(caseKind, caseRef)}`,
          body: `${caseRef}：${payload.message ?? '请持续发布处置进展'}`,
          dedupeKey: `${workflowId}/update/${event.seq}/${recipient}`,
        };
      default:
        return {
          recipient,
          kind: 'clock-overdue' as const,
          link,
          title: `【已逾期】${named(caseKind, caseRef)} ${payload.label}`,
          body: `${caseRef} 的${payload.label}已于 ${dueText} 届满，请${RUNG_LABELS[rung]}督促办理。`,
          dedupeKey: `${workflowId}/${payload.clockId}/${due}/${rung}/${recipient}`,
        };
    }
  });
}

/** The leader's notification for a clock still running past the leader rung's point. */
export function leaderEscalation(clock: {
  workflowId: string;
  clockId: string;
  kind: string;
  caseRef: string;
  label: string;
  dueDate: string | null;
  dueAt: Date;
  lateBy: string;
}): Notification {
  const dueKey = clock.dueDate ?? clock.dueAt.toISOString();
  return {
    recipient: 'role:leader',
    kind: 'clock-escalated',
    link: consoleLink(clock.kind, clock.caseRef),
    title: `【升级督办】${named(clock.kind, clock.caseRef)} ${clock.label}逾期${clock.lateBy}`,
    body: `${clock.caseRef} 的${clock.label}已于 ${dueKey} 届满，逾期${clock.lateBy}仍未办结，提请分管领导督办。`,
    dedupeKey: `${clock.workflowId}/${clock.clockId}/${dueKey}/leader/role:leader`,
  };
}
