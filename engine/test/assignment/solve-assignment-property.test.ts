import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AssignmentOutcome, AssignmentProblem } from '../../src/assignment/assignment-problem.js';
import { solveAssignment } from '../../src/assignment/solve-assignment.js';

const MENTORS = ['X', 'Y', 'Z', 'W'];

/** Tiny instances: up to 4 mentees, 4 mentors, scores in hundredths, some conflicts, forbids and capacities of 0–2. */
const tinyProblem = (maxMentees: number, maxWanted: number): fc.Arbitrary<AssignmentProblem> =>
  fc
    .record({
      mentees: fc.array(
        fc.record({
          wanted: fc.integer({ min: 1, max: maxWanted }),
          candidates: fc.uniqueArray(
            fc.record({
              mentorId: fc.constantFrom(...MENTORS),
              score: fc.integer({ min: 0, max: 100 }).map((s) => s / 100),
              conflict: fc.integer({ min: 0, max: 5 }).map((x) => x === 0),
            }),
            { selector: (c) => c.mentorId, maxLength: 3 },
          ),
          forbid: fc.option(fc.constantFrom(...MENTORS), { freq: 4 }),
        }),
        { minLength: 1, maxLength: maxMentees },
      ),
      capacity: fc.tuple(...MENTORS.map(() => fc.integer({ min: 0, max: 2 }))),
      objective: fc.constantFrom('coverage' as const, 'score' as const),
    })
    .map(({ mentees, capacity, objective }) => ({
      mentees: mentees.map((m, i) => ({
        id: `m${i}`,
        mentors: m.wanted,
        candidates: [...m.candidates]
          .sort((a, b) => b.score - a.score)
          .map((c) => ({
            mentorId: c.mentorId,
            score: c.score,
            ...(c.conflict ? { blocked: 'conflict' as const } : {}),
          })),
      })),
      capacity: new Map(MENTORS.map((id, j) => [id, capacity[j]!])),
      forbids: mentees.flatMap((m, i) => (m.forbid ? [{ menteeId: `m${i}`, mentorId: m.forbid }] : [])),
      objective,
    }));

/**
 * Every admissible choice of each mentee's mentors, kept when within capacity: the best by score alone, or with
 * coverage first by (mentees placed, places, score).
 */
function bruteForce(problem: AssignmentProblem): { placed: number; places: number; score: number } {
  const forbidden = new Set((problem.forbids ?? []).map((f) => `${f.menteeId}/${f.mentorId}`));
  const options = problem.mentees.map((m) => {
    const open = m.candidates.filter((c) => !c.blocked && !forbidden.has(`${m.id}/${c.mentorId}`));
    const subsets: (typeof open)[] = [];
    for (let mask = 0; mask < 1 << open.length; mask++) {
      const subset = open.filter((_, k) => mask & (1 << k));
      if (subset.length <= (m.mentors ?? 1)) subsets.push(subset);
    }
    return subsets;
  });
  let best = { placed: 0, places: 0, score: 0 };
  const load = new Map<string, number>();
  const walk = (i: number, placed: number, places: number, score: number): void => {
    if (i === options.length) {
      const better =
        problem.objective === 'score'
          ? score > best.score + 1e-9
          : placed > best.placed ||
            (placed === best.placed && (places > best.places || (places === best.places && score > best.score + 1e-9)));
      if (better) best = { placed, places, score };
      return;
    }
    for (const subset of options[i]!) {
      if (subset.some((c) => (load.get(c.mentorId) ?? 0) >= (problem.capacity.get(c.mentorId) ?? 0))) continue;
      for (const c of subset) load.set(c.mentorId, (load.get(c.mentorId) ?? 0) + 1);
      const gain = subset.reduce((s, c) => s + c.score, 0);
      walk(i + 1, placed + (subset.length > 0 ? 1 : 0), places + subset.length, score + gain);
      for (const c of subset) load.set(c.mentorId, load.get(c.mentorId)! - 1);
    }
  };
  walk(0, 0, 0, 0);
  return best;
}

/** Capacity, conflicts, forbids and the number of mentors per mentee hold in the outcome. */
function checkConstraints(problem: AssignmentProblem, out: AssignmentOutcome): void {
  const forbidden = new Set((problem.forbids ?? []).map((f) => `${f.menteeId}/${f.mentorId}`));
  const load = new Map<string, number>();
  out.mentees.forEach((m, i) => {
    const input = problem.mentees[i]!;
    expect(m.mentors.length).toBeLessThanOrEqual(input.mentors ?? 1);
    expect(new Set(m.mentors.map((a) => a.mentorId)).size).toBe(m.mentors.length);
    for (const a of m.mentors) {
      const candidate = input.candidates.find((c) => c.mentorId === a.mentorId);
      expect(candidate?.blocked).toBeUndefined();
      expect(forbidden.has(`${m.menteeId}/${a.mentorId}`)).toBe(false);
      load.set(a.mentorId, (load.get(a.mentorId) ?? 0) + 1);
    }
  });
  for (const [id, l] of load) expect(l).toBeLessThanOrEqual(problem.capacity.get(id) ?? 0);
}

describe('solveAssignment against brute force', () => {
  it('finds the optimum of tiny random instances, with both solvers, never breaking a rule', async () => {
    await fc.assert(
      fc.asyncProperty(tinyProblem(4, 2), async (problem) => {
        const best = bruteForce(problem);
        for (const solver of ['flow', 'highs'] as const) {
          const out = await solveAssignment({ ...problem, solver });
          checkConstraints(problem, out);
          expect(out.totals.totalScore).toBeCloseTo(best.score, 6);
          if (problem.objective !== 'score')
            expect(out.totals).toMatchObject({ assigned: best.placed, pairs: best.places });
          expect(out.totals.totalScore).toBeGreaterThanOrEqual(
            problem.objective === 'score' ? out.totals.greedyTotalScore - 1e-9 : Number.NEGATIVE_INFINITY,
          );
          expect(out.totals.unassigned).toBeLessThanOrEqual(
            problem.objective === 'score' ? Number.POSITIVE_INFINITY : out.totals.greedyUnassigned,
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with HiGHS on larger random instances (min-cost flow checked against the LP)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(1, 2, 3),
        fc.constantFrom('coverage' as const, 'score' as const),
        async (seed, wanted, objective) => {
          const problem = randomProblem(seed, 60, 25, 8, wanted, objective);
          const flow = await solveAssignment({ ...problem, solver: 'flow' });
          const highs = await solveAssignment({ ...problem, solver: 'highs' });
          checkConstraints(problem, flow);
          expect(flow.totals.pairs).toBe(highs.totals.pairs);
          expect(flow.totals.totalScore).toBeCloseTo(highs.totals.totalScore, 5);
        },
      ),
      { numRuns: 40 },
    );
  });
});

/** A seeded random cohort: `n` mentees with `k` candidates each among `m` mentors of capacity 0–3. */
function randomProblem(
  seed: number,
  n: number,
  m: number,
  k: number,
  wanted: number,
  objective: 'coverage' | 'score',
): AssignmentProblem {
  let state = seed;
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const mentors = Array.from({ length: m }, (_, j) => `r${j}`);
  return {
    mentees: Array.from({ length: n }, (_, i) => {
      const picked = [...mentors].sort(() => random() - 0.5).slice(0, k);
      return {
        id: `e${i}`,
        mentors: wanted,
        candidates: picked
          .map((mentorId) => ({ mentorId, score: Math.round(random() * 1000) / 1000 }))
          .sort((a, b) => b.score - a.score)
          .map((c) => (random() < 0.05 ? { ...c, blocked: 'conflict' as const } : c)),
      };
    }),
    capacity: new Map(mentors.map((id) => [id, Math.floor(random() * 4)])),
    objective,
  };
}
