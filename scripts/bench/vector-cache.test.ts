import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EmbeddingProvider } from '../../engine/src/embedding/embedding-provider.js';
import { cachedEmbeddings } from './vector-cache.js';

/** Embeds "t<i>" as [i, -i] and counts the texts it was asked for. */
function countingEmbedder(): EmbeddingProvider & { calls: number; texts: number } {
  const embedder = {
    id: 'test',
    dimensions: 2,
    calls: 0,
    texts: 0,
    async embed(texts: readonly string[]) {
      embedder.calls++;
      embedder.texts += texts.length;
      return texts.map((t) => new Float32Array([Number(t.slice(1)), -Number(t.slice(1))]));
    },
  };
  return embedder;
}

const texts = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `t${from + i}`);
const firsts = (vectors: readonly Float32Array[]) => vectors.map((v) => v[0]);

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mm-vector-cache-'));
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

describe('bench vector cache', () => {
  it('embeds once, then serves every row from the files, across more than one read block', async () => {
    const all = texts(0, 40_000);
    const first = countingEmbedder();
    const made = await cachedEmbeddings(first, all, dir, 'k');
    expect(made.embedded).toBe(40_000);
    expect(first.texts).toBe(40_000);

    const second = countingEmbedder();
    const read = await cachedEmbeddings(second, all, dir, 'k');
    expect(second.calls).toBe(0);
    expect(read.embedded).toBe(0);
    expect(firsts(read.vectors)).toEqual(firsts(made.vectors));
    expect([...read.vectors[39_999]!]).toEqual([39_999, -39_999]);
  });

  it('reuses a smaller run as the prefix of a larger one and keeps rows a smaller run does not need', async () => {
    await cachedEmbeddings(countingEmbedder(), texts(0, 100), dir, 'k');
    const larger = countingEmbedder();
    const grown = await cachedEmbeddings(larger, texts(0, 250), dir, 'k');
    expect(larger.texts).toBe(150);
    expect(firsts(grown.vectors)).toEqual(texts(0, 250).map((t) => Number(t.slice(1))));

    const smaller = countingEmbedder();
    expect(firsts((await cachedEmbeddings(smaller, texts(0, 50), dir, 'k')).vectors)).toEqual(
      firsts(grown.vectors.slice(0, 50)),
    );
    expect(smaller.calls).toBe(0);
    expect((await fs.stat(path.join(dir, 'k.f32'))).size).toBe(250 * 2 * 4);
  });

  it('re-embeds from the first text that changed and drops the rows after it', async () => {
    await cachedEmbeddings(countingEmbedder(), texts(0, 100), dir, 'k');
    const edited = [...texts(0, 60), ...texts(1000, 1040)];
    const again = countingEmbedder();
    const result = await cachedEmbeddings(again, edited, dir, 'k');
    expect(again.texts).toBe(40);
    expect(firsts(result.vectors)).toEqual(edited.map((t) => Number(t.slice(1))));
    expect((await fs.stat(path.join(dir, 'k.f32'))).size).toBe(100 * 2 * 4);
  });

  it('resumes after a torn write: rows without a hash, or a hash without a whole row, are embedded again', async () => {
    await cachedEmbeddings(countingEmbedder(), texts(0, 100), dir, 'k');
    await fs.truncate(path.join(dir, 'k.f32'), 90 * 2 * 4 + 3);
    const resumed = countingEmbedder();
    const result = await cachedEmbeddings(resumed, texts(0, 100), dir, 'k');
    expect(resumed.texts).toBe(10);
    expect(firsts(result.vectors)).toEqual(texts(0, 100).map((t) => Number(t.slice(1))));
    expect((await fs.stat(path.join(dir, 'k.f32'))).size).toBe(100 * 2 * 4);
    expect((await fs.stat(path.join(dir, 'k.hash'))).size).toBe(100 * 8);
  });
});
