/**
 * Embedding throughput and query latency: the USE Lite ONNX port through transformers.js versus
 * the reference runtime (@energetic-ai/embeddings on tfjs WASM, in a child process), same run.
 *
 *   npx tsx scripts/bench-embedding.ts [--seconds 3]
 *
 * Writes bench/embedding.json and bench/embedding.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmbeddingProvider } from '../engine/src/embedding/create-embedding-provider.js';
import { buildUseLite, defaultModelsDir } from './build-model/build-use-lite.js';
import { runReference } from './build-model/reference-encoder.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const secondsArg = process.argv.indexOf('--seconds');
const minSeconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 3;
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

async function measure(run: (batch: string[]) => Promise<unknown>): Promise<{ throughput: Record<string, number>; queryLatencyMs: number }> {
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

await buildUseLite();
const loadAverageBefore = os.loadavg()[0]!;
const provider = await createEmbeddingProvider({ modelsDir: defaultModelsDir, model: 'use-lite', embeddingBatchSize: 32 });
const onnx = await measure((batch) => provider.embed(batch));
await provider.close?.();
// Sequential, not concurrent: both runtimes would otherwise compete for the same cores.
const reference = await runReference({ mode: 'bench', texts, batchSizes, minSeconds, query });

const report = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', loadAverageBefore, node: process.version },
  workload: { wordsPerText: 60, queryWords: query.split(' ').length, minSecondsPerBatchSize: minSeconds },
  provider: provider.id,
  onnxTransformersJs: onnx,
  reference,
  speedup: Object.fromEntries(batchSizes.map((b) => [b, onnx.throughput[b]! / reference.throughput[b]!])),
};

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const md = [
  '# Embedding benchmark',
  '',
  `USE Lite as ONNX through transformers.js (\`${provider.id}\`) versus the reference runtime`,
  '(`@energetic-ai/embeddings`, tfjs WASM, run in a child process after the ONNX run).',
  `${report.machine.cpus} × ${report.machine.cpuModel}, Node ${report.machine.node}, load average ${loadAverageBefore.toFixed(2)} at start, ${report.date}.`,
  `Texts of ${report.workload.wordsPerText} words; each batch size runs for at least ${minSeconds} s.`,
  '',
  '| batch | ONNX sentences/s | reference sentences/s | speed-up |',
  '| ---: | ---: | ---: | ---: |',
  ...batchSizes.map((b) => `| ${b} | ${fmt(onnx.throughput[b]!)} | ${fmt(reference.throughput[b]!)} | ${fmt(report.speedup[b]!)}× |`),
  '',
  `Median latency of one ${report.workload.queryWords}-word query: ONNX ${onnx.queryLatencyMs.toFixed(2)} ms, reference ${reference.queryLatencyMs.toFixed(2)} ms.`,
  '',
  'Regenerate with `npx tsx scripts/bench-embedding.ts`.',
  '',
].join('\n');

mkdirSync(path.join(root, 'bench'), { recursive: true });
writeFileSync(path.join(root, 'bench/embedding.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(path.join(root, 'bench/embedding.md'), md);
console.log(md);
