/**
 * Check digits at intake (issue 15): the resident ID (GB 11643-1999) and the 统一社会信用代码
 * (GB 32100-2015). Valid numbers are written out: the standards' own published examples
 * (11010519491231002X in GB 11643, 91350100M000100Y43 in GB 32100) and numbers whose check
 * character was worked out by hand from the weights.
 */
import { Client } from '@temporalio/client';
import request from 'supertest';
import { createApp } from '../api/app';
import { checkCreditCode, checkIdNumber, checkResidentId, creditCodeCheckChar, residentIdCheckChar } from '../domain/identity';
import { issueToken, seedDemoUsers } from '../db/repositories/users';
import { createTestDatabase, type TestDatabase } from './support/database';

const VALID_RESIDENT_IDS = [
  '11010519491231002X', // GB 11643's example
  '110101199003074477',
  '440304198511220938',
  '320102200002291518', // born 29 February of a leap year
  '510107197806150027',
  '110101199003071233',
];
const VALID_CREDIT_CODES = [
  '91350100M000100Y43', // GB 32100-2015's example
  '91110000600007336U',
  '121000004000007168',
  '91440300MA5ELPB9YA',
  '52110000500021676T',
  '91110000MA01ABCD2Q',
];

describe('resident ID (GB 11643)', () => {
  it('accepts numbers whose check character is right, lower-case x too', () => {
    for (const id of VALID_RESIDENT_IDS) expect([id, checkResidentId(id, '2026-12-01')]).toEqual([id, { ok: true }]);
    expect(checkResidentId('11010519491231002x')).toEqual({ ok: true });
  });

  it('computes the check character from the weights', () => {
    // 1·7+1·9+0·10+1·5+0·8+5·4+1·2+9·1+4·6+9·3+1·7+2·9+3·10+1·5+0·8+0·4+2·2 = 167; 167 mod 11 = 2 → 'X'
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(residentIdCheckChar('11010119900307447')).toBe('7');
  });

  it('refuses a wrong check character, a bad birth date, a wrong length', () => {
    expect(checkResidentId('110105194912310021')).toMatchObject({ ok: false, problem: 'check-digit' });
    expect(checkResidentId('110101199003071234')).toMatchObject({ ok: false, problem: 'check-digit' });
    expect(checkResidentId('110101199003074478')).toMatchObject({ ok: false, problem: 'check-digit' }); // one digit off
    expect(checkResidentId('110101199003074747')).toMatchObject({ ok: false, problem: 'check-digit' }); // two digits swapped
    expect(checkResidentId('320102200102291510')).toMatchObject({ ok: false, problem: 'birth-date' }); // 2001-02-29
    expect(checkResidentId('110101199013011234')).toMatchObject({ ok: false, problem: 'birth-date' }); // month 13
    expect(checkResidentId('110101203001011234', '2026-12-01')).toMatchObject({ ok: false, problem: 'birth-date' }); // born in 2030
    expect(checkResidentId('110101850101123')).toMatchObject({ ok: false, problem: 'length' }); // 15-digit first generation
    expect(checkResidentId('11010119900307447Y')).toMatchObject({ ok: false, problem: 'characters' });
    expect(checkResidentId('010101199003074477')).toMatchObject({ ok: false, problem: 'characters' }); // no address code starts with 0
  });
});

describe('统一社会信用代码 (GB 32100-2015)', () => {
  it('accepts codes whose check character is right, lower case too', () => {
    for (const code of VALID_CREDIT_CODES) expect([code, checkCreditCode(code)]).toEqual([code, { ok: true }]);
    expect(checkCreditCode('91350100m000100y43')).toEqual({ ok: true });
  });

  it('computes the check character from the weights, 31 mapping to 0', () => {
    // 9·1+1·3+3·9+5·27+0·19+1·26+0·16+0·17+M(21)·20+0·29+0·25+0·13+1·8+0·24+0·10+Y(30)·30+4·28 = 1,640;
    // 1,640 mod 31 = 28; 31 − 28 = 3 → '3', as printed in the standard.
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(creditCodeCheckChar('12100000400000716')).toBe('8');
    // Σ = 1,705 = 55·31: 31 − 0 = 31, written 0.
    expect(creditCodeCheckChar('91110108MA01ABC0B')).toBe('0');
    expect(checkCreditCode('91110108MA01ABC0B0')).toEqual({ ok: true });
  });

  it('refuses a wrong check character, letters outside the code set, a wrong length', () => {
    expect(checkCreditCode('91350100M000100Y44')).toMatchObject({ ok: false, problem: 'check-digit' });
    expect(checkCreditCode('91110000MA01ABCD2X')).toMatchObject({ ok: false, problem: 'check-digit' });
    expect(checkCreditCode('91350100M000100YI3')).toMatchObject({ ok: false, problem: 'characters' }); // I is not in the set
    expect(checkCreditCode('91AB0100M000100Y43')).toMatchObject({ ok: false, problem: 'characters' }); // region code must be digits
    expect(checkCreditCode('91350100M000100Y4')).toMatchObject({ ok: false, problem: 'length' });
  });

  it('leaves document types without a published check digit alone', () => {
    expect(checkIdNumber('passport', 'E12345678')).toBeNull();
    expect(checkIdNumber('resident-id', '110101199003071234')).toMatchObject({ ok: false });
    expect(checkIdNumber('unified-credit-code', '91350100M000100Y43')).toEqual({ ok: true });
  });
});

describe('POST /api/applications', () => {
  let database: TestDatabase;
  let clerk: string;
  const temporal = new Client(); // lazy: a refused intake never reaches Temporal
  beforeAll(async () => {
    database = await createTestDatabase();
    const users = await seedDemoUsers(database.db);
    clerk = await issueToken(database.db, users.clerk!.id, 'identity');
  });
  afterAll(async () => {
    await temporal.connection.close().catch(() => undefined);
    await database?.drop();
  });

  const post = (applicant: Record<string, unknown>) =>
    request(
      createApp({
        db: database.db,
        temporal,
        namespace: 'unused',
        agency: { code: 'demo', name: '示例市应急管理局', shortName: '示例应急', defaultRuleProfileId: 'national-2019' },
      }),
    )
      .post('/api/applications')
      .set('Authorization', `Bearer ${clerk}`)
      .send({
        channel: 'in-person',
        description: '2025年度本机关行政处罚案件统计',
        form: 'paper',
        delivery: 'post',
        applicant: {
          type: 'natural-person',
          name: '张三',
          idType: 'resident-id',
          phone: '13800000000',
          address: '某市某区某路1号',
          ...applicant,
        },
      });

  it('answers 400 naming applicant.idNumber for a wrong check digit, without echoing the number', async () => {
    const person = await post({ idNumber: '110101199003071234' });
    expect(person.status).toBe(400);
    expect(person.body.error.details).toEqual([{ field: 'applicant.idNumber', message: 'check digit does not match (GB 11643)' }]);
    expect(JSON.stringify(person.body)).not.toContain('110101199003071234');

    const company = await post({
      type: 'commercial',
      name: '某某化工有限公司',
      idType: 'unified-credit-code',
      idNumber: '91110000MA01ABCD2X',
    });
    expect(company.status).toBe(400);
    expect(company.body.error.details).toEqual([{ field: 'applicant.idNumber', message: 'check digit does not match (GB 32100-2015)' }]);
    expect(JSON.stringify(company.body)).not.toContain('91110000MA01ABCD2X');

    const unborn = await post({ idNumber: '110101203001011234' });
    expect(unborn.body.error.details).toEqual([
      { field: 'applicant.idNumber', message: 'has no valid birth date in digits 7–14 (GB 11643)' },
    ]);
  });
});
