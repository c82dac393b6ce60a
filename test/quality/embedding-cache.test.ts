import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HashingEmbeddingProvider } from '../support/hashing-embedding-provider.js';
import { CachedEmbeddingProvider } from '../../scripts/bench/embedding-cache.js';
import { CountingEmbeddingProvider } from '../support/app-harness.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-embedding-cache-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('CachedEmbeddingProvider', () => {
  it('returns the inner vectors, and a reopened cache serves them without embedding again', async () => {
    const dir = tempDir();
    const inner = new CountingEmbeddingProvider(new HashingEmbeddingProvider(32));
    const texts = ['GDPR for a startup', 'Kubernetes on a budget', 'GDPR for a startup', ''];
    const direct = await new HashingEmbeddingProvider(32).embed(texts);

    const first = CachedEmbeddingProvider.open(inner, dir);
    expect(await first.embed(texts)).toEqual(direct);
    expect(inner.texts).toBe(3);

    const reopened = CachedEmbeddingProvider.open(inner, dir);
    expect(reopened.size).toBe(3);
    expect(await reopened.embed([...texts].reverse())).toEqual([...direct].reverse());
    expect(inner.texts).toBe(3);
    expect(reopened.embedded).toBe(0);
  });

  it('embeds only the texts it has not seen', async () => {
    const inner = new CountingEmbeddingProvider(new HashingEmbeddingProvider(16));
    const cache = CachedEmbeddingProvider.open(inner, tempDir());
    await cache.embed(['a', 'b']);
    await cache.embed(['b', 'c', 'd']);
    expect(inner.texts).toBe(4);
    expect(cache.embedded).toBe(4);
  });

  it('keys by model id, so another model misses', async () => {
    const dir = tempDir();
    await CachedEmbeddingProvider.open(new HashingEmbeddingProvider(16), dir).embed(['same text']);
    const other = new CountingEmbeddingProvider(new HashingEmbeddingProvider(24));
    const vectors = await CachedEmbeddingProvider.open(other, dir).embed(['same text']);
    expect(other.texts).toBe(1);
    expect(vectors[0]!.length).toBe(24);
  });

  it('reads a cache larger than one read block back whole, each vector in place', async () => {
    const dir = tempDir();
    const texts = Array.from({ length: 40_000 }, (_, i) => `text ${i}`);
    const inner = new CountingEmbeddingProvider(new HashingEmbeddingProvider(4));
    const written = await CachedEmbeddingProvider.open(inner, dir).embed(texts);

    const reopened = CachedEmbeddingProvider.open(inner, dir);
    expect(reopened.size).toBe(40_000);
    const read = await reopened.embed([texts[39_999]!, texts[0]!, texts[32_768]!]);
    expect(read).toEqual([written[39_999], written[0], written[32_768]]);
    expect(inner.texts).toBe(40_000);
  });

  it('drops a torn last record and keeps the whole ones', async () => {
    const dir = tempDir();
    const inner = new CountingEmbeddingProvider(new HashingEmbeddingProvider(16));
    const cache = CachedEmbeddingProvider.open(inner, dir);
    await cache.embed(['one', 'two']);
    fs.appendFileSync(cache.file, Buffer.alloc(20, 7));

    const reopened = CachedEmbeddingProvider.open(inner, dir);
    expect(reopened.size).toBe(2);
    expect(await reopened.embed(['one', 'two', 'three'])).toEqual(
      await new HashingEmbeddingProvider(16).embed(['one', 'two', 'three']),
    );
    expect(CachedEmbeddingProvider.open(inner, dir).size).toBe(3);
  });
});
