/**
 * The notices of domain.md §3, rendered into standalone, printable HTML (A4). Pure and
 * deterministic: everything a notice shows arrives in its context, so the stored document and
 * its sha256 can be reproduced. Each notice states the counting convention, because a
 * reconsideration body reads the document, not the code.
 */
import type { IsoDate } from '../domain/calendar/dates';
import {
  type ApplicationIntake,
  APPLICANT_TYPES,
  CHANNELS,
  type Channel,
  type Decision,
  DELIVERY_METHODS,
  ID_DOCUMENT_TYPES,
  INFORMATION_FORMS,
  NOTICE_KINDS,
  type NoticeKind,
} from '../domain/application/types';
import type { FeeComputation } from '../domain/fees';
import { type Outcome, OUTCOME_GROUPS, OUTCOMES, SECTION_36_REPLIES } from '../domain/outcomes';

/**
 * What each notice shows. `rule` is the citation of the case's own profile ('《…》第三十三条');
 * notices recorded before profiles were cited carry none and print the national article.
 * A date that runs from the addressee's receipt is unknown when the notice is issued
 * (null), and the notice states the period instead.
 */
export type NoticeDetails =
  | {
      kind: 'receipt';
      channel: Channel;
      replyWorkingDays: number;
      replyDue: IsoDate | null;
      awaitingConfirmation: boolean;
      replyRule?: string;
    }
  | { kind: 'correction'; items: string[]; periodWorkingDays: number; correctBy: IsoDate | null; rule?: string }
  | {
      kind: 'extension';
      workingDays: number;
      reason: string;
      originalDue: IsoDate | null;
      newDue: IsoDate | null;
      rule?: string;
      approvedBy?: string;
      /** Approved while the reply clock stood still: what remains, counted on when the pause ends. */
      paused?: { remainingWorkingDays: number; reasons: string[] };
    }
  | {
      kind: 'third-party';
      party: string;
      address?: string;
      workingDays: number;
      answerBy: IsoDate | null;
      rule?: string;
      silence?: 'agency-decides' | 'deemed-consent';
      objection?: 'agency-decides' | 'bars-disclosure';
    }
  | {
      kind: 'other-agency';
      party: string;
      workingDays: number;
      answerBy: IsoDate | null;
      rule?: string;
      silence?: 'agency-decides' | 'deemed-consent';
    }
  | { kind: 'suspension'; reason: string; since: IsoDate }
  | { kind: 'resumption'; resumedOn: IsoDate; newDue: IsoDate | null }
  | { kind: 'fee'; computation: FeeComputation; payBy: IsoDate | null; workingDays: number; rule?: string; waiverRefused?: string }
  | { kind: 'fee-waiver'; approved: boolean; reasons: string; requestReason: string | null }
  | { kind: 'reasons-request'; explanation: string }
  | { kind: 'deferred-reply'; explanation: string; laterWorkingDays: number; newDue: IsoDate }
  | { kind: 'third-party-disclosure'; party: string; address?: string; outcome: Outcome; reasons: string; rule?: string }
  | { kind: 'reply'; decision: Decision };

export interface NoticeContext {
  /** e.g. 示例局依申请〔2026〕补正第3号 */
  docNo: string;
  issuedOn: IsoDate;
  agencyName: string;
  caseNo: string;
  queryCode: string;
  intake: ApplicationIntake;
  receivedOn: IsoDate | null;
  details: NoticeDetails;
}

/** domain.md §2, stated on every notice. */
export const COUNTING_CONVENTION = '本文书所称期限均以工作日计算，起算日当日不计入，自次日起算；期限届满日为最后一个工作日的24时。';

const TIAOLI = '《中华人民共和国政府信息公开条例》';
const FEE_RULES = '《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）';
const REMEDIES = '如对本答复不服，可以自收到本答复之日起六十日内依法申请行政复议，或者自收到本答复之日起六个月内依法提起行政诉讼。';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** '2026-10-09' → '2026年10月9日', by string parsing: a Date would bring a time zone in. */
export function chineseDate(date: IsoDate): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  // Refusing malformed input also keeps anything unescaped out of the document.
  if (!match) throw new RangeError(`not a date in YYYY-MM-DD form: ${date}`);
  return `${match[1]}年${Number(match[2])}月${Number(match[3])}日`;
}

function yuan(amount: number): string {
  return amount.toFixed(2);
}

/** Shows only the last four characters: enough for the applicant to recognise the document. */
function maskedId(idNumber: string): string {
  const visible = idNumber.slice(-4);
  return '*'.repeat(Math.max(0, idNumber.length - visible.length)) + visible;
}

const e = escapeHtml;

/** A run of a paragraph's text: plain, or bold. */
export type NoticeRun = string | { strong: string };
export interface NoticeCell {
  text: string;
  header?: boolean;
  colspan?: number;
}
/**
 * The body of a notice as structure, plain text (never HTML): the HTML and the PDF renderers
 * both print this one model.
 */
export type NoticeBlock =
  | { type: 'paragraph'; runs: NoticeRun[] }
  | { type: 'list'; className: string; items: string[] }
  | { type: 'table'; className: string; head?: NoticeCell[]; rows: NoticeCell[][]; foot?: NoticeCell[] };

const p = (...runs: NoticeRun[]): NoticeBlock => ({ type: 'paragraph', runs });

interface Letter {
  addressee: string;
  /** Printed as the delivery address. */
  address?: string;
  /**
   * Letters to a third party or another agency carry no applicant data and no query code:
   * the query code is the applicant's own key to the case's progress.
   */
  external: boolean;
  blocks: NoticeBlock[];
}

function letter(ctx: NoticeContext): Letter {
  const { details, intake } = ctx;
  const applicant = intake.applicant;
  // Organisations are addressed as 贵单位, people as 您.
  const you = applicant.type === 'natural-person' ? '您' : '贵单位';
  const desc = `“${intake.description}”`;
  const receivedOn = ctx.receivedOn ? `于${chineseDate(ctx.receivedOn)}` : '';
  const toApplicant = (blocks: NoticeBlock[]): Letter => ({
    addressee: applicant.name,
    address: applicant.address + (applicant.postcode ? `（邮政编码：${applicant.postcode}）` : ''),
    external: false,
    blocks,
  });

  switch (details.kind) {
    case 'receipt': {
      const channel = CHANNELS[details.channel];
      const confirmed = !details.awaitingConfirmation && ctx.receivedOn !== null;
      const due =
        confirmed && details.replyDue
          ? `自收到申请之日起${details.replyWorkingDays}个工作日内，即不晚于${chineseDate(details.replyDue)}答复${you}`
          : `自收到申请之日起${details.replyWorkingDays}个工作日内答复${you}，具体答复期限以确认后登记的收到申请之日为准`;
      const rows: Array<[string, string]> = [
        ['申请人', applicant.name],
        ['申请人类型', APPLICANT_TYPES[applicant.type]],
        ['身份证件', `${ID_DOCUMENT_TYPES[applicant.idType]}（${maskedId(applicant.idNumber)}）`],
        ['提交方式', channel],
        ['收到申请日期', confirmed ? chineseDate(ctx.receivedOn!) : '待确认'],
        ['所需信息描述', intake.description],
        ...(intake.purpose ? [['用途', intake.purpose] as [string, string]] : []),
        ['信息提供形式', `${INFORMATION_FORMS[intake.form]}；获取方式：${DELIVERY_METHODS[intake.delivery]}`],
        ['减免费用申请', intake.feeWaiverRequested ? `已申请${intake.feeWaiverReason ? `（${intake.feeWaiverReason}）` : ''}` : '未申请'],
      ];
      return toApplicant([
        confirmed
          ? p(`本机关于${chineseDate(ctx.receivedOn!)}以${channel}方式收到${you}提交的政府信息公开申请，所需信息为${desc}，现予登记。`)
          : p(
              `本机关已收到${you}以${channel}方式提交的政府信息公开申请，所需信息为${desc}。按照${TIAOLI}第三十一条规定，本机关将与${you}确认收到申请的日期，以确认之日为收到申请之日。`,
            ),
        { type: 'table', className: 'info', rows: rows.map(([k, v]) => [{ text: k, header: true }, { text: v }]) },
        p(`按照${details.replyRule ?? `${TIAOLI}第三十三条`}规定，本机关将${due}。`),
        p(
          '征求第三方或者其他机关意见所需时间、中止办理期间以及申请人缴纳信息处理费的期间，不计算在答复期限内；申请需要补正的，答复期限自本机关收到补正后的申请之日起计算；需要延长答复期限的，本机关将另行书面告知。',
        ),
      ]);
    }
    case 'correction':
      return toApplicant([
        p(
          `本机关${receivedOn}收到${you}提交的政府信息公开申请，所需信息为${desc}。经审查，该申请内容不明确。按照${details.rule ?? `${TIAOLI}第三十条`}规定，现一次性告知${you}对下列事项作出补正：`,
        ),
        { type: 'list', className: 'items', items: details.items },
        p(
          details.correctBy
            ? `请${you}自收到本告知书之日起${details.periodWorkingDays}个工作日内，即不晚于${chineseDate(details.correctBy)}，向本机关提交补正后的申请。答复期限自本机关收到补正后的申请之日起计算。`
            : `请${you}自收到本告知书之日起${details.periodWorkingDays}个工作日内（收到之日不计入，自次日起算）向本机关提交补正后的申请。答复期限自本机关收到补正后的申请之日起计算。`,
        ),
        p(`${you}无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。`),
      ]);
    case 'extension':
      return toApplicant([
        p(`本机关${receivedOn}收到${you}提交的政府信息公开申请，所需信息为${desc}。因${details.reason}，本机关不能在原定期限内作出答复。`),
        p(
          `按照${details.rule ?? `${TIAOLI}第三十三条第二款`}规定，经本机关${details.approvedBy ?? '政府信息公开工作机构负责人'}同意，答复期限延长${details.workingDays}个工作日：` +
            (details.paused
              ? `因${details.paused.reasons.join('、') || '法定事由'}，答复期限目前中止计算，剩余${details.paused.remainingWorkingDays}个工作日（已含延长的期限），自中止事由消除之日的次日起接续计算，届时本机关将书面告知${you}答复期限的届满日期。`
              : `原答复期限为${chineseDate(details.originalDue!)}，延长后的答复期限为${chineseDate(details.newDue!)}。本机关将不晚于${chineseDate(details.newDue!)}答复${you}。`),
        ),
      ]);
    case 'third-party':
      return {
        addressee: details.party,
        ...(details.address ? { address: details.address } : {}),
        external: true,
        blocks: [
          p(`本机关${receivedOn}收到一件政府信息公开申请，申请公开${desc}。经审查，公开该政府信息可能损害贵方合法权益。`),
          p(
            `按照${details.rule ?? `${TIAOLI}第三十二条`}规定，现书面征求贵方意见。请贵方自收到本函之日起${details.workingDays}个工作日内${details.answerBy ? `，即不晚于${chineseDate(details.answerBy)}` : '（收到之日不计入，自次日起算）'}，书面提出是否同意公开的意见及理由，复函请注明案件编号。`,
          ),
          p(
            (details.objection === 'bars-disclosure'
              ? '贵方不同意公开的，本机关不予公开。'
              : '贵方不同意公开且有合理理由的，本机关不予公开；本机关认为不公开可能对公共利益造成重大影响的，可以决定予以公开，并将决定公开的政府信息内容和理由书面告知贵方。') +
              (details.silence === 'deemed-consent'
                ? '贵方逾期未提出意见的，视作同意公开。'
                : '贵方逾期未提出意见的，由本机关依照条例规定决定是否公开。'),
          ),
        ],
      };
    case 'other-agency':
      return {
        addressee: details.party,
        external: true,
        blocks: [
          p(`本机关${receivedOn}收到一件政府信息公开申请，申请公开${desc}。经查，该政府信息由本机关与贵机关共同制作。`),
          p(
            `按照${details.rule ?? `${TIAOLI}第三十四条`}规定，现征求贵机关意见。请贵机关自收到本函之日起${details.workingDays}个工作日内${details.answerBy ? `，即不晚于${chineseDate(details.answerBy)}` : '（收到之日不计入，自次日起算）'}，书面提出是否同意公开的意见，复函请注明案件编号。逾期未提出意见的视为同意公开。`,
          ),
        ],
      };
    case 'suspension':
      return toApplicant([
        p(`本机关在办理${you}申请公开${desc}的政府信息公开申请过程中，因${details.reason}，自${chineseDate(details.since)}起中止办理。`),
        p(`中止办理期间不计算在答复期限内。中止事由消除后，本机关将恢复办理并书面告知${you}。`),
      ]);
    case 'resumption':
      return toApplicant([
        p(`${you}申请公开${desc}的政府信息公开申请，中止办理的事由已经消除，本机关自${chineseDate(details.resumedOn)}起恢复办理。`),
        p(
          `中止前已经过的期限继续计算，剩余答复期限自恢复办理之日的次日起接续计算，` +
            (details.newDue ? `本机关将不晚于${chineseDate(details.newDue)}答复${you}。` : `本机关将在剩余答复期限内答复${you}。`),
        ),
      ]);
    case 'fee': {
      const { computation } = details;
      const unit = computation.basis === 'by-count' ? '件' : '页';
      // The computation names its article, e.g. '国办函〔2020〕109号 第四条': cite the rules once.
      const article = computation.citation.replace(/^国办函〔2020〕109号\s*/, '');
      const rows = computation.lines.map((l) => [l.band, String(l.units), yuan(l.unitPrice), yuan(l.amount)].map((text) => ({ text })));
      return toApplicant([
        p(
          `本机关正在办理${you}申请公开${desc}的政府信息公开申请。按照${FEE_RULES}${article}规定（${computation.basis === 'by-count' ? '按件计收' : '按量计收'}），该申请应缴纳信息处理费如下：`,
        ),
        {
          type: 'table',
          className: 'fees',
          head: ['计费档次', `数量（${unit}）`, '单价（元）', '金额（元）'].map((text) => ({ text, header: true })),
          rows,
          foot: [{ text: '合计', header: true, colspan: 3 }, { text: yuan(computation.total) }],
        },
        ...(details.waiverRefused !== undefined
          ? [p(`${you}提出的减免信息处理费申请，经本机关审核不予减免，理由：${details.waiverRefused}`)]
          : []),
        p(
          `请${you}自收到本通知之日起${details.workingDays}个工作日内${details.payBy ? `，即不晚于${chineseDate(details.payBy)}` : '（收到之日不计入，自次日起算）'}，按本机关指定的方式缴纳信息处理费人民币${yuan(computation.total)}元。` +
            '自本机关发出收费通知之日起至收到缴费之日止的期间，不计算在答复期限内。',
        ),
        p(`${you}逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。`),
      ]);
    }
    case 'fee-waiver':
      return toApplicant([
        p(
          `${you}在申请公开${desc}的政府信息公开申请中提出减免信息处理费${details.requestReason ? `（理由：${details.requestReason}）` : ''}。按照${FEE_RULES}规定，经本机关审核，决定如下：`,
        ),
        details.approved
          ? p({ strong: '予以减免' }, `，本申请不收取信息处理费。${details.reasons}`)
          : p({ strong: '不予减免' }, `。理由：${details.reasons}。本机关将另行发出收费通知。`),
      ]);
    case 'reasons-request':
      return toApplicant([
        p(`${you}申请公开${desc}。经审查，${you}申请公开政府信息的数量、频次明显超过合理范围：${details.explanation}`),
        p(
          `按照${TIAOLI}第三十五条规定，请${you}说明理由。本机关认为申请理由不合理的，将告知${you}不予处理；认为申请理由合理但无法在法定期限内答复的，将确定延迟答复的合理期限并告知${you}。`,
        ),
      ]);
    case 'deferred-reply':
      return toApplicant([
        p(
          `${you}申请公开${desc}。本机关认为${you}说明的申请理由合理，但因${details.explanation}，无法在${TIAOLI}第三十三条规定的期限内答复。`,
        ),
        p(
          `按照${TIAOLI}第三十五条规定，本机关确定延迟答复的合理期限为${details.laterWorkingDays}个工作日，将不晚于${chineseDate(details.newDue)}答复${you}。`,
        ),
      ]);
    case 'third-party-disclosure': {
      const outcome = OUTCOMES[details.outcome];
      return {
        addressee: details.party,
        ...(details.address ? { address: details.address } : {}),
        external: true,
        blocks: [
          p(`本机关${receivedOn}收到一件政府信息公开申请，申请公开${desc}，并就此书面征求了贵方意见。贵方不同意公开。`),
          p(
            `本机关认为不公开可能对公共利益造成重大影响，按照${details.rule ?? `${TIAOLI}第三十二条`}规定，决定${OUTCOME_GROUPS[outcome.group]}。理由：${details.reasons}`,
          ),
          p('现将决定公开的政府信息内容和理由书面告知贵方。贵方对本决定不服的，可以依法申请行政复议或者提起行政诉讼。'),
        ],
      };
    }
    case 'reply': {
      const { decision } = details;
      const outcome = OUTCOMES[decision.outcome];
      const group = OUTCOME_GROUPS[outcome.group];
      // Row labels that only repeat the group (予以公开, 部分公开 with its counting note, 其他) add nothing for the applicant.
      const result = outcome.label.startsWith(group) || group.startsWith(outcome.label) ? group : `${group}（${outcome.label}）`;
      const blocks: NoticeBlock[] = [
        p(`本机关${receivedOn}收到${you}提交的政府信息公开申请，所需信息为${desc}。经审查，现答复如下：`),
        p('办理结果：', { strong: result }, '。'),
      ];
      if (decision.section36) {
        const item = decision.section36 === 'already-public' ? '（一）' : '（五）';
        blocks.push(
          p(
            `按照${TIAOLI}第三十六条第${item}项“${SECTION_36_REPLIES[decision.section36]}”的规定，${decision.referral ? `现告知如下：${decision.referral}` : '特此告知。'}`,
          ),
        );
      } else if (decision.referral) {
        blocks.push(p(`说明：${decision.referral}`));
      }
      blocks.push(p(`理由：${decision.reasons}`), p(`依据：${decision.legalBasis}`));
      if (!decision.section36 && (outcome.group === 'disclosed' || outcome.group === 'partially-disclosed')) {
        blocks.push(
          p(
            (outcome.group === 'partially-disclosed'
              ? `按照${TIAOLI}第三十七条规定，本机关对不应当公开的内容作区分处理后，提供可以公开的内容。`
              : '') +
              `本机关将以${INFORMATION_FORMS[intake.form]}形式、通过${DELIVERY_METHODS[intake.delivery]}方式向${you}提供相关政府信息。`,
          ),
        );
      }
      blocks.push(p(REMEDIES));
      return toApplicant(blocks);
    }
  }
}

const STYLE = `
@page { size: A4; margin: 25mm; }
* { box-sizing: border-box; }
body { font-family: "FangSong", "STFangsong", "FangSong_GB2312", "SimSun", "Songti SC", serif; font-size: 16pt; line-height: 1.75; color: #000; margin: 0; }
@media screen { body { max-width: 210mm; margin: 0 auto; padding: 25mm; } }
h1 { text-align: center; font-size: 22pt; font-weight: bold; letter-spacing: 1pt; margin: 0 0 8pt; }
.doc-no { text-align: right; text-indent: 0; margin: 0 0 20pt; }
p { text-indent: 2em; margin: 0 0 6pt; text-align: justify; }
p.addressee, p.ref, p.address { text-indent: 0; }
p.ref, p.address { font-size: 12pt; }
ol.items { margin: 0 0 8pt 2em; padding-left: 1.5em; }
table { border-collapse: collapse; width: 100%; margin: 6pt 0 10pt; font-size: 13pt; page-break-inside: avoid; }
th, td { border: 1px solid #000; padding: 3pt 6pt; }
table.info th { width: 8em; text-align: center; font-weight: normal; }
table.fees th, table.fees td { text-align: center; }
.sign { margin: 36pt 0 0 auto; width: max-content; text-align: center; page-break-inside: avoid; }
.sign p { text-indent: 0; margin: 0; }
.convention { font-size: 11pt; text-indent: 0; margin-top: 24pt; padding-top: 6pt; border-top: 1px solid #000; }
`;

/** A notice as a model: everything either renderer prints, in plain text. */
export interface NoticeModel {
  kind: NoticeKind;
  title: string;
  docNo: string;
  addressee: string;
  blocks: NoticeBlock[];
  /** 案件编号 and, for the applicant, the query code: printed on one line. */
  reference: string[];
  address?: string;
  signature: { agencyName: string; date: string };
  convention: string;
}

export function noticeModel(ctx: NoticeContext): NoticeModel {
  const kind = ctx.details.kind;
  const { addressee, address, external, blocks } = letter(ctx);
  return {
    kind,
    title: NOTICE_KINDS[kind],
    docNo: ctx.docNo,
    addressee,
    blocks,
    reference: external ? [`案件编号：${ctx.caseNo}`] : [`案件编号：${ctx.caseNo}`, `查询码：${ctx.queryCode}（可凭查询码查询办理进度）`],
    ...(address ? { address } : {}),
    signature: { agencyName: ctx.agencyName, date: chineseDate(ctx.issuedOn) },
    convention: `注：${COUNTING_CONVENTION}`,
  };
}

function cellHtml(cell: NoticeCell): string {
  const tag = cell.header ? 'th' : 'td';
  return `<${tag}${cell.colspan ? ` colspan="${cell.colspan}"` : ''}>${e(cell.text)}</${tag}>`;
}

const rowHtml = (cells: NoticeCell[]) => `<tr>${cells.map(cellHtml).join('')}</tr>`;

function blockHtml(block: NoticeBlock): string {
  switch (block.type) {
    case 'paragraph':
      return `<p>${block.runs.map((run) => (typeof run === 'string' ? e(run) : `<strong>${e(run.strong)}</strong>`)).join('')}</p>`;
    case 'list':
      return `<ol class="${block.className}">${block.items.map((item) => `<li>${e(item)}</li>`).join('')}</ol>`;
    case 'table':
      return (
        `<table class="${block.className}">` +
        (block.head ? `<thead>${rowHtml(block.head)}</thead>` : '') +
        `<tbody>${block.rows.map(rowHtml).join('')}</tbody>` +
        (block.foot ? `<tfoot>${rowHtml(block.foot)}</tfoot>` : '') +
        '</table>'
      );
  }
}

export function noticeHtml(model: NoticeModel): string {
  const { kind, title, address } = model;
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${e(title)}（${e(model.docNo)}）</title>
<style>${STYLE}</style>
</head>
<body class="notice notice-${kind}">
<h1>${e(title)}</h1>
<p class="doc-no">${e(model.docNo)}</p>
<p class="addressee">${e(model.addressee)}：</p>
${model.blocks.map(blockHtml).join('\n')}
<p class="ref">${model.reference.map(e).join('&emsp;')}</p>
${address ? `<p class="address">送达地址：${e(address)}</p>\n` : ''}<div class="sign"><p>${e(model.signature.agencyName)}</p><p>${model.signature.date}</p></div>
<p class="convention">${e(model.convention)}</p>
</body>
</html>
`;
}

export function renderNotice(ctx: NoticeContext): { kind: NoticeKind; title: string; html: string; model: NoticeModel } {
  const model = noticeModel(ctx);
  return { kind: model.kind, title: model.title, html: noticeHtml(model), model };
}
