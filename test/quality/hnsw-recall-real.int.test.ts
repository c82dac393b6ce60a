import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../engine/src/config.js';
import { createEmbeddingProvider } from '../../engine/src/embedding/create-embedding-provider.js';
import { embedMentors } from '../../engine/src/services/mentor-embedding.js';
import { createVectorIndex } from '../../engine/src/vector-index/create-vector-index.js';
import { annRecallAtK } from '../../engine/src/evaluation/metrics.js';
import { buildUseLite } from '../../scripts/model/build-use-lite.js';
import { generateMentors, generateQuestions } from '../../scripts/demo-data/generate-mentors.js';
import { CachedEmbeddingProvider } from '../../scripts/bench/embedding-cache.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// The engine's own search parameters must reach recall@10 >= 0.98 on real embedded bios, not only on the
// synthetic clusters of the unit test: real text embeddings crowd differently.
describe('HNSW recall on real embedded mentor bios', () => {
  it('reaches recall@10 >= 0.98 against the exact scan with the configured parameters', async () => {
    await buildUseLite();
    const config = loadConfig({ LOG_LEVEL: 'silent' });
    const embedder = CachedEmbeddingProvider.open(
      await createEmbeddingProvider(config),
      path.join(root, '.data/embedding-cache'),
    );
    const mentors = [...generateMentors({ count: 3000, seed: 42 })];
    const questions = [...generateQuestions({ count: 300, seed: 42 })];
    // The vectors the engine stores: each the centroid of a mentor's profile and passage vectors.
    const vectors = (
      await embedMentors(
        embedder,
        mentors.map((input, i) => ({ rowId: i + 1, input })),
      )
    ).map((e) => e.vector);
    const queries = await embedder.embed(questions.map((q) => q.text));

    const hnsw = createVectorIndex('hnsw', embedder.dimensions, { ...config.hnsw, randomSeed: 42 });
    const exact = createVectorIndex('exact', embedder.dimensions);
    vectors.forEach((v, i) => {
      hnsw.upsert(i + 1, v);
      exact.upsert(i + 1, v);
    });
    const labels = (index: typeof hnsw) => queries.map((q) => index.search(q, 10).map((h) => h.label));
    const report = annRecallAtK(labels(hnsw), labels(exact), 10);
    console.log(
      `recall@10 on ${vectors.length} real bios, ${queries.length} questions, ef ${config.hnsw.efSearch}: mean ${report.mean.toFixed(4)}, p5 ${report.p5.toFixed(2)}`,
    );
    expect(report.perQuery).toHaveLength(300);
    expect(report.mean).toBeGreaterThanOrEqual(0.98);
  }, 900_000);
});
