/**
 * Administration over HTTP on real PostgreSQL: the agency's settings, departments, users and
 * API keys — each endpoint's success, its 400 naming the field, its 409 for duplicates, its
 * 403 for every other role, and nothing half-written when a request fails. Then the escalation
 * ladder's department head reaching people, and the migration carrying today's data forward.
 */
import { Client } from '@temporalio/client';
import type { Express } from 'express';
import { type Kysely, sql } from 'kysely';
import request from 'supertest';
import { createApp } from '../api/app';
import { verifyPassword } from '../api/identity/passwords';
import * as administrationMigration from '../db/migrations/20261201T1400_administration';
import * as officeMigration from '../db/migrations/20261201T1410_office_department';
import * as documentPdfsMigration from '../db/migrations/20261201T1600_document_pdfs';
import * as agenciesMigration from '../db/migrations/20261203T0900_agencies';
import { loadAgencySettings } from '../db/repositories/agency';
import { departmentHeads, departmentsHeadedBy } from '../db/repositories/departments';
import { addressesFor, enqueueNotifications } from '../db/repositories/supervision';
import { checkToken, hashToken, issueToken, seedDemoUsers } from '../db/repositories/users';
import { ROLES } from '../domain/roles';
import { createTestDatabase, type TestDatabase } from './support/database';

const AGENCY = {
  code: 'demo',
  name: '示例市应急管理局',
  shortName: '示例应急',
  defaultRuleProfileId: 'national-2019',
  officeDepartmentCode: 'gkb',
};

let database: TestDatabase;
let app: Express;
const tokens: Record<string, string> = {};
const temporal = new Client(); // lazy: nothing here reaches Temporal

beforeAll(async () => {
  database = await createTestDatabase();
  for (const [username, user] of Object.entries(await seedDemoUsers(database.db)))
    tokens[username] = await issueToken(database.db, user.id, 'administration-test');
  app = createApp({
    db: database.db,
    temporal,
    namespace: 'unused',
    agency: AGENCY,
    rateLimits: { perToken: 0, perIp: 0, windowMs: 60_000 },
  });
});

afterAll(async () => {
  await temporal.connection.close().catch(() => undefined);
  await database?.drop();
});

const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
const fieldsOf = (res: request.Response) => (res.body.error.details as Array<{ field: string }>).map((d) => d.field);
const auditActions = async (target: string) =>
  (await database.db.selectFrom('audit_log').select('action').where('target', '=', target).orderBy('id').execute()).map((r) => r.action);

describe('agency settings', () => {
  it('are seeded from the configuration once, then an admin changes them and the configuration no longer counts', async () => {
    const seeded = await request(app).get('/api/agency').set(as('clerk')).expect(200);
    expect(seeded.body).toMatchObject({
      code: 'demo',
      name: '示例市应急管理局',
      shortName: '示例应急',
      regionCode: null,
      defaultRuleProfileId: 'national-2019',
      officeDepartmentCode: 'gkb',
      updatedBy: null,
    });

    const changed = await request(app)
      .put('/api/admin/agency')
      .set(as('admin'))
      .send({
        name: '台州市黄岩区应急管理局',
        shortName: '黄应急',
        regionCode: '331003',
        defaultRuleProfileId: 'huangyan-003',
        officeDepartmentCode: 'xxzx',
      })
      .expect(200);
    expect(changed.body).toMatchObject({
      code: 'demo',
      name: '台州市黄岩区应急管理局',
      shortName: '黄应急',
      regionCode: '331003',
      defaultRuleProfileId: 'huangyan-003',
      officeDepartmentCode: 'xxzx',
      updatedBy: 'admin',
    });
    // Another process started with the old configuration reads the stored settings.
    expect(await loadAgencySettings(database.db, { ...AGENCY, name: '别的名字' })).toMatchObject({
      name: '台州市黄岩区应急管理局',
      regionCode: '331003',
    });
    expect(await auditActions('agency:demo')).toEqual(['admin.agency-updated']);

    // Back to the profile's region, the rest kept.
    const cleared = await request(app)
      .put('/api/admin/agency')
      .set(as('admin'))
      .send({
        regionCode: null,
        name: AGENCY.name,
        shortName: AGENCY.shortName,
        defaultRuleProfileId: 'national-2019',
        officeDepartmentCode: 'gkb',
      })
      .expect(200);
    expect(cleared.body).toMatchObject({ ...AGENCY, regionCode: null });
  });

  it('refuses bad input naming the field, unknown fields, and every role but admin', async () => {
    expect(fieldsOf(await request(app).put('/api/admin/agency').set(as('admin')).send({ regionCode: '3310' }).expect(400))).toEqual([
      'regionCode',
    ]);
    expect(
      fieldsOf(await request(app).put('/api/admin/agency').set(as('admin')).send({ defaultRuleProfileId: 'nowhere-999' }).expect(400)),
    ).toEqual(['defaultRuleProfileId']);
    expect(fieldsOf(await request(app).put('/api/admin/agency').set(as('admin')).send({ name: '  ' }).expect(400))).toEqual(['name']);
    // An office that is no department: refused, and nothing else in the request is written.
    expect(
      fieldsOf(
        await request(app).put('/api/admin/agency').set(as('admin')).send({ name: '半个名字', officeDepartmentCode: 'nosuch' }).expect(400),
      ),
    ).toEqual(['officeDepartmentCode']);
    expect((await request(app).put('/api/admin/agency').set(as('admin')).send({ code: 'other' })).status).toBe(400); // the numbering code is not editable
    for (const role of ROLES.filter((r) => r !== 'admin'))
      await request(app).put('/api/admin/agency').set(as(role)).send({ name: 'x' }).expect(403);
    expect((await request(app).get('/api/agency').set(as('admin'))).body.name).toBe(AGENCY.name);
  });
});

describe('departments', () => {
  it('are created, listed with their head, renamed, renumbered, and deleted only while unused', async () => {
    const created = await request(app)
      .post('/api/admin/departments')
      .set(as('admin'))
      .send({ code: 'zfk', name: '政策法规科', indexCode: '007', headUsername: 'department' })
      .expect(201);
    expect(created.body).toMatchObject({
      code: 'zfk',
      name: '政策法规科',
      indexCode: '007',
      head: { username: 'department', displayName: '李承办' },
    });

    const listed = await request(app).get('/api/departments').set(as('department')).expect(200);
    expect(listed.body.items.map((d: { code: string }) => d.code)).toEqual(['gkb', 'yjglk', 'bmk', 'ldbgs', 'dcs', 'xxzx', 'zfk']); // by 索引号 number
    expect(listed.body.items[1]).toMatchObject({ code: 'yjglk', name: '应急管理科', indexCode: '002' });

    const renamed = await request(app)
      .patch('/api/admin/departments/zfk')
      .set(as('admin'))
      .send({ name: '法规科', indexCode: '008', headUsername: null })
      .expect(200);
    expect(renamed.body).toMatchObject({ code: 'zfk', name: '法规科', indexCode: '008', head: null });

    await request(app).delete('/api/admin/departments/zfk').set(as('admin')).expect(200);
    expect(await database.db.selectFrom('departments').select('code').where('code', '=', 'zfk').executeTakeFirst()).toBeUndefined();
    expect(await auditActions('department:zfk')).toEqual([
      'admin.department-created',
      'admin.department-updated',
      'admin.department-deleted',
    ]);

    const inUse = await request(app).delete('/api/admin/departments/yjglk').set(as('admin')).expect(409);
    expect(inUse.body.error.message).toMatch(/用户 1/);
    // The agency's office, even with nobody in it, is in use.
    await request(app).post('/api/admin/departments').set(as('admin')).send({ code: 'bgs', name: '办公室' }).expect(201);
    await request(app).put('/api/admin/agency').set(as('admin')).send({ officeDepartmentCode: 'bgs' }).expect(200);
    expect((await request(app).delete('/api/admin/departments/bgs').set(as('admin')).expect(409)).body.error.message).toMatch(
      /政务公开工作机构设置/,
    );
    await request(app).put('/api/admin/agency').set(as('admin')).send({ officeDepartmentCode: 'gkb' }).expect(200);
    await request(app).delete('/api/admin/departments/bgs').set(as('admin')).expect(200);
    await request(app).delete('/api/admin/departments/nosuch').set(as('admin')).expect(404);
    await request(app).patch('/api/admin/departments/nosuch').set(as('admin')).send({ name: 'x' }).expect(404);
  });

  it('answers 409 for a duplicate code or index code and 400 naming the field, writing nothing', async () => {
    const dupCode = await request(app)
      .post('/api/admin/departments')
      .set(as('admin'))
      .send({ code: 'gkb', name: '又一个公开办' })
      .expect(409);
    expect(fieldsOf(dupCode)).toEqual(['code']);
    const dupIndex = await request(app)
      .post('/api/admin/departments')
      .set(as('admin'))
      .send({ code: 'newk', name: '新科', indexCode: '001' })
      .expect(409);
    expect(fieldsOf(dupIndex)).toEqual(['indexCode']);
    expect(
      fieldsOf(await request(app).patch('/api/admin/departments/yjglk').set(as('admin')).send({ indexCode: '001' }).expect(409)),
    ).toEqual(['indexCode']);

    expect(
      fieldsOf(await request(app).post('/api/admin/departments').set(as('admin')).send({ code: 'Bad Code', name: '科' }).expect(400)),
    ).toEqual(['code']);
    expect(
      fieldsOf(
        await request(app)
          .post('/api/admin/departments')
          .set(as('admin'))
          .send({ code: 'newk', name: '新科', indexCode: '12' })
          .expect(400),
      ),
    ).toEqual(['indexCode']);
    expect(fieldsOf(await request(app).post('/api/admin/departments').set(as('admin')).send({ code: 'newk' }).expect(400))).toEqual([
      'name',
    ]);
    // An unknown head: the department is not created either.
    expect(
      fieldsOf(
        await request(app)
          .post('/api/admin/departments')
          .set(as('admin'))
          .send({ code: 'newk', name: '新科', headUsername: 'nobody' })
          .expect(400),
      ),
    ).toEqual(['headUsername']);
    expect(await database.db.selectFrom('departments').select('code').where('code', '=', 'newk').executeTakeFirst()).toBeUndefined();
    expect(
      (await database.db.selectFrom('departments').select('index_code').where('code', '=', 'yjglk').executeTakeFirstOrThrow()).index_code,
    ).toBe('002');
  });

  it('are administered by admins only', async () => {
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      await request(app).post('/api/admin/departments').set(as(role)).send({ code: 'x', name: 'x' }).expect(403);
      await request(app).patch('/api/admin/departments/gkb').set(as(role)).send({ name: 'x' }).expect(403);
      await request(app).delete('/api/admin/departments/gkb').set(as(role)).expect(403);
      await request(app).get('/api/departments').set(as(role)).expect(200);
    }
    await request(app).get('/api/departments').expect(401);
  });
});

describe('users', () => {
  it('are created with a temporary password shown once, changed, disabled, enabled and reset', async () => {
    const created = await request(app)
      .post('/api/admin/users')
      .set(as('admin'))
      .send({ username: 'wang.ke', displayName: '王科长', role: 'department', departmentCode: 'yjglk', departmentHead: true })
      .expect(201);
    expect(created.body.user).toMatchObject({
      username: 'wang.ke',
      displayName: '王科长',
      role: 'department',
      departmentCode: 'yjglk',
      departmentName: '应急管理科',
      departmentHead: true,
      active: true,
      mustChangePassword: true,
      hasPassword: true,
    });
    const temporary: string = created.body.temporaryPassword;
    expect(temporary).toMatch(/^.{16}$/);
    const stored = await database.db
      .selectFrom('users')
      .select(['password_hash', 'must_change_password'])
      .where('username', '=', 'wang.ke')
      .executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(stored.password_hash!, temporary)).toBe(true);

    const listed = await request(app).get('/api/admin/users?department=yjglk').set(as('admin')).expect(200);
    expect(listed.body.items.map((u: { username: string }) => u.username)).toEqual(['department', 'wang.ke']);
    expect(JSON.stringify(listed.body)).not.toContain(temporary);
    expect(
      (await request(app).get('/api/admin/users?role=admin').set(as('admin'))).body.items.map((u: { username: string }) => u.username),
    ).toEqual(['admin']);

    const moved = await request(app)
      .patch('/api/admin/users/wang.ke')
      .set(as('admin'))
      .send({ role: 'clerk', departmentCode: 'gkb', departmentHead: false })
      .expect(200);
    expect(moved.body).toMatchObject({ role: 'clerk', departmentCode: 'gkb', departmentName: '政务公开办公室', departmentHead: false });

    const key = await request(app).post('/api/admin/users/wang.ke/tokens').set(as('admin')).send({ label: '王科长的脚本' }).expect(201);
    expect(key.body).toMatchObject({ role: 'clerk', departmentCode: 'gkb' }); // the owner's scope by default
    expect((await checkToken(database.db, key.body.token)).user).toMatchObject({ username: 'wang.ke', role: 'clerk' });

    const disabled = await request(app).post('/api/admin/users/wang.ke/disable').set(as('admin')).expect(200);
    expect(disabled.body.active).toBe(false);
    expect(await checkToken(database.db, key.body.token)).toMatchObject({ user: null, reason: 'inactive-user' });
    expect((await request(app).post('/api/auth/login').send({ username: 'wang.ke', password: temporary })).status).toBe(401); // nor signs in
    expect(
      (await request(app).get('/api/admin/users?active=false').set(as('admin'))).body.items.map((u: { username: string }) => u.username),
    ).toEqual(['wang.ke']);
    await request(app).post('/api/admin/users/wang.ke/enable').set(as('admin')).expect(200);
    expect((await checkToken(database.db, key.body.token)).user).toMatchObject({ username: 'wang.ke' });

    // Locked out (the refused sign-in above counted one failure; say it was the fifth).
    await database.db
      .insertInto('sign_in_throttle')
      .values({ username: 'wang.ke', failures: 5, last_failure_at: new Date(), locked_until: new Date(Date.now() + 600_000) })
      .onConflict((oc) => oc.column('username').doUpdateSet({ failures: 5, locked_until: new Date(Date.now() + 600_000) }))
      .execute();
    const reset = await request(app).post('/api/admin/users/wang.ke/reset-password').set(as('admin')).expect(200);
    expect(reset.body).toMatchObject({ username: 'wang.ke', mustChangePassword: true });
    expect(reset.body.temporaryPassword).not.toBe(temporary);
    const after = await database.db
      .selectFrom('users')
      .select(['password_hash', 'must_change_password'])
      .where('username', '=', 'wang.ke')
      .executeTakeFirstOrThrow();
    expect(after.must_change_password).toBe(true);
    expect(await verifyPassword(after.password_hash!, reset.body.temporaryPassword)).toBe(true);
    expect(await verifyPassword(after.password_hash!, temporary)).toBe(false);
    expect(
      await database.db.selectFrom('sign_in_throttle').select('username').where('username', '=', 'wang.ke').executeTakeFirst(),
    ).toBeUndefined(); // unlocked
    // The temporary password signs in, owing a change.
    const signedIn = await request(app)
      .post('/api/auth/login')
      .send({ username: 'wang.ke', password: reset.body.temporaryPassword })
      .expect(200);
    expect(signedIn.body).toMatchObject({ mustChangePassword: true, user: { username: 'wang.ke' } });

    expect(await auditActions('user:wang.ke')).toEqual([
      'admin.user-created',
      'admin.user-updated',
      'admin.user-disabled',
      'auth.sign-in-failed',
      'admin.user-enabled',
      'admin.password-reset',
      'auth.sign-in',
    ]);
  });

  it('answers 409 for a taken username, 400 naming the field, 404 for nobody, and writes nothing then', async () => {
    expect(
      fieldsOf(
        await request(app)
          .post('/api/admin/users')
          .set(as('admin'))
          .send({ username: 'clerk', displayName: '重名', role: 'clerk', departmentCode: 'gkb' })
          .expect(409),
      ),
    ).toEqual(['username']);
    expect(
      fieldsOf(
        await request(app)
          .post('/api/admin/users')
          .set(as('admin'))
          .send({ username: 'li', displayName: '李', role: 'clerk', departmentCode: 'nosuch' })
          .expect(400),
      ),
    ).toEqual(['departmentCode']);
    expect(
      fieldsOf(
        await request(app)
          .post('/api/admin/users')
          .set(as('admin'))
          .send({ username: 'li', displayName: '李', role: 'boss', departmentCode: 'gkb' })
          .expect(400),
      ),
    ).toEqual(['role']);
    expect(
      fieldsOf(
        await request(app)
          .post('/api/admin/users')
          .set(as('admin'))
          .send({ username: 'Li Si', displayName: '李', role: 'clerk', departmentCode: 'gkb' })
          .expect(400),
      ),
    ).toEqual(['username']);
    expect(await database.db.selectFrom('users').select('id').where('username', '=', 'li').executeTakeFirst()).toBeUndefined();

    expect(
      fieldsOf(
        await request(app).patch('/api/admin/users/clerk').set(as('admin')).send({ departmentCode: 'nosuch', role: 'leader' }).expect(400),
      ),
    ).toEqual(['departmentCode']);
    expect((await database.db.selectFrom('users').select('role').where('username', '=', 'clerk').executeTakeFirstOrThrow()).role).toBe(
      'clerk',
    ); // unchanged
    await request(app).patch('/api/admin/users/nobody').set(as('admin')).send({ role: 'clerk' }).expect(404);
    expect((await request(app).patch('/api/admin/users/clerk').set(as('admin')).send({}).expect(200)).body).toMatchObject({
      username: 'clerk',
      role: 'clerk',
    }); // nothing to change
    await request(app).post('/api/admin/users/nobody/disable').set(as('admin')).expect(404);
    await request(app).post('/api/admin/users/nobody/reset-password').set(as('admin')).expect(404);
    // An admin cannot lock themselves out.
    await request(app).post('/api/admin/users/admin/disable').set(as('admin')).expect(409);
    await request(app).patch('/api/admin/users/admin').set(as('admin')).send({ role: 'clerk' }).expect(409);
  });

  it('are administered by admins only', async () => {
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      await request(app).get('/api/admin/users').set(as(role)).expect(403);
      await request(app)
        .post('/api/admin/users')
        .set(as(role))
        .send({ username: 'x', displayName: 'x', role: 'admin', departmentCode: 'gkb' })
        .expect(403);
      await request(app).patch('/api/admin/users/clerk').set(as(role)).send({ role: 'admin' }).expect(403);
      await request(app).post('/api/admin/users/clerk/disable').set(as(role)).expect(403);
      await request(app).post('/api/admin/users/clerk/enable').set(as(role)).expect(403);
      await request(app).post('/api/admin/users/clerk/reset-password').set(as(role)).expect(403);
      await request(app).get('/api/admin/api-keys').set(as(role)).expect(403);
    }
    expect(await database.db.selectFrom('users').select('id').where('username', '=', 'x').executeTakeFirst()).toBeUndefined();
  });
});

describe('API keys', () => {
  it('act with their own role and department, expire, are revoked, and are listed without the secret', async () => {
    const issued = await request(app)
      .post('/api/admin/users/clerk/tokens')
      .set(as('admin'))
      .send({ label: '统一门户对接', role: 'supervisor', departmentCode: 'dcs', ttlDays: 30 })
      .expect(201);
    expect(issued.body).toMatchObject({ role: 'supervisor', departmentCode: 'dcs' });
    const key: string = issued.body.token;
    const bearer = { Authorization: `Bearer ${key}` };
    // Scoped: the supervisor's screen, not a clerk's intake.
    await request(app)
      .get('/api/supervision/summary')
      .set(bearer)
      .expect((res) => expect(res.status).not.toBe(403));
    await request(app).get('/api/fees/quote?basis=by-pages&pages=10').set(bearer).expect(403);
    expect((await checkToken(database.db, key)).user).toMatchObject({ username: 'clerk', role: 'supervisor', departmentCode: 'dcs' });

    const listed = await request(app).get('/api/admin/api-keys?username=clerk').set(as('admin')).expect(200);
    expect(listed.body.items[0]).toMatchObject({
      id: issued.body.id,
      label: '统一门户对接',
      username: 'clerk',
      role: 'supervisor',
      departmentCode: 'dcs',
      departmentName: '督查室',
      status: 'active',
      issuedBy: 'admin',
    });
    expect(JSON.stringify(listed.body)).not.toContain(key);
    const stored = await database.db
      .selectFrom('api_tokens')
      .select('token_sha256')
      .where('id', '=', issued.body.id)
      .executeTakeFirstOrThrow();
    expect(stored.token_sha256).not.toContain(key);

    // Expired: refused, listed as expired.
    await database.db
      .updateTable('api_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', issued.body.id)
      .execute();
    await request(app).get('/api/supervision/summary').set(bearer).expect(401);
    expect(
      (await request(app).get('/api/admin/api-keys?status=expired').set(as('admin'))).body.items.map((k: { id: string }) => k.id),
    ).toContain(issued.body.id);
    expect(
      (await request(app).get('/api/admin/api-keys?status=active').set(as('admin'))).body.items.map((k: { id: string }) => k.id),
    ).not.toContain(issued.body.id);

    // Revoked: refused even once its expiry is moved on.
    await database.db
      .updateTable('api_tokens')
      .set({ expires_at: new Date(Date.now() + 86_400_000) })
      .where('id', '=', issued.body.id)
      .execute();
    await request(app)
      .get('/api/supervision/summary')
      .set(bearer)
      .expect((res) => expect(res.status).not.toBe(401));
    await request(app).delete(`/api/admin/tokens/${issued.body.id}`).set(as('admin')).expect(200);
    await request(app).get('/api/supervision/summary').set(bearer).expect(401);
    expect((await request(app).get('/api/admin/api-keys?status=revoked').set(as('admin'))).body.items[0]).toMatchObject({
      id: issued.body.id,
      status: 'revoked',
      revokedAt: expect.any(String),
    });
  });

  it('refuses a scope naming no department or role, naming the field', async () => {
    expect(
      fieldsOf(
        await request(app)
          .post('/api/admin/users/clerk/tokens')
          .set(as('admin'))
          .send({ label: 'x', departmentCode: 'nosuch' })
          .expect(400),
      ),
    ).toEqual(['departmentCode']);
    expect(
      fieldsOf(await request(app).post('/api/admin/users/clerk/tokens').set(as('admin')).send({ label: 'x', role: 'root' }).expect(400)),
    ).toEqual(['role']);
    expect(fieldsOf(await request(app).get('/api/admin/api-keys?status=lost').set(as('admin')).expect(400))).toEqual(['status']);
  });
});

describe("the escalation ladder's department head", () => {
  it('reaches the department’s head and its 科室负责人, by name, and no one else in the department', async () => {
    const seeded = await database.db
      .selectFrom('users')
      .select(['username', 'is_department_head'])
      .where('username', 'in', ['department', 'clerk'])
      .orderBy('username')
      .execute();
    expect(seeded).toEqual([
      { username: 'clerk', is_department_head: false },
      { username: 'department', is_department_head: true },
    ]);
    // A second 应急管理科 user without the flag, and the 督查室 headed by the reviewer (from another department).
    await request(app)
      .post('/api/admin/users')
      .set(as('admin'))
      .send({ username: 'zhao.yj', displayName: '赵科员', role: 'department', departmentCode: 'yjglk' })
      .expect(201);
    await request(app).patch('/api/admin/departments/dcs').set(as('admin')).send({ headUsername: 'reviewer' }).expect(200);
    expect(await departmentHeads(database.db, 'yjglk')).toEqual(['department']);
    expect(await departmentHeads(database.db, 'dcs')).toEqual(['reviewer']);
    expect(
      await departmentsHeadedBy(
        database.db,
        (await database.db.selectFrom('users').select('id').where('username', '=', 'reviewer').executeTakeFirstOrThrow()).id,
      ),
    ).toEqual(['dcs']);

    const overdue = (code: string, key: string) => ({
      recipient: `department-head:${code}`,
      kind: 'clock-overdue',
      title: `【已逾期】${key}`,
      body: '请科室负责人督促办理。',
      link: null,
      workflowId: null, // about no case row (a notice of an unknown workflow reaches nobody)
      dedupeKey: `application-${key}/reply/2026-10-30/department-head/department-head:${code}`,
    });
    expect(
      await enqueueNotifications(database.db, [
        overdue('yjglk', '2026-000901'),
        overdue('dcs', '2026-000902'),
        overdue('bmk', '2026-000903'),
      ]),
    ).toBe(3);
    // A retry queues nothing twice.
    expect(await enqueueNotifications(database.db, [overdue('yjglk', '2026-000901')])).toBe(0);
    const rows = await database.db
      .selectFrom('notifications')
      .select(['recipient', 'title'])
      .where('title', 'like', '【已逾期】2026-0009%')
      .orderBy('title')
      .execute();
    expect(rows).toEqual([
      { recipient: 'user:department', title: '【已逾期】2026-000901' },
      { recipient: 'user:reviewer', title: '【已逾期】2026-000902' },
      // 保密办 has no head yet: the address waits for whoever is made head.
      { recipient: 'department-head:bmk', title: '【已逾期】2026-000903' },
    ]);

    const inbox = async (user: string) =>
      (await request(app).get('/api/inbox').set(as(user)).expect(200)).body.notifications
        .map((n: { title: string }) => n.title)
        .filter((t: string) => t.startsWith('【已逾期】2026-0009'))
        .sort();
    const zhao = await request(app).post('/api/admin/users/zhao.yj/tokens').set(as('admin')).send({ label: 'inbox' }).expect(201);
    tokens['zhao.yj'] = zhao.body.token;
    expect(await inbox('department')).toEqual(['【已逾期】2026-000901']);
    expect(await inbox('zhao.yj')).toEqual([]);
    expect(await inbox('reviewer')).toEqual(['【已逾期】2026-000902']);
    expect(await inbox('leader')).toEqual([]);

    // Made head of 保密办, the reviewer finds the waiting notification; flagged, 赵科员 gets the next one of 应急管理科.
    await request(app).patch('/api/admin/departments/bmk').set(as('admin')).send({ headUsername: 'reviewer' }).expect(200);
    expect(await inbox('reviewer')).toEqual(['【已逾期】2026-000902', '【已逾期】2026-000903']);
    await request(app).patch('/api/admin/users/zhao.yj').set(as('admin')).send({ departmentHead: true }).expect(200);
    await enqueueNotifications(database.db, [overdue('yjglk', '2026-000904')]);
    expect(await inbox('zhao.yj')).toEqual(['【已逾期】2026-000904']);
    expect(await inbox('department')).toEqual(['【已逾期】2026-000901', '【已逾期】2026-000904']);
    // A disabled head is not reached.
    await request(app).post('/api/admin/users/zhao.yj/disable').set(as('admin')).expect(200);
    expect(await departmentHeads(database.db, 'yjglk')).toEqual(['department']);
    expect(await addressesFor(database.db, { id: '0', username: 'nobody', role: 'clerk', departmentCode: 'gkb' })).toEqual([
      'user:nobody',
      'role:clerk',
      'department:gkb',
    ]);
  });
});

describe('migrations 20261201T1400_administration and 20261201T1410_office_department', () => {
  it('carries departments used by cases, the department heads and the tokens forward (down, rows, up)', async () => {
    const fresh = await createTestDatabase();
    const down = async (db: Kysely<any>) => {
      await agenciesMigration.down(db);
      await documentPdfsMigration.down(db);
      await officeMigration.down(db);
      await administrationMigration.down(db);
    };
    const up = async (db: Kysely<any>) => {
      await administrationMigration.up(db);
      await officeMigration.up(db);
      await documentPdfsMigration.up(db);
    };
    try {
      const db = fresh.db;
      await down(db);
      // Data as it was before: a department and users of the old shape, a token, and clock rows naming departments that had no row.
      await sql`insert into departments (code, name) values ('office', '办公室')`.execute(db);
      const ids = await sql<{ id: string; username: string }>`insert into users (username, display_name, role, department_code) values
        ('ke', '科员', 'department', 'office'), ('ling', '领导', 'leader', 'office'), ('shou', '受理', 'clerk', 'office') returning id, username`.execute(
        db,
      );
      const ke = ids.rows.find((r) => r.username === 'ke')!.id;
      // Written as it was then (today's issueToken audits with the agency, a column the old schema lacks).
      const oldToken = 'gk_before-the-migration-token-0123456789';
      await sql`insert into api_tokens (user_id, token_sha256, label, expires_at)
        values (${ke}, ${hashToken(oldToken)}, 'before the migration', now() + interval '90 days')`.execute(db);
      for (const [n, code] of [
        [1, 'yjglk'],
        [2, 'kjk'],
        [3, 'office'],
        [4, null],
      ] as const) {
        await sql`insert into case_clocks (workflow_id, clock_id, kind, case_ref, label, stage, unit, status, department_code, rule_profile_id, seq)
          values (${`application-2026-00000${n}`}, 'reply', 'application', ${`2026-00000${n}`}, '答复期限', 'assigned', 'working-days', 'running', ${code}, 'national-2019', 1)`.execute(
          db,
        );
      }

      await up(db);
      const departments = await db
        .selectFrom('departments')
        .select(['code', 'name', 'index_code', 'head_user_id'])
        .orderBy('code')
        .execute();
      expect(departments).toEqual([
        { code: 'kjk', name: 'kjk', index_code: null, head_user_id: null }, // unknown code: named by its code for an admin to rename
        { code: 'office', name: '办公室', index_code: null, head_user_id: null },
        { code: 'yjglk', name: '应急管理科', index_code: '002', head_user_id: null },
      ]);
      const users = await db.selectFrom('users').select(['username', 'is_department_head']).orderBy('username').execute();
      expect(users).toEqual([
        { username: 'ke', is_department_head: true },
        { username: 'ling', is_department_head: true },
        { username: 'shou', is_department_head: false },
      ]);
      expect(await departmentHeads(db, 'office')).toEqual(['ke', 'ling']);
      const token = await db.selectFrom('api_tokens').select(['role', 'department_code', 'issued_by']).executeTakeFirstOrThrow();
      expect(token).toEqual({ role: 'department', department_code: 'office', issued_by: null });
      expect((await sql`select * from agency_settings`.execute(db)).rows).toEqual([]); // seeded at first start from the configuration
      // The agencies migration carries the single agency forward as the first tenant, each department its.
      await agenciesMigration.up(db);
      expect((await checkToken(db, oldToken)).user).toMatchObject({ username: 'ke', role: 'department', departmentCode: 'office' });
      expect(await db.selectFrom('departments').select(['code', 'agency_code']).orderBy('code').execute()).toEqual([
        { code: 'kjk', agency_code: AGENCY.code },
        { code: 'office', agency_code: AGENCY.code },
        { code: 'yjglk', agency_code: AGENCY.code },
      ]);
      expect((await checkToken(db, oldToken)).user).toMatchObject({ username: 'ke', agencyCode: AGENCY.code, platform: false });
      // No gkb yet: no office; once the configured office's department exists it is filled in.
      expect(await loadAgencySettings(db, AGENCY)).toMatchObject({ ...AGENCY, regionCode: null, officeDepartmentCode: null });
      await sql`insert into departments (code, name, agency_code) values ('gkb', '政务公开办公室', ${AGENCY.code})`.execute(db);
      expect((await loadAgencySettings(db, AGENCY)).officeDepartmentCode).toBe('gkb');

      // And down and up once more, now that the settings hold a row: the agency comes back with its office.
      await down(db);
      await up(db);
      await agenciesMigration.up(db);
      expect(await loadAgencySettings(db, AGENCY)).toMatchObject({ code: AGENCY.code, officeDepartmentCode: 'gkb' });
      expect(
        (await db.selectFrom('departments').select('index_code').where('code', '=', 'yjglk').executeTakeFirstOrThrow()).index_code,
      ).toBe('002');
    } finally {
      await fresh.drop();
    }
  });
});
