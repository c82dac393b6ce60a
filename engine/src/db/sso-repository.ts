import { sql, type Kysely } from 'kysely';
import { type CamelCaseDatabase, withCamelCase } from './camel-case.js';
import type { Database } from './schema.js';

/** What a sign-in through the identity provider must find again when the provider answers. */
export interface PendingSsoLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** The redirect_uri sent to the provider: the code exchange must send the same one. */
  redirectUri: string;
  /** Where the browser goes once signed in: a path on this engine. */
  returnTo: string;
}

/** Single sign-on: the identities linked to users, and the sign-ins under way. */
export class SsoRepository {
  private readonly db: Kysely<CamelCaseDatabase>;

  constructor(db: Kysely<Database>) {
    this.db = withCamelCase(db);
  }

  /** Stores a sign-in under way for this long; forgets those that expired before. */
  async createLogin(tokenHash: Uint8Array, login: PendingSsoLogin, ttlSeconds: number): Promise<void> {
    await this.db.deleteFrom('sso_logins').where('expiresAt', '<', sql<Date>`now()`).execute();
    await this.db
      .insertInto('sso_logins')
      .values({ tokenHash, ...login, expiresAt: sql<Date>`now() + ${ttlSeconds} * interval '1 second'` })
      .execute();
  }

  /**
   * The sign-in under way with this token, removed so that it is used once (a replayed answer finds nothing);
   * null when there is none or it expired.
   */
  async takeLogin(tokenHash: Uint8Array): Promise<PendingSsoLogin | null> {
    const row = await this.db
      .deleteFrom('sso_logins')
      .where('tokenHash', '=', tokenHash)
      .returning(['state', 'nonce', 'codeVerifier', 'redirectUri', 'returnTo'])
      // The database's clock, the one that set the expiry.
      .returning(sql<boolean>`expires_at > now()`.as('live'))
      .executeTakeFirst();
    if (!row?.live) return null;
    const { live: _, ...login } = row;
    return login;
  }

  /** The user this provider's account is linked to, noting the sign-in; null when it is linked to none. */
  async signInIdentity(issuer: string, subject: string): Promise<number | null> {
    const row = await this.db
      .updateTable('sso_identities')
      .set({ lastSignInAt: sql<Date>`now()` })
      .where('issuer', '=', issuer)
      .where('subject', '=', subject)
      .returning('userId')
      .executeTakeFirst();
    return row ? row.userId : null;
  }

  /** Links the provider's account to the user; a link made meanwhile by a concurrent sign-in stays. */
  async linkIdentity(issuer: string, subject: string, userId: number): Promise<void> {
    await this.db
      .insertInto('sso_identities')
      .values({ issuer, subject, userId })
      .onConflict((oc) => oc.columns(['issuer', 'subject']).doNothing())
      .execute();
  }
}
