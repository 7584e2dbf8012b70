/**
 * The kinds of case the console shows. Each kind's API follows one pattern — list and intake
 * at `<collection>`, the case at `<collection>/{id}`, steps at `POST <collection>/{id}/<action>`
 * — so adding a kind is one entry here: its label, collection, a few header facts, intake
 * defaults and the wording of its own enumerated values.
 */
import { ATTRIBUTES, TIME_LIMITS } from '../../domain/documents/types';
import { CATALOGUE_CATEGORIES } from '../../domain/documents/catalogue';
import { APPROVAL_LEVELS, INCIDENT_KINDS, INCIDENT_SOURCES, RELEASE_CHANNELS } from '../../domain/incidents/types';
import { MESSAGE_CHANNELS, MESSAGE_TYPES } from '../../domain/messages/types';
import type { CaseView, ClockView } from './api';
import type { FormLabels } from './components/SchemaForm';
import { departmentName } from './departments';
import { CASE_STATUS_LABELS, formatDateTime, KIND_LABELS } from './labels';

export interface KindSpec {
  kind: string;
  label: string;
  collection: string;
  /** Facts shown at the top of the case page, beyond stage and status. */
  facts(view: CaseView): Array<[label: string, value: string]>;
  /** Title of the intake form (POST <collection>), and the values it starts with. */
  intakeTitle: string;
  intakeDefaults: Record<string, string | boolean>;
  /** This kind's wording of fields and values in its forms (the shared tables fill the rest). */
  labels: FormLabels;
  /** One row of the case list from an item of `GET <collection>`. */
  row(item: Record<string, unknown>): { ref: string; title: string; due: string };
}

const text = (value: unknown): string => (value === null || value === undefined || value === '' ? '—' : String(value));
const label = (table: Record<string, string>, value: unknown) => (typeof value === 'string' ? (table[value] ?? value) : text(value));

const KINDS: Record<string, Omit<KindSpec, 'kind' | 'label' | 'labels' | 'row'> & Partial<Pick<KindSpec, 'labels' | 'row'>>> = {
  application: {
    collection: '/api/applications',
    intakeTitle: '登记政府信息公开申请',
    intakeDefaults: {
      channel: 'in-person',
      'applicant.type': 'natural-person',
      'applicant.idType': 'resident-id',
      form: 'paper',
      delivery: 'post',
      feeWaiverRequested: false,
    },
    facts: (v) => {
      const c = (v.case ?? {}) as { intake?: { applicant?: { name?: string }; channel?: string; description?: string } };
      return [
        ['申请人', text(c.intake?.applicant?.name)],
        ['收到日期', text(v.receivedOn)],
        ['答复期限', text(v.replyDue)],
        ['承办科室', departmentName(v.departmentCode)],
        ['查询码', text(v.queryCode)],
        ['所需信息', text(c.intake?.description)],
      ];
    },
  },
  dispute: {
    collection: '/api/disputes',
    intakeTitle: '登记行政复议申请书或起诉状副本',
    intakeDefaults: { kind: 'reconsideration' },
    facts: (v) => [
      ['类别', text(v.kindLabel)],
      ['原申请', text(v.caseNo)],
      ['复议机关或法院', text(v.body)],
      ['收到日期', text(v.receivedOn)],
      ['答辩期限', text(v.defenceDue)],
      ['结果', text(v.resultLabel)],
    ],
  },
  document: {
    collection: '/api/documents',
    intakeTitle: '登记公文并拟定公开属性',
    intakeDefaults: {
      kind: '通知',
      normative: false,
      proposedAttribute: 'proactive',
      timeLimit: 'long-term',
      containsWithheldContent: false,
    },
    labels: {
      fields: {
        kind: '文种',
        title: '标题',
        channel: '发布渠道',
        url: '网址',
        description: '内容概述',
        keywords: '主题词（每行一个）',
        notes: '说明',
        basis: '审查依据',
        startedOn: '开始日期',
        endedOn: '结束日期',
        draftingNote: '起草说明',
        commentsReceived: '收到意见（条）',
        commentRecord: '意见采纳情况',
        explanation: '说明',
        summary: '内容',
        workingDays: '工作日数',
        feedback: '听取意见情况',
        changedOn: '变更日期',
        changeNo: '第几次变更',
      },
      values: {
        proposedAttribute: ATTRIBUTES,
        finalAttribute: ATTRIBUTES,
        timeLimit: TIME_LIMITS,
        category: CATALOGUE_CATEGORIES,
        channel: { portal: '政府门户网站', intranet: '内网', gazette: '政府公报' },
        reason: { 'not-disclosable': '依法不得公开', emergency: '应急性事项' },
      },
    },
    row: (i) => ({ ref: text(i.docId), title: `${text(i.title)}（${text(i.docNumber)}）`, due: text(i.nextDue) }),
    facts: (v) => [
      ['标题', text(v.title)],
      ['文号', text(v.docNumber)],
      ['拟稿科室', departmentName(v.issuingDepartment)],
      ['拟定公开属性', label(ATTRIBUTES, v.proposedAttribute)],
      ['最终公开属性', label(ATTRIBUTES, v.finalAttribute)],
      ['下一期限', text(v.nextDue)],
    ],
  },
  incident: {
    collection: '/api/incidents',
    intakeTitle: '登记政务舆情或需澄清的信息',
    intakeDefaults: { kind: 'incident', grade: '一般', source: 'media' },
    labels: {
      fields: {
        kind: '类别',
        grade: '等级',
        title: '标题',
        source: '来源',
        link: '链接',
        summary: '概要',
        firstSeenAt: '发现时间',
        text: '内容',
        channel: '发布渠道',
        at: '时间',
        to: '报送对象',
        recipient: '接收人',
        level: '审批层级',
        comments: '审批意见',
        issuedInNameOf: '发布名义',
        involvedDepartments: '涉及部门（每行一个）',
        sensitive: '敏感',
        evaluation: '评估',
        note: '意见',
      },
      values: {
        kind: INCIDENT_KINDS,
        source: INCIDENT_SOURCES,
        channel: RELEASE_CHANNELS,
        level: APPROVAL_LEVELS,
        to: { leadership: '本机关领导', superior: '上级机关' },
        issuedInNameOf: { government: '以政府名义', department: '以部门名义' },
      },
    },
    row: (i) => ({
      ref: text(i.id),
      title: `【${text(i.grade)}】${text(i.title)}`,
      due: formatDateTime((i.responseDueAt ?? i.reportDueAt) as string | null),
    }),
    facts: (v) => [
      ['类别', text(v.kindLabel)],
      ['等级', text(v.grade)],
      ['标题', text(v.title)],
      ['来源', label(INCIDENT_SOURCES, v.source)],
      ['发现时间', formatDateTime(v.firstSeenAt as string | null)],
      ['责任单位', departmentName(v.departmentCode)],
    ],
  },
  message: {
    collection: '/api/messages',
    intakeTitle: '登记政民互动留言',
    intakeDefaults: { type: 'policy-question', channel: 'mailbox', confidential: false },
    labels: {
      fields: {
        type: '留言类型',
        channel: '来源渠道',
        subject: '主题',
        content: '内容',
        confidential: '留言人要求保密',
        complainedDepartmentCode: '被投诉科室',
        writer: '留言人',
        'writer.name': '姓名',
        text: '答复内容',
        toWorkingDays: '延长至（工作日）',
      },
      values: { type: MESSAGE_TYPES, channel: MESSAGE_CHANNELS },
    },
    row: (i) => ({ ref: text(i.id), title: `${label(MESSAGE_TYPES, i.type)}：${text(i.subject)}`, due: text(i.replyDue) }),
    facts: (v) => {
      const writer = v.writer as { name?: string } | undefined;
      return [
        ['类型', text(v.typeLabel)],
        ['主题', text(v.subject)],
        ['留言人', v.writerWithheld ? '（保密，不可见）' : text(writer?.name)],
        ['收到日期', text(v.receivedOn)],
        ['答复期限', text(v.replyDue)],
        ['承办科室', departmentName(v.departmentCode)],
      ];
    },
  },
};

/** Kinds without an entry still work by convention (`/api/<kind>s`), with generic facts. */
export function kindSpec(kind: string): KindSpec {
  const known = KINDS[kind];
  return {
    kind,
    label: KIND_LABELS[kind] ?? kind,
    collection: known?.collection ?? `/api/${kind}s`,
    facts:
      known?.facts ??
      ((v) => [
        ['承办科室', departmentName(v.departmentCode)],
        ['状态', CASE_STATUS_LABELS[v.status] ?? text(v.status)],
      ]),
    intakeTitle: known?.intakeTitle ?? `登记${KIND_LABELS[kind] ?? kind}`,
    intakeDefaults: known?.intakeDefaults ?? {},
    labels: known?.labels ?? {},
    row: known?.row ?? ((i) => ({ ref: text(i.id), title: text(i.title ?? i.subject), due: '—' })),
  };
}

export const KIND_CODES = Object.keys(KIND_LABELS);

type RawClock = Omit<Partial<ClockView>, 'derivation'> & {
  dueAt?: string | null;
  overdue?: boolean;
  derivation?: Array<{ explanation: string; due?: string | null; dueAt?: string | null }>;
};

/**
 * A case's clocks in one shape: working-day clocks carry a due date, minute clocks (舆情)
 * only a due instant, and a message has a single `clock`.
 */
export function clocksOf(view: CaseView): ClockView[] {
  const raw: RawClock[] = Array.isArray(view.clocks)
    ? (view.clocks as RawClock[])
    : view.clock
      ? [{ id: 'reply', ...(view.clock as RawClock) }]
      : [];
  return raw.map((c, index) => ({
    id: String(c.id ?? index),
    label: c.label ?? '期限',
    status: c.status ?? null,
    closed: Boolean(c.closed) || c.status === 'stopped',
    due: c.due ?? (c.dueAt ? formatDateTime(c.dueAt) : null),
    dueAt: c.dueAt ?? null,
    overdue: c.overdue,
    remainingWorkingDays: c.remainingWorkingDays ?? null,
    provisional: c.provisional ?? false,
    derivation: (c.derivation ?? []).map((s) => ({ explanation: s.explanation, due: s.due ?? (s.dueAt ? formatDateTime(s.dueAt) : '') })),
  }));
}
