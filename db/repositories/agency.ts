/**
 * The agencies on the platform (`agencies`), as a platform admin creates them and each agency's
 * admin sets them. The deployment's configuration (domain/agency.ts, GONGKAI_AGENCY_* variables)
 * names the deployment's own agency: it seeds that row the first time it is read, and a caller
 * that names no agency (the demo, a single-agency deployment) gets it.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import { type AgencyConfig, agencyFromEnv } from '../../domain/agency';
import { compiledOnce } from '../compiled-once';
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

function selectAgencies(db: Db) {
  return db
    .selectFrom('agencies')
    .leftJoin('users', 'users.id', 'agencies.updated_by')
    .select([
      'agencies.code',
      'agencies.name',
      'agencies.short_name',
      'agencies.region_code',
      'agencies.default_rule_profile_id',
      'agencies.office_department_code',
      'agencies.updated_at',
      'users.username as updated_by',
    ]);
}

/** One agency's settings, or null when the platform has no such agency. */
/** One agency (built once: every registration and step reads its agency). */
const agencyByCode = compiledOnce((db, p: { code: string }) => selectAgencies(db).where('agencies.code', '=', p.code));

export async function loadAgency(db: Db, code: string): Promise<AgencySettings | null> {
  const row = await agencyByCode.executeTakeFirst(db, { code });
  return row ? toSettings(row) : null;
}

/** Every agency on the platform, by code. */
export async function listAgencies(db: Db): Promise<AgencySettings[]> {
  return (await selectAgencies(db).orderBy('agencies.code').execute()).map(toSettings);
}

export interface NewAgency {
  code: string;
  name: string;
  shortName: string;
  regionCode: string | null;
  defaultRuleProfileId: string;
}

/** Adds an agency; false when the code or the name is taken. */
export async function createAgency(db: Db, agency: NewAgency, byUserId: string | null): Promise<boolean> {
  const inserted = await db
    .insertInto('agencies')
    .values({
      code: agency.code,
      name: agency.name,
      short_name: agency.shortName,
      region_code: agency.regionCode,
      default_rule_profile_id: agency.defaultRuleProfileId,
      updated_by: byUserId,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** The deployment's own agency (`seed.code`), writing `seed` first when it is not stored yet. */
export async function loadAgencySettings(db: Db, seed: AgencyConfig): Promise<AgencySettings> {
  const read = (d: Db) => loadAgency(d, seed.code);
  const stored = await read(db);
  if (stored && (stored.officeDepartmentCode || !seed.officeDepartmentCode)) return stored;
  // The office is the configured department once it exists (it may be created after the first start).
  const office = seed.officeDepartmentCode
    ? sql<string | null>`(select code from departments where code = ${seed.officeDepartmentCode})`
    : null;
  if (stored) {
    if (!office) return stored;
    const filled = await db
      .updateTable('agencies')
      .set({ office_department_code: office })
      .where('code', '=', seed.code)
      .where('office_department_code', 'is', null)
      .where(sql<boolean>`exists (select 1 from departments where code = ${seed.officeDepartmentCode})`)
      .executeTakeFirst();
    return Number(filled.numUpdatedRows) > 0 ? (await read(db))! : stored;
  }
  await db
    .insertInto('agencies')
    .values({
      code: seed.code,
      name: seed.name,
      short_name: seed.shortName,
      default_rule_profile_id: seed.defaultRuleProfileId,
      office_department_code: office,
    })
    .onConflict((oc) => oc.column('code').doNothing())
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

/** Changes an agency's settings (the caller has loaded them once, so the row exists). */
export async function updateAgencySettings(db: Db, code: string, change: AgencySettingsChange, byUserId: string): Promise<AgencySettings> {
  await db
    .updateTable('agencies')
    .set({
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.shortName !== undefined ? { short_name: change.shortName } : {}),
      ...(change.regionCode !== undefined ? { region_code: change.regionCode } : {}),
      ...(change.defaultRuleProfileId !== undefined ? { default_rule_profile_id: change.defaultRuleProfileId } : {}),
      ...(change.officeDepartmentCode !== undefined ? { office_department_code: change.officeDepartmentCode } : {}),
      updated_at: sql<Date>`now()`,
      updated_by: byUserId,
    })
    .where('code', '=', code)
    .execute();
  return (await loadAgency(db, code))!;
}

/**
 * What the API routes and activities hold instead of a fixed AgencyConfig: every read is one
 * primary-key lookup, so an admin's change reaches the next case, notice and catalogue entry in
 * every process at once.
 */
export class AgencyStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly seed: AgencyConfig,
  ) {}

  /** The deployment's own agency (seeded from its configuration on first read). */
  current(): Promise<AgencySettings> {
    return loadAgencySettings(this.db, this.seed);
  }

  /** The agency a caller acts for; the deployment's own is seeded if it is the one asked for. */
  of(code: string): Promise<AgencySettings> {
    return loadAgencyOf(this.db, code, this.seed);
  }
}

/** An agency the platform has (a case's, a user's); `seed` is the deployment's own, seeded on first read. */
export async function loadAgencyOf(db: Db, code: string, seed: AgencyConfig): Promise<AgencySettings> {
  if (code === seed.code) return loadAgencySettings(db, seed);
  const agency = await loadAgency(db, code);
  if (!agency) throw new Error(`agency ${code} is not on this platform`);
  return agency;
}

/** The agency's seal (电子印章, PNG) printed on PDF notices, or null when none is configured. */
export async function loadAgencySeal(db: Db, code: string): Promise<{ png: Buffer; sha256: string } | null> {
  const row = await db.selectFrom('agencies').select(['seal_png', 'seal_sha256']).where('code', '=', code).executeTakeFirst();
  return row?.seal_png && row.seal_sha256 ? { png: row.seal_png, sha256: row.seal_sha256 } : null;
}

/** Sets (or with null removes) the seal; the settings row exists (the caller has loaded it). */
export async function setAgencySeal(db: Db, code: string, seal: { png: Buffer; sha256: string } | null, byUserId: string): Promise<void> {
  await db
    .updateTable('agencies')
    .set({ seal_png: seal?.png ?? null, seal_sha256: seal?.sha256 ?? null, updated_at: sql<Date>`now()`, updated_by: byUserId })
    .where('code', '=', code)
    .execute();
}

/** Every agency, the deployment's own seeded first if it is not stored yet (for what each agency runs: its schedules). */
export async function platformAgencies(db: Kysely<Database>, seed: AgencyConfig = agencyFromEnv(process.env)): Promise<AgencySettings[]> {
  await loadAgencySettings(db, seed);
  return listAgencies(db);
}
