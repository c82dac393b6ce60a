import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/** A live session and what the engine needs to know of its user on each request. */
export interface ActiveSession {
  id: number;
  userId: number;
  lastSeenAt: Date;
}

export interface SessionLifetimes {
  idleMinutes: number;
  maxHours: number;
}

/**
 * Server-side sessions, found by the SHA-256 of the cookie's token. Expiry is computed by the database's
 * clock, the one every engine sharing it reads.
 */
export class SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(userId: number, tokenHash: Uint8Array, lifetimes: SessionLifetimes): Promise<{ id: number }> {
    const expiresAt = sql<Date>`now() + ${lifetimes.maxHours} * interval '1 hour'`;
    return this.db
      .insertInto('sessions')
      .values({
        user_id: userId,
        token_hash: tokenHash,
        expires_at: expiresAt,
        idle_expires_at: sql<Date>`least(${expiresAt}, now() + ${lifetimes.idleMinutes} * interval '1 minute')`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  }

  /** The session with this token when it is neither revoked, expired, nor its user disabled. */
  async findActive(tokenHash: Uint8Array): Promise<ActiveSession | null> {
    const row = await this.db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['s.id', 's.user_id', 's.last_seen_at'])
      .where('s.token_hash', '=', tokenHash)
      .where('s.revoked_at', 'is', null)
      .where('s.idle_expires_at', '>', sql<Date>`now()`)
      .where('s.expires_at', '>', sql<Date>`now()`)
      .where('u.disabled', '=', false)
      .executeTakeFirst();
    return row ? { id: row.id, userId: row.user_id, lastSeenAt: new Date(row.last_seen_at) } : null;
  }

  /** Moves the idle expiry on from now, never past the absolute one. */
  async touch(id: number, idleMinutes: number): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({
        last_seen_at: sql<Date>`now()`,
        idle_expires_at: sql<Date>`least(expires_at, now() + ${idleMinutes} * interval '1 minute')`,
      })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** Whether it was live before. */
  async revoke(id: number): Promise<boolean> {
    const rows = await this.db
      .updateTable('sessions')
      .set({ revoked_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    return rows.length > 0;
  }

  /** Revokes every live session of the user; answers how many there were. */
  async revokeAll(userId: number): Promise<number> {
    const rows = await this.db
      .updateTable('sessions')
      .set({ revoked_at: sql<Date>`now()` })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .returning('id')
      .execute();
    return rows.length;
  }

  /** Forgets the user's sessions that ended more than a day ago (kept that long to answer questions about them). */
  async pruneEnded(userId: number): Promise<void> {
    const dayAgo = sql<Date>`now() - interval '1 day'`;
    await this.db
      .deleteFrom('sessions')
      .where('user_id', '=', userId)
      .where((eb) =>
        eb.or([eb('revoked_at', '<', dayAgo), eb('idle_expires_at', '<', dayAgo), eb('expires_at', '<', dayAgo)]),
      )
      .execute();
  }
}
