/**
 * Vector index benchmark: an M × efConstruction grid of HNSW builds, each swept over efSearch, against
 * the exact scan: build time, graph size, snapshot save/load, recall@10 (mean, p5, worst) and
 * recall@100 (the app's candidate pool), search p50/p99.
 *
 *   pnpm exec tsx scripts/bench/index-bench.ts [--source cache|clustered] [--n 100000] [--queries 1000]
 *     [--m 16,32] [--ef-construction 200,400] [--ef 50,100,...] [--out bench] [--report index]
 *     cache:     [--seed 42]  (the mentor vectors `pnpm bench` stores, from its cache; the model is the configured one)
 *     clustered: [--dim 512] [--clusters 50] [--noise 1] [--seed 1]
 *
 * Writes <out>/<report>.json and <out>/<report>.md, rewritten after every build so a long grid keeps what it has.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../engine/src/config.js';
import { createEmbeddingProvider } from '../../engine/src/embedding/create-embedding-provider.js';
import { ClusteredVectors } from '../../test/support/clustered-vectors.js';
import { ExactVectorIndex } from '../../engine/src/vector-index/exact-vector-index.js';
import { HnswVectorIndex, searchEf } from '../../engine/src/vector-index/hnsw-vector-index.js';
import { loadSnapshot, saveSnapshot } from '../../engine/src/vector-index/index-snapshot.js';
import type { VectorHit } from '../../engine/src/vector-index/vector-index.js';
import { loadBenchData } from './bench-data.js';
import { recallOf, round, summarise, summariseRecall, type LatencySummary, type RecallSummary } from './stats.js';

const { values: args } = parseArgs({
  options: {
    source: { type: 'string', default: 'cache' },
    n: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '1000' },
    dim: { type: 'string', default: '512' },
    clusters: { type: 'string', default: '50' },
    noise: { type: 'string', default: '1' },
    seed: { type: 'string' },
    m: { type: 'string', default: '16,32' },
    'ef-construction': { type: 'string', default: '200,400' },
    ef: { type: 'string', default: '50,100,200,300,400,600,800' },
    out: { type: 'string', default: 'bench' },
    report: { type: 'string', default: 'index' },
  },
});
const list = (value: string) => value.split(',').map(Number);
const n = Number(args.n);
const queryCount = Number(args.queries);
const ms = list(args.m!);
const efConstructions = list(args['ef-construction']!);
const efSweep = list(args.ef!);
const K = 10;
/** MatchService asks the vector index for max(100, 10·k) candidates. */
const POOL = 100;
const TARGET = { mean: 0.99, p5: 0.9 };

const log = (message: string) => process.stderr.write(`${message}\n`);
const load = () => os.loadavg().map((x) => round(x, 2));

let data: Float32Array[];
let queries: Float32Array[];
let dataDescription: string;
let dim: number;
if (args.source === 'cache') {
  const seed = Number(args.seed ?? 42);
  const embedder = await createEmbeddingProvider(loadConfig(process.env));
  // The engine's mentor vectors (centroids of each mentor's profile and passage vectors), as `pnpm bench` uses them.
  const bench = await loadBenchData(embedder, { mentors: n, questions: queryCount, seed }, log);
  await embedder.close?.();
  dim = embedder.dimensions;
  data = bench.mentorVectors;
  queries = bench.questionVectors;
  dataDescription = `${n.toLocaleString('en')} \`${embedder.id}\` mentor vectors (${dim}d; each the centroid of a seeded demo mentor's profile and passage vectors, seed ${seed}; templated bios, so many near-duplicates); ${queryCount} held-out demo question vectors`;
} else {
  const seed = Number(args.seed ?? 1);
  dim = Number(args.dim);
  const gen = new ClusteredVectors({
    dimensions: dim,
    clusters: Number(args.clusters),
    noise: Number(args.noise),
    seed,
  });
  data = gen.sample(n);
  queries = gen.sample(queryCount);
  dataDescription = `${n.toLocaleString('en')} clustered unit vectors, ${dim}d (${args.clusters} centroids, noise ${args.noise}, seed ${seed}); ${queryCount} held-out queries from the same distribution`;
}
log(`${dataDescription}; load ${load().join(' ')}`);

function timed<T>(run: () => T): [T, number] {
  const start = performance.now();
  const value = run();
  return [value, performance.now() - start];
}

const [exact, exactBuildMs] = timed(() => {
  const index = new ExactVectorIndex(dim, n);
  data.forEach((v, i) => {
    index.upsert(i + 1, v);
  });
  return index;
});
log(`exact ground truth (top ${POOL}) for ${queryCount} queries`);
const exactTimes: number[] = [];
const truth: VectorHit[][] = queries.map((q) => {
  const [hits, t] = timed(() => exact.search(q, POOL));
  exactTimes.push(t);
  return hits;
});
const exactSearch = summarise(exactTimes);
log(`exact search p50 ${exactSearch.p50Ms} ms`);

interface SweepPoint extends LatencySummary {
  ef: number;
  /** The ef the index searched with for k = 10: searchEf(ef, n, k), which grows beyond 100k vectors. */
  searchedEf: number;
  recallAt10: RecallSummary;
  recallAt100: RecallSummary;
}

interface GridRun {
  m: number;
  efConstruction: number;
  buildMs: number;
  insertsPerSecond: number;
  graphBytes: number;
  snapshotSaveMs: number;
  snapshotLoadMs: number;
  loadAverage: { build: number[]; sweep: number[] };
  sweep: SweepPoint[];
  /** Smallest swept ef whose recall@10 meets TARGET; null if none does. */
  smallestEf: number | null;
}

function sweepPoint(index: HnswVectorIndex, ef: number): SweepPoint {
  index.setEfSearch(ef);
  for (const q of queries.slice(0, 20)) index.search(q, K);
  const times: number[] = [];
  const at10 = queries.map((q, i) => {
    const [hits, t] = timed(() => index.search(q, K));
    times.push(t);
    return recallOf(hits, truth[i]!.slice(0, K));
  });
  const at100 = queries.map((q, i) => recallOf(index.search(q, POOL), truth[i]!));
  return {
    ef,
    searchedEf: searchEf(ef, n, K),
    ...summarise(times),
    recallAt10: summariseRecall(at10),
    recallAt100: summariseRecall(at100),
  };
}

/**
 * Re-times every (build, ef) pair with the pairs taken in turn for each query, so that load from other
 * work on the machine falls on all of them alike and the latencies compare side by side.
 */
function interleavedLatency(built: Map<GridRun, HnswVectorIndex>): void {
  const times = new Map<SweepPoint, number[]>();
  for (const q of queries) {
    for (const [run, index] of built) {
      for (const point of run.sweep) {
        index.setEfSearch(point.ef);
        const [, t] = timed(() => index.search(q, K));
        let samples = times.get(point);
        if (!samples) {
          samples = [];
          times.set(point, samples);
        }
        samples.push(t);
      }
    }
  }
  for (const [point, samples] of times) Object.assign(point, summarise(samples));
}

async function runConfig(m: number, efConstruction: number): Promise<[GridRun, HnswVectorIndex]> {
  log(`hnsw m ${m} efConstruction ${efConstruction}: building (load ${load().join(' ')})`);
  const [index, buildMs] = timed(() => {
    // Default initial capacity on purpose: the build includes the doubling resizes a live index goes through.
    const built = HnswVectorIndex.create(dim, { m, efConstruction, efSearch: efSweep[0]! });
    data.forEach((v, i) => {
      built.upsert(i + 1, v);
      if ((i + 1) % 20_000 === 0) log(`  ${i + 1}/${n}`);
    });
    return built;
  });
  const buildLoad = load();
  log(`  built in ${round(buildMs / 1000)} s (load ${buildLoad.join(' ')})`);
  const sweep = efSweep.map((ef) => {
    const point = sweepPoint(index, ef);
    log(
      `  ef ${ef}: recall@10 ${point.recallAt10.mean} p5 ${point.recallAt10.p5}, recall@100 ${point.recallAt100.mean}, p50 ${point.p50Ms} ms p99 ${point.p99Ms} ms`,
    );
    return point;
  });
  const sweepLoad = load();
  const snapshotDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mm-bench-index-'));
  try {
    let start = performance.now();
    const meta = await saveSnapshot(snapshotDir, index, { modelId: 'bench', checksum: 'bench' });
    const saveMs = performance.now() - start;
    start = performance.now();
    const loaded = await loadSnapshot(snapshotDir, { modelId: 'bench', dimensions: dim, count: n, checksum: 'bench' });
    const loadMs = performance.now() - start;
    if (!loaded.ok) throw new Error(`snapshot did not load: ${loaded.reason}`);
    const run: GridRun = {
      m,
      efConstruction,
      buildMs: round(buildMs),
      insertsPerSecond: Math.round(n / (buildMs / 1000)),
      graphBytes: meta.files.data.bytes,
      snapshotSaveMs: round(saveMs),
      snapshotLoadMs: round(loadMs),
      loadAverage: { build: buildLoad, sweep: sweepLoad },
      sweep,
      smallestEf: sweep.find((s) => s.recallAt10.mean >= TARGET.mean && s.recallAt10.p5 >= TARGET.p5)?.ef ?? null,
    };
    return [run, index];
  } finally {
    await fs.rm(snapshotDir, { recursive: true, force: true });
  }
}

function render(runs: GridRun[], done: boolean) {
  const report = {
    createdAt: new Date().toISOString(),
    complete: done,
    machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version },
    data: { source: args.source, description: dataDescription, n, dimensions: dim, queries: queryCount },
    k: K,
    pool: POOL,
    target: TARGET,
    exact: { buildMs: round(exactBuildMs), ...exactSearch },
    grid: runs,
  };
  const mib = (bytes: number) => round(bytes / 2 ** 20);
  const md = [
    `# Vector index benchmark`,
    ``,
    `${dataDescription}; k = ${K}. ${report.machine.cpu}, ${report.machine.cores} cores, Node ${report.machine.node}; ${report.createdAt.slice(0, 10)}.`,
    ``,
    `Generated by \`pnpm exec tsx scripts/bench/index-bench.ts --source ${args.source} --n ${n} --queries ${queryCount} --m ${ms.join(',')} --ef-construction ${efConstructions.join(',')} --ef ${efSweep.join(',')} --report ${args.report}\`.`,
    `Single-threaded builds and searches; wall clock on a shared 2-core machine, so the load average (1/5/15 min) is given with each build.` +
      (done
        ? ' Search latencies come from a final pass that runs every (build, ef) pair in turn for each query, so they compare side by side.'
        : " **Incomplete: the run was still going when this was written; latencies are from each build's own pass.**"),
    ``,
    `Exact scan: p50 ${exactSearch.p50Ms} ms, p99 ${exactSearch.p99Ms} ms per query (top ${POOL}). Recall is against it, by label; recall@${POOL} is at ef = max(ef, ${POOL}), the app's candidate pool.` +
      (n > 100_000
        ? ` ef is the configured efSearch; at ${n.toLocaleString('en')} vectors the index searches with searchEf(ef, n, k), the "searched with" column.`
        : ''),
    ``,
    `## Builds`,
    ``,
    `| m | efConstruction | build s | inserts/s | graph MiB | snapshot save / load ms | load avg (build) | smallest ef with recall@${K} ≥ ${TARGET.mean}, p5 ≥ ${TARGET.p5} |`,
    `| ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |`,
    ...runs.map(
      (r) =>
        `| ${r.m} | ${r.efConstruction} | ${round(r.buildMs / 1000)} | ${r.insertsPerSecond.toLocaleString('en')} | ${mib(r.graphBytes)} | ${r.snapshotSaveMs} / ${r.snapshotLoadMs} | ${r.loadAverage.build.join(' ')} | ${r.smallestEf ?? '–'} |`,
    ),
    ``,
    `## Search`,
    ``,
    `| m | efC | ef | searched with | recall@${K} mean | p5 | worst | recall@${POOL} mean | p5 | p50 ms | p99 ms |`,
    `| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
    ...runs.flatMap((r) =>
      r.sweep.map(
        (s) =>
          `| ${r.m} | ${r.efConstruction} | ${s.ef} | ${s.searchedEf} | ${s.recallAt10.mean.toFixed(4)} | ${s.recallAt10.p5} | ${s.recallAt10.min} | ${s.recallAt100.mean.toFixed(4)} | ${s.recallAt100.p5} | ${s.p50Ms} | ${s.p99Ms} |`,
      ),
    ),
    ``,
  ];
  return { report, md: md.join('\n') };
}

async function write(runs: GridRun[], done: boolean): Promise<string> {
  const { report, md } = render(runs, done);
  await fs.mkdir(args.out!, { recursive: true });
  await fs.writeFile(path.join(args.out!, `${args.report}.json`), `${JSON.stringify(report, null, 2)}\n`);
  await fs.writeFile(path.join(args.out!, `${args.report}.md`), md);
  return md;
}

const built = new Map<GridRun, HnswVectorIndex>();
for (const m of ms) {
  for (const efConstruction of efConstructions) {
    const [run, index] = await runConfig(m, efConstruction);
    built.set(run, index);
    await write([...built.keys()], false);
  }
}
log(`interleaved latency pass over ${built.size} builds (load ${load().join(' ')})`);
interleavedLatency(built);
log(`  done (load ${load().join(' ')})`);
process.stdout.write(await write([...built.keys()], true));
