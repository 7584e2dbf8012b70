/**
 * Custom search attributes every Gongkai namespace carries, registered when the dev server
 * starts (and, for a production cluster, by `temporal operator search-attribute create`
 * with the same list: see README).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CaseKind = defineSearchAttributeKey('GongkaiCaseKind', SearchAttributeType.KEYWORD);
export const CaseNo = defineSearchAttributeKey('GongkaiCaseNo', SearchAttributeType.KEYWORD);
export const CaseState = defineSearchAttributeKey('GongkaiCaseState', SearchAttributeType.KEYWORD);
export const Department = defineSearchAttributeKey('GongkaiDepartment', SearchAttributeType.KEYWORD);
export const RuleProfile = defineSearchAttributeKey('GongkaiRuleProfile', SearchAttributeType.KEYWORD);
export const DueAt = defineSearchAttributeKey('GongkaiDueAt', SearchAttributeType.DATETIME);
/** The agency a case belongs to: one namespace serves every agency of the platform. */
export const Agency = defineSearchAttributeKey('GongkaiAgency', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [CaseKind, CaseNo, CaseState, Department, RuleProfile, DueAt, Agency];

const CLI_TYPE_NAMES: Record<string, string> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.DATETIME]: 'Datetime',
};

/** `--search-attribute Name=Type` arguments for `temporal server start-dev`. */
export function searchAttributeCliArgs(): string[] {
  return SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE_NAMES[key.type]}`]);
}

/** The attributes a case workflow starts with (set by the starter: no workflow command, nothing to patch). */
export function SEARCH_ATTRIBUTES_FOR_CASE(kind: string, caseNo: string, ruleProfileId: string, agencyCode: string) {
  return [
    { key: CaseKind, value: kind },
    { key: CaseNo, value: caseNo },
    { key: RuleProfile, value: ruleProfileId },
    { key: Agency, value: agencyCode },
  ];
}
