/** All activities, built from injected dependencies (one factory per feature). */
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { CalendarStore } from '../db/repositories/calendar';
import type { Database } from '../db/schema';
import { auditRetentionDaysFromEnv } from '../db/repositories/audit';
import { type AgencyConfig, agencyFromEnv } from '../domain/agency';
import { createApplicantMessageActivities, type MailSettings, mailSettingsFromEnv, type SmsProvider } from './applicant-messages';
import { createApplicationActivities } from './application';
import { createArchiveActivities } from './archive';
import { CaseCalendarStore, createCalendarActivities } from './calendar';
import { createDisputeActivities } from './disputes';
import { createSupervisionActivities } from './supervision';
import { createIncidentActivities } from './incidents';
import { createDocumentActivities } from './documents';
import { createTransferActivities } from './transfers';

export interface ActivityDeps {
  db: Kysely<Database>;
  calendar?: CalendarStore;
  agency?: AgencyConfig;
  /** For activities that signal workflows (the calendar broadcast). */
  temporal?: Client;
  /** Days the audit log keeps its rows; GONGKAI_AUDIT_RETENTION_DAYS (default 180, never less) by default. */
  auditRetentionDays?: number;
  /** SMTP for notices e-mailed to applicants; GONGKAI_SMTP_URL by default; null: none (e-mails stay queued). */
  mail?: MailSettings | null;
  /** The SMS provider; none: SMS stay queued. */
  sms?: SmsProvider;
}

export function createActivities(deps: ActivityDeps) {
  // Each case's clocks run on its own agency's calendar (activities/calendar.ts).
  const calendar = deps.calendar ?? new CaseCalendarStore(deps.db);
  const agency = deps.agency ?? agencyFromEnv(process.env);
  // A worker with a retention under 180 days does not start (网络安全法 第二十一条).
  const auditRetentionDays = deps.auditRetentionDays ?? auditRetentionDaysFromEnv(process.env);
  const mail = deps.mail === undefined ? mailSettingsFromEnv(process.env) : (deps.mail ?? undefined);
  const { dispatchNoticeMessages, ...messageActivities } = createApplicantMessageActivities({
    db: deps.db,
    agency,
    ...(mail ? { mail } : {}),
    ...(deps.sms ? { sms: deps.sms } : {}),
    ...(deps.temporal ? { temporal: deps.temporal } : {}),
  });
  return {
    ...createCalendarActivities({ calendar, db: deps.db, ...(deps.temporal ? { temporal: deps.temporal } : {}) }),
    ...createApplicationActivities({ db: deps.db, calendar, agency, dispatchNoticeMessages }),
    ...messageActivities,
    ...createDisputeActivities({ db: deps.db }),
    ...createSupervisionActivities({ db: deps.db, calendar, auditRetentionDays }),
    ...createIncidentActivities({ db: deps.db }),
    ...createDocumentActivities({ db: deps.db }),
    ...createArchiveActivities({ db: deps.db, ...(deps.temporal ? { temporal: deps.temporal } : {}) }),
    ...createTransferActivities({ db: deps.db, agency, ...(deps.temporal ? { temporal: deps.temporal } : {}) }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
