/**
 * The console's typed client of the Gongkai API: every call carries the sign-in session's
 * cookie (httpOnly: the page never sees it), every write the session's CSRF token in
 * `X-CSRF-Token`; an error answer becomes an `ApiError` with the server's code, message and
 * field details. The console uses no bearer tokens.
 */

export type Role = 'clerk' | 'department' | 'reviewer' | 'leader' | 'supervisor' | 'admin';

export interface Me {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  departmentCode: string;
  department?: { code: string; name: string } | null;
  /** Their department's agency (机关); its name heads the console. */
  agencyCode?: string;
  agency?: { code: string; name: string; shortName: string } | null;
  /** A platform user (the city's 政务公开办, the platform admin): sees the platform's view. */
  platform?: boolean;
  csrfToken?: string | null;
  /** What the sign-in still owes before the rest of the console opens. */
  pending?: 'second-factor' | 'password-change' | 'totp-enrolment' | null;
  mustChangePassword?: boolean;
  passwordExpiresAt?: string | null;
  totpEnrolled?: boolean;
  session?: { id: string; idleExpiresAt: string; expiresAt: string } | null;
}

/** POST /api/auth/login and /api/auth/totp. */
export interface SignIn {
  user: Me;
  csrfToken: string;
  mustChangePassword: boolean;
  totpRequired: boolean;
  totpEnrolmentRequired: boolean;
}

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldError[] = [],
  ) {
    super(message);
  }
}

export type Urgency = 'overdue' | 'due-soon' | 'running' | 'paused';

/** One open clock of any kind of case, as the supervision endpoints list it. */
export interface SupervisedClock {
  kind: string;
  caseRef: string;
  workflowId: string;
  clockId: string;
  label: string;
  stage: string;
  stageLabel: string;
  dueAt: string | null;
  dueDate: string | null;
  unit: 'working-days' | 'minutes';
  remaining: number;
  urgency: Urgency;
  paused: boolean;
  departmentCode: string | null;
  departmentName: string | null;
  assignee: string | null;
  ruleProfileId: string;
  link: string;
}

export interface UrgencyCounts {
  overdue: number;
  dueSoon: number;
  running: number;
  paused: number;
}

export interface SupervisionSummary {
  generatedAt: string;
  totals: UrgencyCounts;
  byDepartment: Array<UrgencyCounts & { departmentCode: string | null; departmentName: string | null }>;
}

/** GET /api/platform/supervision: every agency's counts and one page of clocks, each naming its agency. */
export interface PlatformSupervision {
  generatedAt: string;
  totals: UrgencyCounts;
  byAgency: Array<UrgencyCounts & { agencyCode: string; agencyName: string; shortName: string }>;
  clocks: ListPage<SupervisedClock & { agencyCode: string; agencyName: string }>;
}

export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

export interface Inbox {
  notifications: Notification[];
  unread: number;
  tasks: SupervisedClock[];
}

export interface ClockView {
  id: string;
  label: string;
  status: string | null;
  due: string | null;
  dueAt: string | null;
  remainingWorkingDays: number | null;
  closed: boolean;
  /** Given by kinds that judge lateness themselves (documents, incidents, messages). */
  overdue?: boolean;
  provisional?: boolean;
  rule?: string;
  derivation: Array<{ explanation: string; due: string }>;
}

export interface CaseEvent {
  seq: number;
  type: string;
  actor: string;
  role: string;
  at: string;
  payload: unknown;
}

export interface CaseDocument {
  docNo: string;
  kind: string;
  title: string;
  issuedOn: string;
  /** Applications: how and when the notice reached its addressee; null while undelivered. */
  delivery?: { method: string; deliveredOn: string; trackingNo?: string; proof?: string } | null;
}

/** What every kind's detail endpoint returns (applications and disputes add their own fields). */
export interface CaseView {
  stage: string;
  stageLabel: string;
  status: string;
  paused?: boolean;
  departmentCode?: string | null;
  assignee?: string | null;
  /** Most kinds list `clocks`; a citizen message has a single `clock` (see kinds.ts clocksOf). */
  clocks?: unknown[];
  clock?: unknown;
  events: CaseEvent[];
  documents?: CaseDocument[];
  /** The steps the user may take now (applications); kinds without it offer every step of the user's role. */
  allowedActions?: string[];
  [field: string]: unknown;
}

export interface ListPage<T> {
  total: number;
  items: T[];
}

export interface ApplicationListItem {
  caseNo: string;
  stage: string;
  stageLabel: string;
  status: string;
  paused: boolean;
  departmentCode: string | null;
  applicantName: string;
  channel: string;
  receivedOn: string | null;
  replyDue: string | null;
}

/** An attachment of a case (GET <case>/files). */
export interface CaseFile {
  id: string;
  purpose: string;
  purposeLabel: string;
  filename: string;
  mediaType: string;
  size: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: string;
  deliveredToApplicant: boolean;
  downloadable: boolean;
}

/** A department (GET /api/departments). */
export interface Department {
  code: string;
  name: string;
  indexCode: string | null;
  head: { username: string; displayName: string } | null;
}

export interface RuleProfileSummary {
  id: string;
  name: string;
  isDefault: boolean;
  replyWorkingDays: number;
}

/** The OpenAPI document, as far as the console reads it. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export interface OpenApiOperation {
  summary?: string;
  'x-roles'?: string[];
  parameters?: Array<{ name: string; in: string; schema?: JsonSchema }>;
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

export interface JsonSchema {
  $ref?: string;
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: Array<string | number>;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  default?: unknown;
  description?: string;
}

/** Dispatched on window when the API answers 401 (the session ended: idle, revoked, signed out elsewhere). */
export const UNAUTHORIZED = 'gongkai:unauthorized';

/** The session's CSRF token, from the sign-in answer or GET /api/me; kept in memory only. */
let csrfToken: string | null = null;
export const csrf = {
  set: (token: string | null | undefined) => void (csrfToken = token ?? null),
};

const SAFE = new Set(['GET', 'HEAD']);

// Requests started inside `inBackground` are automatic refreshes: the server does not count
// them as activity, so an unattended console still ends its session after the idle timeout.
let background = 0;
export function inBackground<T>(run: () => Promise<T>): Promise<T> {
  background += 1;
  try {
    return run();
  } finally {
    background -= 1;
  }
}

/** `body` is sent as JSON; `file` (an upload) as the body itself, its name in X-File-Name. */
async function send(method: string, path: string, body?: unknown, file?: File): Promise<Response> {
  const headers: Record<string, string> = {};
  if (!SAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (background > 0) headers['X-Background-Refresh'] = '1';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (file) {
    headers['Content-Type'] = 'application/octet-stream'; // the server reads the type from the content
    headers['X-File-Name'] = encodeURIComponent(file.name);
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: file ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络');
  }
  if (response.ok) return response;
  // The session ended (idle timeout, revoked): the shell goes back to the sign-in page.
  if (response.status === 401 && !path.startsWith('/api/auth/')) window.dispatchEvent(new Event(UNAUTHORIZED));
  let error: { code?: string; message?: string; details?: FieldError[] } = {};
  try {
    error = ((await response.json()) as { error?: typeof error }).error ?? {};
  } catch {
    // not JSON (a proxy's error page); the status speaks for itself
  }
  throw new ApiError(response.status, error.code ?? 'http', error.message ?? `请求失败（HTTP ${response.status}）`, error.details ?? []);
}

async function json<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

let openApiCache: Promise<OpenApiDocument> | null = null;

export const api = {
  /** Who is signed in (401 when nobody); remembers the session's CSRF token. */
  me: async () => {
    const me = await json<Me>('GET', '/api/me');
    csrf.set(me.csrfToken);
    return me;
  },
  login: async (username: string, password: string) => {
    const answer = await json<SignIn>('POST', '/api/auth/login', { username, password });
    csrf.set(answer.csrfToken);
    return answer;
  },
  /** Whether single sign-on (统一身份认证) is configured: the sign-in page then offers it. */
  ssoEnabled: async () => (await json<{ enabled: boolean }>('GET', '/api/auth/oidc')).enabled,
  /** The second step: a 6-digit code or a recovery code. */
  secondFactor: async (proof: { code: string } | { recoveryCode: string }) => {
    // The session gets a new cookie value at this step, and with it a new CSRF token.
    const answer = await json<SignIn & { recoveryCodesLeft: number }>('POST', '/api/auth/totp', proof);
    csrf.set(answer.csrfToken);
    return answer;
  },
  changePassword: (currentPassword: string, newPassword: string) =>
    json<{ mustChangePassword: boolean }>('POST', '/api/auth/password', { currentPassword, newPassword }),
  startTotpEnrolment: () => json<{ secret: string; otpauthUri: string }>('POST', '/api/me/totp'),
  confirmTotpEnrolment: (code: string) => json<{ recoveryCodes: string[] }>('POST', '/api/me/totp/confirm', { code }),
  logout: async () => {
    try {
      await json<unknown>('POST', '/api/auth/logout');
    } finally {
      csrf.set(null);
    }
  },
  openapi: (): Promise<OpenApiDocument> => {
    openApiCache ??= json<OpenApiDocument>('GET', '/api/openapi.json').catch((error: unknown) => {
      openApiCache = null;
      throw error;
    });
    return openApiCache;
  },
  departments: async () => (await json<{ items: Department[] }>('GET', '/api/departments')).items,
  /** Any call by method and path (the administration pages). */
  call: <T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown) => json<T>(method, path, body),
  ruleProfiles: async () => (await json<{ rulesets: RuleProfileSummary[] }>('GET', '/api/rulesets')).rulesets,
  supervisionClocks: (filter: { status?: string; department?: string; kind?: string; limit?: number; offset?: number }) =>
    json<ListPage<SupervisedClock>>('GET', `/api/supervision/clocks${query({ sort: 'due', ...filter })}`),
  supervisionSummary: () => json<SupervisionSummary>('GET', '/api/supervision/summary'),
  platformSupervision: (filter: { status?: string; agency?: string; kind?: string; limit?: number; offset?: number }) =>
    json<PlatformSupervision>('GET', `/api/platform/supervision${query({ sort: 'due', ...filter })}`),
  inbox: () => json<Inbox>('GET', '/api/inbox'),
  markRead: (id: string) => json<unknown>('POST', `/api/inbox/${encodeURIComponent(id)}/read`),
  applications: (filter: { status?: string; department?: string }) =>
    json<ListPage<ApplicationListItem>>('GET', `/api/applications${query({ limit: 200, ...filter })}`),
  list: <T>(collection: string) => json<ListPage<T>>('GET', collection),
  /** GET <collection>/<ref>: the case of any kind. */
  caseOf: (collection: string, ref: string) => json<CaseView>('GET', `${collection}/${encodeURIComponent(ref)}`),
  /** POST to any operation the OpenAPI document lists (intake or a step). */
  post: <T>(path: string, body: unknown) => json<T>('POST', path, body),
  /** GET <case>/files: the case's attachments (api/routes/files.ts). */
  caseFiles: async (casePath: string) => (await json<{ items: CaseFile[] }>('GET', `${casePath}/files`)).items,
  /** POST <case>/files?purpose=…: the file itself as the body. */
  uploadFile: async (casePath: string, purpose: string, file: File) =>
    (await send('POST', `${casePath}/files${query({ purpose })}`, undefined, file)).json() as Promise<CaseFile>,
  /** A printable document, fetched with the session and handed back as a blob URL. */
  documentUrl: async (path: string): Promise<string> => {
    const response = await send('GET', path);
    return URL.createObjectURL(await response.blob());
  },
};
