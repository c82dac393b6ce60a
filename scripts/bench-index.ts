/**
 * Vector index benchmark: build time, search latency and recall@10 of HNSW (ef sweep) against the
 * exact scan, plus snapshot save/load, on seeded clustered vectors.
 *
 *   pnpm exec tsx scripts/bench-index.ts [--n 100000] [--dim 512] [--queries 500] [--clusters 50]
 *     [--noise 1] [--m 16] [--ef-construction 200] [--seed 1] [--out bench]
 *
 * Writes <out>/index.json and <out>/index.md.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ClusteredVectors } from '../engine/src/vector-index/clustered-vectors.js';
import { ExactVectorIndex } from '../engine/src/vector-index/exact-vector-index.js';
import { HnswVectorIndex } from '../engine/src/vector-index/hnsw-vector-index.js';
import { loadSnapshot, saveSnapshot } from '../engine/src/vector-index/index-snapshot.js';
import { measureRecall } from '../engine/src/vector-index/recall.js';
import type { VectorHit, VectorIndex } from '../engine/src/vector-index/vector-index.js';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    dim: { type: 'string', default: '512' },
    queries: { type: 'string', default: '500' },
    clusters: { type: 'string', default: '50' },
    noise: { type: 'string', default: '1' },
    m: { type: 'string', default: '16' },
    'ef-construction': { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'bench' },
  },
});
const n = Number(args.n);
const dim = Number(args.dim);
const queryCount = Number(args.queries);
const m = Number(args.m);
const efConstruction = Number(args['ef-construction']);
const efSweep = [16, 32, 64, 100, 200, 400];
const k = 10;

interface LatencyStats {
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

function latency(index: VectorIndex, queries: readonly Float32Array[]): LatencyStats {
  for (const q of queries.slice(0, 20)) index.search(q, k);
  const times = queries.map((q) => {
    const start = performance.now();
    index.search(q, k);
    return performance.now() - start;
  });
  times.sort((a, b) => a - b);
  const at = (p: number) => round(times[Math.min(times.length - 1, Math.floor(p * times.length))]!, 3);
  return { p50Ms: at(0.5), p99Ms: at(0.99), meanMs: round(times.reduce((s, t) => s + t, 0) / times.length, 3) };
}

/** The exact answers are computed once and replayed for every ef setting. */
function memoised(index: VectorIndex): VectorIndex {
  const cache = new Map<Float32Array, VectorHit[]>();
  return {
    dimensions: index.dimensions,
    get size() {
      return index.size;
    },
    upsert: (label, vector) => index.upsert(label, vector),
    remove: (label) => index.remove(label),
    has: (label) => index.has(label),
    search(query, limit, filter) {
      if (filter || limit !== k) return index.search(query, limit, filter);
      let hits = cache.get(query);
      if (!hits) cache.set(query, (hits = index.search(query, limit)));
      return hits;
    },
  };
}

function timed<T>(run: () => T): [T, number] {
  const start = performance.now();
  const value = run();
  return [value, performance.now() - start];
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

const log = (message: string) => process.stderr.write(`${message}\n`);

const gen = new ClusteredVectors({ dimensions: dim, clusters: Number(args.clusters), noise: Number(args.noise), seed: Number(args.seed) });
log(`generating ${n} + ${queryCount} vectors (${dim}d)`);
const data = gen.sample(n);
const queries = gen.sample(queryCount);

const [exact, exactBuildMs] = timed(() => {
  const index = new ExactVectorIndex(dim);
  data.forEach((v, i) => index.upsert(i + 1, v));
  return index;
});
log(`exact built in ${round(exactBuildMs)} ms`);

const [hnsw, hnswBuildMs] = timed(() => {
  // Default initial capacity on purpose: the build includes the doubling resizes a live index goes through.
  const index = HnswVectorIndex.create(dim, { m, efConstruction, efSearch: 100 });
  data.forEach((v, i) => {
    index.upsert(i + 1, v);
    if ((i + 1) % 10_000 === 0) log(`  hnsw ${i + 1}/${n}`);
  });
  return index;
});
log(`hnsw built in ${round(hnswBuildMs / 1000)} s`);

const truth = memoised(exact);
// A scan costs the same for every query, so 100 of them time it well and keep the run short.
const exactLatency = latency(exact, queries.slice(0, 100));
log(`exact search p50 ${exactLatency.p50Ms} ms`);

const sweep = efSweep.map((ef) => {
  hnsw.setEfSearch(ef);
  const stats = latency(hnsw, queries);
  const recall = measureRecall(hnsw, truth, queries, k);
  log(`ef ${ef}: recall@10 ${recall.recall.toFixed(4)} p50 ${stats.p50Ms} ms p99 ${stats.p99Ms} ms`);
  return { ef, recallAt10: round(recall.recall, 4), minRecallAt10: round(recall.minRecall, 2), ...stats };
});

hnsw.setEfSearch(100);
const snapshotDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mm-bench-index-'));
const saveStart = performance.now();
const meta = await saveSnapshot(snapshotDir, hnsw, { modelId: 'bench', checksum: 'bench' });
const snapshotSaveMs = performance.now() - saveStart;
const loadStart = performance.now();
const loaded = await loadSnapshot(snapshotDir, { modelId: 'bench', dimensions: dim, count: n, checksum: 'bench' });
const snapshotLoadMs = performance.now() - loadStart;
if (!loaded.ok) throw new Error(`snapshot did not load: ${loaded.reason}`);
await fs.rm(snapshotDir, { recursive: true, force: true });
log(`snapshot saved in ${round(snapshotSaveMs)} ms, loaded in ${round(snapshotLoadMs)} ms`);

const target = 0.98;
const smallestEf = sweep.find((s) => s.recallAt10 >= target)?.ef ?? null;

const report = {
  createdAt: new Date().toISOString(),
  machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version },
  data: { n, dimensions: dim, queries: queryCount, clusters: Number(args.clusters), noise: Number(args.noise), seed: Number(args.seed) },
  k,
  exact: { buildMs: round(exactBuildMs), ...exactLatency },
  hnsw: {
    m,
    efConstruction,
    buildMs: round(hnswBuildMs),
    insertsPerSecond: Math.round(n / (hnswBuildMs / 1000)),
    sweep,
    smallestEfForRecall098: smallestEf,
    snapshot: {
      saveMs: round(snapshotSaveMs),
      loadMs: round(snapshotLoadMs),
      bytes: meta.files.data.bytes + meta.files.labels.bytes,
    },
  },
  rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
};

const md = [
  `# Vector index benchmark`,
  ``,
  `${n.toLocaleString('en')} clustered unit vectors, ${dim} dimensions (${report.data.clusters} centroids, noise ${report.data.noise}, seed ${report.data.seed}); ` +
    `${queryCount} held-out queries from the same distribution; k = ${k}. ${report.machine.cpu}, ${report.machine.cores} cores, Node ${report.machine.node}; ${report.createdAt.slice(0, 10)}.`,
  ``,
  `Generated by \`pnpm exec tsx scripts/bench-index.ts --n ${n}\`. Single-threaded; timings are wall clock on a shared machine.`,
  ``,
  `## Build`,
  ``,
  `| index | build | rate |`,
  `| --- | ---: | ---: |`,
  `| exact | ${round(exactBuildMs / 1000, 2)} s | ${Math.round(n / (exactBuildMs / 1000)).toLocaleString('en')} /s |`,
  `| hnsw (m ${m}, efConstruction ${efConstruction}) | ${round(hnswBuildMs / 1000, 1)} s | ${report.hnsw.insertsPerSecond.toLocaleString('en')} /s |`,
  ``,
  `## Search (top ${k})`,
  ``,
  `| index | ef | recall@${k} | worst query | p50 ms | p99 ms |`,
  `| --- | ---: | ---: | ---: | ---: | ---: |`,
  `| exact | – | 1.0000 | 1.00 | ${exactLatency.p50Ms} | ${exactLatency.p99Ms} |`,
  ...sweep.map((s) => `| hnsw | ${s.ef} | ${s.recallAt10.toFixed(4)} | ${s.minRecallAt10.toFixed(2)} | ${s.p50Ms} | ${s.p99Ms} |`),
  ``,
  smallestEf === null
    ? `No ef in the sweep reaches recall@${k} ≥ ${target} with m ${m}; raise m or efConstruction.`
    : `Smallest ef in the sweep with recall@${k} ≥ ${target}: **${smallestEf}**.`,
  ``,
  `## Snapshot (hnsw)`,
  ``,
  `Save ${round(snapshotSaveMs)} ms, load (with CRC check) ${round(snapshotLoadMs)} ms, ${round(report.hnsw.snapshot.bytes / 2 ** 20)} MiB on disk. Peak RSS ${report.rssMiB} MiB.`,
  ``,
];

await fs.mkdir(args.out!, { recursive: true });
await fs.writeFile(path.join(args.out!, 'index.json'), `${JSON.stringify(report, null, 2)}\n`);
await fs.writeFile(path.join(args.out!, 'index.md'), md.join('\n'));
process.stdout.write(md.join('\n'));
