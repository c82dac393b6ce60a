import { describe, expect, it } from 'vitest';
import { ClusteredVectors } from '../../../test/support/clustered-vectors.js';
import { createVectorIndex, recommendedHnswParams } from '../../src/vector-index/create-vector-index.js';
import { annRecallAtK } from '../../src/evaluation/metrics.js';

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

describe('HNSW recall with the recommended parameters', () => {
  it('reaches recall@10 >= 0.98 against the exact scan on 5000 clustered 512-d vectors', () => {
    const gen = new ClusteredVectors({ dimensions: 512, clusters: 50, noise: 1, seed: 2024 });
    const { hnsw, exact } = buildPair(gen.sample(5000));
    const queries = gen.sample(200);
    const labels = (index: typeof hnsw) => queries.map((q) => index.search(q, 10).map((h) => h.label));
    const report = annRecallAtK(labels(hnsw), labels(exact), 10);
    expect(report.perQuery).toHaveLength(200);
    expect(report.mean).toBeGreaterThanOrEqual(0.98);
  });
});
