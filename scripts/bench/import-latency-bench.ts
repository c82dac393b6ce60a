/**
 * /match while an import embeds: 2,000 demo mentors (vectors from the cache), then 600 more imported with the
 * model through the import (ImportService, as POST /api/mentors/import runs it) while sequential questions go
 * through app.inject.
 * Side by side in one run, alternating: batches embedded on the event loop (EMBEDDING_WORKERS=0) and on one
 * worker thread per core (the default), each with the import as it is (a batch embeds while the one before it
 * is written) and with the same batches of 64 one after another (upsertBatch, as the import ran until
 * 2026-11-26). Writes bench/import-latency.{json,md}.
 *
 *   npx tsx scripts/bench/import-latency-bench.ts [--rounds 2]
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../engine/src/app.js';
import { loadConfig } from '../../engine/src/config.js';
import { createEmbeddingProvider } from '../../engine/src/embedding/create-embedding-provider.js';
import type { EmbeddingProvider } from '../../engine/src/embedding/embedding-provider.js';
import { generateMentors, generateQuestions } from '../demo-data/generate-mentors.js';
import { round, summarise, type LatencySummary } from './stats.js';
import { table } from './report.js';
import { CachedEmbeddingProvider, EMBEDDING_CACHE_DIR } from './embedding-cache.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '2' } } });
const rounds = Number(args.rounds);
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error(`--rounds must be a positive integer, got "${args.rounds}"`);

const BASE = 2000;
const IMPORTED = 600;
const mentors = [...generateMentors({ count: BASE + IMPORTED, seed: 42 })];
const questions = [...generateQuestions({ count: 400, seed: 9 })].map((q) => q.text);

type ImportMode = 'pipelined' | 'sequential';

interface Round {
  workers: number;
  mode: ImportMode;
  idle: LatencySummary;
  duringImport: LatencySummary;
  importS: number;
  importMentorsPerS: number;
}

async function measure(model: EmbeddingProvider, workers: number, mode: ImportMode): Promise<Round> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mm-import-latency-'));
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    LOG_LEVEL: 'silent',
    DASHBOARD_DIR: '',
    SEED_DEMO_MENTORS: '0',
  });
  const cached = CachedEmbeddingProvider.open(model, EMBEDDING_CACHE_DIR);
  // The base mentors come from the cache; only the timed import goes through the model.
  let live = false;
  const embedder: EmbeddingProvider = {
    id: model.id,
    dimensions: model.dimensions,
    embed: (t) => (live ? model.embed(t) : cached.embed(t)),
  };
  const app = await buildApp({ config, embedder });
  try {
    await app.ready();
    await app.engine().search.whenReady();
    for (let i = 0; i < BASE; i += 100) await app.engine().mentors.upsertBatch(mentors.slice(i, i + 100));
    let next = 0;
    const match = async (): Promise<number> => {
      const start = performance.now();
      const res = await app.inject({
        method: 'POST',
        url: '/api/match',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ text: questions[next++ % questions.length], k: 10 }),
      });
      if (res.statusCode !== 200) throw new Error(`/api/match answered ${res.statusCode}: ${res.body}`);
      return performance.now() - start;
    };
    for (let i = 0; i < 50; i++) await match();
    const idle: number[] = [];
    for (let i = 0; i < 100; i++) idle.push(await match());
    live = true;
    // The batch threads start with the first batch; that is start-up, not the import.
    await model.embed(['warm', 'up']);
    let done = false;
    const start = performance.now();
    const rows = mentors.slice(BASE).map(({ externalId, ...rest }) => ({ id: externalId, ...rest }));
    const sequentially = async () => {
      let created = 0;
      for (let i = BASE; i < BASE + IMPORTED; i += 64) {
        const outcomes = await app.engine().mentors.upsertBatch(mentors.slice(i, Math.min(i + 64, BASE + IMPORTED)));
        created += outcomes.filter((o) => o.status === 'created').length;
      }
      return { created, errors: [] };
    };
    const importing = (
      mode === 'pipelined'
        ? app
            .engine()
            .imports.readRows(rows, 'json')
            .then((read) => app.engine().imports.importRows(read))
        : sequentially()
    ).finally(() => {
      done = true;
    });
    const busy: number[] = [];
    while (!done) busy.push(await match());
    const imported = await importing;
    if (imported.created !== IMPORTED)
      throw new Error(
        `the import created ${imported.created} of ${IMPORTED} mentors: ${JSON.stringify(imported.errors.slice(0, 3))}`,
      );
    const importS = (performance.now() - start) / 1000;
    return {
      workers,
      mode,
      idle: summarise(idle),
      duringImport: summarise(busy),
      importS: round(importS, 2),
      importMentorsPerS: round(IMPORTED / importS),
    };
  } finally {
    await app.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

const base = loadConfig(process.env);
const providers = new Map<number, EmbeddingProvider>();
for (const workers of [0, base.embeddingWorkers || os.availableParallelism()]) {
  providers.set(workers, await createEmbeddingProvider({ ...base, embeddingWorkers: workers }));
}
const results: Round[] = [];
for (let r = 0; r < rounds; r++) {
  for (const [workers, model] of providers)
    for (const mode of ['pipelined', 'sequential'] as const) {
      const result = await measure(model, workers, mode);
      results.push(result);
      console.log(
        `EMBEDDING_WORKERS=${workers}, ${mode}: idle p50 ${result.idle.p50Ms} / p99 ${result.idle.p99Ms} ms; during the import ${result.duringImport.count} questions, p50 ${result.duringImport.p50Ms} / p99 ${result.duringImport.p99Ms} ms; import ${result.importS} s (${result.importMentorsPerS} mentors/s)`,
      );
    }
}
for (const model of providers.values()) await model.close?.();

const load = os
  .loadavg()
  .map((x) => x.toFixed(2))
  .join(' ');
const report = {
  date: new Date().toISOString(),
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
  loadAverageAtEnd: load,
  model: [...providers.values()][0]!.id,
  baseMentors: BASE,
  imported: IMPORTED,
  results,
};
await fs.writeFile(path.join(root, 'bench/import-latency.json'), `${JSON.stringify(report, null, 2)}\n`);
const md = `# /match while an import embeds

${report.date.slice(0, 10)}; ${report.machine}; model \`${report.model}\`; load average (1/5/15 min) at the end ${load}.
Generated by \`npx tsx scripts/bench/import-latency-bench.ts --rounds ${rounds}\`; raw numbers in \`bench/import-latency.json\`.

${BASE.toLocaleString('en')} demo mentors (vectors from the embedding cache), then ${IMPORTED} more imported with the model through
the import (\`ImportService\`, as \`POST /api/mentors/import\` runs it: batches of 64, each embedding while the one before
it is written; the \`sequential\` rows write the same batches of 64 one after another through \`upsertBatch\`, as the
import did until 2026-11-26), while one client sends held-out questions one after another
through \`app.inject\` (k = 10). The rows alternate between batches embedded on the event loop (\`EMBEDDING_WORKERS=0\`)
and on one worker thread per core (the default); the question itself is embedded on the query thread in both.

${table(
  [
    'EMBEDDING_WORKERS',
    'import',
    'idle p50 ms',
    'idle p99 ms',
    'questions during import',
    'during import p50 ms',
    'p99 ms',
    'import s',
    'mentors/s',
  ],
  results.map((r) => [
    r.workers,
    r.mode,
    r.idle.p50Ms,
    r.idle.p99Ms,
    r.duringImport.count,
    r.duringImport.p50Ms,
    r.duringImport.p99Ms,
    r.importS,
    r.importMentorsPerS,
  ]),
  ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
)}

On the event loop a batch of 64 mentors (about 350 texts) blocks every question behind it for as long as it embeds;
on worker threads the event loop only stores and indexes, and questions wait for a core instead. The import
itself may then take longer: it shares the two cores with the many more questions that get answered meanwhile.
Pipelined, the event loop writes one batch while the threads embed the next, so the import finishes sooner and the
questions asked meanwhile wait longer for a core.
`;
await fs.writeFile(path.join(root, 'bench/import-latency.md'), md);
console.log('wrote bench/import-latency.json and bench/import-latency.md');
