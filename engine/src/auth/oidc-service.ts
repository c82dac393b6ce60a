import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { type Actor, fieldChanges } from '../audit/audit-entry.js';
import type { OidcSettings } from '../config.js';
import type { Repositories } from '../db/repositories.js';
import { AppError } from '../errors.js';
import type { AuthService, SignedIn } from './auth-service.js';
import { claimValues, rolesFromClaims } from './oidc-roles.js';
import type { Role } from './roles.js';
import { digestOf } from './secret-token.js';

/** How long a sign-in may take at the provider: its cookie and its row last this long. */
export const SSO_LOGIN_SECONDS = 600;

/** How long the engine waits for each request to the provider. */
const PROVIDER_TIMEOUT_SECONDS = 10;

export interface SsoStarted {
  /** The provider's authorization endpoint with this sign-in's parameters: where the browser goes. */
  url: string;
  /** The value of the browser's cookie for this sign-in; the database keeps only its digest. */
  loginToken: string;
  maxAgeSeconds: number;
}

export interface SsoFinished extends SignedIn {
  /** Where the browser goes now: the path it asked for when it started. */
  returnTo: string;
}

type Claims = Readonly<Record<string, unknown>>;

/**
 * Single sign-on with an OpenID Connect provider: the authorization code flow with PKCE, state and nonce. The
 * provider's users become users here, found by issuer and subject, linked by a verified email to a user who
 * exists already, their roles set from a claim at each sign-in; the session is AuthService's, as for a password.
 * The only module that speaks to the provider (through openid-client).
 */
export class OidcService {
  /** The provider's metadata, read once it is first needed (an engine starts while its provider is away). */
  private discovered: Promise<oidc.Configuration> | null = null;

  constructor(
    private readonly repos: Repositories,
    private readonly settings: OidcSettings | null,
    private readonly auth: AuthService,
  ) {}

  /** The provider's name for the sign-in page's button; null when single sign-on is not configured. */
  providerName(): string | null {
    return this.settings?.name ?? null;
  }

  /**
   * Starts a sign-in: remembers its state, nonce and PKCE verifier under a new token for the browser's cookie,
   * and answers where to send the browser. `origin` is this engine as the browser reaches it, for a callback
   * URL that OIDC_REDIRECT_URL does not fix. Throws SSO_NOT_CONFIGURED, SSO_PROVIDER_UNAVAILABLE.
   */
  async start(origin: string, returnTo: string): Promise<SsoStarted> {
    const settings = this.configured();
    const config = await this.configuration(settings);
    // Normalised ("http://localhost:80" is "http://localhost"), as the code exchange will send it.
    const redirectUri = new URL(settings.redirectUrl ?? `${origin}/api/auth/sso/callback`).href;
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const loginToken = randomBytes(32).toString('base64url');
    await this.repos.sso.createLogin(
      digestOf(loginToken),
      { state, nonce, codeVerifier, redirectUri, returnTo },
      SSO_LOGIN_SECONDS,
    );
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: settings.scopes,
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, loginToken, maxAgeSeconds: SSO_LOGIN_SECONDS };
  }

  /**
   * Finishes the sign-in the browser's cookie names with the provider's answer (the callback's query): checks
   * the state, exchanges the code with the PKCE verifier, validates the ID token (signature, issuer, audience,
   * expiry, nonce), finds or makes the user and opens their session. Throws SSO_STATE_INVALID (no sign-in of
   * this browser, used, expired, or another's state), SSO_REFUSED, SSO_NO_ROLE, SSO_USER_DISABLED,
   * SSO_EMAIL_NOT_VERIFIED, SSO_PROVIDER_UNAVAILABLE.
   */
  async finish(answer: URLSearchParams, loginToken: string | undefined, requestId: string): Promise<SsoFinished> {
    const settings = this.configured();
    if (loginToken === undefined) {
      throw new AppError('SSO_STATE_INVALID', {
        reason: 'this browser has no sign-in under way (or blocks its cookie)',
      });
    }
    const login = await this.repos.sso.takeLogin(digestOf(loginToken));
    if (login === null) {
      throw new AppError('SSO_STATE_INVALID', {
        reason: `the sign-in was finished already, or started more than ${SSO_LOGIN_SECONDS / 60} minutes ago`,
      });
    }
    // Checked before anything else in the answer, the provider's own errors included: an answer with another
    // state was not asked for by this browser (login CSRF).
    if (answer.get('state') !== login.state) {
      throw new AppError('SSO_STATE_INVALID', {
        reason: 'the answer is for another sign-in than this browser started',
      });
    }
    const config = await this.configuration(settings);
    const callback = new URL(login.redirectUri);
    callback.search = answer.toString();
    const claims = await this.exchange(config, callback, login);
    const userId = await this.provision(claims, settings, requestId);
    return { ...(await this.auth.openSession(userId, requestId)), returnTo: login.returnTo };
  }

  private configured(): OidcSettings {
    if (this.settings === null) throw new AppError('SSO_NOT_CONFIGURED');
    return this.settings;
  }

  private configuration(settings: OidcSettings): Promise<oidc.Configuration> {
    this.discovered ??= oidc
      .discovery(
        new URL(settings.issuerUrl),
        settings.clientId,
        undefined,
        settings.clientSecret === null ? oidc.None() : oidc.ClientSecretBasic(settings.clientSecret),
        {
          timeout: PROVIDER_TIMEOUT_SECONDS,
          // config.ts lets plain http through only for a provider on loopback.
          ...(new URL(settings.issuerUrl).protocol === 'http:' && { execute: [oidc.allowInsecureRequests] }),
        },
      )
      .catch((err: unknown) => {
        // Asked again next time: the provider may be back.
        this.discovered = null;
        throw new AppError('SSO_PROVIDER_UNAVAILABLE', { reason: `its discovery document: ${describe(err)}` });
      });
    return this.discovered;
  }

  /** The code for tokens; the ID token's claims with the UserInfo endpoint's (which some providers keep there). */
  private async exchange(
    config: oidc.Configuration,
    callback: URL,
    login: { state: string; nonce: string; codeVerifier: string },
  ): Promise<Claims> {
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: login.codeVerifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims()!;
      if (config.serverMetadata().userinfo_endpoint === undefined) return idToken;
      // Checked to be about the ID token's subject; the ID token's claims (iss, sub) win.
      const userInfo = await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub);
      return { ...userInfo, ...idToken };
    } catch (err) {
      throw providerFailure(err);
    }
  }

  /**
   * The user the claims name: the one their identity is linked to; else the user with their email, linked when
   * the provider verified that email; else a new user. Their roles become the claim's. Returns their id.
   */
  private async provision(claims: Claims, settings: OidcSettings, requestId: string): Promise<number> {
    const issuer = String(claims.iss);
    const subject = String(claims.sub);
    const roles = rolesFromClaims(claims, settings);
    if (roles.length === 0) {
      const values = claimValues(claims, settings.rolesClaim);
      throw new AppError('SSO_NO_ROLE', {
        claim: settings.rolesClaim,
        values: values.length === 0 ? 'absent' : values.map((v) => JSON.stringify(v)).join(', '),
      });
    }
    return this.repos.transaction(async (trx) => {
      const actor = (userId: number): Actor => ({ kind: 'user', userId, role: null, requestId });
      let userId = await trx.sso.signInIdentity(issuer, subject);
      if (userId === null) {
        const email = typeof claims.email === 'string' ? claims.email.trim() : '';
        if (email === '') {
          throw new AppError('SSO_REFUSED', { reason: 'it sent no email address (the email scope and claim)' });
        }
        const existing = await trx.users.getByEmail(email);
        if (existing !== null) {
          // Anyone may type any address at some providers: only a verified one proves it is this user's.
          if (claims.email_verified !== true) throw new AppError('SSO_EMAIL_NOT_VERIFIED', { email });
          userId = existing.id;
        } else {
          const profile = { email, name: displayName(claims, email), timeZone: timeZoneOf(claims), roles };
          userId = (await trx.users.create({ ...profile, passwordHash: null })).id;
          await trx.audit.record(actor(userId), {
            action: 'user.created',
            entity: 'user',
            entityId: String(userId),
            changes: fieldChanges(null, profile),
          });
        }
        await trx.sso.linkIdentity(issuer, subject, userId);
        await trx.audit.record(actor(userId), {
          action: 'sso-identity.linked',
          entity: 'user',
          entityId: String(userId),
          changes: { ssoIdentity: { before: null, after: { issuer, subject } } },
        });
      }
      const user = (await trx.users.get(userId))!;
      if (user.disabled) throw new AppError('SSO_USER_DISABLED');
      if (!sameRoles(user.roles, roles)) {
        await trx.users.setRoles(userId, roles);
        if (user.roles.includes('admin') && (await trx.users.countEnabledAdmins()) === 0) {
          throw new AppError('LAST_ADMIN');
        }
        await trx.audit.record(actor(userId), {
          action: 'user.updated',
          entity: 'user',
          entityId: String(userId),
          changes: fieldChanges({ roles: user.roles }, { roles }),
        });
      }
      return userId;
    });
  }
}

/** What went wrong with the provider, as the error the browser is answered. */
function providerFailure(err: unknown): AppError {
  if (err instanceof AppError) return err;
  // The provider's own answer: an error in the redirect (the user declined, say) or from its token endpoint.
  if (err instanceof oidc.AuthorizationResponseError || err instanceof oidc.ResponseBodyError) {
    return new AppError('SSO_REFUSED', {
      reason: err.error_description ? `${err.error} (${err.error_description})` : err.error,
    });
  }
  // A server error from it, or an answer that is not JSON.
  if (
    err instanceof oidc.ClientError &&
    (err.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || err.code === 'OAUTH_RESPONSE_IS_NOT_JSON')
  ) {
    return new AppError('SSO_PROVIDER_UNAVAILABLE', { reason: describe(err) });
  }
  // An ID token or answer that fails the checks: a wrong signature, issuer, audience, nonce, or an expired token.
  if (err instanceof oidc.ClientError)
    return new AppError('SSO_REFUSED', { reason: `its answer failed the checks: ${describe(err)}` });
  // fetch's own failures (refused, reset, DNS) and the timeout.
  if ((err instanceof TypeError && !('code' in err)) || (err instanceof DOMException && err.name === 'TimeoutError')) {
    return new AppError('SSO_PROVIDER_UNAVAILABLE', { reason: describe(err) });
  }
  throw err;
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}

function displayName(claims: Claims, email: string): string {
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const full = [text(claims.given_name), text(claims.family_name)].filter(Boolean).join(' ');
  return text(claims.name) || full || text(claims.preferred_username) || email.split('@')[0]!;
}

/** The provider's `zoneinfo` claim when it names a zone this runtime knows, else UTC. */
function timeZoneOf(claims: Claims): string {
  const zone = claims.zoneinfo;
  if (typeof zone !== 'string') return 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}

function sameRoles(a: readonly Role[], b: readonly Role[]): boolean {
  return a.length === b.length && a.every((role) => b.includes(role));
}
