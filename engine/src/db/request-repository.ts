import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Database } from './schema.js';

export interface ServedMatch {
  mentorRowId: number;
  /** 1-based position in the answer. */
  rank: number;
  score: number;
  breakdown: Record<string, unknown>;
}

export interface RecordedRequest {
  id: number;
  text: string;
  filters: Record<string, unknown>;
  configVersion: number | null;
  createdAt: Date;
  /** By rank. */
  matches: ServedMatch[];
}

export interface ExposureCounts {
  /** How many requests served each mentor in the window; mentors never served are absent. */
  counts: Map<number, number>;
  totalRequests: number;
}

export class RequestRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Stores a mentee request and what it was served, together (one statement, so atomic without a
   * transaction: /match pays one round trip instead of begin, two inserts and commit); returns the request id.
   */
  async recordMenteeRequest(
    text: string,
    filters: Record<string, unknown>,
    configVersion: number | null,
    matches: readonly ServedMatch[],
  ): Promise<number> {
    const { rows } = await sql<{ id: number }>`
      with request as (
        insert into mentee_requests (text, filters, config_version)
        values (${text}, ${JSON.stringify(filters)}::jsonb, ${configVersion}::integer)
        returning id
      ), served as (
        insert into served_matches (request_id, mentor_id, rank, score, breakdown, config_version)
        select request.id, m.mentor_id, m.rank, m.score, m.breakdown, ${configVersion}::integer
        from request, unnest(
          ${sql.val(matches.map((m) => m.mentorRowId))}::bigint[],
          ${sql.val(matches.map((m) => m.rank))}::integer[],
          ${sql.val(matches.map((m) => m.score))}::double precision[],
          ${sql.val(matches.map((m) => JSON.stringify(m.breakdown)))}::jsonb[]
        ) as m(mentor_id, rank, score, breakdown)
      )
      select id from request`.execute(this.db);
    return rows[0]!.id;
  }

  /** The latest requests, newest first, each with its matches. */
  async recentRequests(limit: number): Promise<RecordedRequest[]> {
    const requests = await this.db.selectFrom('mentee_requests').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    if (requests.length === 0) return [];
    const matches = await this.db
      .selectFrom('served_matches')
      .select(['request_id', 'mentor_id', 'rank', 'score', 'breakdown'])
      .where(sql<SqlBool>`request_id = any(${sql.val(requests.map((r) => r.id))}::bigint[])`)
      .orderBy('request_id')
      .orderBy('rank')
      .execute();
    const byRequest = new Map<number, ServedMatch[]>();
    for (const m of matches) {
      const list = byRequest.get(m.request_id) ?? [];
      list.push({ mentorRowId: m.mentor_id, rank: m.rank, score: m.score, breakdown: m.breakdown });
      byRequest.set(m.request_id, list);
    }
    return requests.map((r) => ({
      id: r.id,
      text: r.text,
      filters: r.filters,
      configVersion: r.config_version,
      createdAt: r.created_at,
      matches: byRequest.get(r.id) ?? [],
    }));
  }

  /** Records that a mentee asked a mentor for a session; returns its id. */
  async recordSessionRequest(requestId: number | null, mentorRowId: number, note: string | null): Promise<number> {
    const { id } = await this.db
      .insertInto('session_requests')
      .values({ request_id: requestId, mentor_id: mentorRowId, note })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  /** How often each mentor was served by requests made at or after `since`. */
  async exposureCounts(since: Date): Promise<ExposureCounts> {
    const [served, total] = await Promise.all([
      this.db
        .selectFrom('served_matches as s')
        .innerJoin('mentee_requests as r', 'r.id', 's.request_id')
        .where('r.created_at', '>=', since)
        .select(['s.mentor_id', (eb) => eb.fn.countAll<number>().as('served')])
        .groupBy('s.mentor_id')
        .execute(),
      this.db
        .selectFrom('mentee_requests')
        .where('created_at', '>=', since)
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .executeTakeFirstOrThrow(),
    ]);
    return { counts: new Map(served.map((s) => [s.mentor_id, Number(s.served)])), totalRequests: Number(total.total) };
  }

  /** Sessions requested with each mentor at or after `since` (what their monthly capacity is spent on). */
  async sessionCountsSince(since: Date): Promise<Map<number, number>> {
    const rows = await this.db
      .selectFrom('session_requests')
      .where('created_at', '>=', since)
      .select(['mentor_id', (eb) => eb.fn.countAll<number>().as('sessions')])
      .groupBy('mentor_id')
      .execute();
    return new Map(rows.map((r) => [r.mentor_id, Number(r.sessions)]));
  }
}
