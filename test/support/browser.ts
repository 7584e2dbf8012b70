/**
 * What the browser tests need: a built console and portal (built here with Vite when missing
 * or older than their sources), the app served on an ephemeral port, and Debian's chromium driven by
 * playwright-core (no downloaded browser).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Express } from 'express';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '..', '..');
export const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Newest modification time of the files a front end (console/, portal/) is built from. */
function newestSource(folder: string): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  walk(path.join(ROOT, folder));
  return newest;
}

/** Builds dist/<folder> with Vite (its `<folder>/vite.config.mts`) unless an up-to-date build is there. */
function ensureBuilt(folder: 'console' | 'portal'): void {
  const index = path.join(ROOT, 'dist', folder, 'index.html');
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= newestSource(folder)) return;
  // Vite is ESM-only and jest runs CommonJS, so its CLI does the build.
  const result = spawnSync(
    path.join(ROOT, 'node_modules', '.bin', 'vite'),
    ['build', '--config', `${folder}/vite.config.mts`, '--logLevel', 'warn'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`vite build of ${folder}/ failed:\n${result.stdout}\n${result.stderr}`);
}

/** Builds dist/console unless an up-to-date build is there. */
export const ensureConsoleBuilt = (): void => ensureBuilt('console');
/** Builds dist/portal (the citizen portal) unless an up-to-date build is there. */
export const ensurePortalBuilt = (): void => ensureBuilt('portal');

export async function serve(app: Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH))
    throw new Error(
      `chromium not found at ${CHROMIUM_PATH}: run \`apt-get install -y chromium\` (npm test does this as root) or set CHROMIUM_PATH`,
    );
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/**
 * A fresh browser context (its own cookies) at the console's sign-in page; uncaught page errors
 * go into `errors`, prefixed with `who`.
 */
export async function openConsole(
  browser: Browser,
  baseUrl: string,
  who: string,
  errors: string[],
  options: BrowserContextOptions = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...options,
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`${who}: ${error.message}`));
  page.setDefaultTimeout(60_000);
  await page.goto(`${baseUrl}/console/login`);
  return page;
}

/** The first sign-in step: username and password. */
export async function typePassword(page: Page, username: string, password: string): Promise<void> {
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}
