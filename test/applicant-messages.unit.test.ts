/** Who is reached by which channel, what the e-mail says, and what an error shown on the case may not carry. */
import { channelsFor, mailSettingsFromEnv, mobileNumberOf, noticeEmail, withoutContact } from '../activities/applicant-messages';
import type { ApplicationIntake } from '../domain/application/types';

const intake = (
  overrides: Partial<ApplicationIntake['applicant']> & { delivery?: ApplicationIntake['delivery'] } = {},
): ApplicationIntake => {
  const { delivery, ...applicant } = overrides;
  return {
    channel: 'online',
    applicant: {
      type: 'natural-person',
      name: '张三',
      idType: 'resident-id',
      idNumber: '110101199003071233',
      phone: '13800138000',
      email: 'zhang@example.com',
      address: '北京市',
      ...applicant,
    },
    description: 'x',
    form: 'email',
    delivery: delivery ?? 'email',
    feeWaiverRequested: false,
    receivedOn: null,
  };
};

it('e-mail only to applicants who chose e-mail delivery and gave an address; SMS to mainland mobile numbers; nothing for letters to third parties', () => {
  expect(channelsFor('receipt', intake())).toEqual(['email', 'sms']);
  expect(channelsFor('reply', intake({ delivery: 'post' }))).toEqual(['sms']);
  expect(channelsFor('correction', intake({ email: undefined }))).toEqual(['sms']);
  expect(channelsFor('fee', intake({ phone: '010-88886666' }))).toEqual(['email']);
  expect(channelsFor('third-party', intake())).toEqual([]);
  expect(channelsFor('other-agency', intake())).toEqual([]);
  expect(mobileNumberOf('+86 139-0013-9000')).toBe('13900139000');
  expect(mobileNumberOf('8613900139000')).toBe('13900139000');
  expect(mobileNumberOf('12900139000')).toBeNull();
  expect(mobileNumberOf('010-88886666')).toBeNull();
});

it('the e-mail names the notice, its number, the case and the query code, in Chinese', () => {
  const mail = noticeEmail({
    agencyName: '示例市应急管理局',
    applicantName: '张三',
    caseNo: '2026-000123',
    queryCode: 'ABCDEFGH23',
    docNo: '示例应急依申请〔2026〕补正第3号',
    title: '补正申请告知书',
    issuedOn: '2026-12-01',
    pdfSha256: 'ab'.repeat(32),
  });
  expect(mail.subject).toBe('【示例市应急管理局】补正申请告知书（示例应急依申请〔2026〕补正第3号）');
  expect(mail.text).toContain('张三：');
  expect(mail.text).toContain('《补正申请告知书》（示例应急依申请〔2026〕补正第3号）');
  expect(mail.text).toContain('案件编号：2026-000123');
  expect(mail.text).toContain('查询码 ABCDEFGH23');
  expect(mail.text).toContain('ab'.repeat(32));
});

it('errors kept on the case carry no e-mail address or mobile number', () => {
  expect(withoutContact('Recipient command failed: 550 5.1.1 <zhang.san@example.com>: mailbox unavailable')).toBe(
    'Recipient command failed: 550 5.1.1 <***@example.com>: mailbox unavailable',
  );
  expect(withoutContact('isv.MOBILE_NUMBER_ILLEGAL: 13900139000 invalid; +8613900139000')).toBe(
    'isv.MOBILE_NUMBER_ILLEGAL: 1********** invalid; 1**********',
  );
});

it('SMTP settings: none without a URL; a URL needs a From address and the smtp scheme', () => {
  expect(mailSettingsFromEnv({})).toBeUndefined();
  expect(() => mailSettingsFromEnv({ GONGKAI_SMTP_URL: 'smtp://127.0.0.1:1025' })).toThrow('GONGKAI_MAIL_FROM');
  expect(() => mailSettingsFromEnv({ GONGKAI_SMTP_URL: 'http://x', GONGKAI_MAIL_FROM: 'a@b.c' })).toThrow('GONGKAI_SMTP_URL');
  expect(mailSettingsFromEnv({ GONGKAI_SMTP_URL: 'smtps://u:p@mail.example.gov.cn:465', GONGKAI_MAIL_FROM: 'a@b.c' })).toEqual({
    smtpUrl: 'smtps://u:p@mail.example.gov.cn:465',
    from: 'a@b.c',
  });
});
