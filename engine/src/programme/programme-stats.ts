import type { SessionState } from '../db/schema.js';
import { gini, type LorenzPoint, lorenzCurve } from '../evaluation/metrics.js';

/** A period of whole days, UTC: `from` is the first day's midnight, `until` the midnight after the last day. */
export interface Period {
  from: Date;
  until: Date;
}

/** One session request as the programme view reads it: its course, and the two people it joined. */
export interface SessionFact {
  mentorRowId: number;
  state: SessionState;
  createdAt: Date;
  /** When the mentor accepted or declined; null while unanswered, or when it expired or was withdrawn. */
  answeredAt: Date | null;
  /** YYYY-MM-01: the month whose capacity an accepted session spends (its slot's); null before sessions had one. */
  capacityMonth: string | null;
  menteeCareerStartYear: number | null;
  menteeDepartment: string | null;
  /** From the mentor's user account; null when the profile has no user or the user did not say. */
  mentorCareerStartYear: number | null;
  /** The profile's years of experience and the year it was last written, for an approximate start year. */
  mentorYearsExperience: number;
  mentorProfileYear: number;
  mentorDepartment: string | null;
  /** The mentee's own rating of the session; the mentor's rating of it says how the mentor saw it, not the mentee. */
  menteeRating: { helpfulness: number; rightPerson: 'yes' | 'partly' | 'no' } | null;
}

export interface MentorFact {
  rowId: number;
  externalId: string;
  name: string;
  capacityPerMonth: number;
  active: boolean;
}

export interface ProgrammeFacts {
  period: Period;
  /** Questions mentees asked in the period. */
  asked: number;
  /** Session requests made in the period or answered in it. */
  sessions: readonly SessionFact[];
  /** How often the ranker showed each mentor to questions of the period. */
  served: ReadonlyMap<number, number>;
  mentors: readonly MentorFact[];
}

export interface MentorLoad {
  mentorId: string;
  /** Null where the reader is not to see who the mentor is (researchers). */
  name: string | null;
  active: boolean;
  capacityPerMonth: number;
  /** capacityPerMonth times the calendar months the period touches. */
  capacity: number;
  served: number;
  requested: number;
  /** Sessions charged to the period's months and not cancelled: what the capacity was spent on. */
  accepted: number;
  completed: number;
  /** accepted / capacity; null for a mentor who offers no sessions. */
  capacityUsed: number | null;
}

export interface ProgrammeStats {
  funnel: { asked: number; requested: number; accepted: number; completed: number; rated: number };
  medianHoursToAnswer: number | null;
  /** Accepted among the requests that got an outcome (accepted, declined or expired); null without one. */
  acceptanceRate: number | null;
  /** No-shows among the sessions that were due (completed or no-show). */
  noShowRate: number | null;
  satisfaction: {
    ratings: number;
    meanHelpfulness: number | null;
    rightPersonYesShare: number | null;
    /** Fewer ratings than MIN_RATINGS_SHOWN: the means are withheld, so that a few people's ratings cannot be read off. */
    withheld: boolean;
  };
  exposure: {
    activeMentors: number;
    requestsGini: number;
    servedGini: number;
    neverRequested: number;
    neverRequestedShare: number | null;
    /** Lorenz curves of the same counts, for a chart: at most LORENZ_POINTS points each. */
    requestsLorenz: LorenzPoint[];
    servedLorenz: LorenzPoint[];
  };
  crossGenerational: { pairs: number; known: number; approximated: number; share: number | null };
  crossDepartment: { pairs: number; known: number; share: number | null };
  mentors: MentorLoad[];
}

/**
 * Ratings of fewer people than this are not averaged for coordinators: with a department filter, a mean of two
 * ratings is close to reading two mentees' answers (the usual minimum group size of people analytics).
 */
export const MIN_RATINGS_SHOWN = 5;

/** Enough points for a chart's curve, few enough for the answer to stay small with thousands of mentors. */
export const LORENZ_POINTS = 51;

/** Career starts this many years apart make a pair cross-generational (issue 21). */
export const GENERATION_GAP_YEARS = 15;

const HOUR_MS = 3_600_000;

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** part / whole, or null when there is no whole to take a share of. */
export function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/** How many calendar months (UTC) the period touches: a period of 1 to 31 March is one, 20 March to 10 April two. */
export function monthsTouched(period: Period): number {
  const last = new Date(period.until.getTime() - 1);
  return (
    (last.getUTCFullYear() - period.from.getUTCFullYear()) * 12 + last.getUTCMonth() - period.from.getUTCMonth() + 1
  );
}

/** YYYY-MM-01 of a moment's month (UTC), as capacity months are written. */
export const monthOf = (at: Date): string => `${at.toISOString().slice(0, 7)}-01`;

/**
 * The month an accepted session spends capacity of: the one the sessions core charged (its slot's, or the
 * acceptance's without a slot), or for sessions accepted before it kept one, the month of the acceptance.
 */
export function chargedMonth(s: SessionFact): string | null {
  return s.capacityMonth ?? (s.answeredAt === null ? null : monthOf(s.answeredAt));
}

const within = (at: Date | null, period: Period): boolean =>
  at !== null && at.getTime() >= period.from.getTime() && at.getTime() < period.until.getTime();

/**
 * Whether the mentor ever accepted the request: answered and not declined, so accepted sessions that were later
 * completed, missed or cancelled count too.
 */
export const wasAccepted = (s: SessionFact): boolean => s.answeredAt !== null && s.state !== 'declined';

/**
 * The mentor's career start year and whether it is approximate: their user's own, or else the year their profile
 * was written less its years of experience (a profile with no user, such as an imported one, has nothing better).
 */
export function mentorStartYear(s: SessionFact): { year: number; approximate: boolean } {
  return s.mentorCareerStartYear !== null
    ? { year: s.mentorCareerStartYear, approximate: false }
    : { year: s.mentorProfileYear - s.mentorYearsExperience, approximate: true };
}

/**
 * The programme's numbers for a period. The funnel and the rates follow the requests made in the period (a
 * cohort: a request made on the last day may still be answered later); capacity follows the sessions charged to
 * the months the period touches, as the database counts a mentor's monthly load, whenever they were asked for. Exposure counts real requests per active mentor, beside how often
 * the ranker showed them.
 */
export function programmeStats(facts: ProgrammeFacts): ProgrammeStats {
  const { period } = facts;
  const cohort = facts.sessions.filter((s) => within(s.createdAt, period));
  const accepted = cohort.filter(wasAccepted);
  const count = (states: readonly SessionState[]) => cohort.filter((s) => states.includes(s.state)).length;
  const completed = cohort.filter((s) => s.state === 'completed');
  const ratings = cohort.flatMap((s) => (s.menteeRating ? [s.menteeRating] : []));
  const withheld = ratings.length < MIN_RATINGS_SHOWN;
  const noShows = count(['no_show']);

  return {
    funnel: {
      asked: facts.asked,
      requested: cohort.length,
      accepted: accepted.length,
      completed: completed.length,
      rated: completed.filter((s) => s.menteeRating !== null).length,
    },
    medianHoursToAnswer: median(
      cohort.flatMap((s) => (s.answeredAt ? [(s.answeredAt.getTime() - s.createdAt.getTime()) / HOUR_MS] : [])),
    ),
    acceptanceRate: share(accepted.length, accepted.length + count(['declined', 'expired'])),
    noShowRate: share(noShows, completed.length + noShows),
    satisfaction: {
      ratings: ratings.length,
      meanHelpfulness: withheld ? null : ratings.reduce((sum, r) => sum + r.helpfulness, 0) / ratings.length,
      rightPersonYesShare: withheld
        ? null
        : share(ratings.filter((r) => r.rightPerson === 'yes').length, ratings.length),
      withheld,
    },
    ...pairMix(accepted),
    ...mentorLoads(facts, cohort),
  };
}

/** Cross-generational and cross-department shares among the pairs that met (or will): accepted sessions. */
function pairMix(pairs: readonly SessionFact[]): Pick<ProgrammeStats, 'crossGenerational' | 'crossDepartment'> {
  let generationsKnown = 0;
  let approximated = 0;
  let crossGenerational = 0;
  let departmentsKnown = 0;
  let crossDepartment = 0;
  for (const s of pairs) {
    if (s.menteeCareerStartYear !== null) {
      const mentor = mentorStartYear(s);
      generationsKnown++;
      if (mentor.approximate) approximated++;
      if (Math.abs(mentor.year - s.menteeCareerStartYear) >= GENERATION_GAP_YEARS) crossGenerational++;
    }
    if (s.menteeDepartment !== null && s.mentorDepartment !== null) {
      departmentsKnown++;
      if (s.menteeDepartment !== s.mentorDepartment) crossDepartment++;
    }
  }
  return {
    crossGenerational: {
      pairs: pairs.length,
      known: generationsKnown,
      approximated,
      share: share(crossGenerational, generationsKnown),
    },
    crossDepartment: { pairs: pairs.length, known: departmentsKnown, share: share(crossDepartment, departmentsKnown) },
  };
}

/** Each mentor's load, active ones and any other with something in the period, most requested first; exposure. */
function mentorLoads(
  facts: ProgrammeFacts,
  cohort: readonly SessionFact[],
): Pick<ProgrammeStats, 'exposure' | 'mentors'> {
  const months = monthsTouched(facts.period);
  const tally = (sessions: readonly SessionFact[]) => {
    const counts = new Map<number, number>();
    for (const s of sessions) counts.set(s.mentorRowId, (counts.get(s.mentorRowId) ?? 0) + 1);
    return counts;
  };
  const requested = tally(cohort);
  const completed = tally(cohort.filter((s) => s.state === 'completed'));
  const firstMonth = monthOf(facts.period.from);
  const lastMonth = monthOf(new Date(facts.period.until.getTime() - 1));
  const spent = tally(
    facts.sessions.filter((s) => {
      const month = chargedMonth(s);
      // A cancelled session gave its capacity back.
      return wasAccepted(s) && s.state !== 'cancelled' && month !== null && month >= firstMonth && month <= lastMonth;
    }),
  );
  const rows = facts.mentors.flatMap((m): MentorLoad[] => {
    const row = {
      served: facts.served.get(m.rowId) ?? 0,
      requested: requested.get(m.rowId) ?? 0,
      accepted: spent.get(m.rowId) ?? 0,
      completed: completed.get(m.rowId) ?? 0,
    };
    if (!m.active && row.served + row.requested + row.accepted + row.completed === 0) return [];
    const capacity = m.capacityPerMonth * months;
    return [
      {
        mentorId: m.externalId,
        name: m.name,
        active: m.active,
        capacityPerMonth: m.capacityPerMonth,
        capacity,
        ...row,
        capacityUsed: share(row.accepted, capacity),
      },
    ];
  });
  rows.sort((a, b) => b.requested - a.requested || b.served - a.served || (a.name ?? '').localeCompare(b.name ?? ''));

  const active = facts.mentors.filter((m) => m.active);
  const neverRequested = active.filter((m) => !requested.has(m.rowId)).length;
  const requestCounts = active.map((m) => requested.get(m.rowId) ?? 0);
  const servedCounts = active.map((m) => facts.served.get(m.rowId) ?? 0);
  return {
    mentors: rows,
    exposure: {
      activeMentors: active.length,
      requestsGini: gini(requestCounts),
      servedGini: gini(servedCounts),
      neverRequested,
      neverRequestedShare: share(neverRequested, active.length),
      requestsLorenz: lorenzCurve(requestCounts, LORENZ_POINTS),
      servedLorenz: lorenzCurve(servedCounts, LORENZ_POINTS),
    },
  };
}
