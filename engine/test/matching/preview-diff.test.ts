import { describe, expect, it } from 'vitest';
import { mergeCandidates } from '../../src/matching/candidates.js';
import { diffRankings } from '../../src/matching/preview-diff.js';

const list = (...ids: string[]) => ids.map((externalId, i) => ({ externalId, score: 1 - i / 10 }));

describe('diffRankings', () => {
  it('reports moved up, moved down, new, dropped and unchanged', () => {
    const diff = diffRankings(list('a', 'b', 'c', 'd'), list('c', 'b', 'a', 'e'));
    expect(diff.entries.map((e) => [e.externalId, e.change, e.moved, e.activeRank, e.draftRank])).toEqual([
      ['c', 'up', 2, 3, 1],
      ['b', 'unchanged', 0, 2, 2],
      ['a', 'down', -2, 1, 3],
      ['e', 'new', 0, null, 4],
      ['d', 'dropped', 0, 4, null],
    ]);
    expect(diff.summary).toEqual({ up: 1, down: 1, new: 1, dropped: 1, unchanged: 1 });
    expect(diff.entries[0]).toMatchObject({ activeScore: 0.8, draftScore: 1 });
  });

  it('is all unchanged for identical lists and handles empty lists', () => {
    expect(diffRankings(list('a', 'b'), list('a', 'b')).summary).toEqual({
      up: 0,
      down: 0,
      new: 0,
      dropped: 0,
      unchanged: 2,
    });
    expect(diffRankings([], list('a')).summary.new).toBe(1);
    expect(diffRankings(list('a'), []).summary.dropped).toBe(1);
  });
});

describe('mergeCandidates', () => {
  it('unions both lists without duplicates and keeps both ranks', () => {
    const merged = mergeCandidates(
      [
        { label: 5, similarity: 0.8 },
        { label: 7, similarity: 0.6 },
        { label: 9, similarity: 0.5 },
      ],
      [
        { id: 9, score: 12 },
        { id: 3, score: 8 },
      ],
    );
    expect(merged).toEqual([
      { id: 5, vectorRank: 1, lexicalRank: null, similarity: 0.8, bm25: null },
      { id: 9, vectorRank: 3, lexicalRank: 1, similarity: 0.5, bm25: 12 },
      { id: 7, vectorRank: 2, lexicalRank: null, similarity: 0.6, bm25: null },
      { id: 3, vectorRank: null, lexicalRank: 2, similarity: null, bm25: 8 },
    ]);
  });
});
