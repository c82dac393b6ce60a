/**
 * p99 of admitted questions on POST /api/match at c = 50 and c = 200, admission control off
 * (MATCH_MAX_IN_FLIGHT=0) and on (the defaults, or MATCH_MAX_IN_FLIGHT / MATCH_MAX_QUEUED from the environment),
 * by clients that honour Retry-After, against the engine in its own process with the real model and the demo mentors. Writes
 * bench/admission.{json,md}. Run: npx tsx scripts/bench/admission-bench.ts [--seconds 20] [--mentors 2000]
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../engine/src/config.js';
import { generateQuestions } from '../demo-data/generate-mentors.js';
import { startEngine } from './engine-process.js';
import { round, summarise } from './stats.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '20' }, mentors: { type: 'string', default: '2000' } },
});
const seconds = Number(values.seconds);
const defaults = loadConfig(process.env);
const modes: Array<{ name: string; env: Record<string, string> }> = [
  { name: 'off', env: { MATCH_MAX_IN_FLIGHT: '0' } },
  {
    name: `on (${defaults.matchMaxInFlight} in flight + ${defaults.matchMaxQueued} queued)`,
    env: { MATCH_MAX_IN_FLIGHT: String(defaults.matchMaxInFlight), MATCH_MAX_QUEUED: String(defaults.matchMaxQueued) },
  },
];
const questions = [...generateQuestions({ count: 200, seed: 11 })].map((q) => q.text);

interface Point {
  mode: string;
  connections: number;
  admitted: number;
  admittedPerS: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  refused: number;
  refusedP99Ms: number;
  other: number;
}

/**
 * `connections` clients, each asking one question after another for `durationS`; a client refused with 503 waits
 * its Retry-After before asking again, as a client that honours it does (one that does not would only measure
 * how fast the engine can refuse).
 */
async function load(url: string, connections: number, durationS: number) {
  const byStatus = new Map<number, number[]>();
  const end = Date.now() + durationS * 1000;
  let errors = 0;
  const client = async (n: number) => {
    for (let i = n; Date.now() < end; i += connections) {
      const started = performance.now();
      try {
        const res = await fetch(`${url}/api/match`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: questions[i % questions.length], k: 10 }),
        });
        await res.arrayBuffer();
        const list = byStatus.get(res.status) ?? [];
        list.push(performance.now() - started);
        byStatus.set(res.status, list);
        const wait = Number(res.headers.get('retry-after') ?? 0);
        if (res.status === 503) await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, n) => client(n)));
  return { byStatus, errors };
}

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mm-admission-'));
const points: Point[] = [];
try {
  for (const mode of modes) {
    const engine = await startEngine({
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      SEED_DEMO_MENTORS: values.mentors!,
      ANONYMOUS_QUESTIONS: 'true',
      ...mode.env,
    });
    try {
      await load(engine.url, 10, 5); // warms the JIT and the model sessions; not counted
      for (const connections of [50, 200]) {
        const { byStatus, errors } = await load(engine.url, connections, seconds);
        const ok = summarise(byStatus.get(200) ?? []);
        const refused = byStatus.get(503) ?? [];
        const other = [...byStatus].filter(([s]) => s !== 200 && s !== 503).reduce((n, [, l]) => n + l.length, 0);
        const point: Point = {
          mode: mode.name,
          connections,
          admitted: ok.count,
          admittedPerS: round(ok.count / seconds),
          p50Ms: ok.p50Ms,
          p99Ms: ok.p99Ms,
          maxMs: round(Math.max(0, ...(byStatus.get(200) ?? [])), 3),
          refused: refused.length,
          refusedP99Ms: summarise(refused).p99Ms,
          other: other + errors,
        };
        points.push(point);
        console.error(JSON.stringify(point));
      }
    } finally {
      await engine.stop();
    }
  }
} finally {
  await fs.rm(dataDir, { recursive: true, force: true });
}

const load1 = os.loadavg()[0]!.toFixed(2);
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average ${load1} at the end`;
const report = { date: new Date().toISOString(), machine, mentors: Number(values.mentors), seconds, points };
await fs.writeFile(path.join(root, 'bench/admission.json'), `${JSON.stringify(report, null, 2)}\n`);
const md = [
  '# Admission control on POST /api/match',
  '',
  `${report.date.slice(0, 10)}; ${machine}; ${report.mentors} demo mentors, ${seconds} s per point after a 5 s warm-up at c = 10; the engine in its own process (PGlite), the clients in this one (fetch; a refused client waits its Retry-After). Latency of admitted questions (200) only; refused ones are 503 OVERLOADED.`,
  '',
  '| admission | connections | admitted | admitted/s | p50 ms | p99 ms | max ms | refused (503) | p99 of a refusal ms | other |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...points.map(
    (p) =>
      `| ${p.mode} | ${p.connections} | ${p.admitted} | ${p.admittedPerS} | ${p.p50Ms} | ${p.p99Ms} | ${p.maxMs} | ${p.refused} | ${Number.isNaN(p.refusedP99Ms) ? '–' : p.refusedP99Ms} | ${p.other} |`,
  ),
  '',
];
await fs.writeFile(path.join(root, 'bench/admission.md'), md.join('\n'));
console.log(md.join('\n'));
