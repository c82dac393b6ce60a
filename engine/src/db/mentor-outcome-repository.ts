import { sql, type Kysely } from 'kysely';
import { emptyOutcomeStats, type MentorOutcomeStats } from '../matching/signals.js';
import type { Database } from './schema.js';

/** One mentor the ranker served for one question, with what happened next. */
export interface ServedOutcome {
  requestId: number;
  askedAt: Date;
  /** The mentee who asked, for pseudonymising; null when asked anonymously or the account is gone. */
  menteeEmail: string | null;
  mentorExternalId: string;
  rank: number;
  score: number;
  configVersion: number | null;
  propensity: number | null;
  /** The breakdown as served: `{ factors: [{ name, value, weight, contribution }] }`. */
  breakdown: Record<string, unknown>;
  /** The newest session request the mentee sent this mentor for this question; null when none. */
  sessionRequestId: number | null;
  state: string | null;
  requestedAt: Date | null;
  answeredAt: Date | null;
  /** The mentee's rating of the session. */
  helpfulness: number | null;
  rightPerson: 'yes' | 'partly' | 'no' | null;
}

export interface OutcomePage {
  since?: Date | undefined;
  until?: Date | undefined;
  /** Questions with an id above this one. */
  afterRequestId?: number | undefined;
  /** Questions in the page; each brings all the mentors served for it. */
  questions: number;
}

const HOUR_SECONDS = 3600;

/**
 * The outcomes the ranker learns from (responsiveness, helpfulness) and the log that puts what was served next
 * to what happened, for researchers. Reads only: sessions write their own rows.
 */
export class MentorOutcomeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Every mentor's record by row id. A request counts once its answer is known: answered, expired by the
   * sessions' state machine (which sets ended_at; the requests migration 0009 expired were made before mentors
   * could answer in the product and have none), or still open past its expiry at `now`. With `mentorIds`, only
   * those mentors' (the aggregate over every request took 230 ms at 50,000 requests on PGlite).
   */
  async statsByMentor(now: Date, mentorIds?: readonly number[]): Promise<Map<number, MentorOutcomeStats>> {
    if (mentorIds?.length === 0) return new Map();
    const [answers, ratings] = await Promise.all([
      this.db
        .selectFrom('session_requests')
        .$if(mentorIds !== undefined, (q) => q.where('mentor_id', 'in', mentorIds!))
        .select([
          'mentor_id',
          sql<string>`count(*) filter (where answered_at is not null
            or (state = 'expired' and ended_at is not null)
            or (state = 'requested' and expires_at <= ${now}))`.as('decided'),
          sql<string>`count(*) filter (where answered_at is not null and answered_at <= expires_at)`.as('in_time'),
          sql<string>`count(*) filter (where answered_at is not null
            and answered_at <= created_at + interval '24 hours')`.as('within_day'),
          sql<number | null>`percentile_cont(0.5) within group (
            order by extract(epoch from (answered_at - created_at)) / ${HOUR_SECONDS})
            filter (where answered_at is not null)`.as('median_hours'),
        ])
        .groupBy('mentor_id')
        .execute(),
      this.db
        .selectFrom('session_feedback as f')
        .innerJoin('session_requests as s', 's.id', 'f.session_request_id')
        .select([
          's.mentor_id',
          sql<string>`count(*)`.as('ratings'),
          sql<string>`avg(f.helpfulness)`.as('mean_helpfulness'),
          sql<string>`count(*) filter (where f.right_person = 'yes')`.as('yes'),
          sql<string>`count(*) filter (where f.right_person = 'partly')`.as('partly'),
          sql<string>`count(*) filter (where f.right_person = 'no')`.as('no'),
        ])
        .where('f.author_role', '=', 'mentee')
        .$if(mentorIds !== undefined, (q) => q.where('s.mentor_id', 'in', mentorIds!))
        .groupBy('s.mentor_id')
        .execute(),
    ]);
    const stats = new Map<number, MentorOutcomeStats>();
    const entry = (mentorId: number): MentorOutcomeStats => {
      let s = stats.get(mentorId);
      if (!s) {
        s = emptyOutcomeStats();
        stats.set(mentorId, s);
      }
      return s;
    };
    // Counts and averages come back as text from PostgreSQL (bigint, numeric) and as numbers from PGlite.
    for (const a of answers) {
      const s = entry(Number(a.mentor_id));
      s.decided = Number(a.decided);
      s.answeredInTime = Number(a.in_time);
      s.answeredWithinDay = Number(a.within_day);
      s.medianHoursToAnswer = a.median_hours === null ? null : Number(a.median_hours);
    }
    for (const r of ratings) {
      const s = entry(Number(r.mentor_id));
      s.ratings = Number(r.ratings);
      s.meanHelpfulness = Number(r.mean_helpfulness);
      s.rightPerson = { yes: Number(r.yes), partly: Number(r.partly), no: Number(r.no) };
    }
    return stats;
  }

  /** A page of served matches, by question id then rank, each with the session it led to and its rating. */
  async servedOutcomes(page: OutcomePage): Promise<ServedOutcome[]> {
    // The page's questions first, only those something was served for, so that a full page always ends on a row.
    let questions = this.db
      .selectFrom('mentee_requests as r')
      .select('r.id')
      .where((eb) =>
        eb.exists(eb.selectFrom('served_matches as x').select('x.rank').whereRef('x.request_id', '=', 'r.id')),
      )
      .orderBy('r.id')
      .limit(page.questions);
    if (page.afterRequestId !== undefined) questions = questions.where('r.id', '>', page.afterRequestId);
    if (page.since) questions = questions.where('r.created_at', '>=', page.since);
    if (page.until) questions = questions.where('r.created_at', '<', page.until);
    const ids = (await questions.execute()).map((r) => Number(r.id));
    if (ids.length === 0) return [];
    // Then their rows by a range of ids, which the primary keys serve: joined to the page as a subquery, PGlite
    // (no statistics without ANALYZE) scanned every served match for every page, 0.8 s a page at 50,000.
    const first = ids[0]!;
    const last = ids[ids.length - 1]!;
    let served = this.db
      .selectFrom('served_matches as m')
      .innerJoin('mentee_requests as q', 'q.id', 'm.request_id')
      .where('m.request_id', '>=', first)
      .where('m.request_id', '<=', last);
    if (page.since) served = served.where('q.created_at', '>=', page.since);
    if (page.until) served = served.where('q.created_at', '<', page.until);
    const rows = await served
      .innerJoin('mentors as t', 't.id', 'm.mentor_id')
      .leftJoin('users as u', 'u.id', 'q.user_id')
      // A mentee may ask again after withdrawing: the newest request for this question and mentor tells the outcome.
      .leftJoin(
        (eb) =>
          eb
            .selectFrom('session_requests')
            .distinctOn(['request_id', 'mentor_id'])
            .select(['id', 'request_id', 'mentor_id', 'state', 'created_at', 'answered_at'])
            .where('request_id', '>=', first)
            .where('request_id', '<=', last)
            .orderBy('request_id')
            .orderBy('mentor_id')
            .orderBy('id', 'desc')
            .as('s'),
        (join) => join.onRef('s.request_id', '=', 'm.request_id').onRef('s.mentor_id', '=', 'm.mentor_id'),
      )
      .leftJoin('session_feedback as f', (join) =>
        join.onRef('f.session_request_id', '=', 's.id').on('f.author_role', '=', 'mentee'),
      )
      .select([
        'm.request_id',
        'q.created_at as asked_at',
        'u.email',
        't.external_id',
        'm.rank',
        'm.score',
        'm.config_version',
        'm.propensity',
        'm.breakdown',
        's.id as session_request_id',
        's.state',
        's.created_at as requested_at',
        's.answered_at',
        'f.helpfulness',
        'f.right_person',
      ])
      .orderBy('m.request_id')
      .orderBy('m.rank')
      .execute();
    return rows.map((r) => ({
      requestId: Number(r.request_id),
      askedAt: new Date(r.asked_at),
      menteeEmail: r.email,
      mentorExternalId: r.external_id,
      rank: r.rank,
      score: r.score,
      configVersion: r.config_version,
      propensity: r.propensity,
      breakdown: r.breakdown,
      sessionRequestId: r.session_request_id === null ? null : Number(r.session_request_id),
      state: r.state,
      requestedAt: r.requested_at === null ? null : new Date(r.requested_at),
      answeredAt: r.answered_at === null ? null : new Date(r.answered_at),
      helpfulness: r.helpfulness,
      rightPerson: r.right_person,
    }));
  }
}
