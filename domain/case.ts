/** Ideas every case kind shares: who acts, and an event as the case's log records it. Pure module. */
import type { Role } from './roles';

/** A signed-in user as a step records them (or the system, for timers). */
export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  departmentCode: string;
}

/** One entry of a case's event log: numbered without gaps per case, in the order it happened. */
export interface RecordedEvent {
  seq: number;
  type: string;
  actor: Actor;
  at: string;
  payload: Record<string, unknown>;
}
