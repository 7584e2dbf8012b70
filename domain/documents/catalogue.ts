/**
 * The government-information catalogue (政府信息公开目录, seed 002 二): nine categories and the
 * 索引号 "由地区编号、部门编号、信息类编号、信息生成年份、信息顺序编号组成". Pure module.
 *
 * Format chosen here (seed 002 names the parts, not their widths):
 *   <region 6 digits>-<department 3 digits>-<category 2 digits>-<year>-<sequence 5 digits>
 *   e.g. 331003-001-02-2026-00007
 * The sequence is gap-free per region, department, category and year (a counter in
 * PostgreSQL, taken in the same transaction that writes the entry).
 */

/** Seed 002 一（一）: 政府公开信息共分九大类. */
export const CATALOGUE_CATEGORIES = {
  '01': '机构概况类',
  '02': '政策文件类',
  '03': '政府决策类',
  '04': '工作信息类',
  '05': '人事信息类',
  '06': '行政执法类',
  '07': '财政信息类',
  '08': '公共服务类',
  '09': '社会监督类',
} as const;
export type CatalogueCategory = keyof typeof CATALOGUE_CATEGORIES;

export function isCatalogueCategory(value: string): value is CatalogueCategory {
  return Object.hasOwn(CATALOGUE_CATEGORIES, value);
}

/*
 * Department numbers (部门编号) are set by an admin on each department (`departments.index_code`,
 * db/repositories/departments.ts); the region (地区编号) in the agency's settings, else the
 * document's rule profile. A document from a department without a number cannot be registered.
 */

export interface IndexNoParts {
  regionCode: string;
  departmentCode: string;
  category: CatalogueCategory;
  year: number;
  sequence: number;
}

/** The counter series an entry draws its sequence from (one per region/department/category). */
export function indexSeries(parts: Omit<IndexNoParts, 'year' | 'sequence'>): string {
  return `catalogue:${parts.regionCode}-${parts.departmentCode}-${parts.category}`;
}

export function formatIndexNo(parts: IndexNoParts): string {
  if (!/^\d{6}$/.test(parts.regionCode)) throw new RangeError(`region code must be six digits: ${parts.regionCode}`);
  if (!/^\d{3}$/.test(parts.departmentCode)) throw new RangeError(`department code must be three digits: ${parts.departmentCode}`);
  if (!isCatalogueCategory(parts.category)) throw new RangeError(`unknown catalogue category: ${parts.category}`);
  if (!Number.isInteger(parts.year) || parts.year < 1900 || parts.year > 9999) throw new RangeError(`bad year: ${parts.year}`);
  if (!Number.isInteger(parts.sequence) || parts.sequence < 1 || parts.sequence > 99_999)
    throw new RangeError(`sequence out of range: ${parts.sequence}`);
  return `${parts.regionCode}-${parts.departmentCode}-${parts.category}-${parts.year}-${String(parts.sequence).padStart(5, '0')}`;
}

const INDEX_NO = /^(\d{6})-(\d{3})-(0[1-9])-(\d{4})-(\d{5})$/;

export function parseIndexNo(value: string): IndexNoParts | null {
  const match = INDEX_NO.exec(value);
  if (!match) return null;
  return {
    regionCode: match[1]!,
    departmentCode: match[2]!,
    category: match[3] as CatalogueCategory,
    year: Number(match[4]),
    sequence: Number(match[5]),
  };
}
