/**
 * HTTP security headers (helmet) and the content security policies: the API's (its HTML
 * documents load and run nothing), the console's (everything from this origin, nothing
 * third-party). In Chromium: the built console loads under its policy without a single
 * violation, a notice opened the console's way (a blob: URL, which inherits the console's
 * policy) keeps its print styles, and an injected inline script does not run. The codec
 * endpoints keep their CORS for the Temporal UI.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { type ApiStack, startApiStack } from './support/api-stack';
import { ensureConsoleBuilt, launchChromium, serve } from './support/browser';
import { pollUntil } from './support/eventually';

let stack: ApiStack;
let server: Awaited<ReturnType<typeof serve>>;
let browser: Browser;

beforeAll(async () => {
  ensureConsoleBuilt();
  [stack, browser] = await Promise.all([startApiStack('security-headers'), launchChromium()]);
  server = await serve(stack.app);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await stack?.stop();
});

/** A CSP header as directive → sources. */
const policy = (header: string | undefined): Record<string, string[]> =>
  Object.fromEntries(
    (header ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name!, sources]),
  );

const register = () =>
  request(stack.app)
    .post('/api/applications')
    .set(stack.as('clerk'))
    .send({
      channel: 'in-person',
      applicant: {
        type: 'natural-person',
        name: '韩安全',
        idType: 'resident-id',
        idNumber: '110101198505053452',
        phone: '13811112222',
        address: '某市某区安全路3号',
      },
      description: '2026年度安全生产执法检查计划',
      form: 'paper',
      delivery: 'post',
    });

it('sends helmet headers everywhere, a policy that runs nothing on the API, and keeps the codec CORS for the Temporal UI', async () => {
  const { app, as } = stack;
  const json = await request(app).get('/api/openapi.json');
  expect(json.status).toBe(200);
  expect(json.headers).toMatchObject({
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'strict-transport-security': expect.stringContaining('max-age='),
  });
  expect(json.headers['x-powered-by']).toBeUndefined();
  expect(policy(json.headers['content-security-policy'])).toEqual({
    'default-src': ["'none'"],
    'style-src': ["'unsafe-inline'"],
    'img-src': ['data:'],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  });

  // A notice is a print-ready page: its inline styles apply, no script can.
  const created = await register();
  expect(created.status).toBe(201);
  const notice = await request(app)
    .get(`/api/applications/${created.body.caseNo}/documents/${encodeURIComponent(created.body.documents[0].docNo)}`)
    .set(as('clerk'));
  expect(notice.headers['content-type']).toContain('text/html');
  expect(notice.text).toContain('<style>');
  expect(policy(notice.headers['content-security-policy'])['default-src']).toEqual(["'none'"]);
  expect(policy(notice.headers['content-security-policy'])['script-src']).toBeUndefined(); // falls back to 'none'

  // Errors too.
  expect((await request(app).get('/api/no-such-thing')).headers['x-content-type-options']).toBe('nosniff');

  // The Temporal UI's origin still reaches the codec from the browser.
  const preflight = await request(app)
    .options('/codec/decode')
    .set('Origin', 'http://localhost:8233')
    .set('Access-Control-Request-Method', 'POST')
    .set('Access-Control-Request-Headers', 'authorization,content-type,x-namespace');
  expect(preflight.status).toBe(204);
  expect(preflight.headers).toMatchObject({
    'access-control-allow-origin': 'http://localhost:8233',
    'access-control-allow-credentials': 'true',
    'cross-origin-resource-policy': 'cross-origin',
  });
  const decoded = await request(app).post('/codec/decode').set('Origin', 'http://localhost:8233').set(as('admin')).send({});
  expect(decoded.status).toBe(404); // this stack runs without payload encryption; the answer still carries CORS
  expect(decoded.headers['access-control-allow-origin']).toBe('http://localhost:8233');
  expect(
    (await request(app).options('/codec/decode').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST'))
      .headers['access-control-allow-origin'],
  ).toBeUndefined();
});

it('serves the console under its own policy, which names no third party, and the build loads nothing from elsewhere', async () => {
  const page = await request(stack.app).get('/console/');
  expect(page.status).toBe(200);
  const csp = policy(page.headers['content-security-policy']);
  expect(csp).toMatchObject({
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'frame-ancestors': ["'none'"],
  });
  for (const sources of Object.values(csp))
    for (const source of sources) expect(source).toMatch(/^('self'|'none'|'unsafe-inline'|data:|blob:)$/);
  expect(page.headers['x-frame-options']).toBe('DENY');
  const asset = page.text.match(/src="([^"]+\.js)"/)![1]!;
  const script = await request(stack.app).get(asset);
  expect(script.status).toBe(200);
  expect(policy(script.headers['content-security-policy'])['script-src']).toEqual(["'self'"]);

  // Every script, stylesheet and link of the build is this origin's.
  const built = fs.readFileSync(path.resolve(__dirname, '..', 'dist', 'console', 'index.html'), 'utf8');
  const references = [...built.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  expect(references.length).toBeGreaterThan(0);
  for (const reference of references) expect(reference).toMatch(/^\/console\//);
});

it('runs the console in Chromium without a policy violation; a notice opened as a blob keeps its styles; injected inline script does not run', async () => {
  const context = await browser.newContext();
  // (Page scripts as strings: this project's TypeScript has no DOM library.)
  await context.addInitScript(`
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
  `);
  const violations = (page: Page) => page.evaluate('window.__violations') as Promise<string[]>;
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${server.url}/console/`);
  // The app rendered (its script ran) and its stylesheet applied.
  // Polled from here: waitForFunction polls by evaluating in the page, which the CSP refuses.
  await pollUntil(
    () => page.evaluate("document.querySelector('#app')?.children.length ?? 0") as Promise<number>,
    (children) => children > 0,
    { timeoutMs: 60_000 },
  );
  expect(await page.evaluate('getComputedStyle(document.body).margin')).toBe('0px');
  expect(await violations(page)).toEqual([]);
  expect(errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);

  // A notice, the way the console opens one: fetched, then shown from a blob: URL in a new window.
  const created = await register();
  const documentPath = `/api/applications/${created.body.caseNo}/documents/${encodeURIComponent(created.body.documents[0].docNo)}`;
  const [popup] = await Promise.all([
    context.waitForEvent('page'),
    page.evaluate(`(async () => {
      const response = await fetch(${JSON.stringify(documentPath)}, { headers: { Authorization: ${JSON.stringify(stack.as('clerk').Authorization)} } });
      window.open(URL.createObjectURL(await response.blob()), '_blank');
    })()`),
  ]);
  await popup.waitForLoadState('load');
  expect(popup.url()).toMatch(/^blob:/);
  expect(await popup.evaluate('document.body.innerText')).toContain('韩安全');
  expect(await popup.evaluate('getComputedStyle(document.body).fontFamily')).toContain('FangSong'); // its inline <style> applied
  expect(await violations(popup)).toEqual([]);

  // What the policy is for: markup that slips in cannot run script.
  await page.evaluate(`{
    const injected = document.createElement('script');
    injected.textContent = 'window.__injected = true';
    document.body.appendChild(injected);
    const img = document.createElement('img');
    img.setAttribute('src', 'x');
    img.setAttribute('onerror', 'window.__injected = true');
    document.body.appendChild(img);
  }`);
  await page.waitForFunction('window.__violations.length >= 2');
  expect(await page.evaluate('window.__injected === undefined')).toBe(true);
  expect((await violations(page)).every((v) => v.startsWith('script-src'))).toBe(true);
  await context.close();
});
