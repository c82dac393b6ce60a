/**
 * Where start-up and /match spend their time at N demo mentors, measured in-process. The first run
 * builds a DATA_DIR the way `pnpm bench` does (mentors written straight to the repositories with the
 * cached embeddings, then one start that builds and saves the HNSW snapshot); later runs reuse it.
 *
 *   npx tsx scripts/bench/profile-match.ts [--mentors 30000] [--queries 300] [--seed 42] [--data-dir .data/profile-30000]
 *     [--phase all|build|startup|match] [--model-id use-lite-a5693b60] [--resave]
 *
 * --model-id names the cached vectors (and the DATA_DIR's embeddings) to use when the model on disk has
 * changed since: the model still embeds each /match question, under that id, so nothing is re-embedded.
 * --resave writes the index snapshot again after start-up, three times, so that the next start reads the current
 * format; each save prints its time and the longest event-loop stall during it.
 *
 * For a CPU profile of one phase: node --cpu-prof --cpu-prof-dir=.data/prof --import tsx scripts/bench/profile-match.ts --phase startup
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../engine/src/config.js';
import { createEmbeddingProvider } from '../../engine/src/embedding/create-embedding-provider.js';
import { passageSimilarities } from '../../engine/src/matching/candidates.js';
import { ExposureTracker } from '../../engine/src/services/exposure-tracker.js';
import { appConfig, bulkInsert, started } from './app-bench.js';
import { loadBenchData } from './bench-data.js';
import { EMBEDDING_CACHE_DIR } from './embedding-cache.js';
import { round, summarise } from './stats.js';

const { values: args } = parseArgs({
  options: {
    mentors: { type: 'string', default: '30000' },
    queries: { type: 'string', default: '300' },
    seed: { type: 'string', default: '42' },
    'data-dir': { type: 'string' },
    phase: { type: 'string', default: 'all' },
    'model-id': { type: 'string' },
    resave: { type: 'boolean', default: false },
  },
});
const n = Number(args.mentors);
const queryCount = Number(args.queries);
const seed = Number(args.seed);
const phase = args.phase ?? 'all';
if (!Number.isInteger(n) || n < 1 || !Number.isInteger(queryCount) || queryCount < 1)
  throw new Error('--mentors and --queries must be positive integers');
if (!['all', 'build', 'startup', 'match'].includes(phase))
  throw new Error(`--phase must be all, build, startup or match, got "${phase}"`);
const dataDir = path.resolve(args['data-dir'] ?? path.join(EMBEDDING_CACHE_DIR, '..', `profile-${n}`));
const builtMarker = path.join(dataDir, 'profile-built.json');

const began = performance.now();
const log = (m: string) =>
  process.stderr.write(`[${((performance.now() - began) / 1000).toFixed(1).padStart(6)} s] ${m}\n`);
interface Built {
  mentors: number;
  modelId: string;
}
const built = await fs
  .readFile(builtMarker, 'utf8')
  .then((raw) => JSON.parse(raw) as Built)
  .catch(() => null);
const model = await createEmbeddingProvider(loadConfig(process.env));
const modelId = args['model-id'] ?? (built?.mentors === n ? built.modelId : model.id);
const embedder = { id: modelId, dimensions: model.dimensions, embed: (texts: readonly string[]) => model.embed(texts) };
const data = await loadBenchData(embedder, { mentors: n, questions: queryCount, seed }, log);

if (built?.mentors !== n || built.modelId !== modelId) {
  await fs.rm(dataDir, { recursive: true, force: true });
  await fs.mkdir(dataDir, { recursive: true });
  let app = await started(embedder, appConfig(dataDir));
  let t = performance.now();
  await bulkInsert(app, data.mentors, data.mentorEmbeddings, embedder.id);
  log(`bulk-loaded ${n} mentors in ${round((performance.now() - t) / 1000)} s`);
  await app.close();
  t = performance.now();
  app = await started(embedder, appConfig(dataDir));
  log(
    `first start (index rebuilt, snapshot saved) in ${round((performance.now() - t) / 1000)} s: ${JSON.stringify(app.engine().search.loadPhases())}`,
  );
  await app.close();
  await fs.writeFile(builtMarker, JSON.stringify({ mentors: n, modelId } satisfies Built));
}

const phases = (app: FastifyInstance) =>
  Object.entries(app.engine().search.loadPhases())
    .map(([k, v]) => `${k} ${round(v)} ms`)
    .join(', ');

let app: FastifyInstance | null = null;
if (phase === 'all' || phase === 'startup' || phase === 'match') {
  const t = performance.now();
  app = await started(embedder, appConfig(dataDir));
  const status = app.engine().search.status();
  log(
    `start-up with ${status.loadedFrom} (${status.size} vectors): ${round(performance.now() - t)} ms; ${phases(app)}`,
  );
  log(
    `  rss ${round(process.memoryUsage().rss / 2 ** 20)} MiB, heap ${round(process.memoryUsage().heapUsed / 2 ** 20)} MiB`,
  );
  if (args.resave) {
    // A save runs while the engine serves: how long it blocks the event loop matters more than how long it takes.
    for (let save = 1; save <= 3; save++) {
      const delay = monitorEventLoopDelay({ resolution: 2 });
      delay.enable();
      await new Promise((resolve) => setTimeout(resolve, 20));
      const t = performance.now();
      await app.engine().search.saveSnapshot();
      const ms = performance.now() - t;
      await new Promise((resolve) => setTimeout(resolve, 20));
      delay.disable();
      log(`snapshot saved again in ${round(ms)} ms, longest event-loop stall ${round(delay.max / 1e6)} ms`);
    }
  }
}

if (app && (phase === 'all' || phase === 'match')) {
  const engine = app.engine();
  const search = engine.search;
  const { questions, questionVectors } = data;
  const warm = Math.min(50, Math.floor(questions.length / 5));
  const stages: Record<string, number[]> = {};
  const add = (name: string, ms: number) => {
    stages[name] ??= [];
    stages[name].push(ms);
  };
  const time = <T>(name: string, fn: () => T, i: number): T => {
    const t = performance.now();
    const out = fn();
    if (i >= warm) add(name, performance.now() - t);
    return out;
  };
  const active = (id: number) => search.mentors.get(id)?.active === true;
  for (const [i, text] of questions.entries()) {
    const qv = questionVectors[i]!;
    // The pieces of retrieval on their own, with the same pool the match service uses.
    const vectorHits = time('  hnsw search', () => search.nearest(qv, 100, true), i);
    // What a per-node filter costs (a call into JavaScript per visited node), as requests with exclusions pay.
    time('  hnsw search, JS filter', () => search.nearest(qv, 100, true, active), i);
    const lexicalHits = time('  bm25 search', () => search.lexical.search(text, 100, active), i);
    const ids = [...new Set([...vectorHits.map((h) => h.label), ...lexicalHits.map((h) => h.id)])];
    time('  tf-idf cosineDocuments', () => search.lexical.cosineDocuments(text, ids), i);
    time('  passage similarities', () => ids.map((id) => passageSimilarities(qv, search.passages.get(id)!)), i);
    // The whole service call, cached question vector, recording on (as /match does).
    const r = await engine.matcher.match({ text, k: 10 }, { queryVector: qv });
    if (i < warm) continue;
    add('match: retrieve', r.timings.retrieveMs);
    add('match: rank + explain', r.timings.rankMs);
    add('match: record', r.timings.totalMs - r.timings.embedMs - r.timings.retrieveMs - r.timings.rankMs);
    add('match: total (no embed)', r.timings.totalMs - r.timings.embedMs);
  }
  // What one exposure refresh costs: the aggregate over every match recorded in the window (so far, this run's).
  const requests = engine.repositories.requests;
  const windowDays = (await engine.configs.getActive()).rules.exposureWindowDays;
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await new ExposureTracker(requests, app.log).current(windowDays);
    add('exposure refresh (SQL)', performance.now() - t);
  }
  for (const [i, text] of questions.entries()) {
    const t = performance.now();
    const res = await app.inject({
      method: 'POST',
      url: '/api/match',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ text, k: 10 }),
    });
    if (res.statusCode !== 200) throw new Error(`/api/match answered ${res.statusCode}: ${res.body}`);
    if (i < warm) continue;
    add('inject /api/match (with model)', performance.now() - t);
    // The service's own split of the same requests: what the embedding and the HTTP layer add.
    const { timings } = res.json() as { timings: { embedMs: number; retrieveMs: number; totalMs: number } };
    add('inject: embed', timings.embedMs);
    add('inject: retrieve', timings.retrieveMs);
    add('inject: service total', timings.totalMs);
  }
  process.stderr.write(
    `\n/match stages at ${n} mentors, ${questions.length - warm} questions (after ${warm} warm-up), load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}\n`,
  );
  for (const [name, samples] of Object.entries(stages)) {
    const s = summarise(samples);
    process.stderr.write(
      `${name.padEnd(34)} p50 ${String(s.p50Ms).padStart(8)} ms  p99 ${String(s.p99Ms).padStart(8)} ms  mean ${String(s.meanMs).padStart(8)} ms\n`,
    );
  }
}
await app?.close();
await model.close?.();
