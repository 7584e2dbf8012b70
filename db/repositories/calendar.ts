/**
 * The admin layer of the calendar: single-day overrides and imported years, each change
 * appended to calendar_revisions so the calendar's version is its last revision number.
 *
 * An override is the platform's (agency_code null: every agency's, a platform admin's) or one
 * agency's (a local holiday, that agency's admin's); an agency's calendar is the platform's with
 * its own overrides on top, its own winning on a date both set. Imported years are the platform's.
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

/** The calendar of `agencyCode`'s cases (the platform's alone when null). */
export async function loadCalendar(db: Kysely<Database>, agencyCode: string | null = null): Promise<WorkingDayCalendar> {
  return db.transaction().execute(async (trx) => {
    // One snapshot: the revision number and the layers it describes are read together.
    await sql`set transaction isolation level repeatable read`.execute(trx);
    const revision = await latestCalendarRevision(trx);
    const rows = await trx
      .selectFrom('calendar_overrides')
      .select(['date', 'kind', 'reason', 'agency_code'])
      .where((eb) =>
        agencyCode ? eb.or([eb('agency_code', 'is', null), eb('agency_code', '=', agencyCode)]) : eb('agency_code', 'is', null),
      )
      .execute();
    // The agency's own override of a date wins over the platform's.
    const byDate = new Map<string, (typeof rows)[number]>();
    for (const row of rows) if (!byDate.has(row.date) || row.agency_code !== null) byDate.set(row.date, row);
    const overrides = [...byDate.values()].map(({ date, kind, reason }) => ({ date, kind, reason }));
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
  /** One calendar per agency ('' for the platform's), each rebuilt when a new revision appears. */
  private readonly cached = new Map<string, { revision: string | null; calendar: WorkingDayCalendar }>();

  constructor(private readonly db: Kysely<Database>) {}

  /** The calendar of `agencyCode`'s cases: the platform's with the agency's own overrides; the platform's alone without one. */
  async current(agencyCode?: string | null): Promise<WorkingDayCalendar> {
    const key = agencyCode ?? '';
    const revision = await latestCalendarRevision(this.db);
    const hit = this.cached.get(key);
    if (hit && hit.revision === revision) return hit.calendar;
    const calendar = await loadCalendar(this.db, agencyCode ?? null);
    this.cached.set(key, { revision, calendar });
    return calendar;
  }

  /** `agencyCode` null: the platform's override, every agency's (where the agency has none of its own). */
  async setOverride(
    input: { date: IsoDate; kind: DayKind; reason: string; actorUserId: string; agencyCode?: string | null },
    audit?: CalendarAudit,
  ): Promise<string> {
    const agencyCode = input.agencyCode ?? null;
    return this.db.transaction().execute(async (trx) => {
      const revision = await insertRevision(trx, 'override', { ...input, agencyCode }, input.reason, input.actorUserId);
      if (audit) {
        await recordAudit(trx, {
          action: 'admin.calendar-override-set',
          ...audit,
          agencyCode,
          target: `calendar:${input.date}`,
          details: { kind: input.kind, reason: input.reason, revision, agencyCode },
        });
      }
      const change = { kind: input.kind, reason: input.reason, revision_id: revision };
      await trx
        .insertInto('calendar_overrides')
        .values({ date: input.date, kind: input.kind, reason: input.reason, revision_id: revision, agency_code: agencyCode })
        .onConflict((oc) =>
          agencyCode === null
            ? oc.column('date').where('agency_code', 'is', null).doUpdateSet(change)
            : oc.columns(['agency_code', 'date']).where('agency_code', 'is not', null).doUpdateSet(change),
        )
        .execute();
      return revision;
    });
  }

  /** Returns null when the date had no override of that owner (nothing is recorded then). */
  async removeOverride(
    input: { date: IsoDate; reason: string; actorUserId: string; agencyCode?: string | null },
    audit?: CalendarAudit,
  ): Promise<string | null> {
    const agencyCode = input.agencyCode ?? null;
    return this.db.transaction().execute(async (trx) => {
      const removed = await trx
        .deleteFrom('calendar_overrides')
        .where('date', '=', input.date)
        .where((eb) => (agencyCode === null ? eb('agency_code', 'is', null) : eb('agency_code', '=', agencyCode)))
        .executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) return null;
      const revision = await insertRevision(trx, 'remove-override', { date: input.date, agencyCode }, input.reason, input.actorUserId);
      if (audit) {
        await recordAudit(trx, {
          action: 'admin.calendar-override-removed',
          ...audit,
          agencyCode,
          target: `calendar:${input.date}`,
          details: { reason: input.reason, revision, agencyCode },
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
          agencyCode: null, // a year is the platform's
          target: `calendar:${imported.year}`,
          details: { format: input.format, days: imported.days.length, reason: input.reason, revision },
        });
      }
      return revision;
    });
  }

  /** The changes `agencyCode`'s calendar is made of (the platform's and its own), or every change when null. */
  async revisions(limit = 100, agencyCode: string | null = null) {
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
      .$if(agencyCode !== null, (q) =>
        q.where((eb) =>
          eb.or([
            eb(sql`calendar_revisions.payload->>'agencyCode'`, 'is', null),
            eb(sql`calendar_revisions.payload->>'agencyCode'`, '=', agencyCode),
          ]),
        ),
      )
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
