import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { MentorSchedule } from '../directory/directory-filters.js';
import { type CamelCaseDatabase, withCamelCase } from './camel-case.js';
import type { Database } from './schema.js';

/** What the mentor directory shows beside the profiles held in memory: departments and weekly availability. */
export class DirectoryRepository {
  private readonly db: Kysely<CamelCaseDatabase>;

  constructor(db: Kysely<Database>) {
    this.db = withCamelCase(db);
  }

  /** The department of each mentor whose profile is linked to a user who named one, by mentor row id. */
  async mentorDepartments(): Promise<Map<number, string>> {
    const rows = await this.db
      .selectFrom('mentor_users as mu')
      .innerJoin('users as u', 'u.id', 'mu.userId')
      .select(['mu.mentorId', 'u.department'])
      .where('u.department', 'is not', null)
      .execute();
    return new Map(rows.map((r) => [Number(r.mentorId), r.department!]));
  }

  /** Each mentor with availability windows: the weekdays they are available on and the day they are away until. */
  async schedules(): Promise<Map<number, MentorSchedule>> {
    const rows = await this.db
      .selectFrom('mentor_availability as a')
      .leftJoin('mentor_schedules as s', 's.mentorId', 'a.mentorId')
      .select([
        'a.mentorId',
        // As text: a date column read into a Date lands on the engine's midnight, not the calendar day.
        sql<string | null>`to_char(s.away_until, 'YYYY-MM-DD')`.as('awayUntil'),
        sql<number[]>`array_agg(distinct a.weekday)`.as('weekdays'),
      ])
      .groupBy(['a.mentorId', 's.awayUntil'])
      .execute();
    return new Map(rows.map((r) => [Number(r.mentorId), { awayUntil: r.awayUntil, weekdays: r.weekdays.map(Number) }]));
  }
}
