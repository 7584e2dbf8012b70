/**
 * The console's typed client of the Gongkai API: every call carries the stored bearer token;
 * an error answer becomes an `ApiError` with the server's code, message and field details.
 */

export type Role = 'clerk' | 'department' | 'reviewer' | 'leader' | 'supervisor' | 'admin';

export interface Me {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  departmentCode: string;
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

const TOKEN_KEY = 'gongkai.token';
/** Dispatched on window when the API answers 401 to a request that carried a token. */
export const UNAUTHORIZED = 'gongkai:unauthorized';

export const tokenStore = {
  get: (): string | null => localStorage.getItem(TOKEN_KEY),
  set: (token: string) => localStorage.setItem(TOKEN_KEY, token),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

async function send(method: string, path: string, body?: unknown, token = tokenStore.get()): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络');
  }
  if (response.ok) return response;
  // A token revoked or expired mid-session: the shell goes back to the login page.
  if (response.status === 401 && token) window.dispatchEvent(new Event(UNAUTHORIZED));
  let error: { code?: string; message?: string; details?: FieldError[] } = {};
  try {
    error = ((await response.json()) as { error?: typeof error }).error ?? {};
  } catch {
    // not JSON (a proxy's error page); the status speaks for itself
  }
  throw new ApiError(response.status, error.code ?? 'http', error.message ?? `请求失败（HTTP ${response.status}）`, error.details ?? []);
}

async function json<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const response = await send(method, path, body, token);
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
  /** Checks a token before storing it. */
  me: (token?: string) => json<Me>('GET', '/api/me', undefined, token),
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
  inbox: () => json<Inbox>('GET', '/api/inbox'),
  markRead: (id: string) => json<unknown>('POST', `/api/inbox/${encodeURIComponent(id)}/read`),
  applications: (filter: { status?: string; department?: string }) => json<ListPage<ApplicationListItem>>('GET', `/api/applications${query({ limit: 200, ...filter })}`),
  list: <T>(collection: string) => json<ListPage<T>>('GET', collection),
  /** GET <collection>/<ref>: the case of any kind. */
  caseOf: (collection: string, ref: string) => json<CaseView>('GET', `${collection}/${encodeURIComponent(ref)}`),
  /** POST to any operation the OpenAPI document lists (intake or a step). */
  post: <T>(path: string, body: unknown) => json<T>('POST', path, body),
  /** A printable document, fetched with the bearer header and handed back as a blob URL. */
  documentUrl: async (path: string): Promise<string> => {
    const response = await send('GET', path);
    return URL.createObjectURL(await response.blob());
  },
};
