import { AppError } from '../errors.js';
import type { ProgrammeRepository } from '../db/programme-repository.js';
import { monthsTouched, type Period, programmeStats, type ProgrammeStats } from './programme-stats.js';

export interface ProgrammeQuery {
  /** First and last day, YYYY-MM-DD (UTC); by default the current month and the two before it, up to today. */
  from?: string | undefined;
  to?: string | undefined;
  /** Only the questions and requests of mentees in this department. */
  department?: string | undefined;
}

export interface ProgrammeView extends ProgrammeStats {
  period: { from: string; to: string; months: number };
  department: string | null;
  /** The departments users name, to filter by. */
  departments: string[];
}

const DAY_MS = 86_400_000;
/** Three years: the view reads every session of the period at once. */
const MAX_PERIOD_DAYS = 3 * 366;

/** The coordinators' view of the programme: the numbers of a period, read from the database, computed in pure code. */
export class ProgrammeService {
  constructor(private readonly repository: ProgrammeRepository) {}

  /** `mentorNames` false: the per-mentor table names no mentor (researchers read mentors by their public id). */
  async view(query: ProgrammeQuery, opts: { mentorNames: boolean; today?: Date }): Promise<ProgrammeView> {
    const period = periodOf(query, opts.today ?? new Date());
    const department = query.department?.trim() || null;
    const [asked, sessions, served, mentors, departments] = await Promise.all([
      this.repository.askedCount(period, department),
      this.repository.sessions(period, department),
      this.repository.servedCounts(period, department),
      this.repository.mentors(),
      this.repository.departments(),
    ]);
    const stats = programmeStats({ period, asked, sessions, served, mentors });
    return {
      period: {
        from: dayText(period.from),
        to: dayText(new Date(period.until.getTime() - DAY_MS)),
        months: monthsTouched(period),
      },
      department,
      departments,
      ...stats,
      mentors: opts.mentorNames ? stats.mentors : stats.mentors.map((m) => ({ ...m, name: null })),
    };
  }
}

const dayText = (d: Date): string => d.toISOString().slice(0, 10);

/** Days a period may name: year 0 and the day after 9999-12-31 are no dates to the database (a 500, not a 400). */
const FIRST_DAY = '2000-01-01';
const LAST_DAY = '9998-12-31';

/** A YYYY-MM-DD day that exists (the schema checks the shape, not that 2025-02-30 is no day). */
function parseDay(text: string, name: string): Date {
  const day = new Date(`${text}T00:00:00Z`);
  if (Number.isNaN(day.getTime()) || dayText(day) !== text) {
    throw new AppError('VALIDATION_FAILED', { detail: `${name} must be a day as YYYY-MM-DD, got "${text}"` });
  }
  if (text < FIRST_DAY || text > LAST_DAY) {
    throw new AppError('VALIDATION_FAILED', { detail: `${name} must be a day from ${FIRST_DAY} to ${LAST_DAY}` });
  }
  return day;
}

export function periodOf(query: ProgrammeQuery, today: Date): Period {
  const todayStart = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  const last = query.to === undefined ? todayStart : parseDay(query.to, 'to');
  const from =
    query.from === undefined
      ? new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() - 2, 1))
      : parseDay(query.from, 'from');
  const until = new Date(last.getTime() + DAY_MS);
  if (from.getTime() >= until.getTime()) {
    throw new AppError('VALIDATION_FAILED', {
      detail: `from (${dayText(from)}) must be on or before to (${dayText(last)})`,
    });
  }
  if ((until.getTime() - from.getTime()) / DAY_MS > MAX_PERIOD_DAYS) {
    throw new AppError('VALIDATION_FAILED', { detail: `the period must be at most ${MAX_PERIOD_DAYS} days long` });
  }
  return { from, until };
}
