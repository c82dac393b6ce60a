import type { AvailabilityWindow } from '../db/availability-repository.js';
import type { Mentor } from '../domain/mentor.js';
import { freeSlots } from '../sessions/free-slots.js';

/** A mentor's calendar for the coming days: their schedule and the 15-minute cells already booked. */
export interface MentorWeek {
  timeZone: string;
  /** YYYY-MM-DD, the last day away in the mentor's time zone; null when not away. */
  awayUntil: string | null;
  windows: AvailabilityWindow[];
  booked: Date[];
}

/** The directory's filters besides the words; absent ones filter nothing. */
export interface DirectoryFilters {
  skill?: string | undefined;
  department?: string | undefined;
  language?: string | undefined;
  availableThisWeek?: boolean | undefined;
}

/** What the directory knows of mentors beyond their profiles. */
export interface DirectoryContext {
  departments: ReadonlyMap<number, string>;
  /** Row ids of the mentors available this week (availableThisWeek). */
  available: ReadonlySet<number>;
}

/** When "this week" is, and the shortest session length the programme offers: a free slot must hold one. */
export interface WeekContext {
  now: Date;
  shortestMinutes: number;
}

const DAY_MS = 86_400_000;

/** "This week": the seven days from now. */
export const WEEK_DAYS = 7;

/** Whether the mentor has a free slot of the shortest length in the next seven days: the slot picker's own rule. */
export function availableThisWeek(week: MentorWeek | undefined, ctx: WeekContext): boolean {
  if (week === undefined) return false;
  // Cheap refusals first: freeSlots makes a date per day, window and slot, which for 2,000 mentors took seconds.
  if (!week.windows.some((w) => w.endMinute - w.startMinute >= ctx.shortestMinutes)) return false;
  // Away past the week in every time zone (a day's margin either side of UTC).
  const dayAfterWeek = new Date(ctx.now.getTime() + (WEEK_DAYS + 1) * DAY_MS).toISOString().slice(0, 10);
  if (week.awayUntil !== null && week.awayUntil >= dayAfterWeek) return false;
  return (
    freeSlots({ ...week, from: ctx.now, days: WEEK_DAYS, lengthMinutes: ctx.shortestMinutes, now: ctx.now }).length > 0
  );
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
    (!filters.availableThisWeek || ctx.available.has(m.rowId));
}

export function hasFilters(filters: DirectoryFilters): boolean {
  return Boolean(filters.skill || filters.department || filters.language || filters.availableThisWeek);
}
