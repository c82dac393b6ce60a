import { describe, expect, it } from 'vitest';
import { float32ToFloat16, wordVectorsFromRows } from '../../src/embedding/word-vectors.js';
import { evalMentor, type EvalDataset } from '../../src/evaluation/eval-dataset.js';
import { sifScorer } from '../../src/evaluation/sif-scorer.js';

describe('sifScorer', () => {
  it('ranks the mentor whose passages mean the same as the question first, without a shared word', async () => {
    // "the" is frequent and shared by every text; "nurse"/"clinician" and "finance"/"accounting" are synonyms.
    const words = ['the', 'nurse', 'clinician', 'finance', 'accounting'];
    const rows = [
      [1, 0, 0],
      [0.3, 1, 0.1],
      [0.3, 0.9, 0.2],
      [0.3, 0, 1],
      [0.3, 0.1, 0.9],
    ];
    const vectors = wordVectorsFromRows(words, Uint16Array.from(rows.flat(), float32ToFloat16), 3);
    const dataset: EvalDataset = {
      name: 'tiny',
      mentors: [
        evalMentor({ externalId: 'care', passages: ['the clinician', 'the nurse'] }),
        evalMentor({ externalId: 'money', passages: ['the accounting'] }),
      ],
      queries: [
        { id: 'q1', text: 'the nurse' },
        { id: 'q2', text: 'the finance' },
      ],
      judgments: new Map(),
      checksum: '0'.repeat(64),
      relevanceThreshold: 1,
      options: {},
    };
    const scores = await sifScorer(vectors)(dataset);
    expect(scores.get('q1')!.get('care')!).toBeGreaterThan(scores.get('q1')!.get('money')!);
    expect(scores.get('q2')!.get('money')!).toBeGreaterThan(scores.get('q2')!.get('care')!);
  });
});
