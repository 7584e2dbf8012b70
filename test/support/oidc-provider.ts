/**
 * A real OpenID provider for the single sign-on tests: `oidc-provider` on a free port, one
 * registered confidential client, PKCE required, accounts whose claims carry a role and an
 * organisation (a scope `gongkai` of its own, as an agency platform would have), and a minimal
 * login + consent interaction served as plain HTML forms (any account of `accounts`, one
 * password; the login form's `amr` field stands for how the platform authenticated the user).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export const PROVIDER_PASSWORD = 'provider-pass';
export const CLIENT = { id: 'gongkai', secret: 'gongkai-client-secret', scope: 'openid profile gongkai' };

export interface TestProvider {
  issuer: string;
  /** `sub` → claims; a test changes them between sign-ins. */
  accounts: Record<string, Record<string, unknown>>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Starts the provider on `host` (its issuer is `http://<host>:<port>`); `redirectUri` is asked once the port is known. */
export async function startOidcProvider(options: { host: string; redirectUri: () => string }): Promise<TestProvider> {
  // Its notices about development defaults (signing keys, TTLs) are for a deployment, not a test.
  for (const method of ['warn', 'info'] as const) {
    const original = console[method].bind(console);
    jest
      .spyOn(console, method)
      .mockImplementation((...args: unknown[]) => (String(args[0]).startsWith('oidc-provider') ? undefined : original(...args)));
  }
  const accounts: Record<string, Record<string, unknown>> = {};
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => void res.end();
  const server: Server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, options.host, resolve));
  const issuer = `http://${options.host}:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        redirect_uris: [options.redirectUri()],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // How the sign-in was made (acr, amr) in the ID token, the profile, and the platform's own scope with the role and organisation.
    claims: {
      sid: null,
      iss: null,
      openid: ['sub', 'auth_time', 'acr', 'amr'],
      profile: ['name', 'preferred_username'],
      gongkai: ['gongkai_role', 'org'],
    },
    findAccount: async (_ctx, sub) => (accounts[sub] ? { accountId: sub, claims: async () => ({ sub, ...accounts[sub] }) } : undefined),
    cookies: { keys: ['sso-test-cookie-key'] },
  });

  const interaction = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET') {
      const fields =
        details.prompt.name === 'login'
          ? '<input name="login" aria-label="账号"/><input type="password" name="password" aria-label="密码"/><input name="amr" aria-label="amr"/>'
          : '';
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(
        `<!doctype html><title>统一身份认证平台</title><form method="post" action="/interaction/${details.uid}"><input type="hidden" name="prompt" value="${details.prompt.name}"/>${fields}<button type="submit">${details.prompt.name === 'login' ? '登录' : '同意'}</button></form>`,
      );
      return;
    }
    const body = await readBody(req);
    if (body.get('prompt') === 'login') {
      const login = body.get('login') ?? '';
      if (!accounts[login] || body.get('password') !== PROVIDER_PASSWORD) {
        res.statusCode = 401;
        res.end('wrong login');
        return;
      }
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: login, amr: (body.get('amr') || 'pwd').split(',') } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const grant = details.grantId
      ? (await provider.Grant.find(details.grantId))!
      : new provider.Grant({ accountId: details.session!.accountId, clientId: details.params.client_id as string });
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  };

  const callback = provider.callback();
  handle = (req, res) => {
    if (req.url?.startsWith('/interaction/'))
      interaction(req, res).catch((error: unknown) => ((res.statusCode = 500), res.end(String(error))));
    else void callback(req, res);
  };
  return {
    issuer,
    accounts,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
