/**
 * Notices rendered to printable HTML. Dates follow one case through the 2026 calendar:
 * received Mon 2026-09-28, 20 working days → due 2026-10-30 (domain.md §2's example).
 */
import { COUNTING_CONVENTION, type NoticeContext, type NoticeDetails, chineseDate, escapeHtml, renderNotice } from '../activities/notices';
import { type ApplicationIntake, NOTICE_KINDS, type NoticeKind } from '../domain/application/types';
import { feeByPages } from '../domain/fees';
import { SECTION_36_REPLIES } from '../domain/outcomes';

const AGENCY = '杭州市示例区住房和城乡建设局';
const ID_NUMBER = '330106198503150016';
const PHONE = '13867125309';
const EMAIL = 'wangxm1985@example.com';
const ADDRESS = '浙江省杭州市西湖区文三路90号3幢502室';
const QUERY_CODE = 'K7M2Q9X4TB';
const CASE_NO = 'YSQ-2026-000123';

const intake: ApplicationIntake = {
  channel: 'registered-mail',
  applicant: {
    type: 'natural-person',
    name: '王晓明',
    idType: 'resident-id',
    idNumber: ID_NUMBER,
    phone: PHONE,
    email: EMAIL,
    address: ADDRESS,
    postcode: '310012',
  },
  description: '2025年度示例区老旧小区综合改造项目资金安排及使用情况',
  purpose: '了解本人所住小区改造资金使用情况',
  form: 'paper',
  delivery: 'post',
  feeWaiverRequested: false,
  receivedOn: '2026-09-28',
};

function render(details: NoticeDetails, overrides: Partial<NoticeContext> = {}) {
  return renderNotice({
    docNo: '示例局依申请〔2026〕补正第3号',
    issuedOn: '2026-10-09',
    agencyName: AGENCY,
    caseNo: CASE_NO,
    queryCode: QUERY_CODE,
    intake,
    receivedOn: '2026-09-28',
    details,
    ...overrides,
  });
}

const SAMPLES: Record<NoticeKind, NoticeDetails> = {
  receipt: { kind: 'receipt', channel: 'registered-mail', replyWorkingDays: 20, replyDue: '2026-10-30', awaitingConfirmation: false },
  correction: {
    kind: 'correction',
    items: ['请明确所需信息对应的具体小区名称或改造项目名称', '请说明所需信息的时间范围'],
    periodWorkingDays: 15,
    correctBy: '2026-10-26',
  },
  extension: {
    kind: 'extension',
    workingDays: 20,
    reason: '所需信息涉及多个街道及年度，需调取大量档案',
    originalDue: '2026-10-30',
    newDue: '2026-11-27',
  },
  'third-party': {
    kind: 'third-party',
    party: '杭州示例建筑工程有限公司',
    address: '浙江省杭州市拱墅区莫干山路188号',
    workingDays: 15,
    answerBy: '2026-11-02',
  },
  'other-agency': { kind: 'other-agency', party: '杭州市示例区财政局', workingDays: 15, answerBy: '2026-11-02' },
  suspension: { kind: 'suspension', reason: '所需信息存放的档案室因台风“海葵”受损，档案暂无法调阅', since: '2026-10-09' },
  resumption: { kind: 'resumption', resumedOn: '2026-10-20', newDue: '2026-11-11' },
  fee: { kind: 'fee', computation: feeByPages(150), payBy: '2026-11-10', workingDays: 20 },
  'fee-waiver': { kind: 'fee-waiver', approved: false, reasons: '申请人未提供经济困难的证明材料', requestReason: '本人系低保户' },
  'reasons-request': { kind: 'reasons-request', explanation: '申请人本月提交同类申请四十二件' },
  'deferred-reply': { kind: 'deferred-reply', explanation: '所需信息涉及十二个年度的档案', laterWorkingDays: 30, newDue: '2026-12-10' },
  'third-party-disclosure': {
    kind: 'third-party-disclosure',
    party: '杭州示例建筑工程有限公司',
    outcome: 'partially-disclosed',
    reasons: '项目资金使用情况关系重大公共利益',
  },
  reply: {
    kind: 'reply',
    decision: {
      outcome: 'partially-disclosed',
      reasons: '所需信息中涉及施工单位工作人员个人信息的部分，公开后会对第三方合法权益造成损害。',
      legalBasis: '《中华人民共和国政府信息公开条例》第十五条、第三十七条',
      decidedBy: '李建国',
      decidedOn: '2026-10-29',
    },
  },
};

describe('every notice', () => {
  it('covers every kind of NOTICE_KINDS', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(Object.keys(NOTICE_KINDS).sort());
  });

  it.each(Object.keys(NOTICE_KINDS) as NoticeKind[])('%s is a standalone printable document with the common parts', (kind) => {
    const { kind: rendered, title, html } = render(SAMPLES[kind]);
    expect(rendered).toBe(kind);
    expect(title).toBe(NOTICE_KINDS[kind]);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('@page { size: A4; margin: 25mm; }');
    expect(html).toContain('"FangSong", "STFangsong"');
    expect(html).toContain(`<h1>${NOTICE_KINDS[kind]}</h1>`);
    expect(html).toContain('<p class="doc-no">示例局依申请〔2026〕补正第3号</p>');
    expect(html).toContain(CASE_NO);
    expect(html).toContain(`<div class="sign"><p>${AGENCY}</p><p>2026年10月9日</p></div>`);
    expect(html).toContain(COUNTING_CONVENTION);
    // No scripts and nothing fetched from outside.
    expect(html).not.toMatch(/<script|<link|src=|https?:/i);
  });
});

it('states the counting convention in the agreed words', () => {
  expect(COUNTING_CONVENTION).toBe('本文书所称期限均以工作日计算，起算日当日不计入，自次日起算；期限届满日为最后一个工作日的24时。');
});

describe('receipt (登记回执)', () => {
  it('acknowledges the receipt date and channel and states the reply-by date', () => {
    const { html } = render(SAMPLES.receipt, { docNo: '示例局依申请〔2026〕登记第57号', issuedOn: '2026-09-28' });
    expect(html).toContain('<h1>政府信息公开申请登记回执</h1>');
    expect(html).toContain('示例局依申请〔2026〕登记第57号');
    expect(html).toContain('<p class="addressee">王晓明：</p>');
    expect(html).toContain('本机关于2026年9月28日以挂号信方式收到您提交的政府信息公开申请');
    expect(html).toContain(intake.description);
    expect(html).toContain('第三十三条');
    expect(html).toContain('20个工作日内，即不晚于2026年10月30日答复您');
    expect(html).toContain('征求第三方或者其他机关意见所需时间');
    expect(html).toContain('缴纳信息处理费的期间，不计算在答复期限内');
    expect(html).toContain(`查询码：${QUERY_CODE}`);
    expect(html).toContain(`送达地址：${ADDRESS}（邮政编码：310012）`);
    expect(html).toContain('<p>2026年9月28日</p>');
  });

  it('masks the ID number and leaves out the phone number', () => {
    const { html } = render(SAMPLES.receipt);
    expect(html).toContain('居民身份证（**************0016）');
    expect(html).not.toContain(ID_NUMBER);
    expect(html).not.toContain(PHONE);
  });

  it('says the receipt date will be confirmed when the channel needs it', () => {
    const { html } = render(
      { kind: 'receipt', channel: 'online', replyWorkingDays: 20, replyDue: null, awaitingConfirmation: true },
      { receivedOn: null, intake: { ...intake, channel: 'online', receivedOn: null } },
    );
    expect(html).toContain('以网络提交方式提交的政府信息公开申请');
    expect(html).toContain('第三十一条');
    expect(html).toContain('以确认之日为收到申请之日');
    expect(html).toContain('<th>收到申请日期</th><td>待确认</td>');
    expect(html).toContain('自收到申请之日起20个工作日内答复您');
    expect(html).not.toContain('不晚于');
  });

  it('addresses an organisation as 贵单位', () => {
    const { html } = render(SAMPLES.receipt, {
      intake: {
        ...intake,
        applicant: {
          ...intake.applicant,
          type: 'legal-services',
          name: '浙江示例律师事务所',
          idType: 'unified-credit-code',
          idNumber: '31330000MD0123456R',
        },
      },
    });
    expect(html).toContain('<p class="addressee">浙江示例律师事务所：</p>');
    expect(html).toContain('收到贵单位提交的政府信息公开申请');
    expect(html).toContain('<th>申请人类型</th><td>法律服务机构</td>');
  });
});

it('correction (补正申请告知书) lists the items, the period and the consequence', () => {
  const { html } = render(SAMPLES.correction);
  expect(html).toContain('<h1>补正申请告知书</h1>');
  expect(html).toContain('第三十条');
  expect(html).toContain('<ol class="items"><li>请明确所需信息对应的具体小区名称或改造项目名称</li><li>请说明所需信息的时间范围</li></ol>');
  expect(html).toContain('15个工作日内，即不晚于2026年10月26日');
  expect(html).toContain('答复期限自本机关收到补正后的申请之日起计算');
  expect(html).toContain('视为放弃申请，本机关不再处理');
});

it('extension (延期答复告知书) gives the reason and both due dates', () => {
  const { html } = render(SAMPLES.extension);
  expect(html).toContain('<h1>延期答复告知书</h1>');
  expect(html).toContain('第三十三条第二款');
  expect(html).toContain('因所需信息涉及多个街道及年度，需调取大量档案');
  expect(html).toContain('延长20个工作日：原答复期限为2026年10月30日，延长后的答复期限为2026年11月27日');
});

describe('third-party letter (第三方意见征询函)', () => {
  it('is addressed to the third party and asks for an opinion by a date', () => {
    const { html } = render(SAMPLES['third-party']);
    expect(html).toContain('<h1>第三方意见征询函</h1>');
    expect(html).toContain('<p class="addressee">杭州示例建筑工程有限公司：</p>');
    expect(html).toContain('第三十二条');
    expect(html).toContain('15个工作日内，即不晚于2026年11月2日');
    expect(html).toContain('逾期未提出意见的，由本机关依照条例规定决定是否公开');
    expect(html).toContain('送达地址：浙江省杭州市拱墅区莫干山路188号');
  });

  it('carries none of the applicant’s personal data nor the query code', () => {
    const { html } = render(SAMPLES['third-party']);
    for (const secret of [ID_NUMBER, ID_NUMBER.slice(-4), PHONE, EMAIL, ADDRESS, intake.applicant.name, QUERY_CODE]) {
      expect(html).not.toContain(secret);
    }
  });
});

it('other-agency letter (征求意见函) cites §34 and treats silence as consent, without applicant data', () => {
  const { html } = render(SAMPLES['other-agency']);
  expect(html).toContain('<h1>政府信息公开征求意见函</h1>');
  expect(html).toContain('<p class="addressee">杭州市示例区财政局：</p>');
  expect(html).toContain('第三十四条');
  expect(html).toContain('15个工作日内，即不晚于2026年11月2日');
  expect(html).toContain('逾期未提出意见的视为同意公开');
  for (const secret of [ID_NUMBER, PHONE, ADDRESS, intake.applicant.name, QUERY_CODE]) expect(html).not.toContain(secret);
});

it('suspension (中止办理告知书) gives the reason and the date', () => {
  const { html } = render(SAMPLES.suspension);
  expect(html).toContain('<h1>中止办理告知书</h1>');
  expect(html).toContain('因所需信息存放的档案室因台风“海葵”受损，档案暂无法调阅，自2026年10月9日起中止办理');
  expect(html).toContain('中止办理期间不计算在答复期限内');
});

describe('resumption (恢复办理告知书)', () => {
  it('gives the resumption date and the new reply-by date', () => {
    const { html } = render(SAMPLES.resumption, { issuedOn: '2026-10-20' });
    expect(html).toContain('<h1>恢复办理告知书</h1>');
    expect(html).toContain('自2026年10月20日起恢复办理');
    expect(html).toContain('不晚于2026年11月11日答复您');
  });

  it('falls back to the remaining period when no new date is given', () => {
    const { html } = render({ kind: 'resumption', resumedOn: '2026-10-20', newDue: null });
    expect(html).toContain('在剩余答复期限内答复您');
  });
});

it('fee (收费通知书) tabulates the 109号 bands and states the pay-by date', () => {
  const { html } = render(SAMPLES.fee, { issuedOn: '2026-10-13' });
  expect(html).toContain('<h1>收费通知书</h1>');
  expect(html).toContain('《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）第五条规定（按量计收）');
  expect(html).toContain('<th>数量（页）</th>');
  expect(html).toContain('<tr><td>1—30页</td><td>30</td><td>0.00</td><td>0.00</td></tr>');
  expect(html).toContain('<tr><td>31—100页</td><td>70</td><td>10.00</td><td>700.00</td></tr>');
  expect(html).toContain('<tr><td>101—200页</td><td>50</td><td>20.00</td><td>1000.00</td></tr>');
  expect(html).toContain('<th colspan="3">合计</th><td>1700.00</td>');
  expect(html).toContain('20个工作日内，即不晚于2026年11月10日');
  expect(html).toContain('人民币1700.00元');
  expect(html).toContain('逾期未缴纳的，视为放弃申请，本机关不再处理');
});

describe('reply (答复书)', () => {
  const REMEDIES = '如对本答复不服，可以自收到本答复之日起六十日内依法申请行政复议，或者自收到本答复之日起六个月内依法提起行政诉讼。';

  it('states a partial disclosure with reasons, basis, provision and remedies', () => {
    const { html } = render(SAMPLES.reply, { issuedOn: '2026-10-29' });
    expect(html).toContain('<h1>政府信息公开申请答复书</h1>');
    expect(html).toContain('办理结果：<strong>部分公开</strong>');
    expect(html).toContain('理由：所需信息中涉及施工单位工作人员个人信息的部分');
    expect(html).toContain('依据：《中华人民共和国政府信息公开条例》第十五条、第三十七条');
    expect(html).toContain('作区分处理');
    expect(html).toContain('以纸质形式、通过邮寄方式');
    expect(html).toContain(REMEDIES);
  });

  it('names the reason row of a refusal', () => {
    const { html } = render({
      kind: 'reply',
      decision: {
        outcome: 'not-disclosed.process-information',
        reasons: '所需信息为项目审批过程中的内部讨论记录。',
        legalBasis: '《中华人民共和国政府信息公开条例》第十六条第二款',
        decidedBy: '李建国',
        decidedOn: '2026-10-29',
      },
    });
    expect(html).toContain('办理结果：<strong>不予公开（属于四类过程性信息）</strong>');
    expect(html).not.toContain('形式、通过');
    expect(html).toContain(REMEDIES);
  });

  it('gives the §36 text and the competent agency for information of another agency', () => {
    const { html } = render({
      kind: 'reply',
      decision: {
        outcome: 'cannot-provide.not-held',
        section36: 'not-this-agency',
        reasons: '老旧小区改造资金的拨付信息由区财政部门制作和保存。',
        legalBasis: '《中华人民共和国政府信息公开条例》第三十六条第（五）项',
        referral: '杭州市示例区财政局，联系电话：0571-87001234',
        decidedBy: '李建国',
        decidedOn: '2026-10-29',
      },
    });
    expect(html).toContain('办理结果：<strong>无法提供（本机关不掌握相关政府信息）</strong>');
    expect(html).toContain(`第三十六条第（五）项“${SECTION_36_REPLIES['not-this-agency']}”`);
    expect(html).toContain('现告知如下：杭州市示例区财政局，联系电话：0571-87001234');
    expect(html).toContain(REMEDIES);
  });
});

describe('escaping', () => {
  const hostile = '<script>alert("x")</script>老旧小区 & “改造”';

  it.each(Object.keys(NOTICE_KINDS) as NoticeKind[])('%s escapes every interpolated string', (kind) => {
    const details = SAMPLES[kind];
    const withHostileParty = details.kind === 'third-party' || details.kind === 'other-agency' ? { ...details, party: hostile } : details;
    const { html } = render(withHostileParty, {
      docNo: '示例局<b>依申请</b>',
      agencyName: `${AGENCY}<img src=x onerror=alert(1)>`,
      intake: { ...intake, description: hostile, applicant: { ...intake.applicant, name: '<i>王晓明</i>' } },
    });
    expect(html).not.toMatch(/<script|<img|<b>|<i>/);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;老旧小区 &amp; “改造”');
    expect(html).toContain('示例局&lt;b&gt;依申请&lt;/b&gt;');
  });

  it('escapes the five HTML characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('chineseDate', () => {
  it('formats without leading zeros', () => {
    expect(chineseDate('2026-10-09')).toBe('2026年10月9日');
    expect(chineseDate('2027-01-01')).toBe('2027年1月1日');
    expect(chineseDate('2026-12-31')).toBe('2026年12月31日');
  });

  it('refuses anything but YYYY-MM-DD', () => {
    expect(() => chineseDate('2026/10/09')).toThrow(RangeError);
    expect(() => chineseDate('2026-10-09<script>')).toThrow(RangeError);
  });
});
