/**
 * The security audit log (等保 2.0 安全审计; 网络安全法 第二十一条: kept at least six months):
 * sign-ins and their failures, lockouts, sign-outs, administrators' changes, API-key use and
 * every read of an applicant's personal data, in one append-only table.
 *
 * It absorbs `auth_events` (token issue, revocation, first use after an idle hour, refusals):
 * those rows are carried forward as `api-key.*` actions and the old table is dropped, so an
 * auditor has one place to look.
 *
 * Append-only is enforced by the database: UPDATE and TRUNCATE are always refused. DELETE is
 * refused too, except inside `purge_audit_log(retention_days)`, the retention purge: it
 * refuses a retention under 180 days, sets a transaction-local cutoff the trigger checks,
 * deletes only rows older than the cutoff and, when it removed any, appends an
 * `audit.purged` row saying how many, from when to when, under which retention. Even a session that sets the cutoff by hand cannot delete a row younger than
 * 180 days: the trigger checks the floor itself.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    /** Dotted, lower case: `auth.sign-in`, `api-key.used`, `personal-data.read`, `user.created`… */
    .addColumn('action', 'text', (col) => col.notNull().check(sql`action ~ '^[a-z][a-z0-9-]*(\\.[a-z0-9-]+)+$'`))
    // The actor as they were at the time (a user renamed or re-roled later stays as they were).
    .addColumn('actor_user_id', 'bigint')
    .addColumn('actor_username', 'text')
    .addColumn('actor_role', 'text')
    .addColumn('ip', 'text')
    /** What was acted on, `kind:id`: `case:2026-000123`, `user:clerk`, `api-key:12`, `department:gkb`. */
    .addColumn('target', 'text')
    .addColumn('details', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
  await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor_username', 'at']).execute();
  await db.schema.createIndex('audit_log_action').on('audit_log').columns(['action', 'at']).execute();
  await db.schema.createIndex('audit_log_target').on('audit_log').columns(['target', 'at']).execute();

  await sql`
    create function audit_log_guard() returns trigger language plpgsql as $$
    declare
      cutoff timestamptz := nullif(current_setting('gongkai.audit_purge_before', true), '')::timestamptz;
    begin
      if tg_op = 'DELETE' and cutoff is not null and cutoff <= now() - interval '180 days' and old.at < cutoff then
        return old;
      end if;
      raise exception 'audit_log is append-only (% refused; old rows go only through purge_audit_log)', tg_op
        using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function audit_log_guard()`.execute(db);
  await sql`
    create function refuse_audit_truncate() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only (TRUNCATE refused)' using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function refuse_audit_truncate()`.execute(db);

  await sql`
    create function purge_audit_log(retention_days integer) returns bigint language plpgsql as $$
    declare
      cutoff timestamptz;
      purged bigint;
      oldest timestamptz;
      newest timestamptz;
    begin
      if retention_days is null or retention_days < 180 then
        raise exception 'audit retention must be at least 180 days (got %)', retention_days using errcode = 'invalid_parameter_value';
      end if;
      cutoff := now() - make_interval(days => retention_days);
      perform set_config('gongkai.audit_purge_before', cutoff::text, true);
      with gone as (delete from audit_log where at < cutoff returning at)
        select count(*), min(at), max(at) into purged, oldest, newest from gone;
      perform set_config('gongkai.audit_purge_before', '', true);
      if purged > 0 then
        insert into audit_log (action, details) values ('audit.purged', jsonb_build_object(
          'retentionDays', retention_days, 'before', cutoff, 'purged', purged, 'oldest', oldest, 'newest', newest));
      end if;
      return purged;
    end $$`.execute(db);

  // auth_events carried forward: the same facts, under the audit log's names.
  await sql`
    insert into audit_log (at, action, actor_user_id, actor_username, actor_role, ip, target, details)
    select e.at,
      case e.event when 'token-issued' then 'api-key.issued' when 'token-revoked' then 'api-key.revoked'
        when 'authenticated' then 'api-key.used' else 'api-key.rejected' end,
      case when e.event = 'authenticated' then u.id end,
      case when e.event = 'authenticated' then u.username when e.event = 'token-revoked' and e.reason like 'by %' then substr(e.reason, 4) end,
      case when e.event = 'authenticated' then u.role end,
      e.ip,
      case when e.token_id is not null then 'api-key:' || e.token_id end,
      jsonb_strip_nulls(jsonb_build_object(
        'keyOwner', u.username,
        'label', case when e.event = 'token-issued' then e.reason end,
        'reason', case when e.event = 'rejected' then e.reason end,
        'method', e.method, 'path', e.path, 'authEventId', e.id))
    from auth_events e left join users u on u.id = e.user_id
    order by e.id`.execute(db);
  await db.schema.dropTable('auth_events').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('auth_events')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('event', 'text', (col) => col.notNull().check(sql`event in ('token-issued', 'token-revoked', 'authenticated', 'rejected')`))
    .addColumn('user_id', 'bigint', (col) => col.references('users.id'))
    .addColumn('token_id', 'bigint', (col) => col.references('api_tokens.id'))
    .addColumn('reason', 'text')
    .addColumn('ip', 'text')
    .addColumn('method', 'text')
    .addColumn('path', 'text')
    .execute();
  await db.schema.createIndex('auth_events_at').on('auth_events').column('at').execute();
  await sql`
    insert into auth_events (at, event, user_id, token_id, reason, ip, method, path)
    select a.at,
      case a.action when 'api-key.issued' then 'token-issued' when 'api-key.revoked' then 'token-revoked'
        when 'api-key.used' then 'authenticated' else 'rejected' end,
      u.id, t.id,
      case a.action when 'api-key.issued' then a.details->>'label' when 'api-key.revoked' then 'by ' || a.actor_username
        when 'api-key.rejected' then a.details->>'reason' end,
      a.ip, a.details->>'method', a.details->>'path'
    from audit_log a
      left join users u on u.username = a.details->>'keyOwner'
      left join api_tokens t on 'api-key:' || t.id = a.target
    where a.action in ('api-key.issued', 'api-key.revoked', 'api-key.used', 'api-key.rejected')
    order by a.id`.execute(db);
  await db.schema.dropTable('audit_log').execute();
  await sql`drop function purge_audit_log(integer)`.execute(db);
  await sql`drop function refuse_audit_truncate()`.execute(db);
  await sql`drop function audit_log_guard()`.execute(db);
}
