/**
 * How an application ends (domain.md §3). Every closed application has exactly one outcome,
 * and the outcomes map one-to-one onto the rows of table 3 of the national annual report
 * (国办公开办函〔2021〕30号). The two §36 replies that are not rows of their own (already
 * proactively disclosed; not this agency) are mapped here, in this one place, and an agency
 * whose practice differs says so in its own mapping. Pure module.
 */

export const OUTCOME_GROUPS = {
  disclosed: '予以公开',
  'partially-disclosed': '部分公开',
  'not-disclosed': '不予公开',
  'cannot-provide': '无法提供',
  'not-handled': '不予处理',
  other: '其他处理',
} as const;
export type OutcomeGroup = keyof typeof OUTCOME_GROUPS;

interface OutcomeDefinition {
  group: OutcomeGroup;
  /** The row's wording in table 3. */
  label: string;
  /** Row number in table 3, e.g. '三（三）1'. */
  reportRow: string;
  /** Whether the applicant receives a reply letter (答复书 / 告知书) for it. */
  replyLetter: boolean;
}

export const OUTCOMES = {
  disclosed: { group: 'disclosed', label: '予以公开', reportRow: '三（一）', replyLetter: true },
  'partially-disclosed': {
    group: 'partially-disclosed',
    label: '部分公开（区分处理的，只计这一情形，不计其他情形）',
    reportRow: '三（二）',
    replyLetter: true,
  },
  'not-disclosed.state-secret': { group: 'not-disclosed', label: '属于国家秘密', reportRow: '三（三）1', replyLetter: true },
  'not-disclosed.prohibited-by-law': {
    group: 'not-disclosed',
    label: '其他法律行政法规禁止公开',
    reportRow: '三（三）2',
    replyLetter: true,
  },
  'not-disclosed.three-securities-one-stability': {
    group: 'not-disclosed',
    label: '危及“三安全一稳定”',
    reportRow: '三（三）3',
    replyLetter: true,
  },
  'not-disclosed.third-party-rights': { group: 'not-disclosed', label: '保护第三方合法权益', reportRow: '三（三）4', replyLetter: true },
  'not-disclosed.internal-affairs': { group: 'not-disclosed', label: '属于三类内部事务信息', reportRow: '三（三）5', replyLetter: true },
  'not-disclosed.process-information': { group: 'not-disclosed', label: '属于四类过程性信息', reportRow: '三（三）6', replyLetter: true },
  'not-disclosed.enforcement-file': { group: 'not-disclosed', label: '属于行政执法案卷', reportRow: '三（三）7', replyLetter: true },
  'not-disclosed.administrative-inquiry': { group: 'not-disclosed', label: '属于行政查询事项', reportRow: '三（三）8', replyLetter: true },
  'cannot-provide.not-held': { group: 'cannot-provide', label: '本机关不掌握相关政府信息', reportRow: '三（四）1', replyLetter: true },
  'cannot-provide.needs-creation': {
    group: 'cannot-provide',
    label: '没有现成信息需要另行制作',
    reportRow: '三（四）2',
    replyLetter: true,
  },
  'cannot-provide.still-unclear': { group: 'cannot-provide', label: '补正后申请内容仍不明确', reportRow: '三（四）3', replyLetter: true },
  'not-handled.petition': { group: 'not-handled', label: '信访举报投诉类申请', reportRow: '三（五）1', replyLetter: true },
  'not-handled.duplicate': { group: 'not-handled', label: '重复申请', reportRow: '三（五）2', replyLetter: true },
  'not-handled.publication': { group: 'not-handled', label: '要求提供公开出版物', reportRow: '三（五）3', replyLetter: true },
  'not-handled.excessive': { group: 'not-handled', label: '无正当理由大量反复申请', reportRow: '三（五）4', replyLetter: true },
  'not-handled.confirmation': {
    group: 'not-handled',
    label: '要求行政机关确认或重新出具已获取信息',
    reportRow: '三（五）5',
    replyLetter: true,
  },
  'other.correction-overdue': {
    group: 'other',
    label: '申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请',
    reportRow: '三（六）1',
    replyLetter: false,
  },
  'other.fee-unpaid': {
    group: 'other',
    label: '申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请',
    reportRow: '三（六）2',
    replyLetter: false,
  },
  'other.other': { group: 'other', label: '其他', reportRow: '三（六）3', replyLetter: true },
} as const satisfies Record<string, OutcomeDefinition>;

export type Outcome = keyof typeof OUTCOMES;
export const OUTCOME_CODES = Object.keys(OUTCOMES) as Outcome[];

/** Replies under 条例 §36 that the applicant receives but that are not rows of their own. */
export const SECTION_36_REPLIES = {
  /** §36(一): already proactively disclosed — tell the applicant where to find it. */
  'already-public': '所申请公开信息已经主动公开的，告知获取该政府信息的方式、途径',
  /** §36(五): not this agency's information — name the competent agency where known. */
  'not-this-agency':
    '所申请公开信息不属于本机关负责公开的，告知申请人并说明理由；能够确定负责公开该政府信息的行政机关的，告知申请人该行政机关的名称、联系方式',
} as const;
export type Section36Reply = keyof typeof SECTION_36_REPLIES;

/** The outcome each §36 reply is counted as. Agencies whose practice differs pass their own. */
export const DEFAULT_SECTION_36_MAPPING: Readonly<Record<Section36Reply, Outcome>> = {
  'already-public': 'disclosed',
  'not-this-agency': 'cannot-provide.not-held',
};

export function outcomeForSection36(reply: Section36Reply, mapping: Partial<Record<Section36Reply, Outcome>> = {}): Outcome {
  return mapping[reply] ?? DEFAULT_SECTION_36_MAPPING[reply];
}

export function isOutcome(value: string): value is Outcome {
  return Object.hasOwn(OUTCOMES, value);
}
