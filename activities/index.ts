/** All activities, built from injected dependencies (one factory per feature). */
import type { Kysely } from 'kysely';
import { CalendarStore } from '../db/repositories/calendar';
import type { Database } from '../db/schema';
import { createCalendarActivities } from './calendar';

export interface ActivityDeps {
  db: Kysely<Database>;
  calendar?: CalendarStore;
}

export function createActivities(deps: ActivityDeps) {
  const calendar = deps.calendar ?? new CalendarStore(deps.db);
  return {
    ...createCalendarActivities({ calendar }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
