/**
 * Every route × every role against the authorization matrix (api/authorization.ts): no token
 * is 401 unless the route is public, a role the matrix does not list is 403, a role it lists
 * gets past authorization (whatever the empty request then earns: 400, 404, 409 or 2xx) and
 * never a 5xx. On the real stack, so handlers that reach Temporal or PostgreSQL really do.
 */
import request from 'supertest';
import { assertMatchesAuthorizationMatrix, AUTHORIZATION_MATRIX, PLATFORM_ROUTES } from '../api/authorization';
import { ROLES } from '../domain/roles';
import { type ApiStack, startApiStack } from './support/api-stack';

let stack: ApiStack;

beforeAll(async () => {
  stack = await startApiStack('authorization-matrix', { secondAgency: true });
});

afterAll(async () => {
  await stack?.stop();
});

/** A plausible value per path parameter: authorization is decided before any of them is looked at. */
const SAMPLE_PARAMS: Record<string, string> = {
  caseNo: '2026-000001',
  docNo: 'X1',
  queryCode: 'ABCDEFGHJK',
  disputeNo: '2026-D0001',
  docId: '2026-000001',
  id: '999999',
  workflowId: 'application-2026-000001',
  date: '2026-10-08',
  year: '2026',
  username: 'nobody',
};

it('matches the matrix for every route and every role', async () => {
  const declared = stack.app.locals.routes as Array<{ key: string; method: 'get' | 'post' | 'put' | 'delete' | 'patch'; path: string }>;
  expect(declared.map((r) => r.key).sort()).toEqual(Object.keys(AUTHORIZATION_MATRIX).sort());
  const violations: string[] = [];
  for (const route of declared) {
    const url = route.path.replace(/:([A-Za-z]+)/g, (_m, name: string) => SAMPLE_PARAMS[name] ?? 'x');
    const allowed = AUTHORIZATION_MATRIX[route.key]!;
    const call = (headers: Record<string, string>) => request(stack.app)[route.method](url).set(headers).send({});
    const anonymous = await call({});
    if (allowed === 'public' ? anonymous.status === 401 || anonymous.status >= 500 : anonymous.status !== 401) {
      violations.push(`${route.key} without a token: ${anonymous.status}`);
    }
    if (allowed === 'public') continue;
    // A platform route's roles reach it as platform users only (platform.supervisor, platform.admin).
    const platformOnly = PLATFORM_ROUTES.has(route.key);
    for (const [role, username] of [
      ...ROLES.map((r) => [r, r] as const),
      ...(['supervisor', 'admin'] as const).map((r) => [r, `platform.${r}`] as const),
    ]) {
      const res = await call(stack.as(username));
      const permitted = allowed.includes(role) && (!platformOnly || username.startsWith('platform.'));
      const ok = permitted ? res.status !== 401 && res.status !== 403 && res.status < 500 : res.status === 403;
      if (!ok)
        violations.push(
          `${route.key} as ${username}: ${res.status} (${permitted ? 'allowed' : 'forbidden'} by the matrix) ${JSON.stringify(res.body).slice(0, 160)}`,
        );
      if (res.status >= 400) expect(res.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    }
  }
  expect(violations).toEqual([]);
}, 300_000);

it('refuses to start when a route grants other roles than the matrix, or is missing from it', () => {
  const declared = Object.entries(AUTHORIZATION_MATRIX).map(([key, roles]) => ({ key, roles, platform: PLATFORM_ROUTES.has(key) }));
  expect(() => assertMatchesAuthorizationMatrix(declared)).not.toThrow();
  const widened = declared.map((r) =>
    r.key === 'POST /api/applications/:caseNo/sign-off' ? { ...r, roles: ['leader', 'clerk'] as const } : r,
  );
  expect(() => assertMatchesAuthorizationMatrix(widened)).toThrow(
    /POST \/api\/applications\/:caseNo\/sign-off declares \["leader","clerk"\] but the matrix says \["leader"\]/,
  );
  expect(() => assertMatchesAuthorizationMatrix([...declared, { key: 'DELETE /api/applications/:caseNo', roles: ['admin'] }])).toThrow(
    /is not in the authorization matrix/,
  );
  expect(() => assertMatchesAuthorizationMatrix(declared.slice(1))).toThrow(/no route declares it/);
  const opened = declared.map((r) => (r.key === 'GET /api/platform/supervision' ? { ...r, platform: false } : r));
  expect(() => assertMatchesAuthorizationMatrix(opened)).toThrow(/GET \/api\/platform\/supervision is not for platform users only/);
});
