/**
 * Applicant data and department scope: ID numbers, phones, addresses and e-mail in full only
 * for the roles that handle the applicant; a department sees only cases assigned to it; the
 * public query-code view carries nothing personal. Plus the masks themselves.
 */
import request from 'supertest';
import { shanghaiDateOf } from '../domain/calendar/dates';
import { maskAddress, maskContact, maskEmail, maskIdNumber, maskPhone } from '../domain/privacy';
import { solveChallenge } from '../api/routes/public-guard';
import { type ApiStack, startApiStack } from './support/api-stack';

let stack: ApiStack;

beforeAll(async () => {
  stack = await startApiStack('privacy-e2e');
});

afterAll(async () => {
  await stack?.stop();
});

it('masks the way a clerk reads them aloud', () => {
  expect(maskIdNumber('110101199003071234')).toBe('1101**********1234');
  expect(maskPhone('13800001234')).toBe('138****1234');
  expect(maskAddress('北京市东城区某街道1号')).toBe('北京市东城区****');
  expect(maskEmail('zhang.san@example.cn')).toBe('z***@example.cn');
  expect(maskIdNumber('1234')).toBe('****');
  expect(maskContact({ name: '张三', idNumber: '110101199003071233', phone: '13800001234' })).toEqual({
    name: '张三',
    idNumber: '1101**********1233',
    phone: '138****1234',
  });
});

it('shows the applicant in full only to those who handle them, and each department only its own cases', async () => {
  const { app, as, post } = stack;
  const applicant = {
    type: 'natural-person',
    name: '褚九',
    idType: 'resident-id',
    idNumber: '110101198807071234',
    phone: '13566667777',
    email: 'chu.jiu@example.cn',
    address: '北京市西城区某胡同7号',
  };
  const created = await request(app)
    .post('/api/applications')
    .set(as('clerk'))
    .send({ channel: 'in-person', applicant, description: '某工地安全检查记录', form: 'paper', delivery: 'post' });
  const { caseNo, queryCode } = created.body;
  expect(created.body.case.intake.applicant).toMatchObject({ idNumber: applicant.idNumber, phone: applicant.phone }); // the clerk registering it

  const asSupervisor = await request(app).get(`/api/applications/${caseNo}`).set(as('supervisor'));
  expect(asSupervisor.body.case.intake.applicant).toMatchObject({
    name: '褚九',
    idNumber: '1101**********1234',
    phone: '135****7777',
    email: 'c***@example.cn',
    address: '北京市西城区****',
  });
  for (const secret of [applicant.idNumber, applicant.phone, applicant.email, '某胡同7号'])
    expect(JSON.stringify(asSupervisor.body)).not.toContain(secret);
  expect((await request(app).get(`/api/applications/${caseNo}`).set(as('admin'))).body.case.intake.applicant.idNumber).toBe(
    applicant.idNumber,
  );

  // Not yet assigned: 应急管理科 neither finds it nor opens it nor its notices.
  expect((await request(app).get(`/api/applications/${caseNo}`).set(as('department'))).status).toBe(404);
  expect((await request(app).get('/api/applications').set(as('department'))).body.items).toEqual([]);
  const receipt = created.body.documents[0].docNo as string;
  expect(
    (
      await request(app)
        .get(`/api/applications/${caseNo}/documents/${encodeURIComponent(receipt)}`)
        .set(as('department'))
    ).status,
  ).toBe(404);
  await post(caseNo, 'accept', 'clerk');
  await post(caseNo, 'assign', 'clerk', { departmentCode: 'yjglk' });
  const asDepartment = await request(app).get(`/api/applications/${caseNo}`).set(as('department'));
  expect(asDepartment.status).toBe(200);
  expect(asDepartment.body.case.intake.applicant.idNumber).toBe('1101**********1234');
  expect((await request(app).get('/api/applications').set(as('department'))).body.items.map((i: { caseNo: string }) => i.caseNo)).toEqual([
    caseNo,
  ]);

  // The applicant's own view: progress, nothing personal.
  const challenge = await request(app).get('/api/public/challenge').query({ purpose: 'lookup' });
  const own = await request(app)
    .post('/api/public/lookup')
    .set('X-Proof-Of-Work', solveChallenge(challenge.body.token, challenge.body.bits))
    .send({ queryCode, factor: applicant.phone.slice(-4) });
  expect(own.status).toBe(200);
  for (const secret of ['褚九', applicant.idNumber, applicant.phone, applicant.address])
    expect(JSON.stringify(own.body)).not.toContain(secret);

  // A step on a closed case is a 409 with the reason, not a 500.
  await post(caseNo, 'withdraw', 'clerk', { on: shanghaiDateOf(Date.now()), reason: '申请人撤回' });
  const late = await post(caseNo, 'accept', 'clerk');
  expect(late.status).toBe(409);
  expect(late.body.error.message).toBe('案件已办结');
});
