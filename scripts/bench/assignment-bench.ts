/**
 * `tsx scripts/bench/assignment-bench.ts --mentees 5000 --mentors 100000 [--k 50] [--highs]`: cohort assignment
 * at scale (docs/benchmarks.md). Synthetic mentors and mentees: embedding 100,000 bios takes hours on two cores,
 * so vectors are drawn around 200 topic centres (64 dimensions), mentees crowding the popular topics (Zipf) so
 * that capacity binds. Candidates come from the engine's HNSW index (hnswlib) built beforehand, as
 * the engine holds its index in memory; matching is the K-nearest search per mentee and the scores. Then the
 * solver, as `pnpm mm assign` runs it (the model built, min-cost flow, greedy and totals), optionally HiGHS.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { CohortMentee } from '../../engine/src/assignment/assignment-problem.js';
import { solveAssignment } from '../../engine/src/assignment/solve-assignment.js';
import { seededRandom } from '../../engine/src/shared/seeded-random.js';
import { HnswVectorIndex } from '../../engine/src/vector-index/hnsw-vector-index.js';

const { values } = parseArgs({
  options: {
    mentees: { type: 'string', default: '5000' },
    mentors: { type: 'string', default: '100000' },
    k: { type: 'string', default: '50' },
    highs: { type: 'boolean', default: false },
    seed: { type: 'string', default: '22' },
  },
});
const menteeCount = Number(values.mentees);
const mentorCount = Number(values.mentors);
const k = Number(values.k);
const DIM = 64;
const TOPICS = 200;
const random = seededRandom(Number(values.seed));

const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const normalised = (v: Float32Array): Float32Array => {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  for (let d = 0; d < v.length; d++) v[d]! /= norm;
  return v;
};
const centres = Array.from({ length: TOPICS }, () => normalised(Float32Array.from({ length: DIM }, gaussian)));
const around = (centre: Float32Array, spread: number): Float32Array =>
  normalised(Float32Array.from(centre, (x) => x + spread * gaussian()));
// Mentees ask about popular topics more often: topic t with weight 1 / (t + 1)^0.8.
const zipf = (() => {
  const cumulative: number[] = [];
  let sum = 0;
  for (let t = 0; t < TOPICS; t++) {
    sum += 1 / (t + 1) ** 0.8;
    cumulative.push(sum);
  }
  return () => {
    const r = random() * sum;
    return cumulative.findIndex((c) => c >= r);
  };
})();

const memory = { peakRss: 0 };
const sample = (): void => {
  memory.peakRss = Math.max(memory.peakRss, process.memoryUsage().rss);
};
const mib = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MiB`;

const tData = performance.now();
const mentorIds = Array.from({ length: mentorCount }, (_, j) => `m${j}`);
// As the demo mentors: 8% with no room this month, most with 1 to 4 places, some up to 8.
const capacity = new Map(
  mentorIds.map((id) => [id, random() < 0.08 ? 0 : 1 + Math.floor(random() * (random() < 0.7 ? 4 : 8))]),
);
const graph = HnswVectorIndex.create(DIM, { m: 16, efConstruction: 64, efSearch: 2 * k, initialCapacity: mentorCount });
for (let j = 0; j < mentorCount; j++) graph.upsert(j, around(centres[j % TOPICS]!, 0.35));
const questions = Array.from({ length: menteeCount }, () => around(centres[zipf()]!, 0.35));
const indexMs = performance.now() - tData;
sample();

const tMatch = performance.now();
const mentees: CohortMentee[] = questions.map((q, i) => {
  const candidates = graph
    .search(q, k)
    .map((hit) => ({ mentorId: mentorIds[hit.label]!, score: (1 + hit.similarity) / 2 }))
    .sort((a, b) => b.score - a.score);
  return { id: `e${i}`, candidates };
});
const matchMs = performance.now() - tMatch;
sample();

const flow = await solveAssignment({ mentees, capacity });
sample();
const t = flow.totals;
const report: Record<string, unknown> = {
  mentees: menteeCount,
  mentors: mentorCount,
  k,
  indexBuildMs: Math.round(indexMs),
  matchMs: Math.round(matchMs),
  buildMs: Math.round(flow.timings.buildMs),
  solveMs: Math.round(flow.timings.solveMs),
  reportMs: Math.round(flow.timings.reportMs),
  totalMs: Math.round(matchMs + flow.timings.buildMs + flow.timings.solveMs + flow.timings.reportMs),
  assigned: t.assigned,
  unassigned: t.unassigned,
  greedyUnassigned: t.greedyUnassigned,
  totalScore: Number(t.totalScore.toFixed(3)),
  greedyTotalScore: Number(t.greedyTotalScore.toFixed(3)),
  peakRss: mib(memory.peakRss),
  heapUsed: mib(process.memoryUsage().heapUsed),
  loadAverage: os.loadavg().map((l) => Number(l.toFixed(1))),
};
if (values.highs) {
  const highs = await solveAssignment({ mentees, capacity, solver: 'highs' });
  sample();
  report.highsBuildMs = Math.round(highs.timings.buildMs);
  report.highsSolveMs = Math.round(highs.timings.solveMs);
  report.highsTotalScore = Number(highs.totals.totalScore.toFixed(3));
  report.peakRss = mib(memory.peakRss);
}
console.log(JSON.stringify(report));
