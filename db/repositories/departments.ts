/**
 * Departments as an admin keeps them (name, 索引号 number, head) and the escalation ladder's
 * department head resolved to people: the department's head user and every active user of
 * the department with the 科室负责人 flag.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../schema';

type Db = Kysely<Database> | Transaction<Database>;

export interface Department {
  code: string;
  name: string;
  indexCode: string | null;
  agencyCode: string;
  head: { username: string; displayName: string } | null;
  createdAt: string;
  updatedAt: string;
}

function departmentQuery(db: Db) {
  return db
    .selectFrom('departments')
    .leftJoin('users as head', 'head.id', 'departments.head_user_id')
    .select([
      'departments.code',
      'departments.name',
      'departments.index_code',
      'departments.created_at',
      'departments.updated_at',
      'departments.agency_code',
      'head.username as head_username',
      'head.display_name as head_display_name',
    ]);
}

type DepartmentRow = {
  code: string;
  name: string;
  index_code: string | null;
  created_at: Date;
  updated_at: Date;
  agency_code: string;
  head_username: string | null;
  head_display_name: string | null;
};

function toDepartment(row: DepartmentRow): Department {
  return {
    code: row.code,
    name: row.name,
    indexCode: row.index_code,
    agencyCode: row.agency_code,
    head: row.head_username ? { username: row.head_username, displayName: row.head_display_name! } : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** An agency's departments (every agency's when `agencyCode` is null: the platform's own view). */
export async function listDepartments(db: Db, agencyCode: string | null): Promise<Department[]> {
  let q = departmentQuery(db);
  if (agencyCode !== null) q = q.where('departments.agency_code', '=', agencyCode);
  return (
    await q
      .orderBy('departments.index_code', (ob) => ob.asc().nullsLast())
      .orderBy('departments.code')
      .execute()
  ).map(toDepartment);
}

/** A department of `agencyCode` (of any agency when null): another agency's is not found, as one that does not exist. */
export async function findDepartment(db: Db, code: string, agencyCode?: string | null): Promise<Department | null> {
  let q = departmentQuery(db).where('departments.code', '=', code);
  if (agencyCode) q = q.where('departments.agency_code', '=', agencyCode);
  const row = await q.executeTakeFirst();
  return row ? toDepartment(row) : null;
}

/** The 索引号 部门编号 of a department, or null when it has none (or no such department). */
export async function departmentIndexCode(db: Db, code: string): Promise<string | null> {
  const row = await db.selectFrom('departments').select('index_code').where('code', '=', code).executeTakeFirst();
  return row?.index_code ?? null;
}

/** The usernames `department-head:<code>` reaches: the department's head and its flagged 科室负责人, active only. */
export async function departmentHeads(db: Db, code: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('username')
    .where('active', '=', true)
    .where((eb) =>
      eb.or([
        eb('id', '=', eb.selectFrom('departments').select('head_user_id').where('code', '=', code)),
        eb.and([eb('is_department_head', '=', true), eb('department_code', '=', code)]),
      ]),
    )
    .orderBy('username')
    .execute();
  return rows.map((r) => r.username);
}

/** The departments a user heads: the ones naming them head, and their own when flagged 科室负责人. */
export async function departmentsHeadedBy(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('departments')
    .select('code')
    .where((eb) =>
      eb.or([
        eb('head_user_id', '=', userId),
        eb('code', '=', eb.selectFrom('users').select('department_code').where('id', '=', userId).where('is_department_head', '=', true)),
      ]),
    )
    .execute();
  return rows.map((r) => r.code).sort();
}

/** Code → name of every department, for lists that show names. */
export async function departmentNames(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom('departments').select(['code', 'name']).execute();
  return new Map(rows.map((r) => [r.code, r.name]));
}

/** Where a department is still referenced: a department in use is never deleted. */
export async function departmentUses(db: Db, code: string): Promise<string[]> {
  const sources: Array<[string, string, string]> = [
    ['users', 'department_code', '用户'],
    ['api_tokens', 'department_code', 'API 密钥'],
    ['applications', 'department_code', '依申请案件'],
    ['disputes', 'department_code', '行政争议'],
    ['incidents', 'department_code', '舆情'],
    ['citizen_messages', 'department_code', '留言'],
    ['citizen_messages', 'complained_department_code', '留言（被投诉单位）'],
    ['documents', 'issuing_department', '公文'],
    ['case_clocks', 'department_code', '办理期限'],
    ['agencies', 'office_department_code', '政务公开工作机构设置'],
  ];
  const uses: string[] = [];
  for (const [table, column, label] of sources) {
    const found = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where ${sql.ref(column)} = ${code}`.execute(db);
    const n = Number(found.rows[0]?.n ?? 0);
    if (n > 0) uses.push(`${label} ${n}`);
  }
  return uses;
}
