/**
 * The security audit log (等保 2.0 安全审计; 网络安全法 第二十一条): one append-only table,
 * `audit_log`, for sign-ins and their failures, lockouts, sign-outs, administrators' changes,
 * API-key use and every read of an applicant's personal data.
 *
 * `recordAudit` takes the database or a transaction: an audited change written inside a
 * transaction is recorded in it (both or neither). Rows are never updated; the database
 * refuses it. Old rows leave only through `purgeAuditLog`, past the retention
 * (`GONGKAI_AUDIT_RETENTION_DAYS`, never under 180 days).
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../schema';

/**
 * The actions written today. Dotted names, `area.verb`; the column accepts any such name so a
 * new audited action needs no migration, but list it here so the console can offer it.
 */
export const AUDIT_ACTIONS = {
  'auth.sign-in': '登录成功',
  'auth.sign-in-failed': '登录失败',
  'auth.locked': '账户锁定',
  'auth.sign-out': '退出登录',
  'auth.session-ended': '会话结束（超时、吊销）',
  'auth.password-changed': '修改密码',
  'auth.totp-enrolled': '启用双因素认证',
  'auth.sso-user-created': '统一身份认证：新建用户',
  'auth.sso-user-linked': '统一身份认证：关联已有用户',
  'auth.sso-user-updated': '统一身份认证：按声明更新用户',
  'admin.agency-updated': '修改机构设置',
  'platform.agency-created': '平台：新增机关',
  'platform.agency-updated': '平台：修改机关',
  'admin.department-created': '新增科室',
  'admin.department-updated': '修改科室',
  'admin.department-deleted': '删除科室',
  'admin.user-created': '新增用户',
  'admin.user-updated': '修改用户',
  'admin.user-disabled': '停用用户',
  'admin.user-enabled': '启用用户',
  'admin.password-reset': '重置密码',
  'admin.sso-mapping-updated': '修改统一身份认证映射规则',
  'admin.calendar-override-set': '设置日历调整',
  'admin.calendar-override-removed': '删除日历调整',
  'admin.calendar-year-imported': '导入年度日历',
  'admin.supervision-reconciled': '核对督办期限',
  'admin.workflow-archive-requested': '归档工作流历史',
  'admin.document-schedules-ensured': '创建公文定时任务',
  'api-key.issued': '签发 API 密钥',
  'api-key.revoked': '吊销 API 密钥',
  'api-key.used': '使用 API 密钥',
  'api-key.rejected': 'API 密钥被拒',
  'personal-data.read': '查看申请人个人信息',
  'file.uploaded': '上传案件附件',
  'file.downloaded': '下载案件附件',
  'audit.exported': '导出审计日志',
  'audit.purged': '清除过期审计日志',
} as const satisfies Record<string, string>;
export type KnownAuditAction = keyof typeof AUDIT_ACTIONS;

export interface AuditActor {
  userId: string;
  username: string;
  role: string;
  /** The actor's agency; when left out, the agency of the user's department is looked up. */
  agencyCode?: string;
}

export interface AuditEntry {
  /** `area.verb`, lower case (see AUDIT_ACTIONS). */
  action: KnownAuditAction | (string & {});
  /** Who acted; null when nobody is known (a refused credential, a system job). */
  actor: AuditActor | null;
  /** The caller's address (`req.ip`); null for system jobs. */
  ip: string | null;
  /** What was acted on, `kind:id`: `case:2026-000123`, `user:clerk`, `api-key:12`, `department:gkb`. */
  target?: string | null;
  /** Anything else worth keeping (fields seen, old and new values, the reason). Never secrets. */
  details?: Record<string, unknown>;
  /**
   * The agency the row concerns, so an agency's admin sees it: by default the actor's (with no
   * actor, the agency of a `user:` target); given for a platform admin's action on an agency (that
   * agency), null for the platform's own changes.
   */
  agencyCode?: string | null;
}

const agencyOfUser = (where: 'u.id' | 'u.username', value: string) =>
  sql<
    string | null
  >`(select d.agency_code from users u join departments d on d.code = u.department_code where ${sql.ref(where)} = ${value})`;

/**
 * The row's agency: given; else the actor's (looked up from their department when the actor does
 * not say); with no actor, the agency of a `user:` target (a failed sign-in, a lockout); else none.
 */
function agencyOfEntry(entry: AuditEntry) {
  if (entry.agencyCode !== undefined) return entry.agencyCode;
  if (entry.actor?.agencyCode) return entry.actor.agencyCode;
  if (entry.actor) return agencyOfUser('u.id', entry.actor.userId);
  if (entry.target?.startsWith('user:')) return agencyOfUser('u.username', entry.target.slice('user:'.length));
  return null;
}

/** Appends one row to the audit log, on `db` or inside a transaction. */
export async function recordAudit(db: Kysely<Database> | Transaction<Database>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      action: entry.action,
      actor_user_id: entry.actor?.userId ?? null,
      actor_username: entry.actor?.username ?? null,
      actor_role: entry.actor?.role ?? null,
      ip: entry.ip,
      target: entry.target ?? null,
      details: JSON.stringify(entry.details ?? {}),
      agency_code: agencyOfEntry(entry),
    })
    .execute();
}

/** The actor of a request's user (the shape api/route.ts hands to handlers). */
export function auditActor(
  user: { id: string; username: string; role: string; agencyCode?: string } | null | undefined,
): AuditActor | null {
  return user
    ? { userId: user.id, username: user.username, role: user.role, ...(user.agencyCode ? { agencyCode: user.agencyCode } : {}) }
    : null;
}

export const MIN_AUDIT_RETENTION_DAYS = 180;

/**
 * `GONGKAI_AUDIT_RETENTION_DAYS`: 180 by default; a value under 180 (or not a whole number)
 * is refused, naming the variable, so the process does not start with a shorter retention.
 */
export function auditRetentionDaysFromEnv(env: Record<string, string | undefined> = process.env): number {
  const raw = env.GONGKAI_AUDIT_RETENTION_DAYS;
  if (raw === undefined || raw.trim() === '') return MIN_AUDIT_RETENTION_DAYS;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < MIN_AUDIT_RETENTION_DAYS) {
    throw new Error(
      `GONGKAI_AUDIT_RETENTION_DAYS must be a whole number of days ≥ ${MIN_AUDIT_RETENTION_DAYS} (网络安全法 第二十一条: logs kept at least six months), got ${raw}`,
    );
  }
  return days;
}

/**
 * Deletes the rows older than `retentionDays` through the database's `purge_audit_log`, the
 * only path the append-only trigger lets a DELETE through; when it removed any, it appends an
 * `audit.purged` row with the count, the cutoff and the oldest and newest removed. Returns the count.
 */
export async function purgeAuditLog(db: Kysely<Database>, retentionDays: number): Promise<number> {
  if (!Number.isInteger(retentionDays) || retentionDays < MIN_AUDIT_RETENTION_DAYS) {
    throw new Error(`audit retention must be a whole number of days ≥ ${MIN_AUDIT_RETENTION_DAYS}, got ${retentionDays}`);
  }
  const { rows } = await sql<{ purged: string }>`select purge_audit_log(${retentionDays}::integer) as purged`.execute(db);
  return Number(rows[0]?.purged ?? 0);
}
