import { timingSafeEqual } from 'node:crypto';
import type { Actor } from '../audit/audit-entry.js';
import type { AppConfig } from '../config.js';
import type { ApiToken } from '../db/api-token-repository.js';
import type { Repositories } from '../db/repositories.js';
import type { User } from '../db/user-repository.js';
import { AppError } from '../errors.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { verifyDecoy, verifyPassword } from './password-hasher.js';
import type { Principal } from './principal.js';
import { digestOf, newSecret } from './secret-token.js';

/** A session is written back as used at most this often, not on every request. */
const TOUCH_EVERY_MS = 60_000;

export interface SignedIn {
  user: User;
  /** The cookie's value; the database keeps only its digest. */
  token: string;
  /** How long the browser should keep the cookie: the session's absolute lifetime. */
  maxAgeSeconds: number;
}

/** Credentials a request carried: an Authorization bearer token and the session cookie, each when present. */
export interface Credentials {
  bearer?: string | undefined;
  session?: string | undefined;
}

/** Sign-in, sessions and API tokens. Users themselves are UserService's. */
export class AuthService {
  private readonly engineTokenDigest: Buffer | null;
  /** The password check under way for each account (by lower-case email), which the next one waits for. */
  private readonly checking = new Map<string, Promise<void>>();

  constructor(
    private readonly repos: Repositories,
    private readonly config: Pick<AppConfig, 'sessionIdleMinutes' | 'sessionMaxHours' | 'apiToken'>,
    private readonly limiter = new LoginRateLimiter(),
  ) {
    this.engineTokenDigest = config.apiToken === null ? null : digestOf(config.apiToken);
  }

  /**
   * Checks the password and opens a session. An unknown email, a wrong password, a user without a password and
   * a disabled user all get INVALID_CREDENTIALS after one password verification each, so neither the answer nor
   * its time tells them apart. Throws TOO_MANY_ATTEMPTS before any verification once a limit is spent.
   */
  async login(email: string, password: string, address: string, requestId: string): Promise<SignedIn> {
    const attempt = this.limiter.take(email, address);
    if (!attempt.ok) {
      const retryAfter = Math.ceil(attempt.retryAfterMs / 1000);
      throw new AppError(
        'TOO_MANY_ATTEMPTS',
        { scope: attempt.scope === 'account' ? 'for this account' : 'from this address', retryAfter },
        { scope: attempt.scope, retryAfter },
      );
    }
    const { found, ok } = await this.oneAtATime(email.trim().toLowerCase(), async () => {
      const found = await this.repos.users.credentials(email);
      const ok =
        found?.passwordHash != null ? await verifyPassword(found.passwordHash, password) : await verifyDecoy(password);
      return { found, ok };
    });
    if (!ok || !found || found.disabled) throw new AppError('INVALID_CREDENTIALS');
    attempt.release();
    return this.openSession(found.id, requestId);
  }

  /** Opens a session for a user who has proven who they are: with their password, or through single sign-on. */
  async openSession(userId: number, requestId: string): Promise<SignedIn> {
    const token = newSecret('mms');
    const user = await this.repos.transaction(async (trx) => {
      await trx.sessions.pruneEnded(userId);
      const session = await trx.sessions.create(userId, digestOf(token), this.lifetimes());
      await trx.audit.record(
        { kind: 'user', userId, role: null, requestId },
        { action: 'session.created', entity: 'session', entityId: String(session.id), changes: {} },
      );
      return (await trx.users.get(userId))!;
    });
    return { user, token, maxAgeSeconds: this.config.sessionMaxHours * 3600 };
  }

  /**
   * The principal the credentials name, or null when they name none (no credentials, or a session cookie that
   * is unknown, expired or revoked: the browser simply is not signed in). A bearer token that matches nothing
   * throws UNAUTHORIZED: a script sent it on purpose and must hear that it is wrong.
   */
  async authenticate(credentials: Credentials): Promise<Principal | null> {
    if (credentials.bearer !== undefined) return this.byBearer(credentials.bearer);
    if (credentials.session === undefined) return null;
    const session = await this.repos.sessions.findActive(digestOf(credentials.session));
    if (!session) return null;
    const user = await this.repos.users.get(session.userId);
    if (!user) return null;
    if (Date.now() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
      await this.repos.sessions.touch(session.id, this.config.sessionIdleMinutes);
    }
    return { kind: 'user', user, via: { session: session.id } };
  }

  /** Ends the principal's session (a no-op for API tokens, which are revoked on their own). */
  async logout(principal: Principal, actor: Actor): Promise<void> {
    if (principal.kind !== 'user' || !('session' in principal.via)) return;
    const sessionId = principal.via.session;
    await this.repos.transaction(async (trx) => {
      if (await trx.sessions.revoke(sessionId)) {
        await trx.audit.record(actor, {
          action: 'session.revoked',
          entity: 'session',
          entityId: String(sessionId),
          changes: { revoked: { before: false, after: true } },
        });
      }
    });
  }

  /** Ends every session of the user, on every device; answers how many were live. */
  async logoutEverywhere(userId: number, actor: Actor): Promise<number> {
    return this.repos.transaction(async (trx) => {
      const revoked = await trx.sessions.revokeAll(userId);
      await trx.audit.record(actor, {
        action: 'session.revoked-all',
        entity: 'user',
        entityId: String(userId),
        changes: { liveSessions: { before: revoked, after: 0 } },
      });
      return revoked;
    });
  }

  /** A new token for the user; the secret is in the answer only, never stored. */
  async createApiToken(userId: number, name: string, actor: Actor): Promise<ApiToken & { token: string }> {
    const token = newSecret('mmt');
    const created = await this.repos.transaction(async (trx) => {
      const row = await trx.apiTokens.create(userId, name, digestOf(token));
      await trx.audit.record(actor, {
        action: 'api-token.created',
        entity: 'api-token',
        entityId: String(row.id),
        changes: { name: { before: null, after: name }, user: { before: null, after: userId } },
      });
      return row;
    });
    return { ...created, token };
  }

  listApiTokens(userId: number): Promise<ApiToken[]> {
    return this.repos.apiTokens.list(userId);
  }

  /** Throws API_TOKEN_NOT_FOUND unless the user has this live token. */
  async revokeApiToken(userId: number, tokenId: number, actor: Actor): Promise<void> {
    await this.repos.transaction(async (trx) => {
      const name = await trx.apiTokens.revoke(userId, tokenId);
      if (name === null) throw new AppError('API_TOKEN_NOT_FOUND', { id: tokenId });
      await trx.audit.record(actor, {
        action: 'api-token.revoked',
        entity: 'api-token',
        entityId: String(tokenId),
        changes: { revoked: { before: false, after: true } },
      });
    });
  }

  private async byBearer(bearer: string): Promise<Principal> {
    // Compared as digests of equal length, so the comparison takes the same time whatever was sent.
    const digest = digestOf(bearer);
    if (this.engineTokenDigest !== null && timingSafeEqual(digest, this.engineTokenDigest)) {
      return { kind: 'engine-token' };
    }
    const token = await this.repos.apiTokens.findActive(digest);
    const user = token && (await this.repos.users.get(token.userId));
    if (!token || !user) throw new AppError('UNAUTHORIZED');
    if (token.lastUsedAt === null || Date.now() - token.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      await this.repos.apiTokens.touch(token.id);
    }
    return { kind: 'user', user, via: { apiToken: token.id } };
  }

  /**
   * Runs one account's password checks one after another: the guesses its limit lets through then take one
   * thread of the pool at a time, not all four, and other users' sign-ins do not queue behind them.
   */
  private oneAtATime<T>(account: string, check: () => Promise<T>): Promise<T> {
    const before = this.checking.get(account) ?? Promise.resolve();
    const result = before.then(check);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.checking.set(account, settled);
    void settled.then(() => {
      if (this.checking.get(account) === settled) this.checking.delete(account);
    });
    return result;
  }

  private lifetimes() {
    return { idleMinutes: this.config.sessionIdleMinutes, maxHours: this.config.sessionMaxHours };
  }
}
