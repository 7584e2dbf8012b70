/**
 * The admin layer of the calendar: single-day overrides and imported years, each change
 * appended to calendar_revisions so the calendar's version is its last revision number.
 */
import { type Kysely, sql } from 'kysely';
import type { IsoDate } from '../../domain/calendar/dates';
import { PUBLISHED_CALENDAR, PUBLISHED_SOURCE } from '../../domain/calendar/published';
import {
  type CalendarOverride,
  composeCalendarData,
  type DayKind,
  type ImportedYear,
  WorkingDayCalendar,
} from '../../domain/calendar/working-days';
import type { Database } from '../schema';
import { type AuditActor, recordAudit } from './audit';

/** Who made a calendar change, for the audit log (written in the change's transaction). */
export interface CalendarAudit {
  actor: AuditActor | null;
  ip: string | null;
}

export function calendarVersion(revision: string | null): string {
  return revision ? `${PUBLISHED_SOURCE}+rev.${revision}` : PUBLISHED_SOURCE;
}

export async function latestCalendarRevision(db: Kysely<Database>): Promise<string | null> {
  const row = await db
    .selectFrom('calendar_revisions')
    .select(sql<string | null>`max(id)::text`.as('id'))
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function loadCalendar(db: Kysely<Database>): Promise<WorkingDayCalendar> {
  return db.transaction().execute(async (trx) => {
    // One snapshot: the revision number and the layers it describes are read together.
    await sql`set transaction isolation level repeatable read`.execute(trx);
    const revision = await latestCalendarRevision(trx);
    const overrides = await trx.selectFrom('calendar_overrides').select(['date', 'kind', 'reason']).execute();
    const years = await trx.selectFrom('calendar_imported_years').select(['year', 'days']).execute();
    return new WorkingDayCalendar(
      composeCalendarData({
        version: calendarVersion(revision),
        published: PUBLISHED_CALENDAR,
        importedYears: years.map((row) => ({ year: row.year, days: row.days })),
        overrides: overrides as CalendarOverride[],
      }),
    );
  });
}

/**
 * Keeps one calendar per process and rebuilds it only when a new revision appears, so a
 * change made through another process is seen on the next request.
 */
export class CalendarStore {
  private cached: WorkingDayCalendar | null = null;
  private cachedRevision: string | null = null;

  constructor(private readonly db: Kysely<Database>) {}

  async current(): Promise<WorkingDayCalendar> {
    const revision = await latestCalendarRevision(this.db);
    if (!this.cached || revision !== this.cachedRevision) {
      this.cached = await loadCalendar(this.db);
      this.cachedRevision = revision;
    }
    return this.cached;
  }

  async setOverride(input: { date: IsoDate; kind: DayKind; reason: string; actorUserId: string }, audit?: CalendarAudit): Promise<string> {
    return this.db.transaction().execute(async (trx) => {
      const revision = await insertRevision(trx, 'override', input, input.reason, input.actorUserId);
      if (audit) {
        await recordAudit(trx, {
          action: 'admin.calendar-override-set',
          ...audit,
          target: `calendar:${input.date}`,
          details: { kind: input.kind, reason: input.reason, revision },
        });
      }
      await trx
        .insertInto('calendar_overrides')
        .values({ date: input.date, kind: input.kind, reason: input.reason, revision_id: revision })
        .onConflict((oc) =>
          oc.column('date').where('agency_code', 'is', null).doUpdateSet({ kind: input.kind, reason: input.reason, revision_id: revision }),
        )
        .execute();
      return revision;
    });
  }

  /** Returns null when the date had no override (nothing is recorded then). */
  async removeOverride(input: { date: IsoDate; reason: string; actorUserId: string }, audit?: CalendarAudit): Promise<string | null> {
    return this.db.transaction().execute(async (trx) => {
      const removed = await trx
        .deleteFrom('calendar_overrides')
        .where('date', '=', input.date)
        .where('agency_code', 'is', null)
        .executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) return null;
      const revision = await insertRevision(trx, 'remove-override', { date: input.date }, input.reason, input.actorUserId);
      if (audit) {
        await recordAudit(trx, {
          action: 'admin.calendar-override-removed',
          ...audit,
          target: `calendar:${input.date}`,
          details: { reason: input.reason, revision },
        });
      }
      return revision;
    });
  }

  async importYear(
    input: { imported: ImportedYear; format: 'json' | 'ics'; reason: string; actorUserId: string },
    audit?: CalendarAudit,
  ): Promise<string> {
    const { imported } = input;
    return this.db.transaction().execute(async (trx) => {
      const revision = await insertRevision(
        trx,
        'import-year',
        { year: imported.year, format: input.format, days: imported.days },
        input.reason,
        input.actorUserId,
      );
      const days = JSON.stringify(imported.days);
      await trx
        .insertInto('calendar_imported_years')
        .values({ year: imported.year, days, source_format: input.format, revision_id: revision })
        .onConflict((oc) => oc.column('year').doUpdateSet({ days, source_format: input.format, revision_id: revision }))
        .execute();
      if (audit) {
        await recordAudit(trx, {
          action: 'admin.calendar-year-imported',
          ...audit,
          target: `calendar:${imported.year}`,
          details: { format: input.format, days: imported.days.length, reason: input.reason, revision },
        });
      }
      return revision;
    });
  }

  async revisions(limit = 100) {
    return this.db
      .selectFrom('calendar_revisions')
      .leftJoin('users', 'users.id', 'calendar_revisions.actor_user_id')
      .select([
        'calendar_revisions.id',
        'calendar_revisions.action',
        'calendar_revisions.payload',
        'calendar_revisions.reason',
        'calendar_revisions.created_at',
        'users.username as actor',
      ])
      .orderBy('calendar_revisions.id', 'desc')
      .limit(limit)
      .execute();
  }
}

async function insertRevision(
  trx: Kysely<Database>,
  action: 'override' | 'remove-override' | 'import-year',
  payload: unknown,
  reason: string,
  actorUserId: string,
): Promise<string> {
  const row = await trx
    .insertInto('calendar_revisions')
    .values({ action, payload: JSON.stringify(payload), reason, actor_user_id: actorUserId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
