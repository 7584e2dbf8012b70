/** The agency a deployment serves: its name on notices, its codes in numbers, its default rules. */
export interface AgencyConfig {
  /** Short code used in case and document numbering series. */
  code: string;
  /** Full name, printed on every notice. */
  name: string;
  /** Short name that starts document numbers (e.g. 示例应急依申请〔2026〕补正第3号). */
  shortName: string;
  /** Rule profile new cases start under unless the clerk picks another. */
  defaultRuleProfileId: string;
  /** The department that is the office for government information disclosure (政务公开工作机构), when it exists. */
  officeDepartmentCode?: string;
}

export function agencyFromEnv(env: Record<string, string | undefined>): AgencyConfig {
  return {
    code: env.GONGKAI_AGENCY_CODE ?? 'demo',
    name: env.GONGKAI_AGENCY_NAME ?? '示例市应急管理局',
    shortName: env.GONGKAI_AGENCY_SHORT_NAME ?? '示例应急',
    defaultRuleProfileId: env.GONGKAI_RULE_PROFILE ?? 'national-2019',
    officeDepartmentCode: env.GONGKAI_OFFICE_DEPARTMENT ?? 'gkb',
  };
}

/** An agency code: lower-case letters, digits and dashes, starting with a letter (db/migrations/20261203T0900_agencies.ts). */
export const AGENCY_CODE = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * A case's number on the platform: the agency's code, the year and the agency's own counter
 * (`demo-2026-000123`, a dispute `demo-2026-D0012`). The code makes it unique across agencies
 * and puts the agency into the workflow id (`application-demo-2026-000123`); cases registered
 * before the platform keep their numbers without it.
 */
export function caseNumber(agencyCode: string, year: number, n: number, series: '' | 'D' = ''): string {
  return `${agencyCode}-${year}-${series}${String(n).padStart(series ? 4 : 6, '0')}`;
}

/** A case number, with its agency (`demo-2026-000123`) or from before the platform (`2026-000123`). */
export const CASE_NUMBER = /^(?:[a-z][a-z0-9-]{0,31}-)?\d{4}-\d{6}$/;
/** A dispute number, with its agency (`demo-2026-D0012`) or from before the platform (`2026-D0012`). */
export const DISPUTE_NUMBER = /^(?:[a-z][a-z0-9-]{0,31}-)?\d{4}-D\d{4}$/;

/** The agency a case or dispute number names (`demo-2026-000123` → `demo`); null for a number from before the platform. */
export function agencyOfCaseNumber(id: string): string | null {
  if (!CASE_NUMBER.test(id) && !DISPUTE_NUMBER.test(id)) return null;
  return /^([a-z][a-z0-9-]*)-\d{4}-D?\d+$/.exec(id)?.[1] ?? null;
}
