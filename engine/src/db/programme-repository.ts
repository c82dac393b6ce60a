import { type Kysely, sql } from 'kysely';
import { type MentorFact, monthOf, type Period, type SessionFact } from '../programme/programme-stats.js';
import { type CamelCaseDatabase, withCamelCase } from './camel-case.js';
import type { Database } from './schema.js';

/**
 * What the programme view reads, aggregated only as far as SQL does it cheaply: the rest (medians, Gini,
 * shares) is pure code in programme/programme-stats.ts. A department, when given, narrows everything to the
 * questions and requests of mentees in it. Nothing here answers a mentee's name, email or words.
 */
export class ProgrammeRepository {
  private readonly db: Kysely<CamelCaseDatabase>;

  constructor(db: Kysely<Database>) {
    this.db = withCamelCase(db);
  }

  /** Questions asked in the period. */
  async askedCount(period: Period, department: string | null): Promise<number> {
    const row = await this.db
      .selectFrom('mentee_requests as r')
      .leftJoin('users as u', 'u.id', 'r.userId')
      .where('r.createdAt', '>=', period.from)
      .where('r.createdAt', '<', period.until)
      .$if(department !== null, (q) => q.where('u.department', '=', department))
      .select((eb) => eb.fn.countAll<string>().as('asked'))
      .executeTakeFirstOrThrow();
    return Number(row.asked);
  }

  /** How often each mentor was shown to the questions asked in the period. */
  async servedCounts(period: Period, department: string | null): Promise<Map<number, number>> {
    const rows = await this.db
      .selectFrom('served_matches as s')
      .innerJoin('mentee_requests as r', 'r.id', 's.requestId')
      .leftJoin('users as u', 'u.id', 'r.userId')
      .where('r.createdAt', '>=', period.from)
      .where('r.createdAt', '<', period.until)
      .$if(department !== null, (q) => q.where('u.department', '=', department))
      .groupBy('s.mentorId')
      .select(['s.mentorId', (eb) => eb.fn.countAll<string>().as('served')])
      .execute();
    return new Map(rows.map((r) => [Number(r.mentorId), Number(r.served)]));
  }

  /**
   * Session requests made in the period, or charged to one of its months (`firstMonth` and `lastMonth`, YYYY-MM-01)
   * or answered in it, with what the stats need of both sides.
   */
  async sessions(period: Period, department: string | null): Promise<SessionFact[]> {
    const firstMonth = monthOf(period.from);
    const lastMonth = monthOf(new Date(period.until.getTime() - 1));
    const rows = await this.db
      .selectFrom('session_requests as s')
      .innerJoin('mentors as m', 'm.id', 's.mentorId')
      .leftJoin('users as mentee', 'mentee.id', 's.userId')
      .leftJoin('mentor_users as mu', 'mu.mentorId', 's.mentorId')
      .leftJoin('users as mentor', 'mentor.id', 'mu.userId')
      // Lateral, so that each row reads its rating by the primary key: as a plain join, PGlite (which never
      // analyzes on its own) estimated a few ratings and scanned all of them per session, 3 s for 8,000 sessions.
      .leftJoinLateral(
        (eb) =>
          eb
            .selectFrom('session_feedback as sf')
            .select(['sf.helpfulness', 'sf.rightPerson'])
            .whereRef('sf.sessionRequestId', '=', 's.id')
            .where('sf.authorRole', '=', 'mentee')
            .as('f'),
        (join) => join.onTrue(),
      )
      .where((eb) =>
        eb.or([
          eb.and([eb('s.createdAt', '>=', period.from), eb('s.createdAt', '<', period.until)]),
          eb.and([eb('s.answeredAt', '>=', period.from), eb('s.answeredAt', '<', period.until)]),
          eb.and([eb('s.capacityMonth', '>=', firstMonth), eb('s.capacityMonth', '<=', lastMonth)]),
        ]),
      )
      .$if(department !== null, (q) => q.where('mentee.department', '=', department))
      .select([
        's.mentorId',
        's.state',
        's.createdAt',
        's.answeredAt',
        sql<string | null>`to_char(s.capacity_month, 'YYYY-MM-DD')`.as('capacityMonth'),
        'mentee.careerStartYear as menteeCareerStartYear',
        'mentee.department as menteeDepartment',
        'mentor.careerStartYear as mentorCareerStartYear',
        'mentor.department as mentorDepartment',
        'm.yearsExperience',
        sql<number>`extract(year from m.updated_at)::integer`.as('profileYear'),
        'f.helpfulness',
        'f.rightPerson',
      ])
      .execute();
    return rows.map((r) => ({
      mentorRowId: Number(r.mentorId),
      state: r.state,
      createdAt: new Date(r.createdAt),
      answeredAt: r.answeredAt === null ? null : new Date(r.answeredAt),
      capacityMonth: r.capacityMonth,
      menteeCareerStartYear: r.menteeCareerStartYear,
      menteeDepartment: r.menteeDepartment,
      mentorCareerStartYear: r.mentorCareerStartYear,
      mentorYearsExperience: r.yearsExperience,
      mentorProfileYear: Number(r.profileYear),
      mentorDepartment: r.mentorDepartment,
      menteeRating:
        r.helpfulness === null || r.rightPerson === null
          ? null
          : { helpfulness: r.helpfulness, rightPerson: r.rightPerson },
    }));
  }

  /** Every mentor, with what their load is measured against. */
  async mentors(): Promise<MentorFact[]> {
    const rows = await this.db
      .selectFrom('mentors')
      .select(['id', 'externalId', 'name', 'capacityPerMonth', 'active'])
      .orderBy('id')
      .execute();
    return rows.map(({ id, ...r }) => ({ ...r, rowId: Number(id) }));
  }

  /** The departments users name, for the view's filter. */
  async departments(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('users')
      .select('department')
      .distinct()
      .where('department', 'is not', null)
      .orderBy('department')
      .execute();
    return rows.map((r) => r.department!);
  }
}
