import type { Kysely } from 'kysely';
import type { Actor, AuditEntry, FieldChanges } from '../audit/audit-entry.js';
import type { AuditActorKind, Database } from './schema.js';

export interface AuditRecord {
  id: number;
  at: Date;
  actor: {
    kind: AuditActorKind;
    userId: number | null;
    /** The user's email as it is now; null for the CLI, the engine token, or a user no longer there. */
    email: string | null;
    role: string | null;
    osUser: string | null;
  };
  action: string;
  entity: string;
  entityId: string | null;
  changes: FieldChanges;
  requestId: string | null;
}

export interface AuditQuery {
  limit: number;
  /** Entries older than this id (the previous page's last). */
  beforeId?: number;
  entity?: string;
  actor?: { userId: number } | { kind: 'cli' | 'engine-token' };
}

/** The audit log: written in the transaction of the write it records, never changed (migration 0005). */
export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async record(actor: Actor, entry: AuditEntry): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        actor_kind: actor.kind,
        actor_user_id: actor.kind === 'user' ? actor.userId : null,
        actor_role: actor.kind === 'user' ? actor.role : null,
        actor_os_user: actor.kind === 'cli' ? actor.osUser : null,
        action: entry.action,
        entity: entry.entity,
        entity_id: entry.entityId,
        changes: JSON.stringify(entry.changes),
        request_id: actor.kind === 'cli' ? null : actor.requestId,
      })
      .execute();
  }

  /** Newest first. */
  async list(q: AuditQuery): Promise<AuditRecord[]> {
    let query = this.db
      .selectFrom('audit_log as a')
      .leftJoin('users as u', 'u.id', 'a.actor_user_id')
      .selectAll('a')
      .select('u.email')
      .orderBy('a.id', 'desc')
      .limit(q.limit);
    if (q.beforeId !== undefined) query = query.where('a.id', '<', q.beforeId);
    if (q.entity !== undefined) query = query.where('a.entity', '=', q.entity);
    if (q.actor !== undefined) {
      const actor = q.actor;
      query =
        'userId' in actor
          ? query.where('a.actor_user_id', '=', actor.userId)
          : query.where('a.actor_kind', '=', actor.kind);
    }
    const rows = await query.execute();
    return rows.map((r) => ({
      id: r.id,
      at: new Date(r.at),
      actor: {
        kind: r.actor_kind,
        userId: r.actor_user_id,
        email: r.email,
        role: r.actor_role,
        osUser: r.actor_os_user,
      },
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      changes: r.changes,
      requestId: r.request_id,
    }));
  }
}
