/**
 * The agency's settings as an admin sets them (`agency_settings`, one row). The deployment's
 * configuration (domain/agency.ts, GONGKAI_AGENCY_* variables) only seeds the row the first
 * time it is read; from then on the stored row is the source for the API and the worker.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { AgencyConfig } from '../../domain/agency';
import type { Database } from '../schema';

export interface AgencySettings extends Omit<AgencyConfig, 'officeDepartmentCode'> {
  /** 政务公开工作机构; null until a department is named (workflows then keep their own default). */
  officeDepartmentCode: string | null;
  /** 索引号 地区编号 (six digits); null: each document's rule profile's region. */
  regionCode: string | null;
  updatedAt: string;
  updatedBy: string | null;
}

type Db = Kysely<Database> | Transaction<Database>;

function toSettings(row: {
  code: string;
  name: string;
  short_name: string;
  region_code: string | null;
  default_rule_profile_id: string;
  office_department_code: string | null;
  updated_at: Date;
  updated_by: string | null;
}): AgencySettings {
  return {
    code: row.code,
    name: row.name,
    shortName: row.short_name,
    regionCode: row.region_code,
    defaultRuleProfileId: row.default_rule_profile_id,
    officeDepartmentCode: row.office_department_code,
    updatedAt: row.updated_at.toISOString(),
    updatedBy: row.updated_by,
  };
}

async function read(db: Db): Promise<AgencySettings | null> {
  const row = await db
    .selectFrom('agency_settings')
    .leftJoin('users', 'users.id', 'agency_settings.updated_by')
    .select([
      'code',
      'name',
      'short_name',
      'region_code',
      'default_rule_profile_id',
      'office_department_code',
      'agency_settings.updated_at',
      'users.username as updated_by',
    ])
    .executeTakeFirst();
  return row ? toSettings(row) : null;
}

/** The stored settings, writing `seed` first when there are none yet. */
export async function loadAgencySettings(db: Db, seed: AgencyConfig): Promise<AgencySettings> {
  const stored = await read(db);
  if (stored && (stored.officeDepartmentCode || !seed.officeDepartmentCode)) return stored;
  // The office is the configured department once it exists (it may be created after the first start).
  const office = seed.officeDepartmentCode
    ? sql<string | null>`(select code from departments where code = ${seed.officeDepartmentCode})`
    : null;
  if (stored) {
    if (!office) return stored;
    const filled = await db
      .updateTable('agency_settings')
      .set({ office_department_code: office })
      .where('office_department_code', 'is', null)
      .where(sql<boolean>`exists (select 1 from departments where code = ${seed.officeDepartmentCode})`)
      .executeTakeFirst();
    return Number(filled.numUpdatedRows) > 0 ? (await read(db))! : stored;
  }
  await db
    .insertInto('agency_settings')
    .values({
      code: seed.code,
      name: seed.name,
      short_name: seed.shortName,
      default_rule_profile_id: seed.defaultRuleProfileId,
      office_department_code: office,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return (await read(db))!;
}

export interface AgencySettingsChange {
  name?: string;
  shortName?: string;
  regionCode?: string | null;
  defaultRuleProfileId?: string;
  officeDepartmentCode?: string;
}

/** Changes the stored settings (the caller has loaded them once, so the row exists). */
export async function updateAgencySettings(db: Db, change: AgencySettingsChange, byUserId: string): Promise<AgencySettings> {
  await db
    .updateTable('agency_settings')
    .set({
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.shortName !== undefined ? { short_name: change.shortName } : {}),
      ...(change.regionCode !== undefined ? { region_code: change.regionCode } : {}),
      ...(change.defaultRuleProfileId !== undefined ? { default_rule_profile_id: change.defaultRuleProfileId } : {}),
      ...(change.officeDepartmentCode !== undefined ? { office_department_code: change.officeDepartmentCode } : {}),
      updated_at: sql<Date>`now()`,
      updated_by: byUserId,
    })
    .execute();
  return (await read(db))!;
}

/**
 * What the API routes and activities hold instead of a fixed AgencyConfig: every `current()`
 * reads the row (one primary-key lookup), so an admin's change reaches the next case, notice
 * and catalogue entry in every process at once.
 */
export class AgencyStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly seed: AgencyConfig,
  ) {}

  current(): Promise<AgencySettings> {
    return loadAgencySettings(this.db, this.seed);
  }
}

/** The agency's seal (电子印章, PNG) printed on PDF notices, or null when none is configured. */
export async function loadAgencySeal(db: Db): Promise<{ png: Buffer; sha256: string } | null> {
  const row = await db.selectFrom('agency_settings').select(['seal_png', 'seal_sha256']).executeTakeFirst();
  return row?.seal_png && row.seal_sha256 ? { png: row.seal_png, sha256: row.seal_sha256 } : null;
}

/** Sets (or with null removes) the seal; the settings row exists (the caller has loaded it). */
export async function setAgencySeal(db: Db, seal: { png: Buffer; sha256: string } | null, byUserId: string): Promise<void> {
  await db
    .updateTable('agency_settings')
    .set({ seal_png: seal?.png ?? null, seal_sha256: seal?.sha256 ?? null, updated_at: sql<Date>`now()`, updated_by: byUserId })
    .execute();
}
