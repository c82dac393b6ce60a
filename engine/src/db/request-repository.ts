import { sql, type Kysely, type SqlBool } from 'kysely';
import { type CamelCaseDatabase, withCamelCase } from './camel-case.js';
import type { TextCipher } from '../privacy/text-cipher.js';
import type { Database, SessionState } from './schema.js';

export interface ServedMatch {
  mentorRowId: number;
  /** 1-based position in the answer. */
  rank: number;
  score: number;
  /** The probability the ranker showed this mentor for the question (exploration among near-ties); null: not logged. */
  propensity?: number | null;
  breakdown: Record<string, unknown>;
}

export interface NewMenteeRequest {
  /** From reserveRequestIds. */
  id: number;
  text: string;
  filters: Record<string, unknown>;
  configVersion: number | null;
  createdAt: Date;
  /** The signed-in user who asked; null or absent when asked anonymously. */
  userId?: number | null;
  /** By rank. */
  matches: readonly ServedMatch[];
}

export interface RecordedRequest {
  id: number;
  text: string;
  filters: Record<string, unknown>;
  configVersion: number | null;
  createdAt: Date;
  userId: number | null;
  /** By rank. */
  matches: ServedMatch[];
}

export interface UserQuestion {
  id: number;
  /** Empty once erased by the retention. */
  text: string;
  filters: Record<string, unknown>;
  createdAt: Date;
}

export interface UserSessionRequest {
  id: number;
  requestId: number | null;
  /** The mentor's public id. */
  mentorId: string;
  note: string | null;
  createdAt: Date;
  state: SessionState;
  slotStart: Date | null;
  lengthMinutes: number | null;
  /** The user's own rating of the session; null until they gave one. */
  rating: { helpfulness: number; rightPerson: 'yes' | 'partly' | 'no'; comment: string | null } | null;
}

export interface ReceivedSessionRequest {
  id: number;
  requestId: number | null;
  question: string | null;
  note: string | null;
  /** Null once the mentee deleted their account. */
  menteeName: string | null;
  createdAt: Date;
}

export interface ExposureCounts {
  /** How many requests served each mentor in the window; mentors never served are absent. */
  counts: Map<number, number>;
  totalRequests: number;
}

export class RequestRepository {
  private readonly db: Kysely<CamelCaseDatabase>;

  /** `cipher` seals question texts, notes and comments under the key of their day (docs/privacy.md). */
  constructor(
    db: Kysely<Database>,
    private readonly cipher: TextCipher,
  ) {
    this.db = withCamelCase(db);
  }

  /** A stored question text as the mentee wrote it; '' once erased or its day's key destroyed. */
  private question(stored: string): string {
    return this.cipher.open(stored) ?? '';
  }

  /** A stored note or comment; null once erased or its day's key destroyed. */
  private optional(stored: string | null): string | null {
    return stored === null ? null : this.cipher.open(stored);
  }

  /**
   * Takes `count` request ids from the table's sequence, so a request can be answered with its id before it
   * is written (see RequestLog); ids stay unique across engines sharing a server.
   */
  async reserveRequestIds(count: number): Promise<number[]> {
    const { rows } = await sql<{ id: number }>`
      select nextval(pg_get_serial_sequence('mentee_requests', 'id')) as id from generate_series(1, ${count}::integer)`.execute(
      this.db,
    );
    return rows.map((r) => Number(r.id));
  }

  /**
   * Stores mentee requests, with reserved ids, and what each was served, all together (one statement, so
   * atomic without a transaction).
   */
  async recordMenteeRequests(requests: readonly NewMenteeRequest[]): Promise<void> {
    if (requests.length === 0) return;
    // Named as the SQL below reads them: raw SQL and JSON values are not renamed.
    const served = requests.flatMap((r) =>
      r.matches.map((m) => ({
        request_id: r.id,
        mentor_id: m.mentorRowId,
        rank: m.rank,
        score: m.score,
        propensity: m.propensity ?? null,
        breakdown: m.breakdown,
        config_version: r.configVersion,
      })),
    );
    // The matches travel as one JSON document: a jsonb[] of one text per match cost PGlite, on this thread,
    // about 0.5 ms more per request of ten (array quoting on both sides).
    await sql`
      with request as (
        insert into mentee_requests (id, text, filters, config_version, created_at, user_id)
        select * from unnest(
          ${sql.val(requests.map((r) => r.id))}::bigint[],
          ${sql.val(requests.map((r) => (r.text === '' ? '' : this.cipher.seal(r.text, r.createdAt))))}::text[],
          ${sql.val(requests.map((r) => JSON.stringify(r.filters)))}::jsonb[],
          ${sql.val(requests.map((r) => r.configVersion))}::integer[],
          ${sql.val(requests.map((r) => r.createdAt.toISOString()))}::timestamptz[],
          ${sql.val(requests.map((r) => r.userId ?? null))}::bigint[]
        )
        returning id
      )
      insert into served_matches (request_id, mentor_id, rank, score, propensity, breakdown, config_version)
      select m.request_id, m.mentor_id, m.rank, m.score, m.propensity, m.breakdown, m.config_version
      from jsonb_to_recordset(${JSON.stringify(served)}::jsonb)
        as m(request_id bigint, mentor_id bigint, rank integer, score double precision, propensity double precision,
          breakdown jsonb, config_version integer)
      -- Joining the CTE makes the match rows wait for their request rows (the foreign key).
      join request on request.id = m.request_id`.execute(this.db);
  }

  /**
   * Erases the mentee's words written before `cutoff`: the text of questions and the note of session requests.
   * What the questions were served, and which sessions were asked for, stay (exposure balancing, capacity and
   * the audit of served matches need them, not the words). Returns how many texts and notes were erased.
   * PostgreSQL keeps the old row versions on disk, so the keys of the days before the cutoff are destroyed too:
   * that is what makes those copies (and comments of those days) unreadable.
   */
  async eraseTextsBefore(cutoff: Date): Promise<number> {
    const [questions, notes] = await Promise.all([
      this.db
        .updateTable('mentee_requests')
        .set({ text: '' })
        .where('createdAt', '<', cutoff)
        .where('text', '<>', '')
        .executeTakeFirst(),
      this.db
        .updateTable('session_requests')
        .set({ note: null })
        .where('createdAt', '<', cutoff)
        .where('note', 'is not', null)
        .executeTakeFirst(),
    ]);
    this.cipher.shredBefore(cutoff);
    return Number(questions.numUpdatedRows) + Number(notes.numUpdatedRows);
  }

  /** The latest requests whose text is kept, newest first, each with its matches. */
  async recentRequests(limit: number): Promise<RecordedRequest[]> {
    const requests = await this.db
      .selectFrom('mentee_requests')
      .selectAll()
      .where('text', '<>', '')
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    if (requests.length === 0) return [];
    const matches = await this.db
      .selectFrom('served_matches')
      .select(['requestId', 'mentorId as mentorRowId', 'rank', 'score', 'breakdown'])
      .where(sql<SqlBool>`request_id = any(${sql.val(requests.map((r) => r.id))}::bigint[])`)
      .orderBy('requestId')
      .orderBy('rank')
      .execute();
    const byRequest = new Map<number, ServedMatch[]>();
    for (const { requestId, ...match } of matches) {
      const list = byRequest.get(requestId) ?? [];
      list.push(match);
      byRequest.set(requestId, list);
    }
    return requests
      .map((r) => ({ ...r, text: this.question(r.text), matches: byRequest.get(r.id) ?? [] }))
      .filter((r) => r.text !== '');
  }

  /** The texts and filters of these questions, to ask them again under another configuration (off-policy estimates). */
  async questionsByIds(ids: readonly number[]): Promise<UserQuestion[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('mentee_requests')
      .select(['id', 'text', 'filters', 'createdAt'])
      .where('id', 'in', [...ids])
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ ...r, text: this.question(r.text) }));
  }

  /** What a user asked, and the sessions they asked for (with the mentor's public id), oldest first. */
  async byUser(userId: number): Promise<{ questions: UserQuestion[]; sessionRequests: UserSessionRequest[] }> {
    const [questions, sessionRequests] = await Promise.all([
      this.db
        .selectFrom('mentee_requests')
        .select(['id', 'text', 'filters', 'createdAt'])
        .where('userId', '=', userId)
        .orderBy('id')
        .execute(),
      this.db
        .selectFrom('session_requests as s')
        .innerJoin('mentors as m', 'm.id', 's.mentorId')
        .leftJoin('session_feedback as f', (join) =>
          join.onRef('f.sessionRequestId', '=', 's.id').on('f.authorRole', '=', 'mentee'),
        )
        .select([
          's.id',
          's.requestId',
          'm.externalId as mentorId',
          's.note',
          's.createdAt',
          's.state',
          's.slotStart',
          's.lengthMinutes',
          'f.helpfulness',
          'f.rightPerson',
          'f.comment',
        ])
        .where('s.userId', '=', userId)
        .orderBy('s.id')
        .execute(),
    ]);
    return {
      questions: questions.map((q) => ({ ...q, text: this.question(q.text), createdAt: new Date(q.createdAt) })),
      sessionRequests: sessionRequests.map(({ helpfulness, rightPerson, comment, ...r }) => ({
        ...r,
        note: this.optional(r.note),
        createdAt: new Date(r.createdAt),
        slotStart: r.slotStart === null ? null : new Date(r.slotStart),
        rating:
          helpfulness === null || rightPerson === null
            ? null
            : { helpfulness, rightPerson, comment: this.optional(comment) },
      })),
    };
  }

  /**
   * The session requests mentees sent a mentor, newest first, each with the question it was sent with (null
   * without one, or once the retention erased it): sending it is what lets that mentor read it.
   */
  async sessionRequestsFor(mentorExternalId: string, limit: number): Promise<ReceivedSessionRequest[]> {
    const rows = await this.db
      .selectFrom('session_requests as s')
      .innerJoin('mentors as m', 'm.id', 's.mentorId')
      .leftJoin('mentee_requests as r', 'r.id', 's.requestId')
      .leftJoin('users as u', 'u.id', 's.userId')
      .select(['s.id', 's.requestId', 'r.text as question', 's.note', 'u.name as menteeName', 's.createdAt'])
      .where('m.externalId', '=', mentorExternalId)
      .orderBy('s.id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      ...r,
      question: r.question === null ? null : this.question(r.question) || null,
      note: this.optional(r.note),
      createdAt: new Date(r.createdAt),
    }));
  }

  /**
   * Keeps a user's history only as counts: their questions lose their text, their session requests their note, the
   * reasons they gave for cancelling and their ratings' comments, and none names them any more (ratings stay: the mentor's helpfulness needs them).
   * Returns how many questions and session requests there were.
   */
  async forgetUser(userId: number): Promise<{ questions: number; sessionRequests: number }> {
    await this.db
      .updateTable('session_feedback')
      .set({ comment: null })
      .where('authorRole', '=', 'mentee')
      .where('sessionRequestId', 'in', (eb) =>
        eb.selectFrom('session_requests').select('id').where('userId', '=', userId),
      )
      .execute();
    const questions = await this.db
      .updateTable('mentee_requests')
      .set({ text: '', userId: null })
      .where('userId', '=', userId)
      .executeTakeFirst();
    const sessions = await this.db
      .updateTable('session_requests')
      .set({
        note: null,
        userId: null,
        cancelReason: sql<string | null>`case when cancelled_by = 'mentee' then null else cancel_reason end`,
      })
      .where('userId', '=', userId)
      .executeTakeFirst();
    return { questions: Number(questions.numUpdatedRows), sessionRequests: Number(sessions.numUpdatedRows) };
  }

  /** How often each mentor was served by requests made at or after `since`. */
  async exposureCounts(since: Date): Promise<ExposureCounts> {
    const [served, total] = await Promise.all([
      this.db
        .selectFrom('served_matches as s')
        .innerJoin('mentee_requests as r', 'r.id', 's.requestId')
        .where('r.createdAt', '>=', since)
        .select(['s.mentorId', (eb) => eb.fn.countAll<number>().as('served')])
        .groupBy('s.mentorId')
        .execute(),
      this.db
        .selectFrom('mentee_requests')
        .where('createdAt', '>=', since)
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .executeTakeFirstOrThrow(),
    ]);
    return { counts: new Map(served.map((s) => [s.mentorId, Number(s.served)])), totalRequests: Number(total.total) };
  }

  /**
   * Accepted sessions per mentor in the month starting at `monthStart` (UTC): what their monthly capacity is spent
   * on. Open requests do not count: they spend nothing until accepted, so sending requests cannot hide a mentor.
   */
  async acceptedSessionsInMonth(monthStart: Date): Promise<Map<number, number>> {
    const rows = await this.db
      .selectFrom('mentor_month_load')
      .select(['mentorId', 'accepted'])
      .where('month', '=', monthStart.toISOString().slice(0, 10))
      .where('accepted', '>', 0)
      .execute();
    return new Map(rows.map((r) => [r.mentorId, r.accepted]));
  }
}
