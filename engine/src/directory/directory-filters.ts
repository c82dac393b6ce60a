import type { Mentor } from '../domain/mentor.js';

/** A mentor's weekly availability as the directory needs it: on which ISO weekdays, and away until which day. */
export interface MentorSchedule {
  /** YYYY-MM-DD, the last day away; null when not away. */
  awayUntil: string | null;
  /** ISO weekdays (1 = Monday) with at least one availability window. */
  weekdays: readonly number[];
}

/** The directory's filters besides the words; absent ones filter nothing. */
export interface DirectoryFilters {
  skill?: string | undefined;
  department?: string | undefined;
  language?: string | undefined;
  availableThisWeek?: boolean | undefined;
}

/** What the directory knows of a mentor beyond the profile. */
export interface DirectoryContext {
  departments: ReadonlyMap<number, string>;
  schedules: ReadonlyMap<number, MentorSchedule>;
  today: Date;
}

const DAY_MS = 86_400_000;
const WEEK_DAYS = 7;

/**
 * Whether the mentor is available on one of the next seven days (today included): a day with availability
 * windows after the day they are away until. Days are read in UTC, so a window near midnight in a far time zone
 * may count for the neighbouring day; the directory says "this week", and a day off either way keeps its sense.
 */
export function availableThisWeek(schedule: MentorSchedule | undefined, today: Date): boolean {
  if (schedule === undefined || schedule.weekdays.length === 0) return false;
  for (let i = 0; i < WEEK_DAYS; i++) {
    const day = new Date(today.getTime() + i * DAY_MS);
    const isoDay = day.toISOString().slice(0, 10);
    const isoWeekday = ((day.getUTCDay() + 6) % 7) + 1;
    if ((schedule.awayUntil === null || isoDay > schedule.awayUntil) && schedule.weekdays.includes(isoWeekday)) {
      return true;
    }
  }
  return false;
}

const folded = (text: string): string => text.trim().toLocaleLowerCase('en');

/**
 * The test of a mentor against the filters: a skill is found inside any of the mentor's skills ("python" finds
 * "Python data pipelines"), a department and a language must equal the mentor's; case does not matter.
 */
export function directoryFilter(filters: DirectoryFilters, ctx: DirectoryContext): (m: Mentor) => boolean {
  const skill = filters.skill ? folded(filters.skill) : null;
  const department = filters.department ? folded(filters.department) : null;
  const language = filters.language ? folded(filters.language) : null;
  return (m) =>
    m.active &&
    (skill === null || m.skills.some((s) => folded(s).includes(skill))) &&
    (department === null || folded(ctx.departments.get(m.rowId) ?? '') === department) &&
    (language === null || m.languages.includes(language)) &&
    (!filters.availableThisWeek || availableThisWeek(ctx.schedules.get(m.rowId), ctx.today));
}

export function hasFilters(filters: DirectoryFilters): boolean {
  return Boolean(filters.skill || filters.department || filters.language || filters.availableThisWeek);
}
