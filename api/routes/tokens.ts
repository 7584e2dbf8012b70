/**
 * Administering bearer tokens: issue one (shown once, valid for a set number of days),
 * list a user's tokens, revoke one; each issue and revocation is in the audit log
 * (api/routes/audit.ts).
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { z } from 'zod';
import { auditActor, recordAudit } from '../../db/repositories/audit';
import { issueTokenWithId } from '../../db/repositories/users';
import type { Database } from '../../db/schema';
import { ROLES } from '../../domain/roles';
import { ApiError } from '../errors';
import type { RouteTable } from '../route';
import type { User } from '../../db/repositories/users';
import { reachOf } from './administration';

const usernameParam = z.object({ username: z.string().regex(/^[a-z0-9_.-]{1,64}$/, 'must be a username') });

export function tokenRoutes(routes: RouteTable, deps: { db: Kysely<Database> }): void {
  const { db } = deps;
  /** A user of the admin's agency (any agency's for a platform admin): another agency's is not found. */
  const userByName = async (username: string, admin: User) => {
    const reach = reachOf(admin);
    const user = await db
      .selectFrom('users')
      .innerJoin('departments', 'departments.code', 'users.department_code')
      .select(['users.id', 'users.username', 'departments.agency_code'])
      .where('users.username', '=', username)
      .$if(reach !== null, (q) => q.where('departments.agency_code', '=', reach!))
      .executeTakeFirst();
    if (!user) throw new ApiError(404, 'not_found', `user ${username} not found`);
    return user;
  };

  routes.add({
    method: 'post',
    path: '/api/admin/users/:username/tokens',
    summary: '为用户签发令牌（仅此一次显示）',
    tags: ['admin'],
    roles: ['admin'],
    params: usernameParam,
    // An API key for an integration: scoped to a role and a department (by default its owner's).
    body: z.object({
      label: z.string().trim().min(1, 'is required').max(100),
      ttlDays: z.number().int().min(1).max(365).default(90),
      role: z.enum(ROLES).optional(),
      departmentCode: z
        .string()
        .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a department code')
        .optional(),
    }),
    response: {
      status: 201,
      description: 'the new token, shown only now',
      schema: z.object({ id: z.string(), token: z.string(), expiresAt: z.string(), role: z.enum(ROLES), departmentCode: z.string() }),
    },
    errors: { 404: 'no such user' },
    handler: async ({ params, body, user: admin, req }) => {
      const user = await userByName(params.username, admin!);
      const owner = await db.selectFrom('users').select(['role', 'department_code']).where('id', '=', user.id).executeTakeFirstOrThrow();
      const scope = { role: body.role ?? owner.role, departmentCode: body.departmentCode ?? owner.department_code };
      // The key acts for its owner's agency: a department of another agency is no department here.
      const department = await db
        .selectFrom('departments')
        .select('code')
        .where('code', '=', scope.departmentCode)
        .where('agency_code', '=', user.agency_code)
        .executeTakeFirst();
      if (!department) {
        throw new ApiError(400, 'validation_failed', 'invalid body: departmentCode', [
          { field: 'departmentCode', message: `no such department: ${scope.departmentCode}` },
        ]);
      }
      const issued = await issueTokenWithId(db, user.id, body.label, body.ttlDays, { ...auditActor(admin)!, ip: req.ip ?? null }, scope);
      return { id: issued.id, token: issued.token, expiresAt: issued.expiresAt.toISOString(), ...scope };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/admin/users/:username/tokens',
    summary: '用户的令牌（不含令牌本身）',
    tags: ['admin'],
    roles: ['admin'],
    params: usernameParam,
    response: { status: 200, description: 'tokens, newest first', schema: z.object({ items: z.array(z.unknown()) }) },
    errors: { 404: 'no such user' },
    handler: async ({ params, user: admin }) => {
      const user = await userByName(params.username, admin!);
      const rows = await db
        .selectFrom('api_tokens')
        .select(['id', 'label', 'role', 'department_code', 'created_at', 'expires_at', 'last_used_at', 'revoked_at'])
        .where('user_id', '=', user.id)
        .orderBy('id', 'desc')
        .execute();
      return {
        items: rows.map((t) => ({
          id: t.id,
          label: t.label,
          role: t.role,
          departmentCode: t.department_code,
          createdAt: t.created_at.toISOString(),
          expiresAt: t.expires_at.toISOString(),
          lastUsedAt: t.last_used_at?.toISOString() ?? null,
          revokedAt: t.revoked_at?.toISOString() ?? null,
        })),
      };
    },
  });

  routes.add({
    method: 'delete',
    path: '/api/admin/tokens/:id',
    summary: '吊销令牌',
    tags: ['admin'],
    roles: ['admin'],
    params: z.object({ id: z.string().regex(/^\d{1,18}$/, 'must be a token id') }),
    response: { status: 200, description: 'the token, revoked', schema: z.object({ id: z.string(), revokedAt: z.string() }) },
    errors: { 404: 'no such token' },
    handler: async ({ params, user, req }) => {
      const reach = reachOf(user!);
      const row = await db
        .updateTable('api_tokens')
        .set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` })
        .where('id', '=', params.id)
        // Another agency's key (by the department it acts for) is not found.
        .$if(reach !== null, (q) =>
          q.where('department_code', 'in', db.selectFrom('departments').select('code').where('agency_code', '=', reach!)),
        )
        .returning(['id', 'user_id', 'revoked_at', 'label'])
        .executeTakeFirst();
      if (!row) throw new ApiError(404, 'not_found', `token ${params.id} not found`);
      const owner = await db.selectFrom('users').select('username').where('id', '=', row.user_id).executeTakeFirstOrThrow();
      await recordAudit(db, {
        action: 'api-key.revoked',
        actor: auditActor(user),
        ip: req.ip ?? null,
        target: `api-key:${row.id}`,
        details: { keyOwner: owner.username, label: row.label },
      });
      return { id: row.id, revokedAt: row.revoked_at!.toISOString() };
    },
  });
}
