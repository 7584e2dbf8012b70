/**
 * The notices of domain.md §3, rendered into standalone, printable HTML (A4). Each states
 * the counting convention, because a reconsideration body reads the document, not the code.
 */
import type { IsoDate } from '../domain/calendar/dates';
import {
  type ApplicationIntake,
  CHANNELS,
  type Channel,
  type Decision,
  NOTICE_KINDS,
  type NoticeKind,
} from '../domain/application/types';
import type { FeeComputation } from '../domain/fees';
import { OUTCOME_GROUPS, OUTCOMES, SECTION_36_REPLIES } from '../domain/outcomes';

export type NoticeDetails =
  | { kind: 'receipt'; channel: Channel; replyWorkingDays: number; replyDue: IsoDate | null; awaitingConfirmation: boolean }
  | { kind: 'correction'; items: string[]; periodWorkingDays: number; correctBy: IsoDate }
  | { kind: 'extension'; workingDays: number; reason: string; originalDue: IsoDate; newDue: IsoDate }
  | { kind: 'third-party'; party: string; address?: string; workingDays: number; answerBy: IsoDate }
  | { kind: 'other-agency'; party: string; workingDays: number; answerBy: IsoDate }
  | { kind: 'suspension'; reason: string; since: IsoDate }
  | { kind: 'resumption'; resumedOn: IsoDate; newDue: IsoDate | null }
  | { kind: 'fee'; computation: FeeComputation; payBy: IsoDate; workingDays: number }
  | { kind: 'reply'; decision: Decision };

export interface NoticeContext {
  docNo: string;
  issuedOn: IsoDate;
  agencyName: string;
  caseNo: string;
  queryCode: string;
  intake: ApplicationIntake;
  receivedOn: IsoDate | null;
  details: NoticeDetails;
}

export const COUNTING_CONVENTION =
  '本文书所称期限均以工作日计算，起算日当日不计入，自次日起算；期限届满日为最后一个工作日的24时。';

const TIAOLI = '《中华人民共和国政府信息公开条例》';
const REMEDIES = '如对本答复不服，可以自收到本答复之日起六十日内依法申请行政复议，或者自收到本答复之日起六个月内依法提起行政诉讼。';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** '2026-10-09' → '2026年10月9日', without passing through a Date. */
export function chineseDate(date: IsoDate): string {
  const [y, m, d] = date.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}

const p = (text: string) => `<p>${text}</p>`;
const e = escapeHtml;

function body(ctx: NoticeContext): { addressee: string; paragraphs: string[] } {
  const { details, intake } = ctx;
  const applicant = e(intake.applicant.name);
  const request = `您（单位）申请公开的“${e(intake.description)}”`;
  switch (details.kind) {
    case 'receipt':
      return {
        addressee: applicant,
        paragraphs: details.awaitingConfirmation || !ctx.receivedOn
          ? [
              p(`本机关已收到您（单位）以${CHANNELS[details.channel]}方式提交的政府信息公开申请，所需信息为“${e(intake.description)}”。`),
              p(`依照${TIAOLI}第三十一条，本机关与您（单位）确认后，以确认之日为收到申请之日，并自该日起${details.replyWorkingDays}个工作日内予以答复。`),
            ]
          : [
              p(`本机关于${chineseDate(ctx.receivedOn)}以${CHANNELS[details.channel]}方式收到${request}。`),
              p(`依照${TIAOLI}第三十三条，本机关将不晚于${details.replyDue ? chineseDate(details.replyDue) : '法定期限届满之日'}予以答复。征求第三方和其他机关意见、中止办理及等待缴纳信息处理费所需时间不计算在答复期限内；需要延长答复期限的，本机关将另行书面告知。`),
            ],
      };
    case 'correction':
      return {
        addressee: applicant,
        paragraphs: [
          p(`本机关于${ctx.receivedOn ? chineseDate(ctx.receivedOn) : ''}收到${request}。经审查，申请内容不明确，依照${TIAOLI}第三十条，请您（单位）对下列事项作出补正：`),
          `<ol>${details.items.map((item) => `<li>${e(item)}</li>`).join('')}</ol>`,
          p(`请于${details.periodWorkingDays}个工作日内，即${chineseDate(details.correctBy)}前提交补正材料。答复期限自本机关收到补正后的申请之日起计算。无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。`),
        ],
      };
    case 'extension':
      return {
        addressee: applicant,
        paragraphs: [
          p(`本机关于${ctx.receivedOn ? chineseDate(ctx.receivedOn) : ''}收到${request}。因${e(details.reason)}，本机关不能在法定期限内作出答复。`),
          p(`依照${TIAOLI}第三十三条第二款，经政府信息公开工作机构负责人同意，答复期限延长${details.workingDays}个工作日，由原定的${chineseDate(details.originalDue)}延长至${chineseDate(details.newDue)}。`),
        ],
      };
    case 'third-party':
      return {
        addressee: e(details.party),
        paragraphs: [
          p(`本机关收到一件政府信息公开申请，所申请公开的“${e(intake.description)}”可能涉及贵方合法权益。`),
          p(`依照${TIAOLI}第三十二条，现征求贵方意见。请于收到本函之日起${details.workingDays}个工作日内，即${chineseDate(details.answerBy)}前书面提出意见。逾期未提出意见的，由本机关依照条例规定决定是否公开。`),
          ...(details.address ? [p(`送达地址：${e(details.address)}`)] : []),
        ],
      };
    case 'other-agency':
      return {
        addressee: e(details.party),
        paragraphs: [
          p(`本机关收到一件政府信息公开申请，所申请公开的“${e(intake.description)}”系与贵机关共同制作。`),
          p(`依照${TIAOLI}第三十四条，现征求贵机关意见。请于收到本函之日起${details.workingDays}个工作日内，即${chineseDate(details.answerBy)}前提出意见；逾期未提出意见的视为同意公开。`),
        ],
      };
    case 'suspension':
      return {
        addressee: applicant,
        paragraphs: [
          p(`本机关正在办理${request}。因${e(details.reason)}，自${chineseDate(details.since)}起中止办理，中止期间不计算在答复期限内。`),
          p('中止事由消除后，本机关将恢复办理并书面告知您（单位）。'),
        ],
      };
    case 'resumption':
      return {
        addressee: applicant,
        paragraphs: [
          p(`${request}的中止事由已经消除，本机关自${chineseDate(details.resumedOn)}起恢复办理。`),
          p(details.newDue ? `本机关将不晚于${chineseDate(details.newDue)}予以答复。` : '本机关将在剩余答复期限内予以答复。'),
        ],
      };
    case 'fee': {
      const rows = details.computation.lines
        .map((l) => `<tr><td>${e(l.band)}</td><td>${l.units}</td><td>${l.unitPrice}</td><td>${l.amount}</td></tr>`)
        .join('');
      return {
        addressee: applicant,
        paragraphs: [
          p(`本机关正在办理${request}。依照《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）${e(details.computation.citation.replace('国办函〔2020〕109号 ', ''))}，本申请应缴纳信息处理费如下：`),
          `<table><thead><tr><th>计费档次</th><th>数量</th><th>单价（元）</th><th>金额（元）</th></tr></thead><tbody>${rows}</tbody><tfoot><tr><td colspan="3">合计</td><td>${details.computation.total}</td></tr></tfoot></table>`,
          p(`请于收到本通知次日起${details.workingDays}个工作日内，即${chineseDate(details.payBy)}前缴纳。逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。缴费期间不计算在答复期限内。`),
        ],
      };
    }
    case 'reply': {
      const { decision } = details;
      const outcome = OUTCOMES[decision.outcome];
      return {
        addressee: applicant,
        paragraphs: [
          p(`本机关于${ctx.receivedOn ? chineseDate(ctx.receivedOn) : ''}收到${request}。经审查，现答复如下：`),
          p(`办理结果：<strong>${e(OUTCOME_GROUPS[outcome.group])}</strong>${outcome.group === decision.outcome ? '' : `（${e(outcome.label)}）`}。`),
          ...(decision.section36 ? [p(e(SECTION_36_REPLIES[decision.section36]) + '。')] : []),
          ...(decision.referral ? [p(e(decision.referral))] : []),
          p(`理由：${e(decision.reasons)}`),
          p(`依据：${e(decision.legalBasis)}`),
          p(REMEDIES),
        ],
      };
    }
  }
}

const STYLE = `
@page { size: A4; margin: 25mm 25mm 25mm 28mm; }
body { font-family: "FangSong", "STFangsong", "SimSun", "Songti SC", serif; font-size: 16pt; line-height: 1.8; color: #000; max-width: 160mm; margin: 0 auto; }
h1 { text-align: center; font-size: 22pt; font-weight: bold; margin: 0 0 6pt; letter-spacing: 2pt; }
.doc-no { text-align: right; margin: 0 0 18pt; }
.case { font-size: 12pt; color: #333; }
p { text-indent: 2em; margin: 0 0 8pt; }
p.addressee { text-indent: 0; }
table { border-collapse: collapse; width: 100%; margin: 6pt 0 10pt; font-size: 13pt; }
th, td { border: 1px solid #000; padding: 3pt 6pt; text-align: center; }
.sign { text-align: right; margin-top: 36pt; }
.sign p { text-indent: 0; margin: 0; }
.convention { font-size: 11pt; color: #333; text-indent: 0; margin-top: 24pt; border-top: 1px solid #999; padding-top: 6pt; }
`;

export function renderNotice(ctx: NoticeContext): { kind: NoticeKind; title: string; html: string } {
  const title = NOTICE_KINDS[ctx.details.kind];
  const { addressee, paragraphs } = body(ctx);
  const html = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${e(title)} ${e(ctx.docNo)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${e(title)}</h1>
<div class="doc-no">${e(ctx.docNo)}</div>
<p class="addressee">${addressee}：</p>
${paragraphs.join('\n')}
<p class="case">案件编号：${e(ctx.caseNo)}&emsp;查询码：${e(ctx.queryCode)}</p>
<div class="sign"><p>${e(ctx.agencyName)}</p><p>${chineseDate(ctx.issuedOn)}</p></div>
<p class="convention">${COUNTING_CONVENTION}</p>
</body>
</html>
`;
  return { kind: ctx.details.kind, title, html };
}
