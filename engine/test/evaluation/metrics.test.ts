import { describe, expect, it } from 'vitest';
import {
  annRecallAtK,
  easyAccuracy,
  exposureCounts,
  gini,
  hardAccuracy,
  lorenzCurve,
  ndcgAtK,
  neverShownShare,
  pairwiseLoss,
  pairwiseTalliesByMentor,
  pairwiseTally,
  precisionAtK,
  rankMentors,
  recallAtK,
  reciprocalRank,
  relevantSet,
  sumTallies,
} from '../../src/evaluation/metrics.js';

describe('pairwise loss and accuracies', () => {
  it('charges the rating gap for inverted pairs and half of it for ties', () => {
    // A-B tie (w 2 -> 1), A-C inverted (4), A-D right (0), B-C inverted (2), B-D inverted (1), C-D inverted (3).
    const t = pairwiseTally([
      { rating: 5, score: 0.9 },
      { rating: 3, score: 0.9 },
      { rating: 1, score: 0.95 },
      { rating: 4, score: 0.5 },
    ]);
    expect(t.pairs).toBe(6);
    expect(t.weight).toBe(13);
    expect(t.penalty).toBe(11);
    expect(pairwiseLoss(t)).toBeCloseTo(11 / 13, 12);
    // Easy pairs: A-C and D-C, both inverted. Hard pair: A-D, right.
    expect([t.easyCorrect, t.easyTotal]).toEqual([0, 2]);
    expect([t.hardCorrect, t.hardTotal]).toEqual([1, 1]);
    expect(easyAccuracy(t)).toBe(0);
    expect(hardAccuracy(t)).toBe(1);
  });

  it('counts a predicted tie as half a loss but as wrong for both accuracies', () => {
    const hard = pairwiseTally([
      { rating: 5, score: 0.3 },
      { rating: 4, score: 0.3 },
    ]);
    expect(pairwiseLoss(hard)).toBe(0.5);
    expect(hardAccuracy(hard)).toBe(0);
    const easy = pairwiseTally([
      { rating: 4.5, score: 0.7 },
      { rating: 1.5, score: 0.7 },
    ]);
    expect(pairwiseLoss(easy)).toBe(0.5);
    expect(easyAccuracy(easy)).toBe(0);
  });

  it('skips equal ratings and leaves the ratios undefined without pairs', () => {
    const t = pairwiseTally([
      { rating: 3, score: 1 },
      { rating: 3, score: 0 },
    ]);
    expect(t.pairs).toBe(0);
    expect(pairwiseLoss(t)).toBeNaN();
    expect(easyAccuracy(t)).toBeNaN();
  });

  it('pools pairs over experts as a ratio of sums, not a mean of per-expert losses', () => {
    // Expert x: one pair, weight 4, right. Expert y: one pair, weight 1, inverted. Loss 1/5, not 1/2.
    const judgments = new Map([
      ['p1', new Map([['x', 5]])],
      ['p2', new Map([['x', 1]])],
      ['p3', new Map([['y', 3]])],
      ['p4', new Map([['y', 2]])],
    ]);
    const scores = new Map([
      [
        'p1',
        new Map([
          ['x', 0.9],
          ['y', 0],
        ]),
      ],
      [
        'p2',
        new Map([
          ['x', 0.1],
          ['y', 0],
        ]),
      ],
      [
        'p3',
        new Map([
          ['x', 0],
          ['y', 0.2],
        ]),
      ],
      [
        'p4',
        new Map([
          ['x', 0],
          ['y', 0.8],
        ]),
      ],
    ]);
    const tallies = pairwiseTalliesByMentor(judgments, scores);
    expect([...tallies.keys()].sort()).toEqual(['x', 'y']);
    expect(pairwiseLoss(sumTallies(tallies.values()))).toBeCloseTo(0.2, 12);
  });

  it('refuses judgments without a score', () => {
    expect(() => pairwiseTalliesByMentor(new Map([['p', new Map([['x', 5]])]]), new Map())).toThrow(
      /No score for query p/,
    );
  });
});

describe('ranking metrics', () => {
  const ranking = ['a', 'b', 'c', 'd', 'e'];
  const relevance = new Map([
    ['b', 5],
    ['d', 4],
    ['e', 2],
  ]);
  const relevant = relevantSet(relevance, 4);

  it('reads relevance against the threshold', () => {
    expect([...relevant].sort()).toEqual(['b', 'd']);
  });

  it('computes MRR, recall and precision at k by hand', () => {
    expect(reciprocalRank(ranking, relevant)).toBe(0.5);
    expect(reciprocalRank(ranking, new Set(['z']))).toBe(0);
    expect(recallAtK(ranking, relevant, 1)).toBe(0);
    expect(recallAtK(ranking, relevant, 3)).toBe(0.5);
    expect(recallAtK(ranking, relevant, 5)).toBe(1);
    expect(recallAtK(ranking, new Set(), 5)).toBeNaN();
    expect(precisionAtK(ranking, relevant, 1)).toBe(0);
    expect(precisionAtK(ranking, relevant, 5)).toBeCloseTo(0.4, 12);
    expect(precisionAtK(ranking, relevant, 10)).toBeCloseTo(0.2, 12);
  });

  it('computes graded nDCG with the ideal order of all judged relevances', () => {
    // DCG@3: b (2^5-1 = 31) at rank 2. Ideal@3: 5, 4, 2 at ranks 1-3.
    const expected = 31 / Math.log2(3) / (31 + 15 / Math.log2(3) + 3 / Math.log2(4));
    expect(ndcgAtK(ranking, relevance, 3)).toBeCloseTo(expected, 12);
    expect(ndcgAtK(['b', 'd', 'e', 'a', 'c'], relevance, 3)).toBeCloseTo(1, 12);
    expect(ndcgAtK(ranking, new Map([['a', 0]]), 3)).toBeNaN();
  });

  it('breaks score ties against the scorer, then by id', () => {
    const scores = new Map([
      ['b', 1],
      ['a', 1],
      ['c', 0.5],
      ['z', 1],
    ]);
    expect(rankMentors(scores)).toEqual(['a', 'b', 'z', 'c']);
    const judged = new Map([['a', 5]]);
    const ranked = rankMentors(scores, judged);
    expect(ranked).toEqual(['b', 'z', 'a', 'c']);
    expect(reciprocalRank(ranked, relevantSet(judged, 4))).toBeCloseTo(1 / 3, 12);
  });
});

describe('exposure', () => {
  it('gives Gini 0 for equal exposure and (n-1)/n when one mentor has it all', () => {
    expect(gini([3, 3, 3, 3])).toBeCloseTo(0, 12);
    expect(gini([0, 0, 0, 5])).toBeCloseTo(3 / 4, 12);
    expect(gini([7, 0, 0, 0, 0])).toBeCloseTo(4 / 5, 12);
    // Mean absolute difference over all ordered pairs is 20/16, mean 2.5: G = 20 / (2 * 16 * 2.5).
    expect(gini([4, 1, 3, 2])).toBeCloseTo(0.25, 12);
    expect(gini([0, 0])).toBe(0);
  });

  it('counts top-k appearances including never-shown mentors', () => {
    const rankings = [
      ['a', 'b', 'x'],
      ['a', 'c', 'b'],
    ];
    expect(exposureCounts(rankings, ['a', 'b', 'c', 'd'], 1)).toEqual([2, 0, 0, 0]);
    const counts = exposureCounts(rankings, ['a', 'b', 'c', 'd'], 2);
    expect(counts).toEqual([2, 1, 1, 0]);
    expect(neverShownShare(counts)).toBe(0.25);
    expect(neverShownShare([0, 0, 1, 3])).toBe(0.5);
  });

  it('draws the Lorenz curve from (0,0) to (1,1), sampled when there are many mentors', () => {
    expect(lorenzCurve([0, 5, 0, 0])).toEqual([
      { population: 0, exposure: 0 },
      { population: 0.25, exposure: 0 },
      { population: 0.5, exposure: 0 },
      { population: 0.75, exposure: 0 },
      { population: 1, exposure: 1 },
    ]);
    const many = lorenzCurve(
      Array.from({ length: 300 }, (_, i) => i % 7),
      101,
    );
    expect(many).toHaveLength(101);
    expect(many[0]).toEqual({ population: 0, exposure: 0 });
    expect(many[100]!.exposure).toBeCloseTo(1, 12);
    for (let i = 1; i < many.length; i++) {
      expect(many[i]!.exposure).toBeGreaterThanOrEqual(many[i - 1]!.exposure);
      expect(many[i]!.exposure).toBeLessThanOrEqual(many[i]!.population + 1e-12);
    }
  });
});

describe('ANN recall', () => {
  it('averages overlap with the exact top k and reports the 5th percentile', () => {
    const r = annRecallAtK(
      [
        [1, 2, 3],
        [4, 5, 9],
      ],
      [
        [1, 2, 3],
        [6, 5, 4],
      ],
      3,
    );
    expect(r.perQuery[0]).toBe(1);
    expect(r.perQuery[1]).toBeCloseTo(2 / 3, 12);
    expect(r.mean).toBeCloseTo(5 / 6, 12);
    expect(r.p5).toBeCloseTo(2 / 3 + (1 / 3) * 0.05, 12);
  });

  it('divides by the exact list length when the collection is smaller than k', () => {
    expect(annRecallAtK([[1, 2]], [[2, 1]], 10).mean).toBe(1);
    expect(() => annRecallAtK([[1]], [], 1)).toThrow();
  });
});
