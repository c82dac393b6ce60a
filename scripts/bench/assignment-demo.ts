/**
 * `tsx scripts/bench/assignment-demo.ts [--count 300]`: the measurements in docs/assignment.md. Matches a
 * generated cohort against the mentors of the configured database (the 2,000 demo mentors `pnpm start` seeds)
 * once, then solves it several ways: greedy first-come, the optimum, and the optimum under each fairness option.
 * Stop a running engine first when it uses the embedded database.
 */
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import type { AssignmentOptions } from '../../engine/src/assignment/cohort-assignment-service.js';
import type { CohortEntry } from '../../engine/src/assignment/cohort-file.js';
import { loadConfig } from '../../engine/src/config.js';
import { createEngine } from '../../engine/src/services/engine.js';
import { generateQuestions } from '../demo-data/generate-questions.js';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '300' }, seed: { type: 'string', default: '22' } },
});
const cohort: CohortEntry[] = [...generateQuestions({ count: Number(values.count), seed: Number(values.seed) })].map(
  (q, i) => ({
    id: `mentee-${String(i + 1).padStart(4, '0')}`,
    email: null,
    question: q.text,
    languages: [],
    timezone: null,
    department: null,
    careerStartYear: null,
    preferred: [],
    excluded: [],
    mentors: null,
  }),
);

const engine = await createEngine(loadConfig(), { log: Fastify({ logger: { level: 'warn' } }).log });
try {
  await engine.search.whenReady();
  const service = engine.assignments;
  const t0 = performance.now();
  const candidates = await service.candidates(cohort);
  console.log(
    `${cohort.length} mentees, ${engine.search.mentors.size} mentors; matching ${Math.round(performance.now() - t0)} ms`,
  );
  const variants: Array<[string, AssignmentOptions]> = [
    ['optimal', {}],
    ['optimal, 2 mentors each', { mentorsPerMentee: 2 }],
    ['max-min floor', { fairness: { floor: 'max-min' } }],
    ['share cap 1%', { fairness: { maxMentorShare: 0.01 } }],
    ['share cap 0.5%', { fairness: { maxMentorShare: 0.005 } }],
    ['max-min floor + share cap 0.5%', { fairness: { floor: 'max-min', maxMentorShare: 0.005 } }],
  ];
  console.log(
    '| run | assigned | unassigned | total score | greedy total | greedy unassigned | unconstrained best | min pair | load Gini | greedy Gini | max load | solve ms |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, options] of variants) {
    const out = await service.solve(candidates, options);
    const t = out.totals;
    const pairScores = out.mentees.flatMap((m) => m.mentors.map((a) => a.score));
    const loads = new Map<string, number>();
    for (const m of out.mentees) for (const a of m.mentors) loads.set(a.mentorId, (loads.get(a.mentorId) ?? 0) + 1);
    console.log(
      `| ${name} | ${t.assigned} | ${t.unassigned} | ${t.totalScore.toFixed(3)} | ${t.greedyTotalScore.toFixed(3)} | ${t.greedyUnassigned} | ${t.unconstrainedTotalScore.toFixed(3)} | ${Math.min(...pairScores).toFixed(3)} | ${t.mentorLoadGini.toFixed(3)} | ${t.greedyMentorLoadGini.toFixed(3)} | ${Math.max(...loads.values())} | ${Math.round(out.timings.buildMs + out.timings.solveMs)} |`,
    );
  }
} finally {
  await engine.close();
}
