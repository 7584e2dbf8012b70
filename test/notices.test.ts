/** Printed notices: title, number, dates in 年月日, the article cited, the counting convention, escaping. */
import { chineseDate, COUNTING_CONVENTION, type NoticeContext, type NoticeDetails, renderNotice } from '../activities/notices';
import { feeByPages } from '../domain/fees';

const base: Omit<NoticeContext, 'details'> = {
  docNo: '示例应急依申请〔2026〕补正第3号',
  issuedOn: '2026-10-09',
  agencyName: '示例市应急管理局',
  caseNo: '2026-000123',
  queryCode: 'ABCD234567',
  receivedOn: '2026-09-28',
  intake: {
    channel: 'registered-mail',
    applicant: { type: 'natural-person', name: '王五', idType: 'resident-id', idNumber: '110101199003071234', phone: '13800000000', address: '北京市东城区某街道1号' },
    description: '2025年度安全生产执法检查计划',
    form: 'paper',
    delivery: 'post',
    feeWaiverRequested: false,
    receivedOn: '2026-09-28',
  },
};

const render = (details: NoticeDetails, overrides: Partial<NoticeContext> = {}) => renderNotice({ ...base, ...overrides, details }).html;

const CASES: Array<[NoticeDetails, string[]]> = [
  [{ kind: 'receipt', channel: 'registered-mail', replyWorkingDays: 20, replyDue: '2026-10-30', awaitingConfirmation: false }, ['政府信息公开申请登记回执', '2026年9月28日', '2026年10月30日', '第三十三条']],
  [{ kind: 'correction', items: ['请明确年份'], periodWorkingDays: 10, correctBy: '2026-10-23' }, ['补正申请告知书', '第三十条', '请明确年份', '2026年10月23日', '视为放弃申请']],
  [{ kind: 'extension', workingDays: 20, reason: '档案分散', originalDue: '2026-10-30', newDue: '2026-11-27' }, ['延期答复告知书', '第三十三条第二款', '2026年10月30日', '2026年11月27日']],
  [{ kind: 'other-agency', party: '市财政局', workingDays: 15, answerBy: '2026-10-30' }, ['征求意见函', '第三十四条', '视为同意公开']],
  [{ kind: 'suspension', reason: '洪涝灾害', since: '2026-10-09' }, ['中止办理告知书', '洪涝灾害', '2026年10月9日']],
  [{ kind: 'resumption', resumedOn: '2026-10-20', newDue: '2026-11-11' }, ['恢复办理告知书', '2026年10月20日', '2026年11月11日']],
  [{ kind: 'fee', computation: feeByPages(150), payBy: '2026-11-06', workingDays: 20 }, ['收费通知书', '109号', '1700', '2026年11月6日', '视为放弃申请']],
  [{ kind: 'reply', decision: { outcome: 'not-disclosed.process-information', reasons: '属于内部讨论记录', legalBasis: '条例第十六条第二款', decidedBy: 'clerk', decidedOn: '2026-10-20' } }, ['答复书', '不予公开', '属于四类过程性信息', '行政复议', '六个月内']],
];

it.each(CASES.map(([details, expected]) => [details.kind, details, expected] as const))('renders the %s notice', (_kind, details, expected) => {
  const html = render(details);
  expect(html.startsWith('<!doctype html>')).toBe(true);
  for (const text of [...expected, base.docNo, base.caseNo, base.queryCode, '2026年10月9日', COUNTING_CONVENTION]) expect(html).toContain(text);
});

it('a third-party letter goes to the third party and carries none of the applicant’s identity', () => {
  const html = render({ kind: 'third-party', party: '某某建设有限公司', workingDays: 15, answerBy: '2026-10-30' });
  expect(html).toContain('某某建设有限公司：');
  expect(html).toContain('第三十二条');
  for (const secret of ['王五', '110101199003071234', '13800000000']) expect(html).not.toContain(secret);
});

it('escapes what the applicant wrote', () => {
  const html = render({ kind: 'receipt', channel: 'online', replyWorkingDays: 20, replyDue: null, awaitingConfirmation: true }, {
    intake: { ...base.intake, description: '<script>alert(1)</script>' },
  });
  expect(html).not.toContain('<script>');
  expect(html).toContain('&lt;script&gt;');
});

it('writes dates the Chinese way without shifting them', () => {
  expect(chineseDate('2026-01-05')).toBe('2026年1月5日');
});
