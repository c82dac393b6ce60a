import { describe, expect, it } from 'vitest';
import { HashingEmbeddingProvider } from '../../../test/support/hashing-embedding-provider.js';
import { embeddingScorer } from '../../src/evaluation/embedding-scorer.js';
import { evalMentor, type EvalDataset } from '../../src/evaluation/eval-dataset.js';
import { bm25Scorer, tfidfScorer } from '../../src/evaluation/lexical-scorers.js';
import type { ScoreMatrix } from '../../src/evaluation/metrics.js';
import { formatResultsTable, predictionsExport, resultsToCsv } from '../../src/evaluation/results-format.js';
import { runEvaluation, type EvaluationProgress } from '../../src/evaluation/run-evaluation.js';
import { aggregatePassageScores, type Scorer } from '../../src/evaluation/scoring.js';

const dataset: EvalDataset = {
  name: 'tiny',
  mentors: [
    evalMentor({
      externalId: 'm1',
      headline: 'Data engineer',
      bio: 'Spark pipelines and SQL warehouses.',
      passages: ['Spark pipelines.', 'SQL warehouses.'],
    }),
    evalMentor({
      externalId: 'm2',
      headline: 'Designer',
      bio: 'Product design and user research.',
      passages: ['Product design.', 'User research interviews.'],
    }),
    evalMentor({ externalId: 'm3', headline: 'Manager', bio: 'Leading teams and hiring engineers.' }),
  ],
  queries: [
    { id: 'q1', text: 'How do I tune Spark pipelines?' },
    { id: 'q2', text: 'How do I hire my first engineers?' },
    { id: 'q3', text: 'Running user research interviews' },
    { id: 'q4', text: 'Leading a design team' },
  ],
  judgments: new Map([
    [
      'q1',
      new Map([
        ['m1', 5],
        ['m3', 3],
      ]),
    ],
    ['q2', new Map([['m1', 1]])],
    ['q3', new Map([['m2', 4]])],
    ['q4', new Map([['m2', 2]])],
  ]),
  checksum: 'c'.repeat(64),
  relevanceThreshold: 4,
  options: {},
};

const constant: Scorer = async (ds) =>
  new Map(ds.queries.map((q) => [q.id, new Map(ds.mentors.map((m) => [m.externalId, 0]))]));
const oracle: Scorer = async (ds) =>
  new Map(
    ds.queries.map((q) => [
      q.id,
      new Map(ds.mentors.map((m) => [m.externalId, ds.judgments.get(q.id)?.get(m.externalId) ?? 0])),
    ]),
  );

const value = (result: Awaited<ReturnType<typeof runEvaluation>>, config: string, metric: string) =>
  result.configs.find((c) => c.name === config)!.metrics.find((m) => m.name === metric)?.value;

describe('runEvaluation', () => {
  it('computes hand-checkable metrics for a constant and an oracle scorer', async () => {
    const result = await runEvaluation(
      dataset,
      [
        { name: 'constant', score: constant },
        { name: 'oracle', score: oracle },
      ],
      { bootstrapSamples: 100, exposureK: 1, now: () => new Date('2026-01-01T00:00:00Z') },
    );
    // Every pair tied: half the weight is lost. Ties rank relevant mentors last of 3: MRR 1/3.
    expect(value(result, 'constant', 'pairwise_loss')).toBe(0.5);
    expect(value(result, 'constant', 'easy_accuracy')).toBe(0);
    expect(value(result, 'constant', 'mrr')).toBeCloseTo(1 / 3, 12);
    expect(value(result, 'constant', 'recall@1')).toBe(0);
    expect(value(result, 'oracle', 'pairwise_loss')).toBe(0);
    expect(value(result, 'oracle', 'mrr')).toBe(1);
    expect(value(result, 'oracle', 'ndcg@10')).toBeCloseTo(1, 12);
    // No pair of the same mentor has both ratings >= 4, so hard accuracy is absent rather than NaN.
    expect(value(result, 'oracle', 'hard_accuracy')).toBeUndefined();
    // Paired differences from the first configuration: every resample sees the same experts and queries.
    expect(result.configs[0]!.versusBaseline).toBeUndefined();
    const deltas = result.configs[1]!.versusBaseline!;
    expect(deltas.baseline).toBe('constant');
    expect(deltas.deltas.find((m) => m.name === 'pairwise_loss')).toEqual({
      name: 'pairwise_loss',
      value: -0.5,
      ci: [-0.5, -0.5],
      n: 2,
    });
    expect(deltas.deltas.find((m) => m.name === 'mrr')!.value).toBeCloseTo(2 / 3, 12);
    const mrr = result.configs[0]!.metrics.find((m) => m.name === 'mrr')!;
    expect(mrr.n).toBe(2);
    // The constant scorer's ties fall to m1 on every query (by id): one mentor holds all exposure.
    const exposure = result.configs[0]!.exposure;
    expect(exposure.k).toBe(1);
    expect(exposure.gini).toBeCloseTo(2 / 3, 12);
    expect(exposure.neverShown).toBeCloseTo(2 / 3, 12);
    expect(result.counts).toEqual({
      mentors: 3,
      queries: 4,
      judgments: 5,
      judgedQueries: 4,
      queriesWithRelevant: 2,
      ratingExperts: 2,
      pairs: 2,
    });
    expect(result).toMatchObject({ dataset: 'tiny', checksum: 'c'.repeat(64), createdAt: '2026-01-01T00:00:00.000Z' });
  });

  it('gives the same numbers for the same seed', async () => {
    const run = (seed: number) =>
      runEvaluation(dataset, [{ name: 'tfidf', score: tfidfScorer() }], {
        seed,
        bootstrapSamples: 200,
        now: () => new Date(0),
      });
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    const b = await run(2);
    expect(b.configs[0]!.metrics.map((m) => m.value)).toEqual(a.configs[0]!.metrics.map((m) => m.value));
  });

  it('reports progress per stage and hands over the scores', async () => {
    const progress: EvaluationProgress[] = [];
    const seen: string[] = [];
    await runEvaluation(
      dataset,
      [
        { name: 'bm25', score: bm25Scorer() },
        { name: 'oracle', score: oracle },
      ],
      {
        bootstrapSamples: 10,
        onProgress: (p) => progress.push(p),
        onScores: (name, scores) => {
          seen.push(name);
          expect(scores.size).toBe(4);
        },
      },
    );
    expect(seen).toEqual(['bm25', 'oracle']);
    expect(progress[0]).toMatchObject({ done: 0, total: 4, stage: 'scoring', config: 'bm25' });
    expect(progress.some((p) => p.stageTotal === 4)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ done: 4, total: 4, stage: 'metrics', config: 'oracle' });
  });

  it('rejects a scorer that leaves a mentor out', async () => {
    const partial: Scorer = async (ds) => {
      const full = (await oracle(ds)) as Map<string, Map<string, number>>;
      full.get('q3')!.delete('m2');
      return full;
    };
    await expect(runEvaluation(dataset, [{ name: 'partial', score: partial }])).rejects.toThrow(
      /partial: no finite score for query q3 and mentor m2/,
    );
  });
});

describe('scorers', () => {
  it('lexical scorers prefer the mentor who shares the query terms', async () => {
    for (const scorer of [
      tfidfScorer(),
      tfidfScorer({ sublinearTf: false, aggregate: 'max' }),
      bm25Scorer(),
      bm25Scorer({ aggregate: 'mean-top2' }),
    ]) {
      const scores = await scorer(dataset);
      const q1 = scores.get('q1')!;
      expect(q1.get('m1')!).toBeGreaterThan(q1.get('m2')!);
      const q3 = scores.get('q3')!;
      expect(q3.get('m2')!).toBeGreaterThan(q3.get('m3')!);
    }
  });

  it('tf-idf cosine is 1 for a query identical to a single-passage profile', async () => {
    const scores = await tfidfScorer({ aggregate: 'max' })({
      ...dataset,
      queries: [{ id: 'same', text: 'User research interviews.' }],
      judgments: new Map(),
    });
    expect(scores.get('same')!.get('m2')).toBeCloseTo(1, 12);
  });

  it('embedding scorer aggregates passage cosines', async () => {
    const provider = new HashingEmbeddingProvider(256);
    const embed = (texts: readonly string[]) => provider.embed(texts);
    const ds = { ...dataset, queries: [{ id: 'same', text: 'Spark pipelines.' }], judgments: new Map() };
    const max = (await embeddingScorer(embed, { aggregate: 'max', chunkSize: 2 })(ds)).get('same')!;
    const mean = (await embeddingScorer(embed, { aggregate: 'mean' })(ds)).get('same')!;
    const whole = (await embeddingScorer(embed)(ds)).get('same')!;
    expect(max.get('m1')).toBeCloseTo(1, 6);
    expect(mean.get('m1')!).toBeLessThan(max.get('m1')!);
    expect(whole.get('m1')!).toBeGreaterThan(whole.get('m2')!);
  });

  it('aggregates passage scores', () => {
    expect(aggregatePassageScores([0.2, 0.9, 0.5], 'max')).toBe(0.9);
    expect(aggregatePassageScores([0.2, 0.9, 0.5], 'mean-top2')).toBeCloseTo(0.7, 12);
    expect(aggregatePassageScores([0.2, 0.9, 0.4], 'mean')).toBeCloseTo(0.5, 12);
    expect(() => aggregatePassageScores([1], 'mean-top0' as 'mean')).toThrow(RangeError);
  });
});

describe('result formats', () => {
  it('exports predictions as expert -> paper -> score for every pair', async () => {
    const scores: ScoreMatrix = await oracle(dataset);
    const exported = predictionsExport(scores);
    expect(Object.keys(exported).sort()).toEqual(['m1', 'm2', 'm3']);
    expect(Object.keys(exported.m1!).sort()).toEqual(['q1', 'q2', 'q3', 'q4']);
    expect(exported.m1!.q1).toBe(5);
    expect(exported.m2!.q4).toBe(2);
  });

  it('exports an id such as "__proto__" as a key like any other', () => {
    const scores: ScoreMatrix = new Map([
      [
        '__proto__',
        new Map([
          ['constructor', 1],
          ['__proto__', 2],
        ]),
      ],
      ['q2', new Map([['__proto__', 3]])],
    ]);
    const exported = JSON.parse(JSON.stringify(predictionsExport(scores)));
    expect(exported).toEqual(JSON.parse('{"constructor":{"__proto__":1},"__proto__":{"__proto__":2,"q2":3}}'));
    expect(({} as Record<string, unknown>).q2).toBeUndefined();
  });

  it('prints a table and a long CSV', async () => {
    const result = await runEvaluation(
      dataset,
      [
        { name: 'tfidf', score: tfidfScorer() },
        { name: 'oracle', score: oracle },
      ],
      { bootstrapSamples: 20 },
    );
    const table = formatResultsTable(result).split('\n');
    expect(table[1]).toMatch(/^config\s+pairwise_loss\s+easy_accuracy\s+mrr/);
    expect(table[3]).toMatch(/^tfidf\s+\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]/);
    expect(table[4]).toMatch(/^oracle\s+0\.000 \[0\.000, 0\.000\]/);
    const csv = resultsToCsv(result).trim().split('\n');
    expect(csv[0]).toBe('dataset,checksum,config,metric,value,ci_low,ci_high,n');
    const perConfig = result.configs[0]!.metrics.length + 2;
    expect(csv).toHaveLength(1 + 2 * perConfig + result.configs[1]!.versusBaseline!.deltas.length);
    expect(csv.some((l) => l.includes(',oracle,delta:mrr,'))).toBe(true);
    expect(table).toContain('difference from tfidf (paired bootstrap)');
    expect(csv.find((l) => l.includes(',oracle,mrr,'))).toBe(`tiny,${'c'.repeat(64)},oracle,mrr,1,1,1,2`);
    // A carriage return in a name is quoted like a line break, so the row stays one record.
    const renamed = { ...result, configs: result.configs.map((c) => ({ ...c, name: `${c.name}\rx` })) };
    expect(resultsToCsv(renamed)).toContain('"oracle\rx",mrr,');
  });
});
