/** Users, departments and bearer tokens. */
import { createHash, randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { type Role, ROLES } from '../../domain/roles';
import type { Database } from '../schema';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  departmentCode: string;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The user a live token belongs to, or null (unknown, revoked, or user deactivated). */
export async function findUserByToken(db: Kysely<Database>, token: string): Promise<User | null> {
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(['users.id', 'users.username', 'users.display_name', 'users.role', 'users.department_code', 'api_tokens.id as token_id'])
    .where('api_tokens.token_sha256', '=', hashToken(token))
    .where('api_tokens.revoked_at', 'is', null)
    .where('users.active', '=', true)
    .executeTakeFirst();
  if (!row) return null;
  return { id: row.id, username: row.username, displayName: row.display_name, role: row.role, departmentCode: row.department_code };
}

/** Issues a new random token for a user; only its hash is stored. */
export async function issueToken(db: Kysely<Database>, userId: string, label: string): Promise<string> {
  const token = `gk_${randomBytes(24).toString('base64url')}`;
  await db.insertInto('api_tokens').values({ user_id: userId, token_sha256: hashToken(token), label }).execute();
  return token;
}

export const DEMO_DEPARTMENTS = [
  { code: 'gkb', name: '政务公开办公室' },
  { code: 'yjglk', name: '应急管理科' },
  { code: 'bmk', name: '保密办' },
  { code: 'ldbgs', name: '局领导办公室' },
  { code: 'dcs', name: '督查室' },
  { code: 'xxzx', name: '信息中心' },
] as const;

export const DEMO_USERS: ReadonlyArray<{ username: string; displayName: string; role: Role; departmentCode: string }> = [
  { username: 'clerk', displayName: '王受理', role: 'clerk', departmentCode: 'gkb' },
  { username: 'department', displayName: '李承办', role: 'department', departmentCode: 'yjglk' },
  { username: 'reviewer', displayName: '张审核', role: 'reviewer', departmentCode: 'bmk' },
  { username: 'leader', displayName: '赵分管', role: 'leader', departmentCode: 'ldbgs' },
  { username: 'supervisor', displayName: '陈督办', role: 'supervisor', departmentCode: 'dcs' },
  { username: 'admin', displayName: '刘管理', role: 'admin', departmentCode: 'xxzx' },
];

/**
 * Creates the demo departments and one user per role; idempotent.
 * Returns username → id and role.
 */
export async function seedDemoUsers(db: Kysely<Database>): Promise<Record<string, { id: string; role: Role }>> {
  await db.insertInto('departments').values([...DEMO_DEPARTMENTS]).onConflict((oc) => oc.column('code').doNothing()).execute();
  const result: Record<string, { id: string; role: Role }> = {};
  for (const user of DEMO_USERS) {
    const row = await db
      .insertInto('users')
      .values({ username: user.username, display_name: user.displayName, role: user.role, department_code: user.departmentCode })
      .onConflict((oc) => oc.column('username').doUpdateSet({ username: sql`excluded.username` }))
      .returning(['id', 'role'])
      .executeTakeFirstOrThrow();
    result[user.username] = { id: row.id, role: row.role };
  }
  if (Object.keys(result).length !== ROLES.length) throw new Error('demo users must cover every role');
  return result;
}
