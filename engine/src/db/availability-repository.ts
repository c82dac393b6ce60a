import { sql, type Kysely } from 'kysely';
import { type CamelCaseDatabase, withCamelCase } from './camel-case.js';
import type { Database } from './schema.js';
import { withTransaction } from './transaction.js';

/** A weekly window: ISO weekday (1 = Monday), minutes from midnight in the schedule's time zone. */
export interface AvailabilityWindow {
  weekday: number;
  startMinute: number;
  endMinute: number;
}

/** A mentor's scheduling preferences and weekly availability (migration 0009). */
export interface MentorSchedule {
  timeZone: string;
  /** 'YYYY-MM-DD': no sessions up to and including this day, in the schedule's time zone. */
  awayUntil: string | null;
  videoLink: string | null;
  windows: AvailabilityWindow[];
}

export class AvailabilityRepository {
  private readonly db: Kysely<CamelCaseDatabase>;

  constructor(private readonly raw: Kysely<Database>) {
    this.db = withCamelCase(raw);
  }

  /** The mentor's schedule; null when they never published one. */
  async get(mentorRowId: number): Promise<MentorSchedule | null> {
    const schedule = await this.db
      .selectFrom('mentor_schedules')
      .select(['timeZone', sql<string | null>`to_char(away_until, 'YYYY-MM-DD')`.as('awayUntil'), 'videoLink'])
      .where('mentorId', '=', mentorRowId)
      .executeTakeFirst();
    if (schedule === undefined) return null;
    const windows = await this.db
      .selectFrom('mentor_availability')
      .select(['weekday', 'startMinute', 'endMinute'])
      .where('mentorId', '=', mentorRowId)
      .orderBy('weekday')
      .orderBy('startMinute')
      .execute();
    return { ...schedule, windows };
  }

  /** Replaces the mentor's schedule and windows, together. */
  async put(mentorRowId: number, schedule: MentorSchedule): Promise<void> {
    await withTransaction(this.raw, async (trx) => {
      const db = withCamelCase(trx);
      const row = { timeZone: schedule.timeZone, awayUntil: schedule.awayUntil, videoLink: schedule.videoLink };
      await db
        .insertInto('mentor_schedules')
        .values({ mentorId: mentorRowId, ...row })
        .onConflict((oc) => oc.column('mentorId').doUpdateSet({ ...row, updatedAt: sql`now()` }))
        .execute();
      await db.deleteFrom('mentor_availability').where('mentorId', '=', mentorRowId).execute();
      if (schedule.windows.length > 0) {
        await db
          .insertInto('mentor_availability')
          .values(schedule.windows.map((w) => ({ mentorId: mentorRowId, ...w })))
          .execute();
      }
    });
  }
}
