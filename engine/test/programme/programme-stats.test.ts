import { describe, expect, it } from 'vitest';
import {
  median,
  MIN_RATINGS_SHOWN,
  mentorStartYear,
  monthsTouched,
  programmeStats,
  type MentorFact,
  type Period,
  type SessionFact,
} from '../../src/programme/programme-stats.js';
import { csvCell, mentorLoadsCsv } from '../../src/programme/programme-csv.js';

const day = (text: string) => new Date(`${text}T00:00:00Z`);
const march: Period = { from: day('2025-03-01'), until: day('2025-04-01') };
const hours = (from: Date, h: number) => new Date(from.getTime() + h * 3_600_000);

function session(overrides: Partial<SessionFact> = {}): SessionFact {
  return {
    mentorRowId: 1,
    state: 'requested',
    createdAt: day('2025-03-10'),
    answeredAt: null,
    capacityMonth: null,
    menteeCareerStartYear: null,
    menteeDepartment: null,
    mentorCareerStartYear: null,
    mentorYearsExperience: 10,
    mentorProfileYear: 2025,
    mentorDepartment: null,
    menteeRating: null,
    ...overrides,
  };
}

const mentors: MentorFact[] = [
  { rowId: 1, externalId: 'm1', name: 'Ada', capacityPerMonth: 4, active: true },
  { rowId: 2, externalId: 'm2', name: 'Bo', capacityPerMonth: 2, active: true },
  { rowId: 3, externalId: 'm3', name: 'Cy', capacityPerMonth: 0, active: true },
  { rowId: 4, externalId: 'm4', name: 'Di', capacityPerMonth: 3, active: false },
];

/** The stats of these sessions in March, with nothing asked or shown. */
const statsOf = (sessions: SessionFact[]) =>
  programmeStats({ period: march, asked: 0, served: new Map(), mentors, sessions });

describe('median and months', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('counts the calendar months a period touches', () => {
    expect(monthsTouched(march)).toBe(1);
    expect(monthsTouched({ from: day('2025-03-20'), until: day('2025-04-11') })).toBe(2);
    expect(monthsTouched({ from: day('2024-12-01'), until: day('2025-03-01') })).toBe(3);
  });
});

describe('programmeStats', () => {
  const created = day('2025-03-10');
  const sessions: SessionFact[] = [
    // Accepted after 2 h, then completed and rated 5 / yes.
    session({
      state: 'completed',
      answeredAt: hours(created, 2),
      menteeRating: { helpfulness: 5, rightPerson: 'yes' },
    }),
    // Accepted after 4 h, the mentee did not come.
    session({ state: 'no_show', answeredAt: hours(created, 4) }),
    // Declined after 10 h.
    session({ mentorRowId: 2, state: 'declined', answeredAt: hours(created, 10) }),
    // Expired, never answered.
    session({ mentorRowId: 2, state: 'expired' }),
    // Withdrawn: no outcome for the acceptance rate.
    session({ mentorRowId: 2, state: 'withdrawn' }),
    // Accepted after 6 h and cancelled later: accepted in the funnel, no capacity spent.
    session({ state: 'cancelled', answeredAt: hours(created, 6) }),
    // Asked in February, accepted in March: spends March's capacity, not in March's funnel.
    session({ mentorRowId: 2, state: 'accepted', createdAt: day('2025-02-27'), answeredAt: day('2025-03-02') }),
  ];

  const stats = programmeStats({
    period: march,
    asked: 12,
    sessions,
    served: new Map([
      [1, 30],
      [2, 10],
    ]),
    mentors,
  });

  it('follows the requests of the period through the funnel', () => {
    expect(stats.funnel).toEqual({ asked: 12, requested: 6, accepted: 3, completed: 1, rated: 1 });
  });

  it('computes the median time to answer and the rates over the outcomes that apply', () => {
    // Answered after 2, 4, 10 and 6 hours.
    expect(stats.medianHoursToAnswer).toBe(5);
    // 3 accepted of 3 accepted + 1 declined + 1 expired.
    expect(stats.acceptanceRate).toBeCloseTo(3 / 5);
    // 1 no-show of 1 completed + 1 no-show.
    expect(stats.noShowRate).toBeCloseTo(1 / 2);
  });

  it('withholds satisfaction means below the minimum number of ratings', () => {
    expect(stats.satisfaction).toEqual({
      ratings: 1,
      meanHelpfulness: null,
      rightPersonYesShare: null,
      withheld: true,
    });
    const rated = Array.from({ length: MIN_RATINGS_SHOWN }, (_, i) =>
      session({
        state: 'completed',
        answeredAt: hours(created, 1),
        menteeRating: { helpfulness: i % 2 === 0 ? 4 : 2, rightPerson: i < 2 ? 'yes' : 'partly' },
      }),
    );
    const shown = statsOf(rated);
    expect(shown.satisfaction.withheld).toBe(false);
    expect(shown.satisfaction.meanHelpfulness).toBeCloseTo((3 * 4 + 2 * 2) / 5);
    expect(shown.satisfaction.rightPersonYesShare).toBeCloseTo(2 / 5);
  });

  it("measures each mentor's load against capacity per month times the months touched", () => {
    const byId = new Map(stats.mentors.map((m) => [m.mentorId, m]));
    expect(byId.get('m1')).toMatchObject({ requested: 3, accepted: 2, completed: 1, capacity: 4, capacityUsed: 0.5 });
    expect(byId.get('m2')).toMatchObject({ requested: 3, accepted: 1, served: 10, capacity: 2, capacityUsed: 0.5 });
    // Offers no sessions: no share of nothing.
    expect(byId.get('m3')).toMatchObject({ requested: 0, capacityUsed: null });
    // Inactive with nothing in the period: left out.
    expect(byId.has('m4')).toBe(false);
    // Most requested first, then most served.
    expect(stats.mentors.map((m) => m.mentorId)).toEqual(['m1', 'm2', 'm3']);
  });

  it('charges capacity to the month of the slot, as the database counts it', () => {
    const charged = statsOf([
      // Accepted in February for a slot in March: March's capacity.
      session({
        state: 'accepted',
        createdAt: day('2025-02-20'),
        answeredAt: day('2025-02-21'),
        capacityMonth: '2025-03-01',
      }),
      // Accepted in March for a slot in April: April's.
      session({ state: 'accepted', answeredAt: day('2025-03-11'), capacityMonth: '2025-04-01' }),
      // Completed in March.
      session({ state: 'completed', answeredAt: day('2025-03-11'), capacityMonth: '2025-03-01' }),
    ]);
    expect(charged.mentors.find((m) => m.mentorId === 'm1')).toMatchObject({ accepted: 2, requested: 2 });
  });

  it('counts exposure on real requests over active mentors, beside what was shown', () => {
    expect(stats.exposure.activeMentors).toBe(3);
    expect(stats.exposure.neverRequested).toBe(1);
    expect(stats.exposure.neverRequestedShare).toBeCloseTo(1 / 3);
    // Requests 3, 3, 0 among three mentors: Gini 1/3. Shows 30, 10, 0: Gini 1/2.
    expect(stats.exposure.requestsGini).toBeCloseTo(1 / 3);
    expect(stats.exposure.servedGini).toBeCloseTo(1 / 2);
    // Least requested first: the mentor nobody asked holds nothing of the first third.
    expect(stats.exposure.requestsLorenz).toEqual([
      { population: 0, exposure: 0 },
      { population: 1 / 3, exposure: 0 },
      { population: 2 / 3, exposure: 0.5 },
      { population: 1, exposure: 1 },
    ]);
    expect(stats.exposure.servedLorenz.at(-1)).toEqual({ population: 1, exposure: 1 });
  });

  it('has no rates where nothing happened', () => {
    const empty = programmeStats({ period: march, asked: 0, sessions: [], served: new Map(), mentors: [] });
    expect(empty.medianHoursToAnswer).toBeNull();
    expect(empty.acceptanceRate).toBeNull();
    expect(empty.noShowRate).toBeNull();
    expect(empty.exposure).toEqual({
      activeMentors: 0,
      requestsGini: 0,
      servedGini: 0,
      neverRequested: 0,
      neverRequestedShare: null,
      requestsLorenz: [],
      servedLorenz: [],
    });
    expect(empty.crossGenerational.share).toBeNull();
    expect(empty.crossDepartment.share).toBeNull();
  });
});

describe('pairs across generations and departments', () => {
  const accepted = { state: 'accepted' as const, answeredAt: day('2025-03-11') };

  it("takes the mentor's start year from their user, else approximates it from the profile", () => {
    expect(mentorStartYear(session({ mentorCareerStartYear: 1990 }))).toEqual({ year: 1990, approximate: false });
    expect(mentorStartYear(session({ mentorYearsExperience: 22, mentorProfileYear: 2024 }))).toEqual({
      year: 2002,
      approximate: true,
    });
  });

  it('counts accepted pairs whose starts are 15 or more years apart, among those whose years are known', () => {
    const stats = statsOf([
      // 2020 vs 2005: exactly 15 years apart.
      session({ ...accepted, menteeCareerStartYear: 2020, mentorCareerStartYear: 2005 }),
      // 2020 vs 2011: 9 apart.
      session({ ...accepted, menteeCareerStartYear: 2020, mentorCareerStartYear: 2011 }),
      // Profile of 2025 with 30 years: started 1995, 23 before 2018 (approximated).
      session({ ...accepted, menteeCareerStartYear: 2018, mentorYearsExperience: 30 }),
      // The mentee gave no year: unknown.
      session({ ...accepted, mentorCareerStartYear: 1980 }),
      // Never accepted: not a pair.
      session({ state: 'declined', answeredAt: day('2025-03-11'), menteeCareerStartYear: 2020 }),
    ]);
    expect(stats.crossGenerational).toEqual({ pairs: 4, known: 3, approximated: 1, share: 2 / 3 });
  });

  it('counts pairs from different departments among those where both sides name one', () => {
    const stats = statsOf([
      session({ ...accepted, menteeDepartment: 'Sales', mentorDepartment: 'Finance' }),
      session({ ...accepted, menteeDepartment: 'Sales', mentorDepartment: 'Sales' }),
      session({ ...accepted, menteeDepartment: 'Sales' }),
    ]);
    expect(stats.crossDepartment).toEqual({ pairs: 3, known: 2, share: 1 / 2 });
  });
});

describe('CSV of the per-mentor table', () => {
  it('quotes what needs it and defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('Smith, Jo')).toBe('"Smith, Jo"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
  });

  it('writes a header and one line per mentor', () => {
    const stats = programmeStats({
      period: march,
      asked: 0,
      served: new Map([[1, 2]]),
      mentors: mentors.slice(0, 1),
      sessions: [session({ state: 'accepted', answeredAt: day('2025-03-11') })],
    });
    expect(mentorLoadsCsv(stats.mentors).split('\r\n')).toEqual([
      'mentor_id,name,active,capacity_per_month,capacity,served,requested,accepted,completed,capacity_used',
      'm1,Ada,true,4,4,2,1,1,0,0.25',
      '',
    ]);
  });
});
