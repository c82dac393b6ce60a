import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../engine/src/app.js';
import { loadConfig } from '../../engine/src/config.js';
import type { StoredEmbedding } from '../../engine/src/db/embedding-repository.js';
import type { MentorInput } from '../../engine/src/domain/mentor.js';
import type { EmbeddingProvider } from '../../engine/src/embedding/embedding-provider.js';
import { mentorEmbeddingTexts } from '../../engine/src/services/mentor-embedding.js';
import { round, summarise, timeEach, type LatencySummary } from './stats.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');

export interface HttpPoint {
  connections: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  reqPerS: number;
  requests: number;
  errors: number;
  non2xx: number;
}

export interface StartupProbe {
  startupMs: number;
  appStartupMs: number;
  modelLoadMs: number;
  loadedFrom: string | null;
  indexKind: string;
  indexSize: number;
  rssDelta: number;
  heapDelta: number;
  externalDelta: number;
  rssAfter: number;
}

export interface AppBenchResult {
  mentors: number;
  /** Through the import (ImportService): embed profile text and passages, store in PGlite, add to HNSW. */
  indexing: { mentors: number; texts: number; ms: number; mentorsPerS: number };
  /** The rest, written straight to the repositories with their cached embeddings (see the report). */
  bulkLoadMs: number;
  /** First start on the loaded DATA_DIR: builds the HNSW graph from the database and saves it. */
  rebuildStartupMs: number;
  inProcess: LatencySummary;
  http: HttpPoint[];
  startup: StartupProbe;
}

export interface AppBenchOptions {
  mentors: readonly MentorInput[];
  /** What the engine stores for each mentor, from the benchmark's cache. */
  embeddings: readonly StoredEmbedding[];
  questions: readonly string[];
  indexSample: number;
  durationS: number;
  connections: readonly number[];
  log: (m: string) => void;
}

export function appConfig(dataDir: string, extra: Record<string, string> = {}) {
  return loadConfig({
    ...process.env,
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    LOG_LEVEL: 'silent',
    DASHBOARD_DIR: '',
    SEED_DEMO_MENTORS: '0',
    ...extra,
  });
}

/** The engine closes its embedder; the benchmark shares one model across several app instances. */
function shared(embedder: EmbeddingProvider): EmbeddingProvider {
  return { id: embedder.id, dimensions: embedder.dimensions, embed: (texts) => embedder.embed(texts) };
}

export async function started(
  embedder: EmbeddingProvider,
  config: ReturnType<typeof appConfig>,
): Promise<FastifyInstance> {
  const app = await buildApp({ config, embedder: shared(embedder) });
  await app.ready();
  await app.engine().search.whenReady();
  return app;
}

/** Writes mentors and their cached embeddings (as the engine makes them) straight to the repositories, bypassing the model. */
export async function bulkInsert(
  app: FastifyInstance,
  mentors: readonly MentorInput[],
  embeddings: readonly StoredEmbedding[],
  modelId: string,
): Promise<void> {
  const chunk = 500;
  for (let i = 0; i < mentors.length; i += chunk) {
    const inputs = mentors.slice(i, i + chunk);
    const embeddingOf = new Map(inputs.map((m, j) => [m.externalId, embeddings[i + j]!]));
    await app.engine().repositories.transaction(async (trx) => {
      const results = await trx.mentors.upsertMany(inputs);
      await trx.embeddings.upsertMany(
        modelId,
        results.map((r) => ({ ...embeddingOf.get(r.externalId)!, mentorId: r.rowId })),
      );
    });
  }
}

/**
 * Starts the app on `dataDir` in a fresh process that reports its start-up and then listens, so HTTP
 * latency is measured on a server whose heap holds only what a real one does.
 */
async function startServer(
  dataDir: string,
): Promise<{ startup: StartupProbe; address: string; stop: () => Promise<void> }> {
  const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
  const child = spawn(tsx, [path.join(here, 'startup-probe.ts'), dataDir, '--listen'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  const lines: Record<string, unknown>[] = [];
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
        const line = out.slice(0, nl).trim();
        out = out.slice(nl + 1);
        if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
        if (lines.length === 2) resolve();
      }
    });
    void closed.then((code) =>
      reject(new Error(`server process exited (${code}) before listening: ${JSON.stringify(lines)} ${out}`)),
    );
  });
  return {
    startup: lines[0] as unknown as StartupProbe,
    address: String(lines[1]!.address),
    stop: async () => {
      child.kill('SIGTERM');
      await closed;
    },
  };
}

const matchBody = (text: string) => JSON.stringify({ text, k: 10 });

export async function runAppBench(embedder: EmbeddingProvider, opts: AppBenchOptions): Promise<AppBenchResult> {
  const { mentors, embeddings, questions, log } = opts;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mm-bench-app-'));
  try {
    // EXACT_SCAN_BELOW=0 puts even the first mentors into HNSW, so the sample pays the graph insert cost.
    let app = await started(embedder, appConfig(dataDir, { EXACT_SCAN_BELOW: '0' }));
    const sample = mentors.slice(0, Math.min(opts.indexSample, mentors.length));
    const sampleTexts = sample.map((m) => mentorEmbeddingTexts(m).texts);
    const texts = sampleTexts.reduce((n, t) => n + t.length, 0);
    // The batch threads start with the first batch (a second or two); that is start-up, not throughput.
    await embedder.embed(sampleTexts.slice(0, 4).flat());
    log(`indexing ${sample.length} mentors (${texts} texts) through the import`);
    const rows = sample.map(({ externalId, ...rest }) => ({ id: externalId, ...rest }));
    let start = performance.now();
    const imported = await app
      .engine()
      .imports.readRows(rows, 'json')
      .then((read) => app.engine().imports.importRows(read));
    const indexMs = performance.now() - start;
    if (imported.created !== sample.length)
      throw new Error(
        `the import created ${imported.created} of ${sample.length} mentors: ${JSON.stringify(imported.errors.slice(0, 3))}`,
      );
    log(`  ${round((sample.length / indexMs) * 1000)} mentors/s`);

    start = performance.now();
    await bulkInsert(app, mentors.slice(sample.length), embeddings.slice(sample.length), embedder.id);
    const bulkLoadMs = performance.now() - start;
    log(`bulk-loaded ${mentors.length - sample.length} more mentors in ${round(bulkLoadMs / 1000)} s`);
    await app.close();

    start = performance.now();
    app = await started(embedder, appConfig(dataDir));
    const rebuildStartupMs = performance.now() - start;
    log(
      `app started with index rebuild in ${round(rebuildStartupMs / 1000)} s (${JSON.stringify(app.engine().search.status())})`,
    );

    const first = await app.inject({
      method: 'POST',
      url: '/api/match',
      headers: { 'content-type': 'application/json' },
      payload: matchBody(questions[0]!),
    });
    if (first.statusCode !== 200) throw new Error(`/api/match answered ${first.statusCode}: ${first.body}`);
    const injected = questions.slice(0, Math.min(questions.length, 200));
    for (const q of injected.slice(0, 100))
      await app.inject({
        method: 'POST',
        url: '/api/match',
        headers: { 'content-type': 'application/json' },
        payload: matchBody(q),
      });
    const inProcess = summarise(
      await timeEach(injected, (q) =>
        app.inject({
          method: 'POST',
          url: '/api/match',
          headers: { 'content-type': 'application/json' },
          payload: matchBody(q),
        }),
      ),
    );
    log(`in-process /match p50 ${inProcess.p50Ms} ms, p99 ${inProcess.p99Ms} ms`);

    await app.close();

    log('start-up with the saved index (fresh server process), then /match over HTTP against it');
    const server = await startServer(dataDir);
    const { startup } = server;
    log(`  ${round(startup.startupMs)} ms (${startup.loadedFrom}, ${startup.indexSize} vectors)`);
    const requests = questions.map((q) => ({
      method: 'POST',
      path: '/api/match',
      headers: { 'content-type': 'application/json' },
      body: matchBody(q),
    }));
    const http: HttpPoint[] = [];
    try {
      const first = await fetch(`${server.address}/api/match`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: matchBody(questions[0]!),
      });
      if (first.status !== 200) throw new Error(`/api/match answered ${first.status}: ${await first.text()}`);
      // A fresh process compiles the hot path during its first few hundred requests (at 100k: p99 37 ms in the
      // first 10 s, 21-22 ms in the next two); the targets are about a warm server, so warm it unmeasured.
      const warmS = Math.min(opts.durationS, 10);
      await autocannon({ url: server.address, connections: 1, pipelining: 1, duration: warmS, workers: 1, requests });
      log(`warmed the server with ${warmS} s of c=1 requests`);
      for (const connections of opts.connections) {
        // One worker thread keeps the load generator off this process's event loop.
        const r = await autocannon({
          url: server.address,
          connections,
          pipelining: 1,
          duration: opts.durationS,
          workers: 1,
          requests,
        });
        const point = {
          connections,
          p50Ms: r.latency.p50,
          p99Ms: r.latency.p99,
          meanMs: round(r.latency.mean, 2),
          reqPerS: round(r.requests.average, 1),
          requests: r.requests.total,
          errors: r.errors,
          non2xx: r.non2xx,
        };
        log(
          `http c=${connections}: p50 ${point.p50Ms} ms, p99 ${point.p99Ms} ms, ${point.reqPerS} req/s (${point.non2xx} non-2xx, ${point.errors} errors)`,
        );
        http.push(point);
      }
    } finally {
      await server.stop();
    }
    return {
      mentors: mentors.length,
      indexing: {
        mentors: sample.length,
        texts,
        ms: round(indexMs),
        mentorsPerS: round((sample.length / indexMs) * 1000, 1),
      },
      bulkLoadMs: round(bulkLoadMs),
      rebuildStartupMs: round(rebuildStartupMs),
      inProcess,
      http,
      startup,
    };
  } finally {
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}
