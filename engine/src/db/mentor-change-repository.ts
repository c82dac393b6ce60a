import { sql, type Kysely } from 'kysely';
import { type CamelCaseDatabase, withCamelCase } from './camel-case.js';
import type { Database } from './schema.js';

export interface MentorChange {
  seq: number;
  mentorId: number;
  changedAt: Date;
}

/** The log the mentor triggers write (migration 0004): which mentors any writer changed, and when. */
export class MentorChangeRepository {
  private readonly db: Kysely<CamelCaseDatabase>;

  constructor(db: Kysely<Database>) {
    this.db = withCamelCase(db);
  }

  /** The database's clock, which stamps the log: the engine's own clock may differ from it. */
  async now(): Promise<Date> {
    const { rows } = await sql<{ now: Date }>`select now() as now`.execute(this.db);
    return new Date(rows[0]!.now);
  }

  /** Changes stamped after `after`, oldest first. A stamp is its transaction's start, so a late commit can carry an earlier one. */
  async since(after: Date): Promise<MentorChange[]> {
    return this.db
      .selectFrom('mentor_changes')
      .select(['seq', 'mentorId', 'changedAt'])
      .where('changedAt', '>', after)
      .orderBy('seq')
      .execute();
  }

  /** Deletes entries stamped before `before`; returns how many. */
  async prune(before: Date): Promise<number> {
    const result = await this.db.deleteFrom('mentor_changes').where('changedAt', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
