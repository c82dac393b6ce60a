import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClusteredVectors } from '../../../test/support/clustered-vectors.js';
import { createVectorIndex, loadVectorIndex } from '../../src/vector-index/create-vector-index.js';
import { ExactVectorIndex } from '../../src/vector-index/exact-vector-index.js';
import type { VectorIndex, VectorIndexKind } from '../../src/vector-index/vector-index.js';
import { labelsIn } from './helpers.js';

const dims = 32;

function unit(...values: number[]): Float32Array {
  const v = new Float32Array(dims);
  v.set(values);
  return v;
}

/** Brute-force reference written independently of ExactVectorIndex (no heap, no normalisation tricks). */
function bruteForce(
  rows: Map<number, Float32Array>,
  query: Float32Array,
  k: number,
  filter?: (label: number) => boolean,
) {
  const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return [...rows]
    .filter(([label]) => !filter || filter(label))
    .map(([label, v]) => ({ label, similarity: v.reduce((s, x, i) => s + x * query[i]!, 0) / (norm(v) * norm(query)) }))
    .sort((a, b) => b.similarity - a.similarity || a.label - b.label)
    .slice(0, k);
}

describe.each<VectorIndexKind>(['exact', 'hnsw'])('%s vector index', (kind) => {
  const make = (initialCapacity = 16): VectorIndex => createVectorIndex(kind, dims, { initialCapacity });

  it('tracks upserts, replacements and removals', () => {
    const index = make();
    expect(index.size).toBe(0);
    expect(index.search(unit(1), 5)).toEqual([]);
    index.upsert(10, unit(1, 0));
    index.upsert(20, unit(0, 1));
    index.upsert(10, unit(0, 0, 1));
    expect(index.size).toBe(2);
    expect(labelsIn(index)).toEqual(new Set([10, 20]));
    const hit = index.search(unit(0, 0, 1), 1)[0]!;
    expect(hit.label).toBe(10);
    expect(hit.similarity).toBeCloseTo(1, 5);
    index.remove(10);
    index.remove(10);
    index.remove(999);
    expect(labelsIn(index)).toEqual(new Set([20]));
    expect(index.size).toBe(1);
    expect(index.search(unit(0, 0, 1), 5).map((h) => h.label)).toEqual([20]);
    index.upsert(10, unit(1));
    expect(index.search(unit(1), 1)[0]!.label).toBe(10);
  });

  it('returns cosine similarity, best first, even for vectors that are not unit length', () => {
    const index = make();
    index.upsert(1, unit(3, 4));
    index.upsert(2, unit(-2, 0));
    const hits = index.search(unit(10, 0), 2);
    expect(hits.map((h) => h.label)).toEqual([1, 2]);
    expect(hits[0]!.similarity).toBeCloseTo(0.6, 5);
    expect(hits[1]!.similarity).toBeCloseTo(-1, 5);
  });

  it('accepts large sparse row ids', () => {
    const index = make();
    const big = 2 ** 40 + 7;
    index.upsert(big, unit(1));
    index.upsert(2 ** 32 + 1, unit(0, 1));
    expect(index.search(unit(1), 1)[0]!.label).toBe(big);
    expect(() => index.upsert(-1, unit(1))).toThrow(RangeError);
    expect(() => index.upsert(1.5, unit(1))).toThrow(RangeError);
    expect(() => index.upsert(3, new Float32Array(dims + 1))).toThrow(RangeError);
  });

  it('grows past its initial capacity and answers like brute force', () => {
    const gen = new ClusteredVectors({ dimensions: dims, clusters: 5, noise: 0.8, seed: 7 });
    const index = make(16);
    const rows = new Map<number, Float32Array>();
    gen.sample(300).forEach((v, i) => {
      rows.set(i * 1000 + 1, v);
      index.upsert(i * 1000 + 1, v);
    });
    expect(index.size).toBe(300);
    for (const q of gen.sample(20)) {
      const expected = bruteForce(rows, q, 10).map((h) => h.label);
      expect(index.search(q, 10).map((h) => h.label)).toEqual(expected);
    }
  });

  it('applies the filter before results take a slot', () => {
    const gen = new ClusteredVectors({ dimensions: dims, clusters: 5, noise: 0.8, seed: 3 });
    const index = make();
    const rows = new Map<number, Float32Array>();
    gen.sample(400).forEach((v, i) => {
      rows.set(i, v);
      index.upsert(i, v);
    });
    const rare = (label: number) => label % 97 === 0;
    for (const q of gen.sample(10)) {
      expect(index.search(q, 10, rare).map((h) => h.label)).toEqual(bruteForce(rows, q, 10, rare).map((h) => h.label));
      const even = (label: number) => label % 2 === 0;
      expect(index.search(q, 10, even).map((h) => h.label)).toEqual(bruteForce(rows, q, 10, even).map((h) => h.label));
    }
    expect(index.search(gen.sample(1)[0]!, 10, () => false)).toEqual([]);
  });

  it('still returns k results after most rows are deleted, and reuses their space', () => {
    const gen = new ClusteredVectors({ dimensions: dims, clusters: 5, noise: 0.8, seed: 11 });
    const index = make();
    const rows = new Map<number, Float32Array>();
    const vectors = gen.sample(500);
    vectors.forEach((v, i) => {
      rows.set(i, v);
      index.upsert(i, v);
    });
    for (let i = 0; i < 500; i++) {
      if (i % 10 !== 0) {
        index.remove(i);
        rows.delete(i);
      }
    }
    expect(index.size).toBe(50);
    for (const q of gen.sample(10)) {
      expect(index.search(q, 10).map((h) => h.label)).toEqual(bruteForce(rows, q, 10).map((h) => h.label));
    }
    const fresh = gen.sample(450);
    fresh.forEach((v, i) => {
      rows.set(10_000 + i, v);
      index.upsert(10_000 + i, v);
    });
    expect(index.size).toBe(500);
    for (const q of gen.sample(10)) {
      expect(index.search(q, 10).map((h) => h.label)).toEqual(bruteForce(rows, q, 10).map((h) => h.label));
    }
  });

  it('asks for more than it holds without failing', () => {
    const index = make();
    index.upsert(1, unit(1));
    index.upsert(2, unit(0, 1));
    expect(index.search(unit(1), 50)).toHaveLength(2);
    expect(index.search(unit(1), 0)).toEqual([]);
  });

  it('leaves hidden labels out unless a search includes them, through replacements and removals', () => {
    const gen = new ClusteredVectors({ dimensions: dims, clusters: 5, noise: 0.8, seed: 13 });
    const index = make();
    const rows = new Map<number, Float32Array>();
    gen.sample(200).forEach((v, i) => {
      rows.set(i, v);
      index.upsert(i, v);
    });
    const hidden = new Set([...rows.keys()].filter((label) => label % 3 === 0));
    for (const label of hidden) index.setHidden(label, true);
    index.setHidden(99_999, true);
    const shown = (label: number) => !hidden.has(label);
    const even = (label: number) => label % 2 === 0;
    for (const q of gen.sample(10)) {
      expect(index.search(q, 10).map((h) => h.label)).toEqual(bruteForce(rows, q, 10, shown).map((h) => h.label));
      expect(index.search(q, 10, even).map((h) => h.label)).toEqual(
        bruteForce(rows, q, 10, (l) => shown(l) && even(l)).map((h) => h.label),
      );
      expect(index.search(q, 10, undefined, { includeHidden: true }).map((h) => h.label)).toEqual(
        bruteForce(rows, q, 10).map((h) => h.label),
      );
    }
    // A replaced vector stays hidden; shown again, it is found; removed and added back, it is shown.
    index.upsert(3, unit(0, 0, 0, 1));
    expect(index.search(unit(0, 0, 0, 1), 1)[0]!.label).not.toBe(3);
    index.setHidden(3, false);
    expect(index.search(unit(0, 0, 0, 1), 1)[0]!.label).toBe(3);
    index.remove(6);
    index.upsert(6, unit(0, 0, 0, 0, 1));
    expect(index.search(unit(0, 0, 0, 0, 1), 1)[0]!.label).toBe(6);
    expect(index.size).toBe(200);
  });

  it('saves and loads the same index, hidden labels included', async () => {
    const gen = new ClusteredVectors({ dimensions: dims, clusters: 5, noise: 0.8, seed: 17 });
    const index = make();
    gen.sample(120).forEach((v, i) => {
      index.upsert(i * 7, v);
    });
    for (let i = 0; i < 120; i += 5) index.setHidden(i * 7, true);
    index.remove(14);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `vector-${kind}-`));
    try {
      const file = path.join(dir, 'vectors.bin');
      const saved = await index.save(file);
      expect(saved.params === null).toBe(kind === 'exact');
      const loaded = await loadVectorIndex(kind, file, dims, saved);
      expect(loaded.kind).toBe(kind);
      expect(loaded.size).toBe(index.size);
      expect(labelsIn(loaded)).toEqual(labelsIn(index));
      expect(labelsIn(loaded).has(14)).toBe(false);
      for (const q of gen.sample(10)) {
        expect(loaded.search(q, 15)).toEqual(index.search(q, 15));
        expect(loaded.search(q, 15, undefined, { includeHidden: true })).toEqual(
          index.search(q, 15, undefined, { includeHidden: true }),
        );
      }
      await expect(loadVectorIndex(kind, file, dims, { ...saved, labels: saved.labels.subarray(1) })).rejects.toThrow();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('exact vector index', () => {
  it('matches brute force on a larger clustered set with ties broken by label', () => {
    const gen = new ClusteredVectors({ dimensions: 64, clusters: 20, noise: 1, seed: 5 });
    const index = new ExactVectorIndex(64, 8);
    const rows = new Map<number, Float32Array>();
    const vectors = gen.sample(2000);
    vectors.forEach((v, i) => {
      rows.set(i, v);
      index.upsert(i, v);
    });
    // Duplicates of row 0 tie exactly with it.
    index.upsert(5000, vectors[0]!);
    index.upsert(4000, vectors[0]!);
    rows.set(5000, vectors[0]!);
    rows.set(4000, vectors[0]!);
    const top = index.search(vectors[0]!, 3).map((h) => h.label);
    expect(top).toEqual([0, 4000, 5000]);
    for (const q of gen.sample(25)) {
      const got = index.search(q, 25);
      const want = bruteForce(rows, q, 25);
      expect(got.map((h) => h.label)).toEqual(want.map((h) => h.label));
      got.forEach((h, i) => {
        expect(h.similarity).toBeCloseTo(want[i]!.similarity, 5);
      });
    }
  });
});
