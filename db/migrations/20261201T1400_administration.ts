/**
 * Administration (issue 16): what an admin sets lives in the database, not in code or env.
 *
 * - `agency_settings`, one row: name, short name, 索引号 region code (null: the region of
 *   the document's rule profile, as before), default rule profile. The row is written on
 *   first start from the deployment's configuration (db/repositories/agency.ts), so the
 *   GONGKAI_AGENCY_* variables only seed it.
 * - departments get their 索引号 department number (`index_code`, until now a table in
 *   domain/documents/catalogue.ts) and a head (a user); every department code a case, clock
 *   or document already uses becomes a department row, named when the code is one the demo
 *   and the old table knew.
 * - users get the 科室负责人 flag. Until now whoever had the department or leader role in a
 *   department read its `department-head:` notifications; those users carry the flag forward.
 * - api tokens become API keys scoped to a role and a department (carried forward from their
 *   user's) and name who issued them.
 */
import { type Kysely, sql } from 'kysely';

/** The department codes known before this migration, with their names and 索引号 numbers (frozen copy). */
const KNOWN_DEPARTMENTS: ReadonlyArray<{ code: string; name: string; indexCode: string }> = [
  { code: 'gkb', name: '政务公开办公室', indexCode: '001' },
  { code: 'yjglk', name: '应急管理科', indexCode: '002' },
  { code: 'bmk', name: '保密办', indexCode: '003' },
  { code: 'ldbgs', name: '局领导办公室', indexCode: '004' },
  { code: 'dcs', name: '督查室', indexCode: '005' },
  { code: 'xxzx', name: '信息中心', indexCode: '006' },
];

/** Every place a department code was written before departments were administered. */
const DEPARTMENT_CODE_SOURCES: ReadonlyArray<[table: string, column: string]> = [
  ['applications', 'department_code'],
  ['disputes', 'department_code'],
  ['incidents', 'department_code'],
  ['citizen_messages', 'department_code'],
  ['citizen_messages', 'complained_department_code'],
  ['documents', 'issuing_department'],
  ['document_catalogue', 'responsible_department'],
  ['case_clocks', 'department_code'],
];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('agency_settings')
    .addColumn('id', 'boolean', (col) =>
      col
        .primaryKey()
        .defaultTo(true)
        .check(sql`id`),
    )
    /** Numbering series key (case numbers, counters): set once, not editable. */
    .addColumn('code', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull().check(sql`length(trim(name)) > 0`))
    .addColumn('short_name', 'text', (col) => col.notNull().check(sql`length(trim(short_name)) > 0`))
    .addColumn('region_code', 'text', (col) => col.check(sql`region_code ~ '^[0-9]{6}$'`))
    .addColumn('default_rule_profile_id', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'bigint', (col) => col.references('users.id'))
    .execute();

  await db.schema
    .alterTable('departments')
    .addColumn('index_code', 'text', (col) => col.unique().check(sql`index_code ~ '^[0-9]{3}$'`))
    .addColumn('head_user_id', 'bigint', (col) => col.references('users.id'))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  const known = sql.join(KNOWN_DEPARTMENTS.map((d) => sql`(${d.code}, ${d.name}, ${d.indexCode})`));
  const used = sql.join(
    DEPARTMENT_CODE_SOURCES.map(
      ([table, column]) => sql`select ${sql.ref(column)} as code from ${sql.table(table)} where ${sql.ref(column)} is not null`,
    ),
    sql` union `,
  );
  await sql`
    insert into departments (code, name)
    select u.code, coalesce(k.name, u.code)
    from (${used}) u left join (values ${known}) as k(code, name, index_code) on k.code = u.code
    on conflict (code) do nothing`.execute(db);
  await sql`
    update departments d set index_code = k.index_code
    from (values ${known}) as k(code, name, index_code)
    where d.code = k.code and d.index_code is null
      and not exists (select 1 from departments o where o.index_code = k.index_code)`.execute(db);

  await db.schema
    .alterTable('users')
    .addColumn('is_department_head', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute();
  await sql`update users set is_department_head = true where role in ('department', 'leader')`.execute(db);

  await db.schema
    .alterTable('api_tokens')
    .addColumn('role', 'text', (col) => col.check(sql`role in ('clerk','department','reviewer','leader','supervisor','admin')`))
    .addColumn('department_code', 'text', (col) => col.references('departments.code'))
    .addColumn('issued_by', 'bigint', (col) => col.references('users.id'))
    .execute();
  await sql`update api_tokens t set role = u.role, department_code = u.department_code from users u where u.id = t.user_id`.execute(db);
  await sql`alter table api_tokens alter column role set not null, alter column department_code set not null`.execute(db);
  // A key issued without a scope takes its owner's role and department.
  await sql`
    create function api_tokens_default_scope() returns trigger language plpgsql as $$
    begin
      if new.role is null or new.department_code is null then
        select coalesce(new.role, u.role), coalesce(new.department_code, u.department_code) into new.role, new.department_code
        from users u where u.id = new.user_id;
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger api_tokens_default_scope before insert on api_tokens for each row execute function api_tokens_default_scope()`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger api_tokens_default_scope on api_tokens`.execute(db);
  await sql`drop function api_tokens_default_scope()`.execute(db);
  await db.schema.alterTable('api_tokens').dropColumn('issued_by').dropColumn('department_code').dropColumn('role').execute();
  await db.schema.alterTable('users').dropColumn('is_department_head').execute();
  // Department rows stay: the table existed before, and users may now belong to new ones.
  await db.schema.alterTable('departments').dropColumn('updated_at').dropColumn('head_user_id').dropColumn('index_code').execute();
  await db.schema.dropTable('agency_settings').execute();
}
