import { describe, expect, it } from 'vitest';
import { parseConfigRefs } from '../../../scripts/cli/eval-command.js';
import type { EmbeddingProvider } from '../../src/embedding/embedding-provider.js';
import { embeddingScorer } from '../../src/evaluation/embedding-scorer.js';
import { evalMentor, type EvalDataset } from '../../src/evaluation/eval-dataset.js';
import { scoreMatrixFromRows, standardisedBlend, type Scorer } from '../../src/evaluation/scoring.js';
import { EvaluationService } from '../../src/services/evaluation-service.js';

const dataset: EvalDataset = {
  name: 'tiny',
  mentors: [
    evalMentor({ externalId: 'a', bio: 'x', passages: ['north', 'east'] }),
    evalMentor({ externalId: 'b', bio: 'y', passages: ['south'] }),
  ],
  queries: [
    { id: 'q1', text: 'north' },
    { id: 'q2', text: 'east' },
  ],
  judgments: new Map(),
  checksum: '0'.repeat(64),
  relevanceThreshold: 1,
  options: {},
};

const fixed =
  (rows: number[][]): Scorer =>
  async (ds) =>
    scoreMatrixFromRows(ds, rows);
const at = (m: Awaited<ReturnType<Scorer>>, q: string, mentor: string) => m.get(q)!.get(mentor)!;

describe('standardisedBlend', () => {
  it('z-scores each scorer over all pairs, then takes the weighted mean', async () => {
    // Scorer 1: values 0, 2, 4, 6 (mean 3, sd √5); scorer 2: 10, 10, 10, 30 (mean 15, sd √75).
    const blended = await standardisedBlend([
      {
        scorer: fixed([
          [0, 2],
          [4, 6],
        ]),
        weight: 1,
      },
      {
        scorer: fixed([
          [10, 10],
          [10, 30],
        ]),
        weight: 3,
      },
    ])(dataset);
    const z1 = (v: number) => (v - 3) / Math.sqrt(5);
    const z2 = (v: number) => (v - 15) / Math.sqrt(75);
    expect(at(blended, 'q1', 'a')).toBeCloseTo((z1(0) + 3 * z2(10)) / 4, 12);
    expect(at(blended, 'q2', 'b')).toBeCloseTo((z1(6) + 3 * z2(30)) / 4, 12);
  });

  it('gives scale no say: multiplying one scorer by 1000 leaves the blend unchanged', async () => {
    const small = await standardisedBlend([
      {
        scorer: fixed([
          [0.01, 0.02],
          [0.03, 0.01],
        ]),
        weight: 1,
      },
      {
        scorer: fixed([
          [3, 1],
          [2, 4],
        ]),
        weight: 1,
      },
    ])(dataset);
    const big = await standardisedBlend([
      {
        scorer: fixed([
          [10, 20],
          [30, 10],
        ]),
        weight: 1,
      },
      {
        scorer: fixed([
          [3, 1],
          [2, 4],
        ]),
        weight: 1,
      },
    ])(dataset);
    for (const q of ['q1', 'q2']) for (const m of ['a', 'b']) expect(at(big, q, m)).toBeCloseTo(at(small, q, m), 9);
  });

  it('lets a constant scorer shift nothing', async () => {
    const blended = await standardisedBlend([
      {
        scorer: fixed([
          [1, 3],
          [5, 7],
        ]),
        weight: 1,
      },
      {
        scorer: fixed([
          [2, 2],
          [2, 2],
        ]),
        weight: 1,
      },
    ])(dataset);
    expect(at(blended, 'q1', 'a')).toBeLessThan(at(blended, 'q1', 'b'));
    expect(at(blended, 'q1', 'a') + at(blended, 'q2', 'b')).toBeCloseTo(0, 12);
  });
});

describe("embeddingScorer({ aggregate: 'centroid' })", () => {
  it('scores the normalised mean of the passage vectors', async () => {
    const vectors: Record<string, number[]> = { north: [1, 0], east: [0, 1], south: [-1, 0] };
    const embed = async (texts: readonly string[]) => texts.map((t) => Float32Array.from(vectors[t]!));
    const scores = await embeddingScorer(embed, { aggregate: 'centroid' })(dataset);
    // a's centroid is (1, 1)/√2: cos 1/√2 with both of its own papers; b's is (-1, 0).
    expect(at(scores, 'q1', 'a')).toBeCloseTo(Math.SQRT1_2, 6);
    expect(at(scores, 'q2', 'a')).toBeCloseTo(Math.SQRT1_2, 6);
    expect(at(scores, 'q1', 'b')).toBeCloseTo(-1, 6);
    expect(at(scores, 'q2', 'b')).toBeCloseTo(0, 6);
  });
});

describe('configuration references', () => {
  it('parses --configs in order, the first being primary, and rejects unknown names', () => {
    expect(parseConfigRefs(undefined)).toEqual(['active']);
    expect(parseConfigRefs('research, active,3')).toEqual(['research', 'active', 3]);
    expect(() => parseConfigRefs('best')).toThrow(/--configs/);
    expect(() => parseConfigRefs('0')).toThrow(/--configs/);
  });

  it('embeds each text once across the research scorer and the baselines', async () => {
    const seen: string[] = [];
    const embedder: EmbeddingProvider = {
      id: 'count',
      dimensions: 2,
      embed: async (texts) => {
        seen.push(...texts);
        return texts.map((t) => Float32Array.from([t.length, 1]));
      },
    };
    // No models folder: the optional GloVe baseline stays out, whatever this machine has built.
    const service = new EvaluationService({ modelsDir: '/nonexistent' } as never, embedder, {} as never, {} as never);
    for (const s of await service.scorers(['research'], true)) await s.score(dataset);
    expect(seen.length).toBe(new Set(seen).size);
  });
});
