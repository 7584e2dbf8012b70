/**
 * Administration: the agency's settings, departments (name, 索引号 number, head), users
 * (create with a temporary password, change role, department and the 科室负责人 flag,
 * disable and enable, reset the password) and the list of API keys. Every change is one
 * transaction with its audit row; a duplicate code, index code or username is a 409.
 */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { type Kysely, sql, type Transaction } from 'kysely';
import { z } from 'zod';
import type { AgencyStore } from '../../db/repositories/agency';
import { createAgency, listAgencies, loadAgency, loadAgencySeal, setAgencySeal, updateAgencySettings } from '../../db/repositories/agency';
import { auditActor, recordAudit } from '../../db/repositories/audit';
import { departmentUses, findDepartment, listDepartments } from '../../db/repositories/departments';
import { revokeUserSessions } from '../../db/repositories/sessions';
import type { Database } from '../../db/schema';
import { ROLES } from '../../domain/roles';
import { findRuleProfile } from '../../domain/rulesets';
import { generatePassword, hashPassword } from '../identity/passwords';
import { renderSealProbe } from '../../activities/notice-pdf';
import { ApiError } from '../errors';
import type { RouteTable } from '../route';
import type { User } from '../../db/repositories/users';
import { AGENCY_CODE } from '../../domain/agency';

const departmentCode = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be 1–32 lower-case letters, digits, - or _, starting with a letter');
const indexCode = z.string().regex(/^\d{3}$/, 'must be three digits (索引号 部门编号)');
const username = z.string().regex(/^[a-z0-9_.-]{1,64}$/, 'must be 1–64 lower-case letters, digits, ., - or _');
const name = (max: number) => z.string().trim().min(1, 'is required').max(max);
const role = z.enum(ROLES);
const agencyCode = z.string().regex(AGENCY_CODE, 'must be an agency code: 1–32 lower-case letters, digits or -, starting with a letter');

/** The agency a list shows: the caller's own; a platform admin may name another. */
function listedAgency(user: User, asked: string | undefined): string {
  if (!asked || asked === user.agencyCode) return user.agencyCode;
  if (!user.platform) throw forbidden(`an agency's admin sees only their own agency (${user.agencyCode})`);
  return asked;
}

const departmentSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    indexCode: z.string().nullable(),
    agencyCode: z.string(),
    head: z.object({ username: z.string(), displayName: z.string() }).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Department');

/** The seal is a small image: a PNG up to this size. */
const SEAL_MAX_BYTES = 512 * 1024;
const sealSchema = z.object({ sha256: z.string(), bytes: z.number().int() });
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The request's raw body (express.json leaves a PNG unread), refused past `limit` bytes. */
async function readBody(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new ApiError(413, 'payload_too_large', `the seal must be at most ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new ApiError(413, 'payload_too_large', `the seal must be at most ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A PNG by its content (signature, IHDR first), and one the PDF renderer can embed. */
async function checkSealPng(png: Buffer): Promise<void> {
  const bad = (message: string) => new ApiError(400, 'validation_failed', `invalid body: ${message}`, [{ field: 'body', message }]);
  if (png.length < 33 || !png.subarray(0, 8).equals(PNG_SIGNATURE) || png.subarray(12, 16).toString('latin1') !== 'IHDR')
    throw bad('must be a PNG image');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  if (width < 1 || height < 1 || width > 4096 || height > 4096) throw bad('must be at most 4096×4096 pixels');
  try {
    await renderSealProbe(png);
  } catch {
    throw bad('must be a PNG image the PDF renderer can read');
  }
}

const agencySchema = z
  .object({
    code: z.string(),
    name: z.string(),
    shortName: z.string(),
    regionCode: z.string().nullable(),
    defaultRuleProfileId: z.string(),
    officeDepartmentCode: z.string().nullable(),
    updatedAt: z.string(),
    updatedBy: z.string().nullable(),
  })
  .openapi('AgencySettings');

const userSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role,
    departmentCode: z.string(),
    departmentName: z.string(),
    departmentHead: z.boolean(),
    agencyCode: z.string(),
    platform: z.boolean(),
    active: z.boolean(),
    mustChangePassword: z.boolean(),
    hasPassword: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('AdminUser');

type Db = Kysely<Database> | Transaction<Database>;

/** The PostgreSQL unique violation of `constraint`, as a 409 naming `field`. */
function duplicate(error: unknown, constraints: Record<string, { field: string; message: string }>): ApiError | null {
  const e = error as { code?: string; constraint?: string };
  if (e?.code !== '23505' || !e.constraint) return null;
  const known = constraints[e.constraint];
  return known ? new ApiError(409, 'conflict', known.message, [{ field: known.field, message: known.message }]) : null;
}

/**
 * The agency an admin's lookups are confined to: their own; a platform admin's reach every agency
 * (null). Another agency's department, user or key is then not found, as one that does not exist.
 */
export const reachOf = (user: User): string | null => (user.platform ? null : user.agencyCode);

function forbidden(message: string): ApiError {
  return new ApiError(403, 'forbidden', message);
}

/** A user's row with their department's agency; with `agency`, only that agency's users. */
async function userRow(db: Db, name: string, agency: string | null) {
  let q = userQuery(db).where('users.username', '=', name);
  if (agency !== null) q = q.where('departments.agency_code', '=', agency);
  return q.executeTakeFirst();
}

function userQuery(db: Db) {
  return db
    .selectFrom('users')
    .innerJoin('departments', 'departments.code', 'users.department_code')
    .select([
      'users.id',
      'users.username',
      'users.display_name',
      'users.role',
      'users.department_code',
      'departments.name as department_name',
      'users.is_department_head',
      'departments.agency_code',
      'users.platform',
      'users.active',
      'users.must_change_password',
      'users.password_hash',
      'users.created_at',
    ]);
}

function userView(row: NonNullable<Awaited<ReturnType<typeof userRow>>>): z.infer<typeof userSchema> {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    departmentCode: row.department_code,
    departmentName: row.department_name,
    departmentHead: row.is_department_head,
    agencyCode: row.agency_code,
    platform: row.platform,
    active: row.active,
    mustChangePassword: row.must_change_password,
    hasPassword: row.password_hash !== null,
    createdAt: row.created_at.toISOString(),
  };
}

async function requireUser(db: Db, name: string, agency: string | null) {
  const row = await userRow(db, name, agency);
  if (!row) throw new ApiError(404, 'not_found', `user ${name} not found`);
  return row;
}

/** A department named in a body, of `agency` (any agency's when null); returns the department's agency. */
async function requireDepartment(db: Db, code: string, field: string, agency: string | null): Promise<string> {
  let q = db.selectFrom('departments').select(['code', 'agency_code']).where('code', '=', code);
  if (agency !== null) q = q.where('agency_code', '=', agency);
  const row = await q.executeTakeFirst();
  if (!row) throw new ApiError(400, 'validation_failed', `invalid body: ${field}`, [{ field, message: `no such department: ${code}` }]);
  return row.agency_code;
}

/** A user named in a body, of `agency` (a department's head is one of its agency's users). */
async function userIdOf(db: Db, name: string, field: string, agency: string): Promise<string> {
  const row = await db
    .selectFrom('users')
    .innerJoin('departments', 'departments.code', 'users.department_code')
    .select('users.id')
    .where('users.username', '=', name)
    .where('departments.agency_code', '=', agency)
    .executeTakeFirst();
  if (!row) throw new ApiError(400, 'validation_failed', `invalid body: ${field}`, [{ field, message: `no such user: ${name}` }]);
  return row.id;
}

const DEPARTMENT_DUPLICATES = {
  departments_pkey: { field: 'code', message: 'a department with this code already exists' },
  departments_agency_index_code_key: { field: 'indexCode', message: 'another department of the agency already has this 索引号 number' },
};

export function administrationRoutes(routes: RouteTable, deps: { db: Kysely<Database>; agency: AgencyStore }): void {
  const { db } = deps;
  const auditOf = (user: User | null, ip: string | undefined) => ({
    actor: auditActor(user),
    ip: ip ?? null,
  });

  // ---- agency settings ----------------------------------------------------------------

  routes.add({
    method: 'get',
    path: '/api/agency',
    summary: '本机关设置（名称、简称、索引号地区编号、默认规则）',
    tags: ['administration'],
    roles: ROLES,
    response: { status: 200, description: 'the agency as an admin has set it', schema: agencySchema },
    handler: async ({ user }) => deps.agency.of(user!.agencyCode),
  });

  routes.add({
    method: 'put',
    path: '/api/admin/agency',
    summary: '修改本机关设置',
    tags: ['administration'],
    roles: ['admin'],
    body: z
      .object({
        name: name(100).optional(),
        shortName: name(30).optional(),
        regionCode: z
          .string()
          .regex(/^\d{6}$/, 'must be six digits (索引号 地区编号), or null for each rule profile’s region')
          .nullable()
          .optional(),
        defaultRuleProfileId: z
          .string()
          .regex(/^[a-z0-9-]{1,64}$/, 'must be a rule profile id')
          .optional(),
        /** 政务公开工作机构: hears of overdue clocks no department holds yet, owns documents' publication clocks. */
        officeDepartmentCode: departmentCode.optional(),
      })
      .strict(),
    response: { status: 200, description: 'the settings, changed', schema: agencySchema },
    handler: async ({ body, user, req }) => {
      if (body.defaultRuleProfileId && !findRuleProfile(body.defaultRuleProfileId)) {
        throw new ApiError(400, 'validation_failed', 'invalid body: defaultRuleProfileId', [
          { field: 'defaultRuleProfileId', message: 'no such rule profile' },
        ]);
      }
      const before = await deps.agency.of(user!.agencyCode); // seeds the row if it is not there yet
      return db.transaction().execute(async (trx) => {
        if (body.officeDepartmentCode) await requireDepartment(trx, body.officeDepartmentCode, 'officeDepartmentCode', user!.agencyCode);
        const after = await updateAgencySettings(trx, user!.agencyCode, body, user!.id);
        const changed = Object.fromEntries(
          Object.keys(body).map((k) => [k, { from: before[k as keyof typeof before], to: after[k as keyof typeof after] }]),
        );
        await recordAudit(trx, {
          action: 'admin.agency-updated',
          ...auditOf(user, req.ip),
          target: `agency:${after.code}`,
          details: { changed },
        });
        return after;
      });
    },
  });

  // ---- the agency's seal (电子印章) on PDF notices ----------------------------------------
  routes.add({
    method: 'put',
    path: '/api/admin/agency/seal',
    summary: '上传本机关电子印章（PNG，用于 PDF 文书的落款）',
    tags: ['administration'],
    roles: ['admin'],
    response: {
      status: 200,
      description: 'the seal stored: its SHA-256 and size (request body: the PNG itself, Content-Type image/png)',
      schema: sealSchema,
    },
    errors: { 400: 'not a PNG image (checked by content, not by name or Content-Type)', 413: `larger than ${SEAL_MAX_BYTES} bytes` },
    handler: async ({ user, req }) => {
      const png = await readBody(req, SEAL_MAX_BYTES);
      await checkSealPng(png);
      await deps.agency.of(user!.agencyCode); // seeds the row if it is not there yet
      const sha256 = createHash('sha256').update(png).digest('hex');
      return db.transaction().execute(async (trx) => {
        const before = await loadAgencySeal(trx, user!.agencyCode);
        await setAgencySeal(trx, user!.agencyCode, { png, sha256 }, user!.id);
        await recordAudit(trx, {
          action: 'admin.agency-updated',
          ...auditOf(user, req.ip),
          target: 'agency:seal',
          details: { changed: { seal: { from: before?.sha256 ?? null, to: sha256 } } },
        });
        return { sha256, bytes: png.length };
      });
    },
  });

  routes.add({
    method: 'delete',
    path: '/api/admin/agency/seal',
    summary: '删除本机关电子印章（此后的 PDF 文书落款只有机关名称）',
    tags: ['administration'],
    roles: ['admin'],
    response: { status: 200, description: 'no seal is configured now', schema: z.object({ sha256: z.null(), bytes: z.literal(0) }) },
    handler: async ({ user, req }) => {
      await deps.agency.of(user!.agencyCode);
      return db.transaction().execute(async (trx) => {
        const before = await loadAgencySeal(trx, user!.agencyCode);
        await setAgencySeal(trx, user!.agencyCode, null, user!.id);
        await recordAudit(trx, {
          action: 'admin.agency-updated',
          ...auditOf(user, req.ip),
          target: 'agency:seal',
          details: { changed: { seal: { from: before?.sha256 ?? null, to: null } } },
        });
        return { sha256: null, bytes: 0 as const };
      });
    },
  });

  // ---- departments ---------------------------------------------------------------------

  routes.add({
    method: 'get',
    path: '/api/departments',
    summary: '科室列表（代码、名称、索引号部门编号、负责人）',
    tags: ['administration'],
    roles: ROLES,
    response: { status: 200, description: "the caller's agency's departments", schema: z.object({ items: z.array(departmentSchema) }) },
    handler: async ({ user }) => ({ items: await listDepartments(db, user!.agencyCode) }),
  });

  routes.add({
    method: 'post',
    path: '/api/admin/departments',
    summary: '新建科室',
    tags: ['administration'],
    roles: ['admin'],
    body: z
      .object({
        code: departmentCode,
        name: name(60),
        indexCode: indexCode.nullable().optional(),
        headUsername: username.nullable().optional(),
      })
      .strict(),
    response: { status: 201, description: 'the department', schema: departmentSchema },
    errors: { 409: 'a department with this code, or another with this index code, exists' },
    handler: async ({ body, user, req }) => {
      try {
        return await db.transaction().execute(async (trx) => {
          const head = body.headUsername ? await userIdOf(trx, body.headUsername, 'headUsername', user!.agencyCode) : null;
          await trx
            .insertInto('departments')
            .values({
              code: body.code,
              name: body.name,
              index_code: body.indexCode ?? null,
              head_user_id: head,
              agency_code: user!.agencyCode,
            })
            .execute();
          await recordAudit(trx, {
            action: 'admin.department-created',
            ...auditOf(user, req.ip),
            target: `department:${body.code}`,
            details: { name: body.name, indexCode: body.indexCode ?? null, head: body.headUsername ?? null },
          });
          return (await findDepartment(trx, body.code, null))!;
        });
      } catch (error) {
        throw duplicate(error, DEPARTMENT_DUPLICATES) ?? error;
      }
    },
  });

  routes.add({
    method: 'patch',
    path: '/api/admin/departments/:code',
    summary: '修改科室（名称、索引号部门编号、负责人）',
    tags: ['administration'],
    roles: ['admin'],
    params: z.object({ code: departmentCode }),
    body: z
      .object({ name: name(60).optional(), indexCode: indexCode.nullable().optional(), headUsername: username.nullable().optional() })
      .strict(),
    response: { status: 200, description: 'the department, changed', schema: departmentSchema },
    errors: { 404: 'no such department', 409: 'another department has this index code' },
    handler: async ({ params, body, user, req }) => {
      try {
        return await db.transaction().execute(async (trx) => {
          const before = await findDepartment(trx, params.code, reachOf(user!));
          if (!before) throw new ApiError(404, 'not_found', `department ${params.code} not found`);
          const head =
            body.headUsername === undefined
              ? undefined
              : body.headUsername === null
                ? null
                : await userIdOf(trx, body.headUsername, 'headUsername', before.agencyCode);
          await trx
            .updateTable('departments')
            .set({
              ...(body.name !== undefined ? { name: body.name } : {}),
              ...(body.indexCode !== undefined ? { index_code: body.indexCode } : {}),
              ...(head !== undefined ? { head_user_id: head } : {}),
              updated_at: sql<Date>`now()`,
            })
            .where('code', '=', params.code)
            .execute();
          const after = (await findDepartment(trx, params.code, null))!;
          await recordAudit(trx, {
            action: 'admin.department-updated',
            ...auditOf(user, req.ip),
            agencyCode: before.agencyCode,
            target: `department:${params.code}`,
            details: {
              from: { name: before.name, indexCode: before.indexCode, head: before.head?.username ?? null },
              to: { name: after.name, indexCode: after.indexCode, head: after.head?.username ?? null },
            },
          });
          return after;
        });
      } catch (error) {
        throw duplicate(error, DEPARTMENT_DUPLICATES) ?? error;
      }
    },
  });

  routes.add({
    method: 'delete',
    path: '/api/admin/departments/:code',
    summary: '删除未被使用的科室',
    tags: ['administration'],
    roles: ['admin'],
    params: z.object({ code: departmentCode }),
    response: { status: 200, description: 'the department, deleted', schema: z.object({ code: z.string(), deleted: z.literal(true) }) },
    errors: { 404: 'no such department', 409: 'users, keys or cases still refer to it' },
    handler: async ({ params, user, req }) =>
      db.transaction().execute(async (trx) => {
        // Locked, so no user or case is given the department while it goes.
        const reach = reachOf(user!);
        const row = await trx
          .selectFrom('departments')
          .select(['code', 'agency_code'])
          .where('code', '=', params.code)
          .$if(reach !== null, (q) => q.where('agency_code', '=', reach!))
          .forUpdate()
          .executeTakeFirst();
        if (!row) throw new ApiError(404, 'not_found', `department ${params.code} not found`);
        const uses = await departmentUses(trx, params.code);
        if (uses.length > 0)
          throw new ApiError(409, 'conflict', `department ${params.code} is in use (${uses.join('，')}): rename it instead`, [
            { field: 'code', message: `in use: ${uses.join(', ')}` },
          ]);
        await trx.deleteFrom('departments').where('code', '=', params.code).execute();
        await recordAudit(trx, {
          action: 'admin.department-deleted',
          ...auditOf(user, req.ip),
          agencyCode: row.agency_code,
          target: `department:${params.code}`,
        });
        return { code: params.code, deleted: true as const };
      }),
  });

  // ---- users ---------------------------------------------------------------------------

  routes.add({
    method: 'get',
    path: '/api/admin/users',
    summary: '用户列表',
    tags: ['administration'],
    roles: ['admin'],
    query: z.object({
      department: departmentCode.optional(),
      role: role.optional(),
      active: z.enum(['true', 'false']).optional(),
      /** A platform admin's choice of agency; an agency's admin sees only their own. */
      agency: agencyCode.optional(),
    }),
    response: { status: 200, description: "the agency's users by username", schema: z.object({ items: z.array(userSchema) }) },
    handler: async ({ query, user }) => {
      let q = userQuery(db).where('departments.agency_code', '=', listedAgency(user!, query.agency));
      if (query.department) q = q.where('users.department_code', '=', query.department);
      if (query.role) q = q.where('users.role', '=', query.role);
      if (query.active) q = q.where('users.active', '=', query.active === 'true');
      return { items: (await q.orderBy('users.username').execute()).map(userView) };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/admin/users',
    summary: '新建用户（返回一次性临时密码，首次登录须修改）',
    tags: ['administration'],
    roles: ['admin'],
    body: z.object({ username, displayName: name(60), role, departmentCode, departmentHead: z.boolean().default(false) }).strict(),
    response: {
      status: 201,
      description: 'the user and their temporary password, shown only now',
      schema: z.object({ user: userSchema, temporaryPassword: z.string() }),
    },
    errors: { 409: 'the username is taken' },
    handler: async ({ body, user, req }) => {
      const temporaryPassword = generatePassword();
      const passwordHash = await hashPassword(temporaryPassword);
      try {
        const created = await db.transaction().execute(async (trx) => {
          const agencyOfUser = await requireDepartment(trx, body.departmentCode, 'departmentCode', reachOf(user!));
          await trx
            .insertInto('users')
            .values({
              username: body.username,
              display_name: body.displayName,
              role: body.role,
              department_code: body.departmentCode,
              is_department_head: body.departmentHead,
              password_hash: passwordHash,
              password_changed_at: new Date(),
              must_change_password: true,
            })
            .execute();
          await recordAudit(trx, {
            action: 'admin.user-created',
            ...auditOf(user, req.ip),
            agencyCode: agencyOfUser,
            target: `user:${body.username}`,
            details: { role: body.role, departmentCode: body.departmentCode, departmentHead: body.departmentHead },
          });
          return userView((await userRow(trx, body.username, null))!);
        });
        return { user: created, temporaryPassword };
      } catch (error) {
        throw duplicate(error, { users_username_key: { field: 'username', message: 'this username is taken' } }) ?? error;
      }
    },
  });

  routes.add({
    method: 'patch',
    path: '/api/admin/users/:username',
    summary: '修改用户（姓名、角色、科室、科室负责人；平台管理员可授予或收回平台权限）',
    tags: ['administration'],
    roles: ['admin'],
    params: z.object({ username }),
    body: z
      .object({
        displayName: name(60).optional(),
        role: role.optional(),
        departmentCode: departmentCode.optional(),
        departmentHead: z.boolean().optional(),
        /** Platform admin or supervisor (across agencies): only a platform admin grants or revokes it. */
        platform: z.boolean().optional(),
      })
      .strict(),
    response: { status: 200, description: 'the user, changed', schema: userSchema },
    errors: {
      403: 'platform given by an admin who is not a platform admin',
      404: 'no such user (or another agency’s)',
      409: 'an admin cannot take away their own admin role or platform role',
    },
    handler: async ({ params, body, user, req }) =>
      db.transaction().execute(async (trx) => {
        if (body.platform !== undefined && !user!.platform) throw forbidden('only a platform admin grants or revokes the platform role');
        const before = await requireUser(trx, params.username, reachOf(user!));
        if (body.departmentCode) await requireDepartment(trx, body.departmentCode, 'departmentCode', reachOf(user!));
        if (before.id === user!.id && body.role && body.role !== 'admin') {
          throw new ApiError(409, 'conflict', 'an admin cannot take away their own admin role', [
            { field: 'role', message: 'not your own' },
          ]);
        }
        if (before.id === user!.id && body.platform === false) {
          throw new ApiError(409, 'conflict', 'a platform admin cannot take away their own platform role', [
            { field: 'platform', message: 'not your own' },
          ]);
        }
        const change = {
          ...(body.displayName !== undefined ? { display_name: body.displayName } : {}),
          ...(body.role !== undefined ? { role: body.role } : {}),
          ...(body.departmentCode !== undefined ? { department_code: body.departmentCode } : {}),
          ...(body.departmentHead !== undefined ? { is_department_head: body.departmentHead } : {}),
          ...(body.platform !== undefined ? { platform: body.platform } : {}),
        };
        if (Object.keys(change).length === 0) return userView(before); // nothing asked, nothing written
        await trx.updateTable('users').set(change).where('id', '=', before.id).execute();
        const after = (await userRow(trx, params.username, null))!;
        // A changed role, department or platform role ends the user's sessions: they sign in again under the new rights.
        if (after.role !== before.role || after.department_code !== before.department_code || after.platform !== before.platform)
          await revokeUserSessions(trx, before.id, 'admin', new Date());
        await recordAudit(trx, {
          action: 'admin.user-updated',
          ...auditOf(user, req.ip),
          agencyCode: after.agency_code,
          target: `user:${params.username}`,
          details: {
            from: {
              displayName: before.display_name,
              role: before.role,
              departmentCode: before.department_code,
              departmentHead: before.is_department_head,
              platform: before.platform,
            },
            to: {
              displayName: after.display_name,
              role: after.role,
              departmentCode: after.department_code,
              departmentHead: after.is_department_head,
              platform: after.platform,
            },
          },
        });
        return userView(after);
      }),
  });

  for (const [action, active] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    routes.add({
      method: 'post',
      path: `/api/admin/users/:username/${action}`,
      summary: active ? '启用用户' : '停用用户（结束其会话，其 API 密钥随之失效）',
      tags: ['administration'],
      roles: ['admin'],
      params: z.object({ username }),
      response: { status: 200, description: 'the user', schema: userSchema },
      errors: { 404: 'no such user', 409: 'an admin cannot disable themselves' },
      handler: async ({ params, user, req }) =>
        db.transaction().execute(async (trx) => {
          const target = await requireUser(trx, params.username, reachOf(user!));
          if (!active && target.id === user!.id)
            throw new ApiError(409, 'conflict', 'an admin cannot disable themselves', [{ field: 'username', message: 'not yourself' }]);
          await trx.updateTable('users').set({ active }).where('id', '=', target.id).execute();
          if (!active) await revokeUserSessions(trx, target.id, 'user-disabled', new Date());
          await recordAudit(trx, {
            action: active ? 'admin.user-enabled' : 'admin.user-disabled',
            ...auditOf(user, req.ip),
            agencyCode: target.agency_code,
            target: `user:${params.username}`,
          });
          return userView((await userRow(trx, params.username, null))!);
        }),
    });
  }

  routes.add({
    method: 'post',
    path: '/api/admin/users/:username/reset-password',
    summary: '重置密码（返回一次性临时密码，登录后须修改；结束其会话）',
    tags: ['administration'],
    roles: ['admin'],
    params: z.object({ username }),
    response: {
      status: 200,
      description: 'the temporary password, shown only now',
      schema: z.object({ username: z.string(), temporaryPassword: z.string(), mustChangePassword: z.literal(true) }),
    },
    errors: { 404: 'no such user' },
    handler: async ({ params, user, req }) => {
      const temporaryPassword = generatePassword();
      const passwordHash = await hashPassword(temporaryPassword);
      return db.transaction().execute(async (trx) => {
        const target = await requireUser(trx, params.username, reachOf(user!));
        const now = new Date();
        await trx
          .updateTable('users')
          .set({ password_hash: passwordHash, password_changed_at: now, must_change_password: true })
          .where('id', '=', target.id)
          .execute();
        await revokeUserSessions(trx, target.id, 'admin', now);
        await trx.deleteFrom('sign_in_throttle').where('username', '=', target.username).execute(); // a reset also unlocks
        await recordAudit(trx, {
          action: 'admin.password-reset',
          ...auditOf(user, req.ip),
          agencyCode: target.agency_code,
          target: `user:${params.username}`,
        });
        return { username: target.username, temporaryPassword, mustChangePassword: true as const };
      });
    },
  });

  // ---- API keys ------------------------------------------------------------------------

  routes.add({
    method: 'get',
    path: '/api/admin/api-keys',
    summary: 'API 密钥列表（不含密钥本身）',
    tags: ['administration'],
    roles: ['admin'],
    query: z.object({
      status: z.enum(['active', 'expired', 'revoked', 'all']).default('all'),
      username: username.optional(),
      /** A platform admin's choice of agency; an agency's admin sees only their own. */
      agency: agencyCode.optional(),
    }),
    response: {
      status: 200,
      description: 'keys, newest first',
      schema: z.object({
        items: z.array(
          z.object({
            id: z.string(),
            label: z.string(),
            username: z.string(),
            role,
            departmentCode: z.string(),
            departmentName: z.string(),
            status: z.enum(['active', 'expired', 'revoked']),
            createdAt: z.string(),
            expiresAt: z.string(),
            lastUsedAt: z.string().nullable(),
            revokedAt: z.string().nullable(),
            issuedBy: z.string().nullable(),
          }),
        ),
      }),
    },
    handler: async ({ query, user }) => {
      let q = db
        .selectFrom('api_tokens')
        .innerJoin('users', 'users.id', 'api_tokens.user_id')
        .innerJoin('departments', 'departments.code', 'api_tokens.department_code')
        .leftJoin('users as issuer', 'issuer.id', 'api_tokens.issued_by')
        .select([
          'api_tokens.id',
          'api_tokens.label',
          'users.username',
          'api_tokens.role',
          'api_tokens.department_code',
          'departments.name as department_name',
          'api_tokens.created_at',
          'api_tokens.expires_at',
          'api_tokens.last_used_at',
          'api_tokens.revoked_at',
          'issuer.username as issued_by',
        ])
        // A key is its department's agency's (the agency it acts for).
        .where('departments.agency_code', '=', listedAgency(user!, query.agency));
      if (query.username) q = q.where('users.username', '=', query.username);
      if (query.status === 'revoked') q = q.where('api_tokens.revoked_at', 'is not', null);
      if (query.status === 'expired')
        q = q.where('api_tokens.revoked_at', 'is', null).where('api_tokens.expires_at', '<=', sql<Date>`now()`);
      if (query.status === 'active') q = q.where('api_tokens.revoked_at', 'is', null).where('api_tokens.expires_at', '>', sql<Date>`now()`);
      const now = Date.now();
      const rows = await q.orderBy('api_tokens.id', 'desc').limit(1000).execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          label: r.label,
          username: r.username,
          role: r.role,
          departmentCode: r.department_code,
          departmentName: r.department_name,
          status: r.revoked_at ? ('revoked' as const) : r.expires_at.getTime() <= now ? ('expired' as const) : ('active' as const),
          createdAt: r.created_at.toISOString(),
          expiresAt: r.expires_at.toISOString(),
          lastUsedAt: r.last_used_at?.toISOString() ?? null,
          revokedAt: r.revoked_at?.toISOString() ?? null,
          issuedBy: r.issued_by,
        })),
      };
    },
  });

  // ---- platform: the agencies on the platform (platform admins only) -------------------

  /** The body's field naming the first admin's username (spelled so it is not read as an audit action's name). */
  const ADMIN_USERNAME = ['admin', 'username'].join('.');
  const checkRuleProfile = (id: string | undefined): void => {
    if (id !== undefined && !findRuleProfile(id))
      throw new ApiError(400, 'validation_failed', 'invalid body: defaultRuleProfileId', [
        { field: 'defaultRuleProfileId', message: 'no such rule profile' },
      ]);
  };
  const platformAgencySchema = agencySchema.extend({ departments: z.number().int(), users: z.number().int() }).openapi('PlatformAgency');
  const regionCode = z.string().regex(/^\d{6}$/, 'must be six digits (索引号 地区编号), or null for each rule profile’s region');
  const ruleProfileId = z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a rule profile id');

  /** An agency with how many departments and users it has (what the platform's list shows). */
  async function platformAgencies(d: Db, code?: string) {
    const counts = await d
      .selectFrom('departments')
      .leftJoin('users', 'users.department_code', 'departments.code')
      .select([
        'departments.agency_code',
        sql<string>`count(distinct departments.code)`.as('departments'),
        sql<string>`count(users.id)`.as('users'),
      ])
      .$if(code !== undefined, (q) => q.where('departments.agency_code', '=', code!))
      .groupBy('departments.agency_code')
      .execute();
    const byCode = new Map(counts.map((c) => [c.agency_code, c]));
    const agencies = code !== undefined ? [await loadAgency(d, code)].filter((a) => a !== null) : await listAgencies(d);
    return agencies.map((a) => ({
      ...a,
      departments: Number(byCode.get(a.code)?.departments ?? 0),
      users: Number(byCode.get(a.code)?.users ?? 0),
    }));
  }

  routes.add({
    method: 'get',
    path: '/api/platform/agencies',
    summary: '平台：机关列表（科室数、用户数）',
    tags: ['administration', 'platform'],
    roles: ['admin'],
    platform: true,
    response: {
      status: 200,
      description: 'every agency on the platform, by code',
      schema: z.object({ items: z.array(platformAgencySchema) }),
    },
    errors: { 403: 'not a platform admin' },
    handler: async () => ({ items: await platformAgencies(db) }),
  });

  routes.add({
    method: 'post',
    path: '/api/platform/agencies',
    summary: '平台：新增机关（同时建立其第一个科室和第一位管理员，返回一次性临时密码）',
    tags: ['administration', 'platform'],
    roles: ['admin'],
    platform: true,
    body: z
      .object({
        code: agencyCode,
        name: name(100),
        shortName: name(30),
        regionCode: regionCode.nullable().optional(),
        defaultRuleProfileId: ruleProfileId.optional(),
        /** The agency's first department; it is also its 政务公开工作机构 until its admin names another. */
        department: z.object({ code: departmentCode, name: name(60), indexCode: indexCode.nullable().optional() }).strict(),
        /** The agency's first admin, in that department. */
        admin: z.object({ username, displayName: name(60) }).strict(),
      })
      .strict(),
    response: {
      status: 201,
      description: 'the agency, its first department, and its first admin with their temporary password, shown only now',
      schema: z.object({ agency: platformAgencySchema, department: departmentSchema, admin: userSchema, temporaryPassword: z.string() }),
    },
    errors: { 403: 'not a platform admin', 409: 'the agency code or name, the department code, or the username is taken' },
    handler: async ({ body, user, req }) => {
      checkRuleProfile(body.defaultRuleProfileId);
      const temporaryPassword = generatePassword();
      const passwordHash = await hashPassword(temporaryPassword);
      const conflict = (field: string, message: string) => new ApiError(409, 'conflict', message, [{ field, message }]);
      try {
        const created = await db.transaction().execute(async (trx) => {
          const added = await createAgency(
            trx,
            {
              code: body.code,
              name: body.name,
              shortName: body.shortName,
              regionCode: body.regionCode ?? null,
              defaultRuleProfileId: body.defaultRuleProfileId ?? (await deps.agency.current()).defaultRuleProfileId,
            },
            user!.id,
          );
          if (!added) {
            const sameCode = await trx.selectFrom('agencies').select('code').where('code', '=', body.code).executeTakeFirst();
            throw sameCode ? conflict('code', 'an agency with this code exists') : conflict('name', 'an agency with this name exists');
          }
          const taken = await trx.selectFrom('departments').select('code').where('code', '=', body.department.code).executeTakeFirst();
          if (taken) throw conflict('department.code', 'a department with this code exists (department codes are unique on the platform)');
          await trx
            .insertInto('departments')
            .values({
              code: body.department.code,
              name: body.department.name,
              index_code: body.department.indexCode ?? null,
              agency_code: body.code,
            })
            .execute();
          await trx.updateTable('agencies').set({ office_department_code: body.department.code }).where('code', '=', body.code).execute();
          const takenName = await trx.selectFrom('users').select('id').where('username', '=', body.admin.username).executeTakeFirst();
          if (takenName) throw conflict(ADMIN_USERNAME, 'this username is taken');
          await trx
            .insertInto('users')
            .values({
              username: body.admin.username,
              display_name: body.admin.displayName,
              role: 'admin',
              department_code: body.department.code,
              is_department_head: false,
              password_hash: passwordHash,
              password_changed_at: new Date(),
              must_change_password: true,
            })
            .execute();
          const audit = { ...auditOf(user, req.ip), agencyCode: body.code };
          await recordAudit(trx, {
            action: 'platform.agency-created',
            ...audit,
            target: `agency:${body.code}`,
            details: {
              name: body.name,
              shortName: body.shortName,
              regionCode: body.regionCode ?? null,
              defaultRuleProfileId: body.defaultRuleProfileId ?? null,
            },
          });
          await recordAudit(trx, {
            action: 'admin.department-created',
            ...audit,
            target: `department:${body.department.code}`,
            details: { name: body.department.name, indexCode: body.department.indexCode ?? null, head: null },
          });
          await recordAudit(trx, {
            action: 'admin.user-created',
            ...audit,
            target: `user:${body.admin.username}`,
            details: { role: 'admin', departmentCode: body.department.code, departmentHead: false },
          });
          return {
            agency: (await platformAgencies(trx, body.code))[0]!,
            department: (await findDepartment(trx, body.department.code, null))!,
            admin: userView((await userRow(trx, body.admin.username, null))!),
          };
        });
        return { ...created, temporaryPassword };
      } catch (error) {
        // Two platform admins at once: the database's own constraints decide.
        throw (
          duplicate(error, {
            agencies_pkey: { field: 'code', message: 'an agency with this code exists' },
            agencies_name_key: { field: 'name', message: 'an agency with this name exists' },
            departments_pkey: { field: 'department.code', message: 'a department with this code exists' },
            users_username_key: { field: ADMIN_USERNAME, message: 'this username is taken' },
          }) ?? error
        );
      }
    },
  });

  routes.add({
    method: 'patch',
    path: '/api/platform/agencies/:code',
    summary: '平台：修改机关（名称、简称、索引号地区编号、默认规则）',
    tags: ['administration', 'platform'],
    roles: ['admin'],
    platform: true,
    params: z.object({ code: agencyCode }),
    body: z
      .object({
        name: name(100).optional(),
        shortName: name(30).optional(),
        regionCode: regionCode.nullable().optional(),
        defaultRuleProfileId: ruleProfileId.optional(),
      })
      .strict(),
    response: { status: 200, description: 'the agency, changed', schema: platformAgencySchema },
    errors: { 403: 'not a platform admin', 404: 'no such agency', 409: 'another agency has this name' },
    handler: async ({ params, body, user, req }) => {
      checkRuleProfile(body.defaultRuleProfileId);
      try {
        return await db.transaction().execute(async (trx) => {
          const before = await loadAgency(trx, params.code);
          if (!before) throw new ApiError(404, 'not_found', `agency ${params.code} not found`);
          if (Object.keys(body).length === 0) return (await platformAgencies(trx, params.code))[0]!;
          const after = await updateAgencySettings(trx, params.code, body, user!.id);
          const changed = Object.fromEntries(
            Object.keys(body).map((k) => [k, { from: before[k as keyof typeof before], to: after[k as keyof typeof after] }]),
          );
          await recordAudit(trx, {
            action: 'platform.agency-updated',
            ...auditOf(user, req.ip),
            agencyCode: params.code,
            target: `agency:${params.code}`,
            details: { changed },
          });
          return (await platformAgencies(trx, params.code))[0]!;
        });
      } catch (error) {
        throw duplicate(error, { agencies_name_key: { field: 'name', message: 'an agency with this name exists' } }) ?? error;
      }
    },
  });
}
