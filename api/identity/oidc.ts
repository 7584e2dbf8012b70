/**
 * Single sign-on with the agency's unified identity platform (统一身份认证) over OpenID Connect
 * (`openid-client`): the deployment's settings from the environment, the provider's metadata
 * (discovered once, retried after a failure), the admin's rule from claims to a username, role
 * and department, and whether the provider attested a multi-factor sign-in.
 *
 * The routes (authorization code flow with PKCE, state and nonce) are in api/routes/sso.ts.
 */
import type * as OpenidClient from 'openid-client';

export type OidcLibrary = typeof OpenidClient;
export type OidcConfiguration = OpenidClient.Configuration;

let library: Promise<OidcLibrary> | null = null;
/** openid-client (an ES module) is loaded at the first single sign-on: a deployment without one never loads it. */
export const openidClient = (): Promise<OidcLibrary> => (library ??= import('openid-client'));
import { DEFAULT_SSO_MAPPING, type MappedUser, type SsoMapping } from '../../db/repositories/sso';

export { DEFAULT_SSO_MAPPING, type SsoMapping };

export interface OidcSettings {
  /** The provider's issuer identifier; its metadata is read from `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** This deployment's callback, `…/api/auth/oidc/callback`, as registered at the provider. */
  redirectUri: string;
  /** Default `openid profile`. */
  scope: string;
  /** How the client authenticates at the token endpoint (default `client_secret_basic`). */
  clientAuth: 'client_secret_basic' | 'client_secret_post';
  /** `acr` values that mean a multi-factor sign-in at the provider (beyond `amr`: see providerAttestsMfa). */
  mfaAcrValues: readonly string[];
  /** Plain-http issuer allowed (a test or a laboratory set-up only). */
  allowHttp: boolean;
}

const VARIABLES = ['GONGKAI_OIDC_ISSUER', 'GONGKAI_OIDC_CLIENT_ID', 'GONGKAI_OIDC_CLIENT_SECRET', 'GONGKAI_OIDC_REDIRECT_URI'] as const;

/** The settings, or null when single sign-on is not configured (none of the four variables set). Throws on half a configuration. */
export function oidcSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): OidcSettings | null {
  const set = VARIABLES.filter((name) => env[name]?.trim());
  if (set.length === 0) return null;
  if (set.length < VARIABLES.length)
    throw new Error(
      `single sign-on needs all of ${VARIABLES.join(', ')}; missing: ${VARIABLES.filter((n) => !set.includes(n)).join(', ')}`,
    );
  const url = (name: string): string => {
    const value = env[name]!.trim();
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new Error(`${name} must be a URL, not "${value}"`);
    }
    if (parsed.protocol !== 'https:' && env.GONGKAI_OIDC_ALLOW_HTTP !== 'true')
      throw new Error(`${name} must be https (GONGKAI_OIDC_ALLOW_HTTP=true allows http for a test set-up)`);
    return value;
  };
  const clientAuth = env.GONGKAI_OIDC_CLIENT_AUTH?.trim() || 'client_secret_basic';
  if (clientAuth !== 'client_secret_basic' && clientAuth !== 'client_secret_post')
    throw new Error(`GONGKAI_OIDC_CLIENT_AUTH must be client_secret_basic or client_secret_post, not "${clientAuth}"`);
  return {
    issuer: url('GONGKAI_OIDC_ISSUER'),
    clientId: env.GONGKAI_OIDC_CLIENT_ID!.trim(),
    clientSecret: env.GONGKAI_OIDC_CLIENT_SECRET!.trim(),
    redirectUri: url('GONGKAI_OIDC_REDIRECT_URI'),
    scope: env.GONGKAI_OIDC_SCOPE?.trim() || 'openid profile',
    clientAuth,
    mfaAcrValues: (env.GONGKAI_OIDC_MFA_ACR ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
    allowHttp: env.GONGKAI_OIDC_ALLOW_HTTP === 'true',
  };
}

/** The provider's configuration for openid-client, discovered at first use; a failed discovery is retried at the next sign-in. */
export class OidcClient {
  private discovered: Promise<OidcConfiguration> | null = null;

  constructor(readonly settings: OidcSettings) {}

  configuration(): Promise<OidcConfiguration> {
    if (!this.discovered) {
      const { settings } = this;
      this.discovered = openidClient().then((oidc) => {
        const auth =
          settings.clientAuth === 'client_secret_post'
            ? oidc.ClientSecretPost(settings.clientSecret)
            : oidc.ClientSecretBasic(settings.clientSecret);
        return oidc.discovery(new URL(settings.issuer), settings.clientId, undefined, auth, {
          timeout: 10,
          ...(settings.allowHttp ? { execute: [oidc.allowInsecureRequests] } : {}),
        });
      });
      this.discovered.catch(() => {
        this.discovered = null;
      });
    }
    return this.discovered;
  }
}

/** The values of a claim as strings: a string or number is one value, a list its items; anything else none. */
export function claimValues(claims: Record<string, unknown>, path: string): string[] {
  let value: unknown = claims;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
    value = (value as Record<string, unknown>)[key];
  }
  const scalar = (v: unknown): string | null =>
    typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
  if (Array.isArray(value)) return value.map(scalar).filter((v): v is string => v !== null);
  const one = scalar(value);
  return one === null ? [] : [one];
}

export const USERNAME_PATTERN = /^[a-z0-9_.-]{1,64}$/;

export type MappingRefusal = { reason: 'bad-username' | 'no-role' | 'no-department'; detail: string };

/** Applies the rule to the claims: who the user is in the product, or why they are refused. */
export function mapClaims(claims: Record<string, unknown>, rule: SsoMapping): MappedUser | MappingRefusal {
  const username = claimValues(claims, rule.usernameClaim)[0]?.trim().toLowerCase() ?? '';
  if (!USERNAME_PATTERN.test(username))
    return {
      reason: 'bad-username',
      detail: `claim ${rule.usernameClaim} is not a username (1–64 of a-z 0-9 . - _): ${JSON.stringify(username.slice(0, 80))}`,
    };
  const displayName = (claimValues(claims, rule.displayNameClaim)[0]?.trim() || username).slice(0, 100);
  const roles = claimValues(claims, rule.roleClaim);
  const role = rule.roleMap.find((entry) => roles.includes(entry.value))?.role ?? rule.defaultRole;
  if (!role)
    return {
      reason: 'no-role',
      detail: `claim ${rule.roleClaim} ${JSON.stringify(roles)} matches no entry of the role table and there is no default role`,
    };
  const departments = claimValues(claims, rule.departmentClaim);
  const departmentCode =
    rule.departmentMap.find((entry) => departments.includes(entry.value))?.departmentCode ?? rule.defaultDepartmentCode;
  if (!departmentCode)
    return {
      reason: 'no-department',
      detail: `claim ${rule.departmentClaim} ${JSON.stringify(departments)} matches no entry of the department table and there is no default department`,
    };
  return { username, displayName, role, departmentCode };
}

/**
 * Whether the provider says the sign-in used more than one factor: `amr` (RFC 8176) holds `mfa`,
 * or two different methods (say `pwd` and `otp`), or `acr` is one the deployment lists in
 * GONGKAI_OIDC_MFA_ACR. Then an admin or leader owes no TOTP of the product's.
 */
export function providerAttestsMfa(claims: Record<string, unknown>, mfaAcrValues: readonly string[]): boolean {
  const amr = claimValues(claims, 'amr');
  if (amr.includes('mfa') || new Set(amr).size >= 2) return true;
  const acr = typeof claims.acr === 'string' ? claims.acr : null;
  return acr !== null && mfaAcrValues.includes(acr);
}
