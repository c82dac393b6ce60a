/**
 * `tsx scripts/bench/assignment-contention.ts`: the solver alone where capacity binds hard (docs/benchmarks.md):
 * 5,000 mentees, every mentor with room for one, 70% of each mentee's 50 candidates among a few "hot" mentors.
 * Successive shortest paths slow down as paths grow, so this is its worst case among realistic cohorts.
 */
import os from 'node:os';
import { solveAssignment } from '../../engine/src/assignment/solve-assignment.js';
import { seededRandom } from '../../engine/src/shared/seeded-random.js';

const random = seededRandom(3);
const K = 50;
for (const [menteeCount, mentorCount, hot] of [
  [5000, 6000, 2000],
  [5000, 5000, 5000],
  [5000, 4000, 1000],
] as const) {
  const mentees = Array.from({ length: menteeCount }, (_, i) => {
    const picked = new Set<number>();
    while (picked.size < K) picked.add(Math.floor(random() * (random() < 0.7 ? hot : mentorCount)));
    const candidates = [...picked]
      .map((j) => ({ mentorId: `m${j}`, score: 0.3 + 0.7 * random() }))
      .sort((a, b) => b.score - a.score);
    return { id: `e${i}`, candidates };
  });
  const capacity = new Map(Array.from({ length: mentorCount }, (_, j) => [`m${j}`, 1]));
  const out = await solveAssignment({ mentees, capacity });
  const t = out.totals;
  console.log(
    JSON.stringify({
      mentees: menteeCount,
      mentors: mentorCount,
      hot,
      buildMs: Math.round(out.timings.buildMs),
      solveMs: Math.round(out.timings.solveMs),
      assigned: t.assigned,
      greedyAssigned: t.greedyAssigned,
      totalScore: Number(t.totalScore.toFixed(1)),
      greedyTotalScore: Number(t.greedyTotalScore.toFixed(1)),
      loadAverage: os.loadavg()[0]!.toFixed(1),
    }),
  );
}
