/**
 * The escalation ladder of a late clock, and the notifications each rung sends. Pure module.
 *
 * 1. the assignee (or the department, or the clerks) — reminders before the due date, from
 *    the profile's `remindersWorkingDaysBefore`, sent by the case's own workflow;
 * 2. the department head and 3. the supervisor — when the clock runs out, also by the workflow;
 * 4. the leader — a configured time after that, by the supervision sweep over the projection.
 */
import { consoleLink } from './projection';

export type Rung = 'assignee' | 'department-head' | 'supervisor' | 'leader';
export const RUNG_LABELS: Record<Rung, string> = { assignee: '承办人', 'department-head': '科室负责人', supervisor: '督办', leader: '分管领导' };

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
  due: string;
  notify: string[];
  workingDaysBefore?: number;
}

export interface Notification {
  recipient: string;
  kind: 'clock-reminder' | 'clock-overdue' | 'clock-escalated';
  title: string;
  body: string;
  link: string;
  dedupeKey: string;
}

/** The notifications a workflow's reminder or overdue event sends, one per address. */
export function notificationsForClockEvent(
  caseKind: string,
  caseRef: string,
  workflowId: string,
  type: 'clock-reminder' | 'clock-overdue',
  payload: ClockEventPayload,
): Notification[] {
  const link = consoleLink(caseKind, caseRef);
  return payload.notify.map((recipient) => {
    const rung = rungOf(recipient);
    return type === 'clock-reminder'
      ? {
          recipient, kind: type, link,
          title: `【期限提醒】${caseRef} ${payload.label}`,
          body: `${caseRef} 的${payload.label}将于 ${payload.due} 届满（还剩 ${payload.workingDaysBefore} 个工作日）。`,
          dedupeKey: `${workflowId}/${payload.clockId}/${payload.due}/reminder-${payload.workingDaysBefore}/${recipient}`,
        }
      : {
          recipient, kind: type, link,
          title: `【已逾期】${caseRef} ${payload.label}`,
          body: `${caseRef} 的${payload.label}已于 ${payload.due} 届满，请${RUNG_LABELS[rung]}督促办理。`,
          dedupeKey: `${workflowId}/${payload.clockId}/${payload.due}/${rung}/${recipient}`,
        };
  });
}

/** The leader's notification for a clock still running past the leader rung's point. */
export function leaderEscalation(
  clock: { workflowId: string; clockId: string; kind: string; caseRef: string; label: string; dueDate: string | null; dueAt: Date; lateBy: string },
): Notification {
  const dueKey = clock.dueDate ?? clock.dueAt.toISOString();
  return {
    recipient: 'role:leader',
    kind: 'clock-escalated',
    link: consoleLink(clock.kind, clock.caseRef),
    title: `【升级督办】${clock.caseRef} ${clock.label}逾期${clock.lateBy}`,
    body: `${clock.caseRef} 的${clock.label}已于 ${dueKey} 届满，逾期${clock.lateBy}仍未办结，提请分管领导督办。`,
    dedupeKey: `${clock.workflowId}/${clock.clockId}/${dueKey}/leader/role:leader`,
  };
}
