import { sql, type Kysely, type SqlBool } from 'kysely';
import { AppError } from '../errors.js';
import { type CamelCaseDatabase, withCamelCase } from './camel-case.js';
import { isForeignKeyViolation } from './database-errors.js';
import type { TextCipher } from '../privacy/text-cipher.js';
import type { Database, SessionState } from './schema.js';

/** A session request with what its parties and the scheduler read of it. */
export interface SessionRequestRecord {
  id: number;
  requestId: number | null;
  /** The mentor's row id (internal) and public id. */
  mentorRowId: number;
  mentorId: string;
  mentorName: string;
  /** The user linked to the mentor's profile; null when none is. */
  mentorUserId: number | null;
  /** The schedule's time zone, else the profile's. */
  mentorTimeZone: string;
  capacityPerMonth: number;
  /** Null once the mentee deleted their account. */
  menteeUserId: number | null;
  menteeName: string | null;
  /** The question sent with the request; null without one or once the retention erased it. */
  question: string | null;
  note: string | null;
  state: SessionState;
  lengthMinutes: number | null;
  slotStart: Date | null;
  menteeTimeZone: string | null;
  declineReason: string | null;
  cancelReason: string | null;
  cancelledBy: 'mentee' | 'mentor' | 'coordinator' | null;
  videoLink: string | null;
  createdAt: Date;
  expiresAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  /** 'YYYY-MM-01' of the month an accepted session spends; null otherwise. */
  capacityMonth: string | null;
}

export interface NewSessionRequest {
  requestId: number | null;
  mentorRowId: number;
  userId: number;
  note: string | null;
  lengthMinutes: number | null;
  slotStart: Date | null;
  menteeTimeZone: string | null;
  createdAt: Date;
  expiresAt: Date;
}

/** Columns a transition sets beside the state; what it does not name stays. */
export interface TransitionChanges {
  lengthMinutes?: number | null;
  slotStart?: Date | null;
  declineReason?: string | null;
  cancelReason?: string | null;
  cancelledBy?: 'mentee' | 'mentor' | 'coordinator';
  videoLink?: string | null;
  answeredAt?: Date;
  endedAt?: Date;
  capacityMonth?: string | null;
}

export interface NewFeedback {
  sessionRequestId: number;
  authorRole: 'mentee' | 'mentor';
  helpfulness: number;
  rightPerson: 'yes' | 'partly' | 'no';
  comment: string | null;
  boundaryFlag: boolean;
}

/** The timestamp columns the sweeper sets once each notification is sent. */
export type SweepMark = 'expiryWarningSentAt' | 'reminderSentAt' | 'feedbackPromptSentAt';

export const CELL_MINUTES = 15;

/** The starts of the 15-minute cells a slot covers. */
export function slotCells(slotStart: Date, lengthMinutes: number): Date[] {
  return Array.from(
    { length: Math.ceil(lengthMinutes / CELL_MINUTES) },
    (_, i) => new Date(slotStart.getTime() + i * CELL_MINUTES * 60_000),
  );
}

const date = (d: Date | string | null): Date | null => (d === null ? null : new Date(d));

/**
 * Session requests and their lifecycle (migration 0009). Every rule that must hold under concurrency is the
 * database's: a transition is a conditional update on the state it leaves, a mentor's monthly load is raised only
 * below their capacity, a slot's cells are a primary key, and one open request per mentee and mentor is a
 * partial unique index.
 */
export class SessionRequestRepository {
  private readonly db: Kysely<CamelCaseDatabase>;

  /** `cipher` seals notes and comments, and opens the question sent (docs/privacy.md). */
  constructor(
    db: Kysely<Database>,
    private readonly cipher: TextCipher,
  ) {
    this.db = withCamelCase(db);
  }

  private select() {
    return this.db
      .selectFrom('session_requests as s')
      .innerJoin('mentors as m', 'm.id', 's.mentorId')
      .leftJoin('mentor_schedules as ms', 'ms.mentorId', 's.mentorId')
      .leftJoin('mentor_users as mu', 'mu.mentorId', 's.mentorId')
      .leftJoin('mentee_requests as r', 'r.id', 's.requestId')
      .leftJoin('users as u', 'u.id', 's.userId')
      .select([
        's.id',
        's.requestId',
        's.mentorId as mentorRowId',
        'm.externalId as mentorId',
        'm.name as mentorName',
        'mu.userId as mentorUserId',
        sql<string>`coalesce(ms.time_zone, m.timezone)`.as('mentorTimeZone'),
        'm.capacityPerMonth',
        's.userId as menteeUserId',
        'u.name as menteeName',
        'r.text as question',
        's.note',
        's.state',
        's.lengthMinutes',
        's.slotStart',
        's.menteeTimeZone',
        's.declineReason',
        's.cancelReason',
        's.cancelledBy',
        's.videoLink',
        's.createdAt',
        's.expiresAt',
        's.answeredAt',
        's.endedAt',
        sql<string | null>`to_char(s.capacity_month, 'YYYY-MM-DD')`.as('capacityMonth'),
      ]);
  }

  private toRecord(row: Record<string, unknown>): SessionRequestRecord {
    const r = row as unknown as SessionRequestRecord & Record<string, Date | string | null>;
    return {
      ...r,
      question: r.question === null ? null : this.cipher.open(r.question) || null,
      note: r.note === null ? null : this.cipher.open(r.note),
      slotStart: date(r.slotStart),
      createdAt: new Date(r.createdAt),
      expiresAt: new Date(r.expiresAt),
      answeredAt: date(r.answeredAt),
      endedAt: date(r.endedAt),
    };
  }

  async get(id: number): Promise<SessionRequestRecord | null> {
    const row = await this.select().where('s.id', '=', id).executeTakeFirst();
    return row === undefined ? null : this.toRecord(row);
  }

  /**
   * A user's session requests, newest first: those they sent (`mentee`), those sent to the mentor profile they
   * speak for (`mentor`), or both.
   */
  async list(filter: {
    menteeUserId: number | null;
    mentorRowId: number | null;
    state?: SessionState;
    limit: number;
  }): Promise<SessionRequestRecord[]> {
    if (filter.menteeUserId === null && filter.mentorRowId === null) return [];
    let q = this.select().where((eb) =>
      eb.or([
        ...(filter.menteeUserId === null ? [] : [eb('s.userId', '=', filter.menteeUserId)]),
        ...(filter.mentorRowId === null ? [] : [eb('s.mentorId', '=', filter.mentorRowId)]),
      ]),
    );
    if (filter.state !== undefined) q = q.where('s.state', '=', filter.state);
    const rows = await q.orderBy('s.id', 'desc').limit(filter.limit).execute();
    return rows.map((r) => this.toRecord(r));
  }

  /**
   * Locks the user's row until the transaction ends, so that the caps counted after it (open requests, requests
   * this hour) cannot be passed by two requests of theirs at once.
   */
  async lockUser(userId: number): Promise<void> {
    await this.db.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
  }

  /** The user's requests still waiting for an answer, and those they made at or after `since`. */
  async menteeCounts(userId: number, since: Date): Promise<{ open: number; recent: number }> {
    const row = await this.db
      .selectFrom('session_requests')
      .select([
        sql<number>`count(*) filter (where state = 'requested')`.as('open'),
        sql<number>`count(*) filter (where created_at >= ${since})`.as('recent'),
      ])
      .where('userId', '=', userId)
      .executeTakeFirstOrThrow();
    return { open: Number(row.open), recent: Number(row.recent) };
  }

  /**
   * Stores a new request. The question it names must be the mentee's own (REQUEST_NOT_FOUND otherwise, as for one
   * that does not exist): sending it shows its text to the mentor, so nobody can send another person's. A second
   * open request to the same mentor is OPEN_REQUEST_EXISTS (the partial unique index).
   */
  async insert(request: NewSessionRequest): Promise<number> {
    if (request.requestId !== null) {
      const asked = await this.db
        .selectFrom('mentee_requests')
        .select('userId')
        .where('id', '=', request.requestId)
        .executeTakeFirst();
      if (asked === undefined || asked.userId === null || Number(asked.userId) !== request.userId) {
        throw new AppError('REQUEST_NOT_FOUND', { id: request.requestId });
      }
    }
    try {
      const { id } = await this.db
        .insertInto('session_requests')
        .values({
          requestId: request.requestId,
          mentorId: request.mentorRowId,
          userId: request.userId,
          note: request.note === null ? null : this.cipher.seal(request.note, request.createdAt),
          state: 'requested',
          lengthMinutes: request.lengthMinutes,
          slotStart: request.slotStart,
          menteeTimeZone: request.menteeTimeZone,
          createdAt: request.createdAt,
          expiresAt: request.expiresAt,
          updatedAt: request.createdAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return id;
    } catch (err) {
      const e = err as { code?: unknown; constraint?: unknown };
      if (e.code === '23505' && e.constraint === 'session_requests_one_open_idx') {
        throw new AppError('OPEN_REQUEST_EXISTS');
      }
      if (request.requestId !== null && isForeignKeyViolation(err, 'session_requests', 'request_id')) {
        throw new AppError('REQUEST_NOT_FOUND', { id: request.requestId });
      }
      throw err;
    }
  }

  /**
   * Moves the request from `from` to `to` only if it is still in `from` (another transaction may have moved it
   * since it was read); false when it was not.
   */
  async transition(
    id: number,
    from: SessionState,
    to: SessionState,
    changes: TransitionChanges,
    now: Date,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('session_requests')
      .set({ ...changes, state: to, updatedAt: now })
      .where('id', '=', id)
      .where('state', '=', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Spends one of the mentor's sessions in `month` ('YYYY-MM-01'); false when they already accepted as many as
   * their capacity. One statement: concurrent upserts of the same row wait for each other and re-check the
   * condition, so no interleaving passes the capacity.
   */
  async takeCapacity(mentorRowId: number, month: string): Promise<boolean> {
    const { rows } = await sql<{ accepted: number }>`
      insert into mentor_month_load (mentor_id, month, accepted)
      select id, ${month}::date, 1 from mentors where id = ${mentorRowId} and capacity_per_month > 0
      on conflict (mentor_id, month) do update set accepted = mentor_month_load.accepted + 1
      where mentor_month_load.accepted < (select capacity_per_month from mentors where id = excluded.mentor_id)
      returning accepted`.execute(this.db);
    return rows.length === 1;
  }

  /** Gives one session of the month back (a cancelled session). */
  async releaseCapacity(mentorRowId: number, month: string): Promise<void> {
    await sql`
      update mentor_month_load set accepted = accepted - 1
      where mentor_id = ${mentorRowId} and month = ${month}::date and accepted > 0`.execute(this.db);
  }

  /** Accepted sessions per mentor in `month` ('YYYY-MM-01'): what their monthly capacity is spent on. */
  async acceptedInMonth(month: string): Promise<Map<number, number>> {
    const { rows } = await sql<{ mentor_id: number; accepted: number }>`
      select mentor_id, accepted from mentor_month_load where month = ${month}::date and accepted > 0`.execute(this.db);
    return new Map(rows.map((r) => [Number(r.mentor_id), Number(r.accepted)]));
  }

  /**
   * Books the slot's cells in the mentor's calendar for the session; false (nothing booked, once the caller's
   * transaction rolls back) when another session holds one of them.
   */
  async bookCells(
    mentorRowId: number,
    sessionRequestId: number,
    slotStart: Date,
    lengthMinutes: number,
  ): Promise<boolean> {
    const cells = slotCells(slotStart, lengthMinutes);
    const booked = await this.db
      .insertInto('mentor_booked_cells')
      .values(cells.map((cellStart) => ({ mentorId: mentorRowId, cellStart, sessionRequestId })))
      .onConflict((oc) => oc.columns(['mentorId', 'cellStart']).doNothing())
      .returning('cellStart')
      .execute();
    return booked.length === cells.length;
  }

  async freeCells(sessionRequestId: number): Promise<void> {
    await this.db.deleteFrom('mentor_booked_cells').where('sessionRequestId', '=', sessionRequestId).execute();
  }

  /** The starts of the mentor's booked cells in [from, to). */
  async bookedCells(mentorRowId: number, from: Date, to: Date): Promise<Date[]> {
    const rows = await this.db
      .selectFrom('mentor_booked_cells')
      .select('cellStart')
      .where('mentorId', '=', mentorRowId)
      .where('cellStart', '>=', from)
      .where('cellStart', '<', to)
      .execute();
    return rows.map((r) => new Date(r.cellStart));
  }

  /** Which sides already rated each of the sessions. */
  async feedbackGiven(ids: readonly number[]): Promise<Map<number, Set<'mentee' | 'mentor'>>> {
    const out = new Map<number, Set<'mentee' | 'mentor'>>();
    if (ids.length === 0) return out;
    const rows = await this.db
      .selectFrom('session_feedback')
      .select(['sessionRequestId', 'authorRole'])
      .where(sql<SqlBool>`session_request_id = any(${sql.val(ids)}::bigint[])`)
      .execute();
    for (const r of rows) {
      const sides = out.get(r.sessionRequestId) ?? new Set();
      sides.add(r.authorRole);
      out.set(r.sessionRequestId, sides);
    }
    return out;
  }

  /** Stores one side's rating; false when that side already rated the session (the primary key). */
  async addFeedback(feedback: NewFeedback): Promise<boolean> {
    const rows = await this.db
      .insertInto('session_feedback')
      .values({
        ...feedback,
        comment: feedback.comment === null ? null : this.cipher.seal(feedback.comment, new Date()),
      })
      .onConflict((oc) => oc.columns(['sessionRequestId', 'authorRole']).doNothing())
      .returning('sessionRequestId')
      .execute();
    return rows.length === 1;
  }

  /** Requests still open whose answer time has passed, oldest first. */
  async dueForExpiry(now: Date, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('session_requests')
      .select('id')
      .where('state', '=', 'requested')
      .where('expiresAt', '<=', now)
      .orderBy('expiresAt')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Open requests that expire before `warnBefore` and whose mentor was not yet warned. */
  async dueForExpiryWarning(now: Date, warnBefore: Date, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('session_requests')
      .select('id')
      .where('state', '=', 'requested')
      .where('expiryWarningSentAt', 'is', null)
      .where('expiresAt', '>', now)
      .where('expiresAt', '<=', warnBefore)
      .orderBy('expiresAt')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Accepted sessions starting between now and `remindBefore` whose parties were not yet reminded. */
  async dueForReminder(now: Date, remindBefore: Date, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('session_requests')
      .select('id')
      .where('state', '=', 'accepted')
      .where('reminderSentAt', 'is', null)
      .where('slotStart', '>', now)
      .where('slotStart', '<=', remindBefore)
      .orderBy('slotStart')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Sessions that took place (completed, or accepted with a slot that has ended) and were not yet rated-prompted. */
  async dueForFeedbackPrompt(now: Date, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('session_requests')
      .select('id')
      .where('feedbackPromptSentAt', 'is', null)
      .where((eb) =>
        eb.or([
          eb('state', '=', 'completed'),
          eb.and([
            eb('state', '=', 'accepted'),
            eb('slotStart', 'is not', null),
            sql<SqlBool>`slot_start + make_interval(mins => coalesce(length_minutes, 0)) <= ${now}`,
          ]),
        ]),
      )
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * Sets a sweep mark if it is still unset, so that of several engines sweeping at once only one sends each
   * message; false when another already did.
   */
  async mark(id: number, column: SweepMark, now: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('session_requests')
      .set({ [column]: now })
      .where('id', '=', id)
      .where(column, 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * The mentors a question was served, best first, that its mentee has not requested yet (any state) and that
   * are active: who to suggest when a request expires.
   */
  async nextServedMentors(
    requestId: number,
    menteeUserId: number,
    limit: number,
  ): Promise<Array<{ mentorId: string; name: string }>> {
    return this.db
      .selectFrom('served_matches as sm')
      .innerJoin('mentors as m', 'm.id', 'sm.mentorId')
      .select(['m.externalId as mentorId', 'm.name'])
      .where('sm.requestId', '=', requestId)
      .where('m.active', '=', true)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('session_requests as o')
              .select('o.id')
              .whereRef('o.mentorId', '=', 'sm.mentorId')
              .where('o.userId', '=', menteeUserId),
          ),
        ),
      )
      .orderBy('sm.rank')
      .limit(limit)
      .execute();
  }
}
