import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface ApiToken {
  id: number;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const date = (d: Date | string | null) => (d === null ? null : new Date(d));

/** Per-user tokens for automation, found by the SHA-256 of the secret (the secret itself is never stored). */
export class ApiTokenRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(userId: number, name: string, tokenHash: Uint8Array): Promise<ApiToken> {
    const row = await this.db
      .insertInto('api_tokens')
      .values({ user_id: userId, name, token_hash: tokenHash })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { id: row.id, name: row.name, createdAt: new Date(row.created_at), lastUsedAt: null, revokedAt: null };
  }

  /** The token's id and user when it is not revoked and its user not disabled. */
  async findActive(tokenHash: Uint8Array): Promise<{ id: number; userId: number; lastUsedAt: Date | null } | null> {
    const row = await this.db
      .selectFrom('api_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select(['t.id', 't.user_id', 't.last_used_at'])
      .where('t.token_hash', '=', tokenHash)
      .where('t.revoked_at', 'is', null)
      .where('u.disabled', '=', false)
      .executeTakeFirst();
    return row ? { id: row.id, userId: row.user_id, lastUsedAt: date(row.last_used_at) } : null;
  }

  async touch(id: number): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: sql<Date>`now()` }).where('id', '=', id).execute();
  }

  /** The user's tokens, revoked ones included, newest first. */
  async list(userId: number): Promise<ApiToken[]> {
    const rows = await this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('id', 'desc')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      createdAt: new Date(r.created_at),
      lastUsedAt: date(r.last_used_at),
      revokedAt: date(r.revoked_at),
    }));
  }

  /** Revokes one of the user's live tokens; answers its name, or null when the user has no such live token. */
  async revoke(userId: number, id: number): Promise<string | null> {
    const row = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .returning('name')
      .executeTakeFirst();
    return row?.name ?? null;
  }
}
