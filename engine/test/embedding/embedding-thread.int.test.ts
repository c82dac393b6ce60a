import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dot } from '../../src/shared/vector-math.js';
import { EmbeddingThread } from '../../src/embedding/embedding-thread.js';
import { TransformersEmbeddingProvider } from '../../src/embedding/transformers-embedding-provider.js';
import type { ExtractorOptions } from '../../src/embedding/transformers-extractor.js';

// The real USE Lite model that `pnpm install` builds.
const modelsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../models');
const options: ExtractorOptions = {
  modelsDir,
  model: 'use-lite',
  pooling: 'mean',
  dtype: 'q8',
  unigramTieBreak: 'shorter-last-piece',
};
const questions = [
  'My manager keeps giving me vague feedback and I want to move into product management',
  'How do I prepare for a system design interview?',
  'Negotiating a raise after five years as a data engineer',
  'Leading a remote team across time zones',
  'Switching from academia to industry research',
];

describe('EmbeddingThread (real model on a worker thread)', () => {
  let onCaller: TransformersEmbeddingProvider;
  let thread: EmbeddingThread;
  beforeAll(async () => {
    onCaller = await TransformersEmbeddingProvider.load({ ...options, id: 'use-lite-test', batchSize: 8 });
    thread = await EmbeddingThread.start(options, 1);
  }, 60_000);
  afterAll(async () => {
    await thread.close();
    await onCaller.close();
  });

  it('gives each of several concurrent questions its own vector, the one the calling thread computes', async () => {
    const expected = await onCaller.embed(questions);
    const got = await Promise.all(questions.map(async (q) => (await thread.embed([q]))[0]!));
    got.forEach((v, i) => {
      expect(v).toHaveLength(expected[i]!.length);
      expect(dot(v, v)).toBeCloseTo(1, 5);
      // Same graph and weights, another thread count: equal up to float rounding, and far from the others.
      expect(dot(v, expected[i]!)).toBeGreaterThan(0.9999);
      for (let j = 0; j < questions.length; j++) if (j !== i) expect(dot(v, expected[j]!)).toBeLessThan(0.99);
    });
  });

  it('refuses work once closed, so the provider falls back to its own session', async () => {
    const closing = await EmbeddingThread.start(options, 1);
    expect(closing.alive).toBe(true);
    await closing.close();
    expect(closing.alive).toBe(false);
    await expect(closing.embed([questions[0]!])).rejects.toThrow(/closed/);
  }, 60_000);

  it('fails to start with the reason when the model folder does not load', async () => {
    await expect(EmbeddingThread.start({ ...options, model: 'no-such-model' }, 1)).rejects.toThrow(
      /no-such-model|not find|ENOENT/i,
    );
  }, 60_000);
});

describe('TransformersEmbeddingProvider with a query thread', () => {
  it('embeds a single question on the thread and batches on its own session, with the same vectors', async () => {
    const withThread = await TransformersEmbeddingProvider.load({
      ...options,
      id: 'use-lite-test',
      batchSize: 8,
      queryThreads: 1,
    });
    try {
      const [single] = await withThread.embed([questions[0]!]);
      const [batched] = await withThread.embed([questions[0]!, questions[1]!]);
      expect(dot(single!, batched!)).toBeGreaterThan(0.9999);
    } finally {
      await withThread.close();
    }
  }, 60_000);
});

describe('TransformersEmbeddingProvider with batch worker threads', () => {
  it('spreads a batch over its threads and returns the vectors the calling thread computes, in input order', async () => {
    const onCaller = await TransformersEmbeddingProvider.load({ ...options, id: 'use-lite-test', batchSize: 4 });
    const withWorkers = await TransformersEmbeddingProvider.load({
      ...options,
      id: 'use-lite-test',
      batchSize: 4,
      workers: 2,
    });
    try {
      // Lengths from 1 to about 60 words in shuffled order: several runs of up to 4, sorted by length on the way in.
      const texts = Array.from({ length: 22 }, (_, i) =>
        `${questions[i % questions.length]} ${'and then some more context '.repeat((i * 7) % 12)}`.trim(),
      );
      const runs = vi.spyOn(EmbeddingThread.prototype, 'embed');
      const [expected, got, again] = await Promise.all([
        onCaller.embed(texts),
        withWorkers.embed(texts),
        withWorkers.embed(texts.slice(3, 9)),
      ]);
      // 22 + 6 texts in runs of at most 4, on both threads.
      expect(runs.mock.calls.length).toBeGreaterThanOrEqual(8);
      expect(new Set(runs.mock.contexts).size).toBe(2);
      expect(runs.mock.calls.every(([run]) => run.length <= 4)).toBe(true);
      runs.mockRestore();
      expect(got).toHaveLength(texts.length);
      got.forEach((v, i) => {
        expect(dot(v, expected[i]!)).toBeGreaterThan(0.9999);
        // Distinct texts, so a vector in the wrong slot would show.
        if (i > 0 && texts[i] !== texts[i - 1]) expect(dot(v, expected[i - 1]!)).toBeLessThan(0.9999);
      });
      again.forEach((v, i) => {
        expect(dot(v, expected[i + 3]!)).toBeGreaterThan(0.9999);
      });
      expect(await withWorkers.embed([])).toEqual([]);
    } finally {
      await Promise.all([onCaller.close(), withWorkers.close()]);
    }
  }, 60_000);
});

describe('TransformersEmbeddingProvider when a batch thread fails a run', () => {
  it('embeds that run on the calling thread, so the batch still comes back whole and in order', async () => {
    const withWorkers = await TransformersEmbeddingProvider.load({
      ...options,
      id: 'use-lite-test',
      batchSize: 2,
      workers: 2,
    });
    try {
      const expected = await Promise.all(questions.map(async (q) => (await withWorkers.embed([q, q]))[0]!));
      const runs = vi
        .spyOn(EmbeddingThread.prototype, 'embed')
        .mockRejectedValueOnce(new Error('the embedding thread exited with code 1'));
      const got = await withWorkers.embed(questions);
      expect(runs.mock.calls.length).toBe(3);
      await expect(runs.mock.results[0]!.value).rejects.toThrow(/exited/);
      runs.mockRestore();
      got.forEach((v, i) => {
        expect(dot(v, expected[i]!)).toBeGreaterThan(0.9999);
      });
    } finally {
      await withWorkers.close();
    }
  }, 60_000);
});

describe('TransformersEmbeddingProvider batch threads when idle', () => {
  it('stops them after the idle time and starts new ones for the next batch, with the same vectors', async () => {
    const provider = await TransformersEmbeddingProvider.load({
      ...options,
      id: 'use-lite-test',
      batchSize: 2,
      workers: 2,
      workerIdleMs: 300,
    });
    const starts = vi.spyOn(EmbeddingThread, 'start');
    const closes = vi.spyOn(EmbeddingThread.prototype, 'close');
    try {
      const first = await provider.embed(questions);
      const again = await provider.embed(questions);
      // Back to back: the same two threads.
      expect(starts).toHaveBeenCalledTimes(2);
      expect(closes).not.toHaveBeenCalled();
      await vi.waitFor(() => expect(closes).toHaveBeenCalledTimes(2), { timeout: 5000, interval: 50 });
      const later = await provider.embed(questions);
      expect(starts).toHaveBeenCalledTimes(4);
      questions.forEach((_, i) => {
        expect(dot(again[i]!, first[i]!)).toBeGreaterThan(0.9999);
        expect(dot(later[i]!, first[i]!)).toBeGreaterThan(0.9999);
      });
    } finally {
      await provider.close();
      starts.mockRestore();
      closes.mockRestore();
    }
  }, 60_000);
});

describe('a script that only awaits a question', () => {
  it('stays alive until the thread answers, then exits on its own', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mm-query-thread-'));
    try {
      const script = path.join(dir, 'embed-one.mts');
      const provider = pathToFileURL(
        path.resolve(
          path.dirname(fileURLToPath(import.meta.url)),
          '../../src/embedding/transformers-embedding-provider.ts',
        ),
      ).href;
      writeFileSync(
        script,
        `import { TransformersEmbeddingProvider } from ${JSON.stringify(provider)};
const p = await TransformersEmbeddingProvider.load({ ...${JSON.stringify(options)}, id: 't', batchSize: 8, queryThreads: 1 });
const [v] = await p.embed(['How do I ask for a promotion?']);
console.log('dimensions', v.length);`,
      );
      // No close(): an idle thread must not hold the process, a busy one must.
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
        cwd: path.resolve(modelsDir, '..'),
      });
      expect(stdout.trim()).toBe('dimensions 512');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
