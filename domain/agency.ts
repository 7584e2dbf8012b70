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
