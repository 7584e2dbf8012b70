/**
 * Isolation between agencies, route by route: two agencies on one platform (示例市应急管理局
 * `demo` and 示例市司法局 `sfj`), a case of every kind in each, and every route the API declares
 * called by the other agency's users (app.locals.routes: a route added later without a place
 * in this walk fails the test until it is given one).
 *
 * - A route naming a record (a case, its files and notices, a workflow, a user, a department, an
 *   API key) answers the other agency 404 — exactly what a record that does not exist answers —
 *   and the record is unchanged afterwards (its event count). A step route may refuse the body
 *   first (400) since its schema is checked before the case is looked up; one step per kind is
 *   also sent with a valid body, which must be a 404.
 * - A list, report, inbox or supervision route answers the other agency's users nothing of
 *   this agency's: no case number, applicant or user of it appears in the response.
 * - The platform's own routes answer agency users 403.
 * - Routes over data that belongs to no agency (rule profiles, the national calendar, the
 *   caller's own sign-in) are listed with the reason.
 */
import request from 'supertest';
import { shanghaiDateOf } from '../domain/calendar/dates';
import type { Role } from '../domain/roles';
import { type CaseKind, caseEvents } from '../db/repositories/case-events';
import { fileFixtures } from './support/file-fixtures';
import { type ApiStack, startApiStack } from './support/api-stack';

let stack: ApiStack;

beforeAll(async () => {
  stack = await startApiStack('agency-isolation-e2e', { secondAgency: true });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

interface AgencyCases {
  /** Username prefix ('' for demo, 'sfj.' for sfj) and department prefix. */
  user: (role: Role) => string;
  department: (code: string) => string;
  application: string;
  notice: string;
  file: string;
  dispute: string;
  document: string;
  incident: string;
  message: string;
  applicantName: string;
  apiKey: string;
}

async function created(path: string, user: string, body: object): Promise<Record<string, string>> {
  const res = await request(stack.app).post(path).set(stack.as(user)).send(body);
  expect({ path, status: res.status, error: res.body.error }).toEqual({ path, status: 201, error: undefined });
  return res.body;
}

/** One case of every kind in an agency, made by its own users. */
async function casesOf(prefix: '' | 'sfj'): Promise<AgencyCases> {
  const user = (role: Role) => (prefix ? `${prefix}.${role}` : role);
  const department = (code: string) => (prefix ? `${prefix}-${code}` : code);
  const applicantName = prefix ? '司法局申请人' : '应急局申请人';
  const application = await created('/api/applications', user('clerk'), {
    channel: 'in-person',
    applicant: {
      type: 'natural-person',
      name: applicantName,
      idType: 'resident-id',
      idNumber: '110101199003071233',
      phone: '13800000001',
      address: '某市某区某路8号',
    },
    description: `${applicantName}申请的信息`,
    form: 'paper',
    delivery: 'post',
  });
  const upload = await request(stack.app)
    .post(`/api/applications/${application.caseNo}/files?purpose=application-material`)
    .set(stack.as(user('clerk')))
    .set('Content-Type', 'application/pdf')
    .set('X-File-Name', encodeURIComponent('身份证明.pdf'))
    .send(fileFixtures(prefix).pdf);
  expect(upload.status).toBe(201);
  const dispute = await created('/api/disputes', user('clerk'), {
    caseNo: application.caseNo,
    kind: 'reconsideration',
    receivedOn: shanghaiDateOf(Date.now()),
    body: '示例市人民政府',
    claims: '确认未依法答复违法',
    departmentCode: department('xxzx'),
  });
  const document = await created('/api/documents', user('department'), {
    title: '关于印发示例市防汛应急预案的通知',
    docNumber: `示${prefix || 'demo'}发〔2026〕${Math.floor(Math.random() * 9000) + 1000}号`,
    kind: '通知',
    normative: false,
    proposedAttribute: 'proactive',
    category: '02',
    description: '印发本市防汛应急预案',
    keywords: ['防汛'],
  });
  const incident = await created('/api/incidents', user('clerk'), {
    grade: '一般',
    title: '网传某路段塌陷',
    source: 'media',
    summary: '短视频平台流传',
    firstSeenAt: new Date(Date.now() - 60_000).toISOString(),
  });
  const message = await created('/api/messages', user('clerk'), {
    type: 'help',
    channel: 'hotline',
    subject: '路灯不亮',
    content: '某路段路灯长期不亮',
    writer: { name: '周十', phone: '13712340000' },
    ruleProfileId: 'bijie-004',
  });
  const key = await created(`/api/admin/users/${user('clerk')}/tokens`, user('admin'), { label: 'isolation' });
  return {
    user,
    department,
    application: application.caseNo!,
    notice: (application as unknown as { documents: Array<{ docNo: string }> }).documents[0]!.docNo,
    file: String(upload.body.id ?? upload.body.fileId),
    dispute: dispute.disputeNo!,
    document: document.docId!,
    incident: incident.id!,
    message: message.id!,
    applicantName,
    apiKey: String(key.id),
  };
}

type Probe =
  { kind: 'record'; path: string; body?: object } | { kind: 'list' } | { kind: 'platform' } | { kind: 'not-agency-data'; why: string };

/** Where each declared route stands; the record a route names is the other agency's. */
function probeFor(method: string, path: string, owner: AgencyCases): Probe {
  const key = `${method} ${path}`;
  if (path.startsWith('/api/platform/')) return { kind: 'platform' };
  const fill = (p: string) =>
    p
      .replace(':caseNo', owner.application)
      .replace(':disputeNo', owner.dispute)
      .replace(':docNo', encodeURIComponent(owner.notice))
      .replace(':fileId', owner.file)
      .replace(':workflowId', `application-${owner.application}`)
      .replace(':username', owner.user('clerk'))
      .replace(':code', owner.department('yjglk'));
  if (/^\/api\/applications\/:caseNo/.test(path) || /^\/api\/admin\/applications\/:caseNo/.test(path))
    return { kind: 'record', path: fill(path) };
  if (/^\/api\/disputes\/:disputeNo/.test(path)) return { kind: 'record', path: fill(path) };
  if (/^\/api\/incidents\/:id/.test(path)) return { kind: 'record', path: path.replace(':id', owner.incident) };
  if (/^\/api\/messages\/:id/.test(path)) return { kind: 'record', path: path.replace(':id', owner.message) };
  if (/^\/api\/documents\/:docId/.test(path)) return { kind: 'record', path: fill(path).replace(':docId', owner.document) };
  if (/^\/api\/admin\/workflows\/:workflowId/.test(path)) return { kind: 'record', path: fill(path) };
  if (/^\/api\/admin\/(users\/:username|departments\/:code)/.test(path)) return { kind: 'record', path: fill(path) };
  if (key === 'DELETE /api/admin/tokens/:id') return { kind: 'record', path: path.replace(':id', owner.apiKey) };
  const notAgencyData: Record<string, string> = {
    'GET /api/rulesets/:id': 'rule profiles are the platform’s, shared by every agency',
    'DELETE /api/me/sessions/:id': 'the caller’s own sessions only',
    'POST /api/inbox/:id/read': 'the caller’s own inbox entries only (the inbox list is walked)',
    'PUT /api/admin/calendar/overrides/:date': 'writes the caller’s agency’s calendar (calendar tests)',
    'DELETE /api/admin/calendar/overrides/:date': 'writes the caller’s agency’s calendar (calendar tests)',
    'PUT /api/admin/calendar/years/:year': 'the national calendar (platform)',
    'GET /api/document-registers/:id': 'registers: walked in test/agency-isolation-cases.e2e.test.ts',
    'POST /api/document-registers/:id/items/:docId/decide': 'registers: walked in test/agency-isolation-cases.e2e.test.ts',
    'POST /api/document-registers/:id/submit': 'registers: walked in test/agency-isolation-cases.e2e.test.ts',
    'GET /api/public/documents/:docNo': 'public: an applicant’s notice by its signed link',
    'GET /api/public/files/:fileId': 'public: an applicant’s file by its signed link',
  };
  if (notAgencyData[key]) return { kind: 'not-agency-data', why: notAgencyData[key] };
  if (path.includes(':')) throw new Error(`no isolation probe for ${key}: give it one`);
  return { kind: 'list' };
}

const UPLOAD_PURPOSES: Record<string, string> = {
  applications: 'application-material',
  disputes: 'dispute-evidence',
  documents: 'published-file',
};

const ROLE_ORDER: Role[] = ['clerk', 'admin', 'supervisor', 'leader', 'reviewer', 'department'];

async function eventCount(cases: AgencyCases): Promise<Record<string, number>> {
  const count = async (kind: CaseKind, id: string) => (await caseEvents(stack.database.db, kind, id)).length;
  return {
    application: await count('application', cases.application),
    dispute: await count('dispute', cases.dispute),
    incident: await count('incident', cases.incident),
    message: await count('message', cases.message),
    document: await count('document', cases.document),
  };
}

it('keeps each agency’s records from the other agency on every route', async () => {
  const demo = await casesOf('');
  const sfj = await casesOf('sfj');
  const routes = stack.app.locals.routes as Array<{ method: string; path: string; roles: readonly Role[] | 'public' }>;
  const before = { demo: await eventCount(demo), sfj: await eventCount(sfj) };
  const walked: string[] = [];
  const problems: string[] = [];

  for (const [owner, other, marker] of [
    [demo, sfj, 'demo-'],
    [sfj, demo, 'sfj-'],
  ] as const) {
    for (const route of routes) {
      if (route.roles === 'public') continue;
      const probe = probeFor(route.method.toUpperCase(), route.path, owner);
      if (probe.kind === 'not-agency-data') continue;
      const roles = ROLE_ORDER.filter((r) => (route.roles as readonly Role[]).includes(r));
      const caller = other.user(roles[0]!);
      const path = probe.kind === 'record' ? probe.path : route.path;
      const agent = request(stack.app);
      const upload = route.method === 'post' && path.endsWith('/files');
      const res = upload
        ? // an upload that would be stored if the case were the caller's
          await agent
            .post(`${path}?purpose=${UPLOAD_PURPOSES[path.split('/')[2]!]}`)
            .set(stack.as(caller))
            .set('Content-Type', 'application/pdf')
            .set('X-File-Name', encodeURIComponent('材料.pdf'))
            .send(fileFixtures(`${caller} ${path}`).pdf)
        : await agent[route.method as 'get'](path)
            .set(stack.as(caller))
            .send(probe.kind === 'record' && route.method !== 'get' ? (probe.body ?? {}) : undefined);
      const what = `${route.method.toUpperCase()} ${path} as ${caller}`;
      walked.push(what);
      if (probe.kind === 'platform') {
        if (res.status !== 403) problems.push(`${what}: ${res.status}, not 403`);
      } else if (probe.kind === 'record') {
        const refused = route.method === 'get' || upload ? [404] : [400, 404];
        if (!refused.includes(res.status)) problems.push(`${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      } else if (res.status < 300 && route.path.startsWith('/api/admin/audit')) {
        // The log records what the agency's own users asked for (a path naming another agency's case
        // is their attempt, theirs to see): each row must be the caller's agency's.
        const rowAgencies = route.path.endsWith('.csv')
          ? res.text
              .split('\n')
              .slice(1)
              .filter(Boolean)
              .map((line) => /"([a-z][a-z0-9-]*)"\s*$/.exec(line)?.[1] ?? line)
          : (res.body.items as Array<{ agency: string | null }>).map((r) => r.agency);
        const foreign = rowAgencies.filter((a) => a !== (marker === 'demo-' ? 'sfj' : 'demo'));
        if (foreign.length > 0) problems.push(`${what}: rows of ${[...new Set(foreign)].join(', ')}`);
      } else if (res.status < 300) {
        const text = JSON.stringify(res.body) + (typeof res.text === 'string' ? res.text : '');
        if (text.includes(marker) || text.includes(owner.applicantName)) {
          const at = text.search(new RegExp(`${marker}|${owner.applicantName}`));
          problems.push(`${what}: shows the other agency’s records (…${text.slice(Math.max(0, at - 150), at + 50)}…)`);
        }
      }
    }
  }
  expect(problems).toEqual([]);
  // Nothing the other agency sent changed a case.
  expect({ demo: await eventCount(demo), sfj: await eventCount(sfj) }).toEqual(before);
  expect(walked.length).toBeGreaterThan(150);
}, 600_000);

it('answers a valid step on another agency’s case of each kind 404, as for a case that does not exist', async () => {
  const demo = await casesOf('');
  const today = shanghaiDateOf(Date.now());
  const steps: Array<[string, string, object]> = [
    [`/api/applications/${demo.application}/accept`, 'sfj.clerk', {}],
    [`/api/disputes/${demo.dispute}/forward`, 'sfj.clerk', { departmentCode: 'sfj-xxzx', on: today }],
    [`/api/incidents/${demo.incident}/assess`, 'sfj.department', { text: '研判' }],
    [`/api/messages/${demo.message}/assign`, 'sfj.clerk', { departmentCode: 'sfj-yjglk' }],
    [`/api/documents/${demo.document}/verify`, 'sfj.clerk', {}],
  ];
  for (const [path, user, body] of steps) {
    const missing = await request(stack.app)
      .post(path.replace(/(demo-\d{4}-D?)(\d+)/, (_m, head: string, n: string) => head + '9'.repeat(n.length)))
      .set(stack.as(user))
      .send(body);
    const other = await request(stack.app).post(path).set(stack.as(user)).send(body);
    expect({ path, status: other.status, code: other.body.error?.code }).toEqual({
      path,
      status: missing.status,
      code: missing.body.error?.code,
    });
    expect({ path, status: other.status }).toEqual({ path, status: 404 });
  }
});
