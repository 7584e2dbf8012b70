/**
 * The kinds of case the console shows. Each kind's API follows one pattern — list and intake
 * at `<collection>`, the case at `<collection>/{id}`, steps at `POST <collection>/{id}/<action>`
 * — so adding a kind is one entry here (its label, collection and a few header facts).
 */
import type { CaseView } from './api';
import { CASE_STATUS_LABELS, KIND_LABELS } from './labels';

export interface KindSpec {
  kind: string;
  label: string;
  collection: string;
  /** Facts shown at the top of the case page, beyond stage and status. */
  facts(view: CaseView): Array<[label: string, value: string]>;
  /** Title of the intake form (POST <collection>), and the values it starts with. */
  intakeTitle: string;
  intakeDefaults: Record<string, string | boolean>;
}

const text = (value: unknown): string => (value === null || value === undefined || value === '' ? '—' : String(value));

const KINDS: Record<string, Omit<KindSpec, 'kind' | 'label'>> = {
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
        ['承办科室', text(v.departmentCode)],
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
};

/** Kinds without an entry still work by convention (`/api/<kind>s`), with generic facts. */
export function kindSpec(kind: string): KindSpec {
  const known = KINDS[kind];
  return {
    kind,
    label: KIND_LABELS[kind] ?? kind,
    collection: known?.collection ?? `/api/${kind}s`,
    facts: known?.facts ?? ((v) => [['承办科室', text(v.departmentCode)], ['状态', CASE_STATUS_LABELS[v.status] ?? text(v.status)]]),
    intakeTitle: known?.intakeTitle ?? `登记${KIND_LABELS[kind] ?? kind}`,
    intakeDefaults: known?.intakeDefaults ?? {},
  };
}

export const KIND_CODES = Object.keys(KIND_LABELS);
