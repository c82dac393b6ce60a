import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dot } from '../../src/shared/vector-math.js';
import { QueryEmbeddingThread } from '../../src/embedding/query-embedding-thread.js';
import { TransformersEmbeddingProvider } from '../../src/embedding/transformers-embedding-provider.js';
import type { ExtractorOptions } from '../../src/embedding/transformers-extractor.js';

// The real USE Lite model that `pnpm install` builds.
const modelsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../models');
const options: ExtractorOptions = { modelsDir, model: 'use-lite', pooling: 'mean', dtype: 'q8', unigramTieBreak: 'shorter-last-piece' };
const questions = [
  'My manager keeps giving me vague feedback and I want to move into product management',
  'How do I prepare for a system design interview?',
  'Negotiating a raise after five years as a data engineer',
  'Leading a remote team across time zones',
  'Switching from academia to industry research',
];

describe('QueryEmbeddingThread (real model on a worker thread)', () => {
  let onCaller: TransformersEmbeddingProvider;
  let thread: QueryEmbeddingThread;
  beforeAll(async () => {
    onCaller = await TransformersEmbeddingProvider.load({ ...options, id: 'use-lite-test', batchSize: 8 });
    thread = await QueryEmbeddingThread.start(options, 1);
  }, 60_000);
  afterAll(async () => {
    await thread.close();
    await onCaller.close();
  });

  it('gives each of several concurrent questions its own vector, the one the calling thread computes', async () => {
    const expected = await onCaller.embed(questions);
    const got = await Promise.all(questions.map((q) => thread.embed(q)));
    got.forEach((v, i) => {
      expect(v).toHaveLength(expected[i]!.length);
      expect(dot(v, v)).toBeCloseTo(1, 5);
      // Same graph and weights, another thread count: equal up to float rounding, and far from the others.
      expect(dot(v, expected[i]!)).toBeGreaterThan(0.9999);
      for (let j = 0; j < questions.length; j++) if (j !== i) expect(dot(v, expected[j]!)).toBeLessThan(0.99);
    });
  });

  it('refuses work once closed, so the provider falls back to its own session', async () => {
    const closing = await QueryEmbeddingThread.start(options, 1);
    expect(closing.alive).toBe(true);
    await closing.close();
    expect(closing.alive).toBe(false);
    await expect(closing.embed(questions[0]!)).rejects.toThrow(/closed/);
  }, 60_000);

  it('fails to start with the reason when the model folder does not load', async () => {
    await expect(QueryEmbeddingThread.start({ ...options, model: 'no-such-model' }, 1)).rejects.toThrow(/no-such-model|not find|ENOENT/i);
  }, 60_000);
});

describe('TransformersEmbeddingProvider with a query thread', () => {
  it('embeds a single question on the thread and batches on its own session, with the same vectors', async () => {
    const withThread = await TransformersEmbeddingProvider.load({ ...options, id: 'use-lite-test', batchSize: 8, queryThreads: 1 });
    try {
      const [single] = await withThread.embed([questions[0]!]);
      const [batched] = await withThread.embed([questions[0]!, questions[1]!]);
      expect(dot(single!, batched!)).toBeGreaterThan(0.9999);
    } finally {
      await withThread.close();
    }
  }, 60_000);
});

describe('a script that only awaits a question', () => {
  it('stays alive until the thread answers, then exits on its own', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mm-query-thread-'));
    try {
      const script = path.join(dir, 'embed-one.mts');
      const provider = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/embedding/transformers-embedding-provider.ts')).href;
      writeFileSync(
        script,
        `import { TransformersEmbeddingProvider } from ${JSON.stringify(provider)};
const p = await TransformersEmbeddingProvider.load({ ...${JSON.stringify(options)}, id: 't', batchSize: 8, queryThreads: 1 });
const [v] = await p.embed(['How do I ask for a promotion?']);
console.log('dimensions', v.length);`,
      );
      // No close(): an idle thread must not hold the process, a busy one must.
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { cwd: path.resolve(modelsDir, '..') });
      expect(stdout.trim()).toBe('dimensions 512');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
