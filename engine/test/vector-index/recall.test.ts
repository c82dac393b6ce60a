import { describe, expect, it } from 'vitest';
import { ClusteredVectors } from '../../src/vector-index/clustered-vectors.js';
import { createVectorIndex, recommendedHnswParams } from '../../src/vector-index/create-vector-index.js';
import { measureRecall } from '../../src/vector-index/recall.js';
import type { VectorHit, VectorIndex } from '../../src/vector-index/vector-index.js';

/** Both indexes over the same vectors; feed it real embedded bios once the encoder exists. */
function buildPair(vectors: readonly Float32Array[]) {
  const dimensions = vectors[0]!.length;
  const hnsw = createVectorIndex('hnsw', dimensions, { ...recommendedHnswParams, initialCapacity: vectors.length });
  const exact = createVectorIndex('exact', dimensions, { initialCapacity: vectors.length });
  vectors.forEach((v, i) => {
    hnsw.upsert(i + 1, v);
    exact.upsert(i + 1, v);
  });
  return { hnsw, exact };
}

function fixedIndex(answers: number[][]): VectorIndex {
  let call = 0;
  return {
    dimensions: 1,
    size: 0,
    upsert() {},
    remove() {},
    has: () => false,
    search: (): VectorHit[] => (answers[call++] ?? []).map((label) => ({ label, similarity: 0 })),
  };
}

describe('measureRecall', () => {
  it('averages the overlap with the exact answer and reports the worst query', () => {
    const truth = fixedIndex([[1, 2, 3, 4], [5, 6], []]);
    const approx = fixedIndex([[4, 3, 9, 8], [5, 6], [1]]);
    const report = measureRecall(approx, truth, [new Float32Array(1), new Float32Array(1), new Float32Array(1)], 4);
    expect(report).toEqual({ k: 4, queries: 2, recall: 0.75, minRecall: 0.5 });
  });
});

describe('HNSW recall with the recommended parameters', () => {
  it('reaches recall@10 >= 0.98 against the exact scan on 5000 clustered 512-d vectors', () => {
    const gen = new ClusteredVectors({ dimensions: 512, clusters: 50, noise: 1, seed: 2024 });
    const { hnsw, exact } = buildPair(gen.sample(5000));
    const report = measureRecall(hnsw, exact, gen.sample(200), 10);
    expect(report.queries).toBe(200);
    expect(report.recall).toBeGreaterThanOrEqual(0.98);
  });
});
