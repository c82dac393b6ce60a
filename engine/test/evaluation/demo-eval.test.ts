import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateMentors } from '../../../scripts/demo-data/generate-mentors.js';
import { judgmentCount } from '../../src/evaluation/eval-dataset.js';
import { loadGenericDataset } from '../../src/evaluation/generic-dataset.js';
import { bm25Scorer, tfidfScorer } from '../../src/evaluation/lexical-scorers.js';
import { formatResultsTable } from '../../src/evaluation/results-format.js';
import { runEvaluation } from '../../src/evaluation/run-evaluation.js';

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/demo-eval');

// The fixture and the generator are the project's own; this checks that the harness reads them as documented.
describe('demo-eval fixture in the generic format', () => {
  it('loads the generated mentors with the labelled questions and ranks them better than chance', async () => {
    const dataset = await loadGenericDataset(fixture, {
      generators: { demo: (count, seed) => generateMentors({ count, seed }) },
    });
    expect(dataset.name).toBe('demo-eval');
    expect(dataset.mentors).toHaveLength(2000);
    expect(dataset.queries.length).toBeGreaterThan(0);
    expect(judgmentCount(dataset.judgments)).toBeGreaterThan(0);
    const again = await loadGenericDataset(fixture, {
      generators: { demo: (count, seed) => generateMentors({ count, seed }) },
    });
    expect(again.mentors[17]).toEqual(dataset.mentors[17]);
    expect(again.checksum).toBe(dataset.checksum);

    const result = await runEvaluation(
      dataset,
      [
        { name: 'BM25', score: bm25Scorer() },
        { name: 'TF-IDF', score: tfidfScorer() },
      ],
      { bootstrapSamples: 200 },
    );
    console.log(formatResultsTable(result));
    for (const config of result.configs) {
      expect(config.exposure.giniCi[0]).toBeLessThanOrEqual(config.exposure.gini);
      expect(config.exposure.giniCi[1]).toBeGreaterThanOrEqual(config.exposure.gini);
      // A random ranking of 2,000 mentors puts the first of a few relevant ones near rank 300: MRR about 0.01.
      expect(config.metrics.find((m) => m.name === 'mrr')!.value).toBeGreaterThan(0.2);
    }
  });
});
