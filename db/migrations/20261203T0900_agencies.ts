/**
 * One platform, many agencies (issue 20). The single `agency_settings` row becomes the first
 * row of `agencies`; every agency has its own departments (and through them its users and API
 * keys), calendar overrides, seal and numbering series (`sequences` was keyed by agency from the
 * start).
 *
 * - `agencies`: what `agency_settings` held, keyed by the agency code. The first row is today's
 *   agency: the stored settings, or (a database that never stored them) the deployment's
 *   GONGKAI_AGENCY_* configuration, so every department has an agency to belong to.
 * - departments belong to an agency (codes stay unique on the platform: a user's department
 *   names their agency; 索引号 department numbers are unique within an agency). Users get
 *   `platform`: a platform admin manages agencies, a platform supervisor (the city's 政务公开办)
 *   sees every agency's clocks and reports. Today's admins become platform admins.
 * - calendar overrides may be an agency's own (a local holiday) or, with no agency, every
 *   agency's; an agency's override wins over the platform's for its cases.
 * - audit rows name the agency they concern (null: the platform's own, or an unknown caller).
 * - `case_agencies` lists every case's workflow id with its agency, so clocks and notices
 *   (keyed by workflow id) are scoped without copying the agency into each of their rows.
 * - applications carry a hand-over (§36(五)): the case it was transferred from or to.
 * - a 索引号 is unique within its agency's catalogue: two agencies of one region each number
 *   their 002 department's documents, so each may have `331003-002-02-2026-00001`.
 */
import { type Kysely, sql } from 'kysely';
import { agencyFromEnv } from '../../domain/agency';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('agencies')
    .addColumn('code', 'text', (col) => col.primaryKey().check(sql`code ~ '^[a-z][a-z0-9-]{0,31}$'`))
    .addColumn('name', 'text', (col) =>
      col
        .notNull()
        .unique()
        .check(sql`length(trim(name)) > 0`),
    )
    .addColumn('short_name', 'text', (col) => col.notNull().check(sql`length(trim(short_name)) > 0`))
    .addColumn('region_code', 'text', (col) => col.check(sql`region_code ~ '^[0-9]{6}$'`))
    .addColumn('default_rule_profile_id', 'text', (col) => col.notNull())
    .addColumn('office_department_code', 'text', (col) => col.references('departments.code'))
    .addColumn('seal_png', 'bytea')
    .addColumn('seal_sha256', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'bigint', (col) => col.references('users.id'))
    .execute();

  const stored = await sql<{ code: string }>`select code from agency_settings`.execute(db);
  if (stored.rows.length > 0) {
    await sql`insert into agencies (code, name, short_name, region_code, default_rule_profile_id, office_department_code,
                                    seal_png, seal_sha256, updated_at, updated_by)
              select code, name, short_name, region_code, default_rule_profile_id, office_department_code,
                     seal_png, seal_sha256, updated_at, updated_by from agency_settings`.execute(db);
  } else {
    const seed = agencyFromEnv(process.env);
    await sql`insert into agencies (code, name, short_name, default_rule_profile_id, office_department_code)
              values (${seed.code}, ${seed.name}, ${seed.shortName}, ${seed.defaultRuleProfileId},
                      (select code from departments where code = ${seed.officeDepartmentCode ?? null}))`.execute(db);
  }
  const first = stored.rows[0]?.code ?? agencyFromEnv(process.env).code;

  await db.schema
    .alterTable('departments')
    .addColumn('agency_code', 'text', (col) => col.references('agencies.code'))
    .execute();
  await sql`update departments set agency_code = ${first}`.execute(db);
  await sql`alter table departments alter column agency_code set not null`.execute(db);
  await db.schema.createIndex('departments_agency').on('departments').column('agency_code').execute();
  // 索引号 部门编号 number the departments of one agency: two agencies each have their 001.
  await sql`alter table departments drop constraint departments_index_code_key`.execute(db);
  await sql`alter table departments add constraint departments_agency_index_code_key unique (agency_code, index_code)`.execute(db);

  await db.schema
    .alterTable('users')
    .addColumn('platform', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute();
  // The single agency's admins administered what is now the platform's (the national calendar,
  // single sign-on): they keep it. Supervisors stay their agency's.
  await sql`update users set platform = true where role = 'admin'`.execute(db);

  await db.schema
    .alterTable('calendar_overrides')
    .addColumn('agency_code', 'text', (col) => col.references('agencies.code'))
    .execute();
  await sql`alter table calendar_overrides drop constraint calendar_overrides_pkey`.execute(db);
  await sql`create unique index calendar_overrides_platform_date on calendar_overrides (date) where agency_code is null`.execute(db);
  await sql`create unique index calendar_overrides_agency_date on calendar_overrides (agency_code, date) where agency_code is not null`.execute(
    db,
  );

  await db.schema.alterTable('audit_log').addColumn('agency_code', 'text').execute();
  // The rows of known users were this agency's (the log is append-only: its guard steps aside for this one update).
  await sql`alter table audit_log disable trigger audit_log_append_only`.execute(db);
  await sql`update audit_log set agency_code = ${first} where actor_user_id is not null`.execute(db);
  await sql`alter table audit_log enable trigger audit_log_append_only`.execute(db);
  await db.schema.createIndex('audit_log_agency_at').on('audit_log').columns(['agency_code', 'at']).execute();

  await db.schema
    .alterTable('applications')
    .addColumn('transferred_from', 'text', (col) => col.references('applications.case_no'))
    // No reference: the sending case keeps the number it drew before the receiving case is registered.
    .addColumn('transferred_to', 'text')
    .execute();
  await db.schema.createIndex('applications_agency_created').on('applications').columns(['agency_code', 'created_at']).execute();

  await sql`create view case_agencies as
              select workflow_id, agency_code, 'application' as case_kind, case_no as case_id from applications
    union all select workflow_id, agency_code, 'dispute', dispute_no from disputes
    union all select workflow_id, agency_code, 'incident', id from incidents
    union all select workflow_id, agency_code, 'message', id from citizen_messages
    union all select workflow_id, agency_code, 'document', doc_id from documents`.execute(db);

  await sql`alter table document_catalogue drop constraint document_catalogue_pkey`.execute(db);
  await sql`alter table document_catalogue add primary key (agency_code, index_no)`.execute(db);
  await sql`alter table document_catalogue drop constraint document_catalogue_sequence`.execute(db);
  await sql`alter table document_catalogue add constraint document_catalogue_sequence
              unique (agency_code, region_code, department_code, category, year, sequence)`.execute(db);

  await db.schema.dropTable('agency_settings').execute();
}

/** Back to one agency: refused once a second agency (or a hand-over between two) exists. */
export async function down(db: Kysely<any>): Promise<void> {
  const agencies = await sql<{ code: string }>`select code from agencies order by created_at, code`.execute(db);
  if (agencies.rows.length > 1) throw new Error('20261203T0900_agencies: more than one agency; a single-agency schema cannot hold them');
  await sql`drop view case_agencies`.execute(db);
  await sql`alter table document_catalogue drop constraint document_catalogue_pkey`.execute(db);
  await sql`alter table document_catalogue add primary key (index_no)`.execute(db);
  await sql`alter table document_catalogue drop constraint document_catalogue_sequence`.execute(db);
  await sql`alter table document_catalogue add constraint document_catalogue_sequence
              unique (region_code, department_code, category, year, sequence)`.execute(db);
  await db.schema.dropIndex('applications_agency_created').execute();
  await db.schema.alterTable('applications').dropColumn('transferred_from').dropColumn('transferred_to').execute();
  await db.schema.dropIndex('audit_log_agency_at').execute();
  await db.schema.alterTable('audit_log').dropColumn('agency_code').execute();
  // The agency's own override of a day wins, as it did for the agency's cases.
  await sql`delete from calendar_overrides p where p.agency_code is null
              and exists (select 1 from calendar_overrides a where a.agency_code is not null and a.date = p.date)`.execute(db);
  await sql`drop index calendar_overrides_platform_date`.execute(db);
  await sql`drop index calendar_overrides_agency_date`.execute(db);
  await db.schema.alterTable('calendar_overrides').dropColumn('agency_code').execute();
  await sql`alter table calendar_overrides add primary key (date)`.execute(db);
  await db.schema.alterTable('users').dropColumn('platform').execute();
  await db.schema.dropIndex('departments_agency').execute();
  await sql`alter table departments drop constraint departments_agency_index_code_key`.execute(db);
  await sql`alter table departments add constraint departments_index_code_key unique (index_code)`.execute(db);
  await db.schema.alterTable('departments').dropColumn('agency_code').execute();
  await sql`create table agency_settings (
    id boolean primary key default true check (id),
    code text not null,
    name text not null check (length(trim(name)) > 0),
    short_name text not null check (length(trim(short_name)) > 0),
    region_code text check (region_code ~ '^[0-9]{6}$'),
    default_rule_profile_id text not null,
    updated_at timestamptz not null default now(),
    updated_by bigint references users (id),
    office_department_code text references departments (code),
    seal_png bytea,
    seal_sha256 text)`.execute(db);
  await sql`insert into agency_settings (code, name, short_name, region_code, default_rule_profile_id, updated_at, updated_by,
                                         office_department_code, seal_png, seal_sha256)
            select code, name, short_name, region_code, default_rule_profile_id, updated_at, updated_by,
                   office_department_code, seal_png, seal_sha256 from agencies`.execute(db);
  await db.schema.dropTable('agencies').execute();
}
