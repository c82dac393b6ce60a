import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LexicalIndex } from '../../src/matching/lexical-index.js';

function smallIndex(): LexicalIndex {
  const index = new LexicalIndex();
  index.upsert(1, 'apple banana');
  index.upsert(2, 'apple apple cherry');
  index.upsert(3, 'cherry date');
  return index;
}

describe('LexicalIndex', () => {
  // N = 3 documents, lengths 2, 3, 2 → avgdl = 7/3; k1 = 1.2, b = 0.75; idf = ln(1 + (N − n + 0.5) / (n + 0.5)).
  it('scores a single rare term by hand', () => {
    const idf = Math.log(1 + 2.5 / 1.5); // banana: n = 1
    const norm = 1 + 1.2 * (0.25 + (0.75 * 2) / (7 / 3)); // tf = 1, dl = 2
    const expected = (idf * 2.2) / norm;
    expect(expected).toBeCloseTo(1.041708, 5);
    const hits = smallIndex().search('banana', 10);
    expect(hits).toHaveLength(1);
    expect(hits[0]!.id).toBe(1);
    expect(hits[0]!.score).toBeCloseTo(expected, 10);
  });

  it('sums term scores, saturates term frequency and breaks ties by id', () => {
    const idf = Math.log(1 + 1.5 / 2.5); // apple and cherry: n = 2
    const lengthNorm3 = 1.2 * (0.25 + (0.75 * 3) / (7 / 3));
    const lengthNorm2 = 1.2 * (0.25 + (0.75 * 2) / (7 / 3));
    const doc2 = (idf * 2 * 2.2) / (2 + lengthNorm3) + (idf * 2.2) / (1 + lengthNorm3);
    const doc1 = (idf * 2.2) / (1 + lengthNorm2);
    const hits = smallIndex().search('apples and cherries', 10);
    expect(hits.map((h) => h.id)).toEqual([2, 1, 3]);
    expect(hits[0]!.score).toBeCloseTo(doc2, 10);
    expect(hits[1]!.score).toBeCloseTo(doc1, 10);
    expect(hits[2]!.score).toBeCloseTo(doc1, 10);
  });

  it('search keeps only the top k and honours the filter', () => {
    const index = smallIndex();
    expect(index.search('apple cherry', 1).map((h) => h.id)).toEqual([2]);
    expect(index.search('apple cherry', 5, (id) => id !== 2).map((h) => h.id)).toEqual([1, 3]);
    expect(index.search('the of and', 5)).toEqual([]);
  });

  it('updates and removes documents, and statistics follow', () => {
    const index = smallIndex();
    index.upsert(1, 'date');
    expect(index.search('banana', 5)).toEqual([]);
    expect(index.search('date', 5).map((h) => h.id)).toEqual([1, 3]);
    expect(index.remove(3)).toBe(true);
    expect(index.remove(3)).toBe(false);
    expect(index.size).toBe(2);
    const rebuilt = new LexicalIndex();
    rebuilt.upsert(1, 'date');
    rebuilt.upsert(2, 'apple apple cherry');
    expect(index.search('date cherry', 5)).toEqual(rebuilt.search('date cherry', 5));
  });

  it('indexes mentor documents (headline, bio, skills) and stays consistent through random churn', () => {
    const words = [
      'gdpr',
      'kubernetes',
      'ivf',
      'salary',
      'negotiation',
      'design',
      'python',
      'leadership',
      'fundraising',
      'hiring',
    ];
    const step = fc.record({
      id: fc.integer({ min: 0, max: 59 }),
      // null removes the mentor.
      bio: fc.option(
        fc.array(fc.constantFrom(...words), { minLength: 3, maxLength: 12 }).map((w) => w.join(' ')),
        { freq: 4 },
      ),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 400, size: 'max' }), (steps) => {
        const live = new Map<number, string>();
        const index = new LexicalIndex();
        for (const { id, bio } of steps) {
          if (bio === null) {
            index.remove(id);
            live.delete(id);
          } else {
            index.upsert(id, { headline: '', bio, skills: [] });
            live.set(id, bio);
          }
        }
        const fresh = new LexicalIndex();
        for (const [id, bio] of live) fresh.upsert(id, { headline: '', bio, skills: [] });
        const a = index.search('gdpr hiring python', 20);
        const b = fresh.search('gdpr hiring python', 20);
        expect(a.map((h) => h.id)).toEqual(b.map((h) => h.id));
        a.forEach((h, i) => {
          expect(h.score).toBeCloseTo(b[i]!.score, 9);
        });
      }),
      { numRuns: 20 },
    );
  });
});

describe('LexicalIndex.cosineDocuments', () => {
  // Smoothed idf ln((1 + N) / (1 + df)) + 1 with N = 3: apple and cherry df 2, banana and date df 1; sublinear tf.
  const common = Math.log(4 / 3) + 1;
  const rare = Math.log(4 / 2) + 1;

  it('is the cosine of sublinear TF-IDF vectors, by hand', () => {
    const doc1 = Math.hypot(common, rare); // apple banana
    const cos = smallIndex().cosineDocuments('banana', [1, 2, 3]);
    expect(cos.get(1)).toBeCloseTo(rare / doc1, 12);
    expect(cos.get(2)).toBe(0);
    expect(cos.get(3)).toBe(0);
    const doc2 = Math.hypot((1 + Math.log(2)) * common, common); // apple apple cherry
    expect(smallIndex().cosineDocuments('cherry', [2]).get(2)).toBeCloseTo(common / doc2, 12);
  });

  it("is 1 for the document's own text and does not depend on the other candidates asked for", () => {
    const index = smallIndex();
    expect(index.cosineDocuments('apple apple cherry', [2]).get(2)).toBeCloseTo(1, 12);
    expect(index.cosineDocuments('apple banana', [1]).get(1)).toBeCloseTo(
      index.cosineDocuments('apple banana', [1, 2, 3]).get(1)!,
      15,
    );
  });

  it('counts question terms no mentor has in the question norm', () => {
    const index = smallIndex();
    const unknown = Math.log(4 / 1) + 1;
    const known = index.cosineDocuments('banana', [1]).get(1)!;
    expect(index.cosineDocuments('banana kiwi', [1]).get(1)).toBeCloseTo(
      (known * rare) / Math.hypot(rare, unknown),
      12,
    );
  });

  it('is 0 for unknown documents and for questions without content words', () => {
    const index = smallIndex();
    expect(index.cosineDocuments('apple', [99]).get(99)).toBe(0);
    expect(index.cosineDocuments('the of and', [1]).get(1)).toBe(0);
  });
});
