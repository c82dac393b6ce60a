import { describe, expect, it } from 'vitest';
import type { AssignmentProblem, CohortMentee } from '../../src/assignment/assignment-problem.js';
import { solveAssignment } from '../../src/assignment/solve-assignment.js';

const mentee = (id: string, candidates: Array<[string, number, 'conflict'?]>, mentors?: number): CohortMentee => ({
  id,
  ...(mentors ? { mentors } : {}),
  candidates: candidates.map(([mentorId, score, blocked]) => ({ mentorId, score, ...(blocked ? { blocked } : {}) })),
});

const caps = (entries: Record<string, number>): Map<string, number> => new Map(Object.entries(entries));

const pairsOf = (outcome: Awaited<ReturnType<typeof solveAssignment>>): string[] =>
  outcome.mentees.flatMap((m) => m.mentors.map((a) => `${m.menteeId}-${a.mentorId}`)).sort();

describe.each(['flow', 'highs'] as const)('solveAssignment with the %s solver', (solver) => {
  const solve = (problem: AssignmentProblem) => solveAssignment({ ...problem, solver });

  it('finds the optimum that greedy first-come misses, and says why A lost X', async () => {
    // Optima by hand: A-Y + B-X = 1.65 beats A-X + C-Y = 1.6; greedy takes A-X then B-Y = 1.1.
    const out = await solve({
      mentees: [
        mentee('A', [
          ['X', 0.9],
          ['Y', 0.8],
        ]),
        mentee('B', [
          ['X', 0.85],
          ['Y', 0.2],
        ]),
        mentee('C', [['Y', 0.7]]),
      ],
      capacity: caps({ X: 1, Y: 1 }),
    });
    expect(pairsOf(out)).toEqual(['A-Y', 'B-X']);
    expect(out.totals.totalScore).toBeCloseTo(1.65, 9);
    expect(out.totals.greedyTotalScore).toBeCloseTo(1.1, 9);
    expect(out.totals.unconstrainedTotalScore).toBeCloseTo(0.9 + 0.85 + 0.7, 9);
    expect(out.totals).toMatchObject({ assigned: 2, unassigned: 1, greedyUnassigned: 1 });
    const [a, , c] = out.mentees;
    expect(a).toMatchObject({ reason: 'capacity', missed: [{ mentorId: 'X', reason: 'capacity' }] });
    expect(a!.mentors[0]).toMatchObject({ mentorId: 'Y', rank: 2 });
    expect(c).toMatchObject({ mentors: [], reason: 'capacity' });
    expect(out.status).toBe('optimal');
  });

  it('places everyone first by default, and maximises the score alone when told to', async () => {
    const problem: AssignmentProblem = {
      mentees: [
        mentee('A', [
          ['X', 0.9],
          ['Y', 0.1],
        ]),
        mentee('C', [['X', 0.5]]),
      ],
      capacity: caps({ X: 1, Y: 1 }),
    };
    const coverage = await solve(problem);
    expect(pairsOf(coverage)).toEqual(['A-Y', 'C-X']);
    expect(coverage.totals.totalScore).toBeCloseTo(0.6, 9);
    const score = await solve({ ...problem, objective: 'score' });
    expect(pairsOf(score)).toEqual(['A-X']);
    expect(score.totals.totalScore).toBeCloseTo(0.9, 9);
  });

  it('breaks ties without losing score or places', async () => {
    const out = await solve({
      mentees: [
        mentee('A', [
          ['X', 0.5],
          ['Y', 0.5],
        ]),
        mentee('B', [
          ['X', 0.5],
          ['Y', 0.5],
        ]),
      ],
      capacity: caps({ X: 1, Y: 1 }),
    });
    expect(out.totals).toMatchObject({ assigned: 2, unassigned: 0, pairs: 2 });
    expect(out.totals.totalScore).toBeCloseTo(1, 9);
    expect(new Set(out.mentees.map((m) => m.mentors[0]!.mentorId))).toEqual(new Set(['X', 'Y']));
  });

  it('explains an infeasible request instead of failing: pins beyond capacity, requireAll unmet', async () => {
    const pinned = await solve({
      mentees: [mentee('A', [['X', 0.9]]), mentee('B', [['X', 0.8]])],
      capacity: caps({ X: 1 }),
      pins: [
        { menteeId: 'A', mentorId: 'X' },
        { menteeId: 'B', mentorId: 'X' },
        { menteeId: 'Z', mentorId: 'X' },
      ],
    });
    expect(pinned.status).toBe('infeasible');
    expect(pinned.infeasibility).toEqual([
      'pin Z → X: no such mentee in the cohort',
      'mentor X is pinned to 2 mentees but has room for 1',
    ]);
    const all = await solve({
      mentees: [mentee('A', [['X', 0.9]]), mentee('B', [['X', 0.8]]), mentee('C', [])],
      capacity: caps({ X: 1 }),
      requireAll: true,
    });
    expect(all.status).toBe('infeasible');
    expect(all.infeasibility).toEqual([
      '2 of 3 mentees cannot get all the mentors they need (capacity: 1, no-candidates: 1)',
    ]);
    expect(all.totals.assigned).toBe(1);
  });

  it('never assigns a conflicting or forbidden pair, and says so', async () => {
    const out = await solve({
      mentees: [
        mentee('A', [
          ['X', 0.9, 'conflict'],
          ['Y', 0.3],
        ]),
        mentee('B', [['X', 0.9, 'conflict']]),
        mentee('C', [
          ['X', 0.8],
          ['Y', 0.2],
        ]),
      ],
      capacity: caps({ X: 5, Y: 5 }),
      forbids: [{ menteeId: 'C', mentorId: 'X' }],
    });
    expect(pairsOf(out)).toEqual(['A-Y', 'C-Y']);
    expect(out.mentees.map((m) => m.reason)).toEqual(['conflict', 'conflict', 'forbidden']);
  });

  it('keeps a pinned pair even when it is not the best', async () => {
    const out = await solve({
      mentees: [
        mentee('A', [
          ['X', 0.9],
          ['Y', 0.2],
        ]),
      ],
      capacity: caps({ X: 1, Y: 1 }),
      pins: [{ menteeId: 'A', mentorId: 'Y' }],
    });
    expect(out.mentees[0]!.mentors).toEqual([{ mentorId: 'Y', score: 0.2, rank: 2, pinned: true }]);
  });

  it('raises the worst-off mentee to the max-min floor without placing fewer', async () => {
    // Best total: A-X + B-Z = 1.2 with a worst pair of 0.3; the max-min floor is 0.5: A-Y + B-X = 1.1.
    const problem: AssignmentProblem = {
      mentees: [
        mentee('A', [
          ['X', 0.9],
          ['Y', 0.5],
        ]),
        mentee('B', [
          ['X', 0.6],
          ['Z', 0.3],
          ['Y', 0.05],
        ]),
      ],
      capacity: caps({ X: 1, Y: 1, Z: 1 }),
    };
    expect(pairsOf(await solve(problem))).toEqual(['A-X', 'B-Z']);
    const fair = await solve({ ...problem, fairness: { floor: 'max-min' } });
    expect(pairsOf(fair)).toEqual(['A-Y', 'B-X']);
    expect(fair.totals.floor).toBe(0.5);
    expect(fair.mentees[0]).toMatchObject({ reason: 'capacity' });
    const fixed = await solve({ ...problem, fairness: { floor: 0.7 } });
    expect(pairsOf(fixed)).toEqual(['A-X']);
    expect(fixed.mentees[1]).toMatchObject({ mentors: [], reason: 'fairness' });
  });

  it('caps any mentor’s share, which spreads the load', async () => {
    const mentees = ['A', 'B', 'C', 'D'].map((id) =>
      mentee(id, [
        ['X', 0.9],
        ['Y', 0.8],
      ]),
    );
    const plain = await solve({ mentees, capacity: caps({ X: 4, Y: 4 }) });
    expect(plain.totals.mentorLoadGini).toBeCloseTo(0.5, 9);
    const capped = await solve({ mentees, capacity: caps({ X: 4, Y: 4 }), fairness: { maxMentorShare: 0.5 } });
    expect(capped.totals).toMatchObject({ mentorCap: 2, assigned: 4, mentorLoadGini: 0 });
    expect(capped.mentees.filter((m) => m.reason === 'fairness')).toHaveLength(2);
  });

  it('gives each mentee up to three mentors, each pair once', async () => {
    const out = await solve({
      mentees: [
        mentee(
          'A',
          [
            ['X', 0.9],
            ['Y', 0.8],
            ['Z', 0.7],
          ],
          2,
        ),
        mentee('B', [['X', 0.95]], 1),
      ],
      capacity: caps({ X: 1, Y: 1, Z: 1 }),
    });
    expect(pairsOf(out)).toEqual(['A-Y', 'A-Z', 'B-X']);
    expect(out.mentees[0]).toMatchObject({ wanted: 2, reason: 'capacity' });
  });
});
