/**
 * Serves the web console (built by Vite into dist/console) at /console: hashed assets with a
 * long cache, every other /console path answered with index.html so the app's own routes
 * work on reload and from links. Without a build, a 503 page in Chinese says how to make one.
 * The citizen portal (dist/portal) is served the same way at /apply.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import { consoleContentSecurityPolicy } from './security-headers';

/**
 * dist/console: GONGKAI_CONSOLE_DIR when set; else beside the sources (run with tsx) or, when
 * this file was compiled into dist/api/, beside the compiled code.
 */
export function defaultConsoleDist(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GONGKAI_CONSOLE_DIR) return path.resolve(env.GONGKAI_CONSOLE_DIR);
  const above = path.resolve(__dirname, '..');
  return path.basename(above) === 'dist' ? path.join(above, 'console') : path.join(above, 'dist', 'console');
}

const MISSING_BUILD = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>控制台尚未构建</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto; line-height: 1.6">
<h1>控制台尚未构建</h1>
<p>服务器上没有找到控制台的构建产物（dist/console，或环境变量 GONGKAI_CONSOLE_DIR 所指的目录）。请在项目目录运行 <code>npm run build:console</code>，然后刷新本页。</p>
<p>（<code>npm start</code> 和 <code>npm test</code> 会在需要时自动构建。）API 不受影响，仍可通过 /api 访问。</p>
</body></html>
`;

export function consoleRouter(dist: string = defaultConsoleDist()): Router {
  const router = express.Router();
  const indexFile = path.join(dist, 'index.html');

  // The console's content security policy (api/security-headers.ts) instead of the API's.
  router.use('/console', consoleContentSecurityPolicy());

  router.get('/', (_req, res) => res.redirect(302, '/console/'));
  router.use('/console/assets', express.static(path.join(dist, 'assets'), { immutable: true, maxAge: '1y' }));
  router.use('/console', express.static(dist, { index: false, maxAge: 0 }));
  router.get(['/console', '/console/{*rest}'], (req, res, next) => {
    if (req.path.startsWith('/console/assets/')) return next(); // a missing asset is a 404, not the app
    // Checked per request: a build made while the server runs is picked up without a restart.
    if (!fs.existsSync(indexFile)) {
      res.status(503).type('html').set('Cache-Control', 'no-store').send(MISSING_BUILD);
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(indexFile);
  });
  return router;
}

/** dist/portal, found as dist/console is (GONGKAI_PORTAL_DIR when set). */
export function defaultPortalDist(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GONGKAI_PORTAL_DIR) return path.resolve(env.GONGKAI_PORTAL_DIR);
  return path.join(path.dirname(defaultConsoleDist({})), 'portal');
}

const PORTAL_MISSING_BUILD = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>暂停服务</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto; padding: 0 1em; line-height: 1.6">
<h1>网上申请暂时无法使用</h1>
<p>请稍后再试，或通过信函、当面等方式提交政府信息公开申请。</p>
<p>（管理员：服务器上没有找到门户的构建产物 dist/portal，请运行 <code>npm run build:portal</code>。）</p>
</body></html>
`;

/**
 * The citizen portal (built by Vite into dist/portal) at /apply, served like the console: the
 * same content security policy (this origin only, nothing third-party), hashed assets cached
 * long, every other /apply path answered with the app.
 */
export function portalRouter(dist: string = defaultPortalDist()): Router {
  const router = express.Router();
  const indexFile = path.join(dist, 'index.html');
  router.use('/apply', consoleContentSecurityPolicy());
  router.use('/apply/assets', express.static(path.join(dist, 'assets'), { immutable: true, maxAge: '1y' }));
  router.use('/apply', express.static(dist, { index: false, maxAge: 0 }));
  router.get(['/apply', '/apply/{*rest}'], (req, res, next) => {
    if (req.path.startsWith('/apply/assets/')) return next();
    if (!fs.existsSync(indexFile)) {
      res.status(503).type('html').set('Cache-Control', 'no-store').send(PORTAL_MISSING_BUILD);
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(indexFile);
  });
  return router;
}
