import type { AuditQuery, AuditRecord } from '../db/audit-repository.js';
import type { Repositories } from '../db/repositories.js';

export interface AuditFilter {
  entity?: string | undefined;
  /** A user id, an email, `cli` or `engine-token`. */
  actor?: string | undefined;
}

/** Reading the audit log (admins); writes record themselves through their own transactions. */
export class AuditService {
  constructor(private readonly repos: Repositories) {}

  /** Newest first, `limit` entries older than `beforeId`. An actor email no user has matches nothing. */
  async list(filter: AuditFilter & { limit: number; beforeId?: number | undefined }): Promise<AuditRecord[]> {
    const query = await this.query(filter, filter.limit);
    if (query === null) return [];
    return this.repos.audit.list({ ...query, ...(filter.beforeId !== undefined && { beforeId: filter.beforeId }) });
  }

  /** Every matching entry, newest first, a page at a time (for the JSON Lines export). */
  async *all(filter: AuditFilter, pageSize = 1000): AsyncGenerator<AuditRecord> {
    const query = await this.query(filter, pageSize);
    if (query === null) return;
    let beforeId: number | undefined;
    for (;;) {
      const page = await this.repos.audit.list({ ...query, ...(beforeId !== undefined && { beforeId }) });
      yield* page;
      if (page.length < pageSize) return;
      beforeId = page[page.length - 1]!.id;
    }
  }

  private async query(filter: AuditFilter, limit: number): Promise<AuditQuery | null> {
    const query: AuditQuery = { limit, ...(filter.entity !== undefined && { entity: filter.entity }) };
    const actor = filter.actor?.trim();
    if (actor === undefined || actor === '') return query;
    if (actor === 'cli' || actor === 'engine-token') return { ...query, actor: { kind: actor } };
    if (/^\d+$/.test(actor)) return { ...query, actor: { userId: Number(actor) } };
    const user = await this.repos.users.getByEmail(actor);
    return user === null ? null : { ...query, actor: { userId: user.id } };
  }
}
