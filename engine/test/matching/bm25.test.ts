import { describe, expect, it } from 'vitest';
import { Bm25Index, normaliseBm25 } from '../../src/matching/bm25.js';
import { seededRandom } from './helpers.js';

function smallIndex(): Bm25Index {
  const index = new Bm25Index();
  index.upsert(1, 'apple banana');
  index.upsert(2, 'apple apple cherry');
  index.upsert(3, 'cherry date');
  return index;
}

describe('Bm25Index', () => {
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
    expect(smallIndex().idealScore('apple cherry')).toBeCloseTo(2 * idf * 2.2, 10);
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
    const rebuilt = new Bm25Index();
    rebuilt.upsert(1, 'date');
    rebuilt.upsert(2, 'apple apple cherry');
    expect(index.search('date cherry', 5)).toEqual(rebuilt.search('date cherry', 5));
  });

  it('scoreDocuments agrees with search and matchedTerms lists shared stems', () => {
    const index = smallIndex();
    const hits = index.search('apple cherry', 10);
    const scores = index.scoreDocuments('apple cherry', [1, 2, 3, 99]);
    for (const h of hits) expect(scores.get(h.id)).toBeCloseTo(h.score, 12);
    expect(scores.get(99)).toBe(0);
    expect(index.matchedTerms('Apples, cherries and kiwis', 2)).toEqual(['appl', 'cherry']);
  });

  it('indexes mentor documents (headline, bio, skills) and stays consistent through random churn', () => {
    const random = seededRandom(11);
    const words = ['gdpr', 'kubernetes', 'ivf', 'salary', 'negotiation', 'design', 'python', 'leadership', 'fundraising', 'hiring'];
    const text = (): string => Array.from({ length: 3 + Math.floor(random() * 10) }, () => words[Math.floor(random() * words.length)]).join(' ');
    const live = new Map<number, string>();
    const index = new Bm25Index();
    for (let step = 0; step < 400; step++) {
      const id = Math.floor(random() * 60);
      if (random() < 0.25) {
        index.remove(id);
        live.delete(id);
      } else {
        const t = text();
        index.upsert(id, { headline: '', bio: t, skills: [] });
        live.set(id, t);
      }
    }
    const fresh = new Bm25Index();
    for (const [id, t] of live) fresh.upsert(id, { headline: '', bio: t, skills: [] });
    const a = index.search('gdpr hiring python', 20);
    const b = fresh.search('gdpr hiring python', 20);
    expect(a.map((h) => h.id)).toEqual(b.map((h) => h.id));
    a.forEach((h, i) => expect(h.score).toBeCloseTo(b[i]!.score, 9));
  });
});

describe('normaliseBm25', () => {
  it('divides by the best candidate score', () => {
    expect(normaliseBm25(5, 10, 12)).toBe(0.5);
    expect(normaliseBm25(10, 10, 12)).toBe(1);
  });

  it('does not promote a weak best match to 1', () => {
    expect(normaliseBm25(1, 1, 10)).toBeCloseTo(1 / 3, 12);
  });

  it('is 0 for no match and never above 1', () => {
    expect(normaliseBm25(0, 10, 10)).toBe(0);
    expect(normaliseBm25(Number.NaN, 10, 10)).toBe(0);
    expect(normaliseBm25(20, 10, 0)).toBe(1);
  });
});
