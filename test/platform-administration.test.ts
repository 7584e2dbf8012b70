/**
 * One platform, many agencies (issue 20), administered: an agency's admin sees and changes only
 * their own agency's departments, users and API keys (another agency's answer 404, or 400 naming
 * the field); a platform admin lists, creates (with a first department and first admin) and
 * edits agencies and grants the platform role; audit rows carry their agency; calendar
 * overrides belong to an agency or to the platform.
 */
import { Client } from '@temporalio/client';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../api/app';
import { verifyPassword } from '../api/identity/passwords';
import { issueToken, seedDemoUsers, seedSecondDemoAgency } from '../db/repositories/users';
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
  const users = { ...(await seedDemoUsers(database.db)), ...(await seedSecondDemoAgency(database.db)) };
  for (const [username, user] of Object.entries(users)) tokens[username] = await issueToken(database.db, user.id, 'platform-test');
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
const codes = (res: request.Response) => (res.body.items as Array<{ code: string }>).map((i) => i.code);
const auditRows = async (action: string) =>
  database.db
    .selectFrom('audit_log')
    .select(['action', 'target', 'agency_code', 'actor_username'])
    .where('action', '=', action)
    .orderBy('id')
    .execute();

describe('an agency admin administers only their own agency', () => {
  it('lists only their agency’s departments, users and API keys', async () => {
    expect(codes(await request(app).get('/api/departments').set(as('clerk')).expect(200))).toEqual(
      expect.arrayContaining(['gkb', 'yjglk', 'xxzx']),
    );
    expect(codes(await request(app).get('/api/departments').set(as('clerk')))).not.toContain('sfj-gkb');
    const sfjDepartments = codes(await request(app).get('/api/departments').set(as('sfj.clerk')).expect(200));
    expect(sfjDepartments).toContain('sfj-gkb');
    expect(sfjDepartments.every((c) => c.startsWith('sfj-'))).toBe(true);

    const users = await request(app).get('/api/admin/users').set(as('sfj.admin')).expect(200);
    const usernames = (users.body.items as Array<{ username: string; agencyCode: string }>).map((u) => u.username);
    expect(usernames).toEqual(['sfj.admin', 'sfj.clerk', 'sfj.department', 'sfj.leader', 'sfj.reviewer', 'sfj.supervisor']);
    expect(users.body.items.every((u: { agencyCode: string }) => u.agencyCode === 'sfj')).toBe(true);
    const demoUsers = (await request(app).get('/api/admin/users').set(as('admin')).expect(200)).body.items as Array<{ username: string }>;
    expect(demoUsers.map((u) => u.username)).not.toContain('sfj.clerk');

    const keys = await request(app).get('/api/admin/api-keys').set(as('sfj.admin')).expect(200);
    expect(keys.body.items.length).toBeGreaterThan(0);
    expect(keys.body.items.every((k: { username: string }) => k.username.startsWith('sfj.'))).toBe(true);
    // Naming another agency in a list is a platform admin's filter only.
    await request(app).get('/api/admin/users?agency=demo').set(as('sfj.admin')).expect(403);
    await request(app).get('/api/admin/api-keys?agency=demo').set(as('sfj.admin')).expect(403);
  });

  it('finds another agency’s user, department and key nowhere (404), and names the field of another agency’s department (400)', async () => {
    const sfj = as('sfj.admin');
    await request(app).patch('/api/admin/users/clerk').set(sfj).send({ displayName: '改名' }).expect(404);
    await request(app).post('/api/admin/users/clerk/disable').set(sfj).expect(404);
    await request(app).post('/api/admin/users/clerk/reset-password').set(sfj).expect(404);
    await request(app).get('/api/admin/users/clerk/tokens').set(sfj).expect(404);
    await request(app).post('/api/admin/users/clerk/tokens').set(sfj).send({ label: 'x' }).expect(404);
    await request(app).patch('/api/admin/departments/gkb').set(sfj).send({ name: '改名' }).expect(404);
    await request(app).delete('/api/admin/departments/xxzx').set(sfj).expect(404);
    const clerkKey = await database.db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select('api_tokens.id')
      .where('users.username', '=', 'clerk')
      .executeTakeFirstOrThrow();
    await request(app).delete(`/api/admin/tokens/${clerkKey.id}`).set(sfj).expect(404);

    const inDemo = await request(app)
      .post('/api/admin/users')
      .set(sfj)
      .send({ username: 'sfj.intruder', displayName: '越权', role: 'clerk', departmentCode: 'gkb' })
      .expect(400);
    expect(fieldsOf(inDemo)).toEqual(['departmentCode']);
    const moved = await request(app).patch('/api/admin/users/sfj.clerk').set(sfj).send({ departmentCode: 'gkb' }).expect(400);
    expect(fieldsOf(moved)).toEqual(['departmentCode']);
    const headFromDemo = await request(app)
      .post('/api/admin/departments')
      .set(sfj)
      .send({ code: 'sfj-xzfy', name: '行政复议科', headUsername: 'clerk' })
      .expect(400);
    expect(fieldsOf(headFromDemo)).toEqual(['headUsername']);
    const keyInDemo = await request(app)
      .post('/api/admin/users/sfj.clerk/tokens')
      .set(sfj)
      .send({ label: 'x', departmentCode: 'gkb' })
      .expect(400);
    expect(fieldsOf(keyInDemo)).toEqual(['departmentCode']);
    const office = await request(app).put('/api/admin/agency').set(sfj).send({ officeDepartmentCode: 'gkb' }).expect(400);
    expect(fieldsOf(office)).toEqual(['officeDepartmentCode']);

    // Nothing of it was written: demo's clerk, departments and key are as they were.
    const clerk = await database.db
      .selectFrom('users')
      .select(['display_name', 'active'])
      .where('username', '=', 'clerk')
      .executeTakeFirstOrThrow();
    expect(clerk).toEqual({ display_name: '王受理', active: true });
    expect(await database.db.selectFrom('users').select('id').where('username', '=', 'sfj.intruder').executeTakeFirst()).toBeUndefined();
    expect(await database.db.selectFrom('departments').select('code').where('code', '=', 'sfj-xzfy').executeTakeFirst()).toBeUndefined();
    const key = await database.db.selectFrom('api_tokens').select('revoked_at').where('id', '=', clerkKey.id).executeTakeFirstOrThrow();
    expect(key.revoked_at).toBeNull();
  });

  it('keeps department codes unique on the platform, 索引号 numbers unique within the agency', async () => {
    const taken = await request(app).post('/api/admin/departments').set(as('sfj.admin')).send({ code: 'gkb', name: '公开办' }).expect(409);
    expect(fieldsOf(taken)).toEqual(['code']);
    const sameNumber = await request(app)
      .post('/api/admin/departments')
      .set(as('sfj.admin'))
      .send({ code: 'sfj-fzk', name: '法制科', indexCode: '001' })
      .expect(409);
    expect(fieldsOf(sameNumber)).toEqual(['indexCode']);
    await request(app)
      .post('/api/admin/departments')
      .set(as('sfj.admin'))
      .send({ code: 'sfj-fzk', name: '法制科', indexCode: '077' })
      .expect(201);
    const demo = await request(app)
      .post('/api/admin/departments')
      .set(as('admin'))
      .send({ code: 'fzk', name: '法制科', indexCode: '077' })
      .expect(201);
    expect(demo.body).toMatchObject({ code: 'fzk', agencyCode: 'demo', indexCode: '077' });
  });

  it('changes their own agency’s settings only, and may not grant the platform role', async () => {
    await request(app).put('/api/admin/agency').set(as('sfj.admin')).send({ shortName: '司法' }).expect(200);
    expect((await request(app).get('/api/agency').set(as('sfj.clerk')).expect(200)).body).toMatchObject({ code: 'sfj', shortName: '司法' });
    expect((await request(app).get('/api/agency').set(as('clerk')).expect(200)).body).toMatchObject({
      code: 'demo',
      shortName: '示例应急',
    });
    await request(app).patch('/api/admin/users/sfj.supervisor').set(as('sfj.admin')).send({ platform: true }).expect(403);
    await request(app).patch('/api/admin/users/sfj.admin').set(as('sfj.admin')).send({ platform: true }).expect(403);
    const row = await database.db.selectFrom('users').select('platform').where('username', '=', 'sfj.supervisor').executeTakeFirstOrThrow();
    expect(row.platform).toBe(false);
  });
});

describe('platform administration', () => {
  it('is a platform admin’s only: every other caller gets 403', async () => {
    for (const user of ['admin', 'sfj.admin', 'platform.supervisor', 'clerk']) {
      await request(app).get('/api/platform/agencies').set(as(user)).expect(403);
      await request(app)
        .post('/api/platform/agencies')
        .set(as(user))
        .send({
          code: 'x',
          name: '某局',
          shortName: '某',
          department: { code: 'x-gkb', name: '公开办' },
          admin: { username: 'x.admin', displayName: '管' },
        })
        .expect(403);
      await request(app).patch('/api/platform/agencies/sfj').set(as(user)).send({ name: 'x' }).expect(403);
    }
  });

  it('lists the agencies with their departments and users', async () => {
    const list = await request(app).get('/api/platform/agencies').set(as('platform.admin')).expect(200);
    expect(codes(list)).toEqual(expect.arrayContaining(['demo', 'sfj']));
    expect(list.body.items.find((a: { code: string }) => a.code === 'sfj')).toMatchObject({
      name: '示例市司法局',
      officeDepartmentCode: 'sfj-gkb',
      users: 6,
    });
  });

  it('creates an agency with its first department and admin (temporary password shown once), who administers it alone', async () => {
    const created = await request(app)
      .post('/api/platform/agencies')
      .set(as('platform.admin'))
      .send({
        code: 'swj',
        name: '示例市商务局',
        shortName: '示例商务',
        regionCode: '520500',
        defaultRuleProfileId: 'bijie-004',
        department: { code: 'swj-gkb', name: '政务公开办公室', indexCode: '001' },
        admin: { username: 'swj.admin', displayName: '孙管理' },
      })
      .expect(201);
    expect(created.body.agency).toMatchObject({
      code: 'swj',
      name: '示例市商务局',
      regionCode: '520500',
      defaultRuleProfileId: 'bijie-004',
      officeDepartmentCode: 'swj-gkb',
      departments: 1,
      users: 1,
    });
    expect(created.body.department).toMatchObject({ code: 'swj-gkb', agencyCode: 'swj', indexCode: '001' });
    expect(created.body.admin).toMatchObject({
      username: 'swj.admin',
      role: 'admin',
      agencyCode: 'swj',
      mustChangePassword: true,
      platform: false,
    });
    const stored = await database.db
      .selectFrom('users')
      .select(['id', 'password_hash'])
      .where('username', '=', 'swj.admin')
      .executeTakeFirstOrThrow();
    expect(await verifyPassword(stored.password_hash!, created.body.temporaryPassword)).toBe(true);

    tokens['swj.admin'] = await issueToken(database.db, stored.id, 'platform-test');
    const users = await request(app).get('/api/admin/users').set(as('swj.admin')).expect(200);
    expect(users.body.items.map((u: { username: string }) => u.username)).toEqual(['swj.admin']);
    expect(codes(await request(app).get('/api/departments').set(as('swj.admin')))).toEqual(['swj-gkb']);
    await request(app)
      .post('/api/admin/departments')
      .set(as('swj.admin'))
      .send({ code: 'swj-scc', name: '市场处', indexCode: '002' })
      .expect(201);

    // Audited as the new agency's: its admin sees how it began.
    expect(await auditRows('platform.agency-created')).toEqual([
      { action: 'platform.agency-created', target: 'agency:swj', agency_code: 'swj', actor_username: 'platform.admin' },
    ]);
    const seen = await request(app).get('/api/admin/audit?target=swj').set(as('swj.admin')).expect(200);
    expect(seen.body.items.map((i: { action: string }) => i.action).sort()).toEqual(
      ['admin.department-created', 'admin.department-created', 'admin.user-created', 'platform.agency-created'].sort(),
    );
    const fromDemo = await request(app).get('/api/admin/audit?target=swj').set(as('admin')).expect(200);
    expect(fromDemo.body.total).toBe(0);
  });

  it('answers 409 for a taken agency code or name, department code or username, 400 naming the field, and writes nothing then', async () => {
    const base = {
      code: 'jyj',
      name: '示例市教育局',
      shortName: '示例教育',
      department: { code: 'jyj-gkb', name: '政务公开办公室' },
      admin: { username: 'jyj.admin', displayName: '钱管理' },
    };
    const create = (body: object) => request(app).post('/api/platform/agencies').set(as('platform.admin')).send(body);
    expect(fieldsOf(await create({ ...base, code: 'sfj' }).expect(409))).toEqual(['code']);
    expect(fieldsOf(await create({ ...base, name: '示例市司法局' }).expect(409))).toEqual(['name']);
    expect(fieldsOf(await create({ ...base, department: { code: 'gkb', name: '公开办' } }).expect(409))).toEqual(['department.code']);
    expect(fieldsOf(await create({ ...base, admin: { username: 'clerk', displayName: '重名' } }).expect(409))).toEqual(['admin.username']);
    expect(fieldsOf(await create({ ...base, code: 'Jyj!' }).expect(400))).toEqual(['code']);
    expect(fieldsOf(await create({ ...base, defaultRuleProfileId: 'no-such-profile' }).expect(400))).toEqual(['defaultRuleProfileId']);
    expect(fieldsOf(await create({ ...base, regionCode: '12' }).expect(400))).toEqual(['regionCode']);
    expect(await database.db.selectFrom('agencies').select('code').where('code', '=', 'jyj').executeTakeFirst()).toBeUndefined();
    expect(await database.db.selectFrom('departments').select('code').where('code', '=', 'jyj-gkb').executeTakeFirst()).toBeUndefined();
    expect(await database.db.selectFrom('users').select('id').where('username', '=', 'jyj.admin').executeTakeFirst()).toBeUndefined();
    await create(base).expect(201);
  });

  it('edits an agency (name, short name, region, default rule profile), audited as that agency’s', async () => {
    const changed = await request(app)
      .patch('/api/platform/agencies/sfj')
      .set(as('platform.admin'))
      .send({ name: '示例市司法局（更名）', regionCode: '520500', defaultRuleProfileId: 'bijie-004' })
      .expect(200);
    expect(changed.body).toMatchObject({
      code: 'sfj',
      name: '示例市司法局（更名）',
      regionCode: '520500',
      defaultRuleProfileId: 'bijie-004',
    });
    expect((await request(app).get('/api/agency').set(as('sfj.clerk'))).body.name).toBe('示例市司法局（更名）');
    await request(app).patch('/api/platform/agencies/nope').set(as('platform.admin')).send({ name: '无' }).expect(404);
    expect(
      fieldsOf(
        await request(app).patch('/api/platform/agencies/sfj').set(as('platform.admin')).send({ name: '示例市应急管理局' }).expect(409),
      ),
    ).toEqual(['name']);
    expect(
      fieldsOf(
        await request(app).patch('/api/platform/agencies/sfj').set(as('platform.admin')).send({ defaultRuleProfileId: 'nope' }).expect(400),
      ),
    ).toEqual(['defaultRuleProfileId']);
    expect(await auditRows('platform.agency-updated')).toEqual([
      { action: 'platform.agency-updated', target: 'agency:sfj', agency_code: 'sfj', actor_username: 'platform.admin' },
    ]);
  });

  it('grants and revokes the platform role (not their own), ending the user’s sessions', async () => {
    const granted = await request(app)
      .patch('/api/admin/users/sfj.supervisor')
      .set(as('platform.admin'))
      .send({ platform: true })
      .expect(200);
    expect(granted.body).toMatchObject({ username: 'sfj.supervisor', platform: true, agencyCode: 'sfj' });
    const revoked = await request(app)
      .patch('/api/admin/users/sfj.supervisor')
      .set(as('platform.admin'))
      .send({ platform: false })
      .expect(200);
    expect(revoked.body.platform).toBe(false);
    const own = await request(app).patch('/api/admin/users/platform.admin').set(as('platform.admin')).send({ platform: false }).expect(409);
    expect(fieldsOf(own)).toEqual(['platform']);
    const updates = (await auditRows('admin.user-updated')).filter((r) => r.target === 'user:sfj.supervisor');
    expect(updates).toHaveLength(2);
    expect(updates.every((r) => r.agency_code === 'sfj')).toBe(true);
  });
});

describe('the audit log per agency', () => {
  it('records each row’s agency centrally; an agency admin sees their agency’s rows, a platform admin every row or one agency’s', async () => {
    await request(app).post('/api/admin/users/sfj.clerk/reset-password').set(as('sfj.admin')).expect(200);
    await request(app).post('/api/admin/users/clerk/reset-password').set(as('admin')).expect(200);
    const resets = await auditRows('admin.password-reset');
    expect(resets.map((r) => [r.target, r.agency_code])).toEqual([
      ['user:sfj.clerk', 'sfj'],
      ['user:clerk', 'demo'],
    ]);

    const sfjLog = await request(app).get('/api/admin/audit?pageSize=500').set(as('sfj.admin')).expect(200);
    expect(sfjLog.body.items.length).toBeGreaterThan(0);
    expect(sfjLog.body.items.every((i: { agency: string }) => i.agency === 'sfj')).toBe(true);
    const demoLog = await request(app).get('/api/admin/audit?pageSize=500').set(as('admin')).expect(200);
    expect(demoLog.body.items.every((i: { agency: string }) => i.agency === 'demo')).toBe(true);

    const all = await request(app).get('/api/admin/audit?pageSize=500').set(as('platform.admin')).expect(200);
    const agencies = new Set(all.body.items.map((i: { agency: string }) => i.agency));
    expect(agencies).toEqual(new Set(['demo', 'sfj', 'swj', 'jyj', null])); // null: the platform's own (keys issued by no one)
    const onlySfj = await request(app).get('/api/admin/audit?agency=sfj&pageSize=500').set(as('platform.admin')).expect(200);
    expect(onlySfj.body.total).toBe(sfjLog.body.total);
    const csv = await request(app).get('/api/admin/audit.csv?agency=sfj').set(as('platform.admin')).expect(200);
    expect(csv.text.trim().split('\r\n').length - 1).toBe(onlySfj.body.total);
    expect(fieldsOf(await request(app).get('/api/admin/audit?agency=No!').set(as('platform.admin')).expect(400))).toEqual(['agency']);
  });

  it('gives a failed sign-in against a user that user’s agency, and one against nobody no agency', async () => {
    await request(app).post('/api/auth/login').send({ username: 'sfj.clerk', password: 'wrong-password-1' }).expect(401);
    await request(app).post('/api/auth/login').send({ username: 'no.such.user', password: 'wrong-password-1' }).expect(401);
    const failed = await auditRows('auth.sign-in-failed');
    expect(failed.map((r) => [r.target, r.agency_code])).toEqual([
      ['user:sfj.clerk', 'sfj'],
      ['user:no.such.user', null],
    ]);
    const seen = await request(app).get('/api/admin/audit?action=auth.sign-in-failed').set(as('sfj.admin')).expect(200);
    expect(seen.body.items.map((i: { target: string }) => i.target)).toEqual(['user:sfj.clerk']);
  });
});
