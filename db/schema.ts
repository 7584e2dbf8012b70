/** The typed shape of the database, as the migrations in db/migrations leave it. */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { DayKind } from '../domain/calendar/working-days';
import type { Role } from '../domain/roles';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** bigserial / bigint come back from pg as strings; ids stay strings in the app. */
type BigId = ColumnType<string, string | number | undefined, never>;
type DateColumn = ColumnType<string, string, string>;

export interface DepartmentsTable {
  code: string;
  name: string;
  created_at: CreatedAt;
  /** 索引号 部门编号, three digits (db/migrations/20261201T1400_administration.ts). */
  index_code: string | null;
  /** The department head (科室负责人) the escalation ladder's `department-head:<code>` reaches. */
  head_user_id: string | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** The agency the department belongs to; its users and API keys act for that agency. */
  agency_code: string;
}

/** An agency on the platform (db/migrations/20261203T0900_agencies.ts); the first is today's single agency. */
export interface AgenciesTable {
  code: string;
  name: string;
  short_name: string;
  /** 索引号 地区编号; null: the region of the document's rule profile. */
  region_code: string | null;
  default_rule_profile_id: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_by: string | null;
  /** The office for government information disclosure (政务公开工作机构), a department. */
  office_department_code: string | null;
  /** The agency's seal (电子印章), a PNG printed on the signature line of PDF notices. */
  seal_png: Buffer | null;
  seal_sha256: string | null;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: BigId;
  username: string;
  display_name: string;
  role: Role;
  department_code: string;
  active: Generated<boolean>;
  created_at: CreatedAt;
  /** 科室负责人 of their department: reads its `department-head:` notifications. */
  is_department_head: Generated<boolean>;
  /** argon2id PHC string (db/migrations/20261201T1300_identity.ts); null: no password yet. */
  password_hash: string | null;
  password_changed_at: Date | null;
  /** True for a new or admin-reset password: the user must change it at sign-in. */
  must_change_password: Generated<boolean>;
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_enabled_at: Date | null;
  totp_last_step: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  /** The identity at the unified identity platform this user is linked to (db/migrations/20261201T1530_single_sign_on.ts). */
  oidc_issuer: string | null;
  /** A platform admin manages agencies; a platform supervisor sees every agency's clocks and reports. */
  platform: Generated<boolean>;
  oidc_subject: string | null;
}

export interface RecoveryCodesTable {
  id: BigId;
  user_id: string;
  code_sha256: string;
  created_at: CreatedAt;
  used_at: Date | null;
}

export interface SessionsTable {
  id: BigId;
  user_id: string;
  token_sha256: string;
  created_at: ColumnType<Date, Date, never>;
  last_seen_at: Date;
  expires_at: Date;
  second_factor_pending: Generated<boolean>;
  revoked_at: Date | null;
  revoked_reason: string | null;
  ip: string | null;
  user_agent: string | null;
  sign_in_method: Generated<'password' | 'oidc'>;
  /** The identity provider attested a multi-factor sign-in: the product's TOTP is not asked. */
  second_factor_by_provider: Generated<boolean>;
}

/** The admin's rule from single sign-on claims to role and department (one row). */
export interface SsoMappingTable {
  id: ColumnType<boolean, boolean | undefined, never>;
  username_claim: string;
  display_name_claim: string;
  role_claim: string;
  role_map: ColumnType<Array<{ value: string; role: Role }>, string, string>;
  default_role: Role | null;
  department_claim: string;
  department_map: ColumnType<Array<{ value: string; departmentCode: string }>, string, string>;
  default_department_code: string | null;
  link_existing_users: boolean;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_by: string | null;
}

/** OpenID Connect authorization requests under way, taken once at the callback. */
export interface OidcSignInsTable {
  id: BigId;
  state_digest: string;
  browser_digest: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  created_at: Date;
  expires_at: Date;
}

/** The citizen portal's signing secret (one row). */
export interface PublicPortalSecretTable {
  id: Generated<number>;
  secret: Buffer;
  created_at: Generated<Date>;
}

/** A solved proof-of-work challenge, kept until it expires so it opens one request only. */
export interface PublicChallengeRedemptionsTable {
  nonce: string;
  expires_at: Date;
}

export interface SignInThrottleTable {
  username: string;
  failures: number;
  last_failure_at: Date;
  locked_until: Date | null;
}

export interface ApiTokensTable {
  id: BigId;
  user_id: string;
  token_sha256: string;
  label: string;
  created_at: CreatedAt;
  last_used_at: Date | null;
  revoked_at: Date | null;
  expires_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** The API key's scope: the role and department it acts with (on insert, by default its owner's). */
  role: ColumnType<Role, Role | undefined, Role>;
  department_code: ColumnType<string, string | undefined, string>;
  issued_by: string | null;
}

/** The security audit log (db/migrations/20261201T1320_audit.ts): append-only, purged only past retention. */
export interface AuditLogTable {
  id: BigId;
  at: CreatedAt;
  action: string;
  actor_user_id: string | null;
  actor_username: string | null;
  actor_role: string | null;
  ip: string | null;
  target: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
  /** The agency the row concerns; null: the platform's own, or a caller nobody knows. */
  agency_code: ColumnType<string | null, string | null | undefined, never>;
}

export type CalendarRevisionAction = 'override' | 'remove-override' | 'import-year';

export interface CalendarRevisionsTable {
  id: BigId;
  action: CalendarRevisionAction;
  payload: ColumnType<unknown, string, never>;
  reason: string;
  actor_user_id: string | null;
  created_at: CreatedAt;
}

export interface CalendarOverridesTable {
  /** Null: every agency's (the platform's); an agency's own override wins over it. */
  agency_code: string | null;
  date: DateColumn;
  kind: DayKind;
  reason: string;
  revision_id: string;
}

export interface CalendarImportedYearsTable {
  year: number;
  days: ColumnType<Array<{ date: string; kind: 'holiday' | 'makeup-workday'; name?: string }>, string, string>;
  source_format: 'json' | 'ics';
  revision_id: string;
}

export interface SequencesTable {
  agency_code: string;
  year: number;
  series: string;
  last_value: number;
}

type Json<T> = ColumnType<T, string, string>;

export interface ApplicationsTable {
  case_no: string;
  workflow_id: string;
  query_code: string;
  agency_code: string;
  rule_profile_id: string;
  rule_profile_version: string;
  channel: string;
  applicant_type: string;
  applicant_name: string;
  applicant_id_number: string;
  description: string;
  intake: Json<unknown>;
  stage: string;
  status: 'open' | 'closed';
  paused: boolean;
  department_code: string | null;
  assignee: string | null;
  outcome: string | null;
  received_on: DateColumn | null;
  /** The first §31 receipt, never moved by a correction: 新收 and fee months count by it. */
  first_received_on: DateColumn | null;
  /** Reply delivered, or the due date / withdrawal that ended the case: 办理结果 count by it. */
  ended_on: DateColumn | null;
  reply_due: DateColumn | null;
  reply_due_at: Date | null;
  state: Json<unknown>;
  possible_duplicates: ColumnType<string[], string[] | undefined, string[]>;
  last_seq: number;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  closed_at: Date | null;
  /** Hand-over (§36(五)): the case in another agency this one came from, or went to. */
  transferred_from: ColumnType<string | null, string | null | undefined, string | null>;
  transferred_to: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Every case's workflow with its agency (a view over the five case tables). */
export interface CaseAgenciesView {
  workflow_id: string;
  agency_code: string;
  case_kind: 'application' | 'dispute' | 'incident' | 'message' | 'document';
  case_id: string;
}

export interface CaseEventsTable {
  id: BigId;
  case_no: string;
  seq: number;
  type: string;
  actor_username: string;
  actor_role: string;
  occurred_at: ColumnType<Date, Date | string, never>;
  payload: Json<unknown>;
  recorded_at: CreatedAt;
}

export interface CaseDocumentsTable {
  id: BigId;
  case_no: string;
  event_seq: number;
  kind: string;
  doc_no: string;
  title: string;
  issued_on: DateColumn;
  html: string;
  sha256: string;
  /** The A4 PDF rendered at issue; null for documents issued before PDFs (rendered on demand). */
  pdf: Buffer | null;
  pdf_sha256: string | null;
  created_at: CreatedAt;
}

/** The outbox of messages to applicants (e-mail with the notice's PDF, SMS): one per notice and channel. */
export interface ApplicantMessagesTable {
  id: BigId;
  case_no: string;
  event_seq: number;
  doc_no: string;
  notice_kind: string;
  channel: 'email' | 'sms';
  status: ColumnType<
    'queued' | 'sent' | 'failed' | 'superseded',
    'queued' | 'sent' | 'failed' | 'superseded' | undefined,
    'queued' | 'sent' | 'failed' | 'superseded'
  >;
  workflow_id: string;
  dispatch_started_at: Date | null;
  attempt_count: ColumnType<number, number | undefined, number>;
  /** Every send attempt: { at, ok, response?, error? }. */
  attempts: ColumnType<unknown[], string | undefined, string>;
  last_error: string | null;
  sent_at: Date | null;
  /** The day the server accepted it (Asia/Shanghai): the delivery date recorded on the case. */
  sent_on: DateColumn | null;
  provider_message_id: string | null;
  provider_response: string | null;
  delivery_recorded_at: Date | null;
  /** Why no delivery was recorded, or that one was already recorded otherwise. */
  delivery_note: string | null;
  created_at: CreatedAt;
}

export interface WorkflowHistoriesTable {
  workflow_id: string;
  run_id: string;
  workflow_type: string;
  status: string;
  closed_at: Date | null;
  event_count: number;
  history_gzip: Buffer;
  sha256: string;
  archived_at: CreatedAt;
}

export interface DisputesTable {
  dispute_no: string;
  workflow_id: string;
  agency_code: string;
  case_no: string;
  kind: 'reconsideration' | 'litigation-direct' | 'litigation-after-reconsideration';
  body: string;
  received_on: DateColumn;
  rule_profile_id: string;
  stage: string;
  status: 'open' | 'closed';
  department_code: string | null;
  result: 'upheld' | 'corrected' | 'other' | null;
  result_on: DateColumn | null;
  defence_due: DateColumn | null;
  evidence_due: DateColumn | null;
  state: Json<unknown>;
  last_seq: number;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  closed_at: Date | null;
}

export interface DisputeEventsTable {
  id: BigId;
  dispute_no: string;
  seq: number;
  type: string;
  actor_username: string;
  actor_role: string;
  occurred_at: ColumnType<Date, Date | string, never>;
  payload: Json<unknown>;
  recorded_at: CreatedAt;
}

export interface CaseClocksTable {
  workflow_id: string;
  clock_id: string;
  kind: string;
  case_ref: string;
  label: string;
  stage: string;
  unit: 'working-days' | 'minutes';
  status: 'running' | 'paused';
  due_at: Date | null;
  due_date: DateColumn | null;
  remaining_when_paused: number | null;
  department_code: string | null;
  assignee: string | null;
  rule_profile_id: string;
  seq: number;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface NotificationsTable {
  id: BigId;
  recipient: string;
  channel: Generated<string>;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  workflow_id: string | null;
  dedupe_key: string;
  created_at: CreatedAt;
  delivered_at: Date | null;
  read_at: Date | null;
}

type Instant = ColumnType<Date, Date | string, Date | string>;

export interface IncidentsTable {
  id: string;
  workflow_id: string;
  agency_code: string;
  kind: 'incident' | 'rumour';
  rule_profile_id: string;
  rule_profile_version: string;
  grade: string;
  stage: string;
  status: 'open' | 'closed';
  title: string;
  source: string;
  department_code: string | null;
  first_seen_at: Instant;
  report_due_at: Instant | null;
  response_due_at: Instant | null;
  overdue: boolean;
  state: Json<unknown>;
  last_seq: number;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  closed_at: Instant | null;
}

export interface CaseEventRow {
  id: BigId;
  seq: number;
  type: string;
  actor_username: string;
  actor_role: string;
  occurred_at: ColumnType<Date, Date | string, never>;
  payload: Json<unknown>;
  recorded_at: CreatedAt;
}

export interface IncidentEventsTable extends CaseEventRow {
  incident_id: string;
}

export interface CitizenMessagesTable {
  id: string;
  workflow_id: string;
  agency_code: string;
  rule_profile_id: string;
  rule_profile_version: string;
  type: string;
  channel: string;
  subject: string;
  stage: string;
  status: 'open' | 'closed';
  department_code: string | null;
  complained_department_code: string | null;
  confidential: boolean;
  writer_name: string;
  writer_phone: string | null;
  writer_email: string | null;
  writer_address: string | null;
  received_on: DateColumn;
  reply_due: DateColumn | null;
  reply_due_at: Instant | null;
  overdue: boolean;
  state: Json<unknown>;
  last_seq: number;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  closed_at: Instant | null;
}

export interface MessageEventsTable extends CaseEventRow {
  message_id: string;
}

export interface AccountabilityRecordsTable {
  id: BigId;
  case_kind: 'incident' | 'message';
  case_id: string;
  clock_id: string;
  clock_label: string;
  responsible: string;
  responsible_person: string | null;
  due_at: Instant;
  missed_at: Instant;
  satisfied_at: Instant | null;
  late_minutes: number | null;
  created_at: CreatedAt;
}

export interface DocumentsTable {
  doc_id: string;
  workflow_id: string;
  agency_code: string;
  rule_profile_id: string;
  rule_profile_version: string;
  title: string;
  doc_number: string;
  kind: string;
  normative: boolean;
  issuing_department: string;
  co_issuers: ColumnType<string[], string[] | undefined, string[]>;
  forwarded_doc_id: string | null;
  category: string;
  proposed_attribute: string | null;
  final_attribute: string | null;
  stage: string;
  status: 'open' | 'closed';
  signed_on: DateColumn | null;
  next_due: DateColumn | null;
  next_due_at: Date | null;
  state: Json<unknown>;
  last_seq: number;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  closed_at: Date | null;
}

export interface DocumentEventsTable {
  id: BigId;
  doc_id: string;
  seq: number;
  type: string;
  actor_username: string;
  actor_role: string;
  occurred_at: ColumnType<Date, Date | string, never>;
  payload: Json<unknown>;
  recorded_at: CreatedAt;
}

export interface DocumentReviewsTable {
  id: BigId;
  doc_id: string;
  event_seq: number;
  kind: string;
  subject: string;
  basis: string;
  conclusion: string;
  reviewer: string;
  reviewer_role: string;
  reviewed_on: DateColumn;
  participants: string[];
  retain_until: DateColumn;
  created_at: CreatedAt;
}

export interface DocumentCatalogueTable {
  index_no: string;
  doc_id: string;
  agency_code: string;
  region_code: string;
  department_code: string;
  category: string;
  year: number;
  sequence: number;
  title: string;
  doc_number: string;
  produced_on: DateColumn;
  attribute: string;
  description: string;
  keywords: string[];
  time_limit: string;
  review_summary: string;
  responsible_department: string;
  url: string | null;
  created_at: CreatedAt;
}

export interface DocumentRegistersTable {
  id: BigId;
  kind: 'non-disclosure' | 'self-check';
  workflow_id: string;
  agency_code: string;
  rule_profile_id: string;
  due_on: DateColumn;
  status: 'open' | 'overdue' | 'completed';
  notify: ColumnType<string[], string[] | undefined, string[]>;
  completed_by: string | null;
  completed_at: Date | null;
  completion_note: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface DocumentRegisterItemsTable {
  register_id: string;
  doc_id: string;
  attribute: string;
  title: string;
  doc_number: string;
  reasons: string | null;
  decision: 'confirm' | 'convert' | null;
  decision_reasons: string | null;
  decided_by: string | null;
  decided_at: Date | null;
}

export interface IdempotencyKeysTable {
  caller: string;
  key: string;
  method: string;
  path: string;
  request_sha256: string;
  state: 'in-progress' | 'done';
  response_status: number | null;
  response_body: Json<unknown> | null;
  created_at: CreatedAt;
}

/** One distinct file, addressed by the SHA-256 of its plaintext (db/files/store.ts). */
export interface StoredFilesTable {
  sha256: string;
  /** bigint: comes back as a string. */
  size: ColumnType<string, number, never>;
  media_type: string;
  /** The content is a payload sealed by the codec (it names its key and cipher). */
  encrypted: boolean;
  content: Buffer;
  created_at: CreatedAt;
}

/** A stored file attached to a case for a purpose (db/files/store.ts). */
export interface CaseFilesTable {
  id: BigId;
  case_kind: string;
  case_no: string;
  purpose: string;
  sha256: string;
  filename: string;
  uploaded_by: string;
  uploaded_at: CreatedAt;
  delivered_to_applicant: ColumnType<boolean, boolean | undefined, boolean>;
  delivered_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface Database {
  audit_log: AuditLogTable;
  idempotency_keys: IdempotencyKeysTable;
  documents: DocumentsTable;
  document_events: DocumentEventsTable;
  document_reviews: DocumentReviewsTable;
  document_catalogue: DocumentCatalogueTable;
  document_registers: DocumentRegistersTable;
  document_register_items: DocumentRegisterItemsTable;
  incidents: IncidentsTable;
  incident_events: IncidentEventsTable;
  citizen_messages: CitizenMessagesTable;
  message_events: MessageEventsTable;
  accountability_records: AccountabilityRecordsTable;
  case_clocks: CaseClocksTable;
  notifications: NotificationsTable;
  disputes: DisputesTable;
  dispute_events: DisputeEventsTable;
  workflow_histories: WorkflowHistoriesTable;
  sequences: SequencesTable;
  applications: ApplicationsTable;
  case_events: CaseEventsTable;
  case_documents: CaseDocumentsTable;
  applicant_messages: ApplicantMessagesTable;
  stored_files: StoredFilesTable;
  case_files: CaseFilesTable;
  departments: DepartmentsTable;
  agencies: AgenciesTable;
  case_agencies: CaseAgenciesView;
  users: UsersTable;
  sessions: SessionsTable;
  sso_mapping: SsoMappingTable;
  oidc_sign_ins: OidcSignInsTable;
  recovery_codes: RecoveryCodesTable;
  sign_in_throttle: SignInThrottleTable;
  public_portal_secret: PublicPortalSecretTable;
  public_challenge_redemptions: PublicChallengeRedemptionsTable;
  api_tokens: ApiTokensTable;
  calendar_revisions: CalendarRevisionsTable;
  calendar_overrides: CalendarOverridesTable;
  calendar_imported_years: CalendarImportedYearsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
