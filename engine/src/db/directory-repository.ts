import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { MentorWeek } from '../directory/directory-filters.js';
import { type CamelCaseDatabase, withCamelCase } from './camel-case.js';
import type { Database } from './schema.js';

/** What the mentor directory shows beside the profiles held in memory: departments and this week's calendars. */
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

  /**
   * Every mentor who published availability windows: their schedule and the cells booked in [from, to), by
   * mentor row id. Three queries for all mentors, rather than the slot route's per-mentor reads.
   */
  async weeks(from: Date, to: Date): Promise<Map<number, MentorWeek>> {
    const [schedules, windows, booked] = await Promise.all([
      this.db
        .selectFrom('mentor_schedules')
        .select(['mentorId', 'timeZone', sql<string | null>`to_char(away_until, 'YYYY-MM-DD')`.as('awayUntil')])
        .execute(),
      this.db.selectFrom('mentor_availability').select(['mentorId', 'weekday', 'startMinute', 'endMinute']).execute(),
      this.db
        .selectFrom('mentor_booked_cells')
        .select(['mentorId', 'cellStart'])
        .where('cellStart', '>=', from)
        .where('cellStart', '<', to)
        .execute(),
    ]);
    const weeks = new Map<number, MentorWeek>();
    for (const s of schedules) {
      weeks.set(Number(s.mentorId), { timeZone: s.timeZone, awayUntil: s.awayUntil, windows: [], booked: [] });
    }
    for (const { mentorId, ...window } of windows) weeks.get(Number(mentorId))?.windows.push(window);
    for (const cell of booked) weeks.get(Number(cell.mentorId))?.booked.push(new Date(cell.cellStart));
    for (const [id, week] of weeks) if (week.windows.length === 0) weeks.delete(id);
    return weeks;
  }
}
