/**
 * How much ranking and explanation add to /match over retrieval, at k = 10, on the 2,000 demo mentors
 * (embedded once and cached) with 1,000 held-out questions: p50/p99 of each stage as the engine times it.
 * Writes bench/match-overhead.{json,md}. Run: npx tsx scripts/bench/match-overhead-bench.ts
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateQuestions } from '../demo-data/generate-mentors.js';
import { openDemoRankingHarness } from './eval-demo-ranking.js';
import { summarise } from './stats.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const harness = await openDemoRankingHarness({
  onProgress: (done, total) => process.stderr.write(`\rseeding ${done}/${total}`),
});
process.stderr.write('\n');
try {
  const questions = [...generateQuestions({ count: 1000, seed: 7 })];
  const stages = {
    embedMs: [] as number[],
    retrieveMs: [] as number[],
    rankMs: [] as number[],
    totalMs: [] as number[],
  };
  for (const [i, q] of questions.entries()) {
    const r = await harness.engine.matcher.match({ text: q.text, k: 10 }, { record: false });
    // The first hundred warm the JIT and the model session; they are not counted.
    if (i < 100) continue;
    for (const key of Object.keys(stages) as Array<keyof typeof stages>) stages[key].push(r.timings[key]);
  }
  const summary = Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, summarise(v)]));
  const load = os.loadavg()[0]!.toFixed(2);
  const report = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average ${load}`,
    model: harness.modelId,
    mentors: harness.dataset.mentors.length,
    questions: questions.length - 100,
    k: 10,
    stages: summary,
  };
  await writeFile(path.join(root, 'bench/match-overhead.json'), `${JSON.stringify(report, null, 2)}\n`);
  const row = (name: string, key: keyof typeof stages) => {
    const s = summary[key]!;
    return `| ${name} | ${s.p50Ms.toFixed(2)} | ${s.p99Ms.toFixed(2)} | ${s.meanMs.toFixed(2)} |`;
  };
  const md = [
    '# /match stages at k = 10',
    '',
    `${report.date.slice(0, 10)}; ${report.machine}; model \`${report.model}\`; ${report.mentors} demo mentors (exact scan), ${report.questions} held-out questions after 100 warm-up ones.`,
    'Timed inside MatchService.match: embedding the question, retrieval (vector ∪ BM25 candidates, passage similarities, exposure), then ranking and explanation of the top 10.',
    '',
    '| stage | p50 ms | p99 ms | mean ms |',
    '| --- | ---: | ---: | ---: |',
    row('embed question', 'embedMs'),
    row('retrieve candidates', 'retrieveMs'),
    row('rank + explain (top 10)', 'rankMs'),
    row('total', 'totalMs'),
    '',
    'Regenerate with `npx tsx scripts/bench/match-overhead-bench.ts`.',
    '',
  ].join('\n');
  await writeFile(path.join(root, 'bench/match-overhead.md'), md);
  console.log(md);
} finally {
  await harness.close();
}
