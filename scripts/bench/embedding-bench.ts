/**
 * Embedding throughput and query latency: the USE Lite ONNX port through transformers.js (the
 * default int8 model and the fp32 one) versus the reference runtime (@energetic-ai/embeddings on
 * tfjs WASM, in a child process), same run, with the achieved GFLOP/s of the fp32 model.
 *
 *   npx tsx scripts/bench/embedding-bench.ts [--seconds 3] [--repeat 1]
 *
 * With --repeat N the three runtimes take turns N times and each keeps its best throughput and
 * lowest query latency, which evens out other load on a shared machine.
 *
 * Writes bench/embedding.json and bench/embedding.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmbeddingProvider } from '../../engine/src/embedding/create-embedding-provider.js';
import { TransformersEmbeddingProvider } from '../../engine/src/embedding/transformers-embedding-provider.js';
import { buildUseLite, defaultModelsDir } from '../model/build-use-lite.js';
import { runReference } from '../model/reference-encoder.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const secondsArg = process.argv.indexOf('--seconds');
const minSeconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 3;
const repeatArg = process.argv.indexOf('--repeat');
const repeats = repeatArg > 0 ? Number(process.argv[repeatArg + 1]) : 1;
const batchSizes = [1, 8, 32];

const vocabulary = (
  'mentor mentee career growth engineering manager feedback design system product data science ' +
  'machine learning cloud security interview leadership communication team remote startup python ' +
  'typescript kubernetes strategy negotiation promotion public speaking writing research analytics'
).split(' ');

function words(count: number, seed: number): string {
  let s = seed;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(vocabulary[s % vocabulary.length]!);
  }
  return `${out.join(' ')}.`;
}

const texts = Array.from({ length: 64 }, (_, i) => words(60, i + 1));
const query = 'Looking for a mentor who knows distributed systems design and can help me grow quickly';

async function measure(
  run: (batch: string[]) => Promise<unknown>,
): Promise<{ throughput: Record<string, number>; queryLatencyMs: number }> {
  const throughput: Record<string, number> = {};
  for (const batchSize of batchSizes) {
    await run(texts.slice(0, batchSize));
    let done = 0;
    const started = performance.now();
    while (performance.now() - started < minSeconds * 1000) {
      const from = done % texts.length;
      await run(texts.slice(from, from + batchSize));
      done += batchSize;
    }
    throughput[batchSize] = done / ((performance.now() - started) / 1000);
  }
  for (let i = 0; i < 10; i++) await run([query]);
  const latencies: number[] = [];
  for (let i = 0; i < 100; i++) {
    const started = performance.now();
    await run([query]);
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  return { throughput, queryLatencyMs: latencies[Math.floor(latencies.length / 2)]! };
}

/**
 * FLOPs (2 per multiply-add) of the executed graph for one text of n tokens: per token the
 * layer-0 projections (qkv 256x768, output 256x512, residual 256x512, FFN 512x1536x2) and layer-1
 * ones (qkv 512x1536, output 512x512, FFN in 512x1536); per text the last FFN projection (run on
 * the pooled vector) and the tanh layer; attention scores and weighted sums (n x n x width per layer).
 */
function flopsPerText(n: number): number {
  const perToken = 256 * 768 + 2 * 256 * 512 + 2 * 512 * 1536 + 512 * 1536 + 512 * 512 + 512 * 1536;
  const perText = 1536 * 512 + 512 * 512;
  const attention = 2 * n * n * (256 + 512);
  return 2 * (n * perToken + perText + attention);
}

const { manifest } = await buildUseLite();
const loadAverageBefore = os.loadavg()[0]!;
const provider = await createEmbeddingProvider({
  modelsDir: defaultModelsDir,
  model: 'use-lite',
  embeddingBatchSize: 32,
});
if (!(provider instanceof TransformersEmbeddingProvider)) throw new Error('expected the transformers.js provider');
const tokens = texts.map((t) => Math.min(manifest.maxTokens, provider.tokenize(t).length));
const meanTokens = tokens.reduce((a, b) => a + b, 0) / tokens.length;
const gflopPerText = tokens.reduce((a, n) => a + flopsPerText(n), 0) / tokens.length / 1e9;
const float = await TransformersEmbeddingProvider.load({
  modelsDir: defaultModelsDir,
  model: 'use-lite',
  id: 'use-lite-fp32',
  batchSize: 32,
  pooling: manifest.pooling,
  dtype: 'fp32',
  unigramTieBreak: manifest.unigramTieBreak,
});
type Measurement = { throughput: Record<string, number>; queryLatencyMs: number };
const best = (a: Measurement | undefined, b: Measurement): Measurement =>
  a
    ? {
        throughput: Object.fromEntries(batchSizes.map((n) => [n, Math.max(a.throughput[n]!, b.throughput[n]!)])),
        queryLatencyMs: Math.min(a.queryLatencyMs, b.queryLatencyMs),
      }
    : b;
let onnx: Measurement | undefined;
let onnxFloat: Measurement | undefined;
let reference: Measurement | undefined;
for (let r = 0; r < repeats; r++) {
  onnx = best(onnx, await measure((batch) => provider.embed(batch)));
  onnxFloat = best(onnxFloat, await measure((batch) => float.embed(batch)));
  // Sequential, not concurrent: both runtimes would otherwise compete for the same cores.
  reference = best(reference, await runReference({ mode: 'bench', texts, batchSizes, minSeconds, query }));
}
await provider.close();
await float.close();
if (!onnx || !onnxFloat || !reference) throw new Error('--repeat must be at least 1');
const loadAverageAfter = os.loadavg()[0]!;

const gflops = (m: { throughput: Record<string, number> }) =>
  Object.fromEntries(batchSizes.map((b) => [b, m.throughput[b]! * gflopPerText]));
const report = {
  date: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    loadAverageBefore,
    loadAverageAfter,
    node: process.version,
  },
  workload: {
    wordsPerText: 60,
    meanTokensPerText: meanTokens,
    gflopPerText,
    queryWords: query.split(' ').length,
    minSecondsPerBatchSize: minSeconds,
    repeats,
  },
  provider: provider.id,
  onnxTransformersJs: { dtype: manifest.dtype, ...onnx, gflops: gflops(onnx) },
  onnxFloat: { dtype: 'fp32', ...onnxFloat, gflops: gflops(onnxFloat) },
  reference,
  speedup: Object.fromEntries(batchSizes.map((b) => [b, onnx.throughput[b]! / reference.throughput[b]!])),
  speedupFloat: Object.fromEntries(batchSizes.map((b) => [b, onnxFloat.throughput[b]! / reference.throughput[b]!])),
};

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const md = [
  '# Embedding benchmark',
  '',
  `USE Lite as ONNX through transformers.js (\`${provider.id}\`: the default ${manifest.dtype} model, and the fp32 model)`,
  'versus the reference runtime (`@energetic-ai/embeddings`, tfjs WASM, run in a child process after the ONNX runs).',
  `${report.machine.cpus} × ${report.machine.cpuModel}, Node ${report.machine.node}, load average ${loadAverageBefore.toFixed(2)} at start and ${loadAverageAfter.toFixed(2)} at the end, ${report.date}.`,
  `Texts of ${report.workload.wordsPerText} words (${meanTokens.toFixed(1)} tokens, ${(gflopPerText * 1000).toFixed(0)} MFLOP each); each batch size runs for at least ${minSeconds} s${repeats > 1 ? `, best of ${repeats} alternating rounds per runtime` : ''}.`,
  '',
  `| batch | ${manifest.dtype} sentences/s | fp32 sentences/s | reference sentences/s | ${manifest.dtype} speed-up | fp32 speed-up | fp32 GFLOP/s |`,
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...batchSizes.map(
    (b) =>
      `| ${b} | ${fmt(onnx.throughput[b]!)} | ${fmt(onnxFloat.throughput[b]!)} | ${fmt(reference.throughput[b]!)} | ${fmt(report.speedup[b]!)}× | ${fmt(report.speedupFloat[b]!)}× | ${fmt(report.onnxFloat.gflops[b]!)} |`,
  ),
  '',
  `Median latency of one ${report.workload.queryWords}-word query: ${manifest.dtype} ${onnx.queryLatencyMs.toFixed(2)} ms, fp32 ${onnxFloat.queryLatencyMs.toFixed(2)} ms, reference ${reference.queryLatencyMs.toFixed(2)} ms.`,
  '',
  'Regenerate with `npx tsx scripts/bench/embedding-bench.ts`.',
  '',
].join('\n');

mkdirSync(path.join(root, 'bench'), { recursive: true });
writeFileSync(path.join(root, 'bench/embedding.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(path.join(root, 'bench/embedding.md'), md);
console.log(md);
