import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LexicalIndex, type LexicalHit } from '../../src/matching/lexical-index.js';
import { indexTerms } from '../../src/matching/text-analysis.js';

// The optimised index (typed postings, cached length norms and TF-IDF norms) must give exactly what the
// textbook formulas give: same ids, same order, bit-identical scores. The reference scores every document
// from scratch, summing query terms in their order of first appearance, as the index does.
const K1 = 1.2;
const B = 0.75;

function referenceSearch(
  docs: ReadonlyMap<number, string>,
  query: string,
  k: number,
  filter?: (id: number) => boolean,
): LexicalHit[] {
  const terms = new Map([...docs].map(([id, text]) => [id, indexTerms(text)]));
  const df = new Map<string, number>();
  let totalLength = 0;
  for (const t of terms.values()) {
    totalLength += t.length;
    for (const term of new Set(t)) df.set(term, (df.get(term) ?? 0) + 1);
  }
  const avgLength = totalLength / docs.size;
  const queryTerms = [...new Set(indexTerms(query))].filter((t) => df.has(t));
  const hits: LexicalHit[] = [];
  for (const [id, docTerms] of terms) {
    let score = 0;
    for (const term of queryTerms) {
      const tf = docTerms.filter((t) => t === term).length;
      if (tf === 0) continue;
      const n = df.get(term)!;
      const idf = Math.log(1 + (docs.size - n + 0.5) / (n + 0.5));
      score += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * docTerms.length) / avgLength));
    }
    if (score > 0 && (!filter || filter(id))) hits.push({ id, score });
  }
  return hits.sort((a, b) => b.score - a.score || a.id - b.id).slice(0, k);
}

function referenceCosine(docs: ReadonlyMap<number, string>, query: string, id: number): number {
  const df = new Map<string, number>();
  for (const text of docs.values()) for (const term of new Set(indexTerms(text))) df.set(term, (df.get(term) ?? 0) + 1);
  const idf = (term: string) => Math.log((1 + docs.size) / (1 + (df.get(term) ?? 0))) + 1;
  const vector = (text: string) => {
    const counts = new Map<string, number>();
    for (const term of indexTerms(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
    return new Map([...counts].map(([term, count]) => [term, (1 + Math.log(count)) * idf(term)]));
  };
  const q = vector(query);
  const text = docs.get(id);
  if (text === undefined) return 0;
  const d = vector(text);
  let product = 0;
  for (const [term, w] of q) if (df.has(term)) product += w * (d.get(term) ?? 0);
  const norm = (v: Map<string, number>) => Math.hypot(...v.values());
  return product === 0 ? 0 : Math.min(1, product / (norm(q) * norm(d)));
}

// A small vocabulary with skewed frequencies: long postings lists, many equal scores (identical or
// permuted documents) and documents that share no query term.
const WORDS = [
  'python',
  'python',
  'python',
  'leadership',
  'leadership',
  'hiring',
  'gdpr',
  'salary',
  'negotiation',
  'design',
  'ivf',
  'kubernetes',
  'fundraising',
];

const anyText = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 12 }).map((words) => words.join(' '));
const anyQuery = fc
  .array(
    fc.oneof({ weight: 1, arbitrary: fc.constant('unknownword') }, { weight: 9, arbitrary: fc.constantFrom(...WORDS) }),
    { minLength: 1, maxLength: 5 },
  )
  .map((words) => words.join(' '));

describe('LexicalIndex against a from-scratch reference', () => {
  it('search gives the same hits, order and scores through churn, with and without filters', () => {
    const step = fc.record({
      id: fc.integer({ min: 0, max: 149 }),
      // Repeat an existing text now and then, so that whole documents tie.
      write: fc.oneof(
        { weight: 20, arbitrary: fc.constant('remove' as const) },
        { weight: 16, arbitrary: fc.constant('repeat' as const) },
        { weight: 64, arbitrary: fc.constant('upsert' as const) },
      ),
      repeatOf: fc.nat(),
      text: anyText,
      query: anyQuery,
      k: fc.integer({ min: 1, max: 40 }),
    });
    let runsWithTies = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 400, size: 'max' }), (steps) => {
        const index = new LexicalIndex();
        const docs = new Map<number, string>();
        for (const { id, write, repeatOf, text, query, k } of steps) {
          if (write === 'remove') {
            index.remove(id);
            docs.delete(id);
          } else {
            const written = write === 'repeat' && docs.size > 0 ? [...docs.values()][repeatOf % docs.size]! : text;
            index.upsert(id, written);
            docs.set(id, written);
          }
          // Query after every write, so that norms cached by the previous query must follow each write.
          if (docs.size > 0) {
            expect(index.search(query, k)).toEqual(referenceSearch(docs, query, k));
            const filter = (doc: number) => doc % 3 !== 0;
            expect(index.search(query, k, filter)).toEqual(referenceSearch(docs, query, k, filter));
          }
        }
        const all = referenceSearch(docs, 'python leadership hiring', docs.size);
        if (new Set(all.map((h) => h.score)).size < all.length) runsWithTies++;
        expect(index.search('python leadership hiring', docs.size)).toEqual(all);
      }),
      { numRuns: 6 },
    );
    // The generator must make whole documents tie.
    expect(runsWithTies).toBeGreaterThan(0);
  });

  it('cosineDocuments matches the reference and its cached norms follow writes exactly', () => {
    const step = fc.record({
      id: fc.integer({ min: 0, max: 79 }),
      text: fc.option(anyText, { freq: 5 }),
      query: anyQuery,
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 400, size: 'max' }), (steps) => {
        const warmed = new LexicalIndex();
        const replayed: Array<[number, string | null]> = [];
        const docs = new Map<number, string>();
        steps.forEach(({ id, text, query }, n) => {
          if (text === null) {
            warmed.remove(id);
            docs.delete(id);
          } else {
            warmed.upsert(id, text);
            docs.set(id, text);
          }
          replayed.push([id, text]);
          const ids = [...docs.keys(), 999];
          const got = warmed.cosineDocuments(query, ids);
          for (const id of ids) expect(got.get(id)).toBeCloseTo(referenceCosine(docs, query, id), 12);
          // Same question, warm cache: the same numbers.
          expect(warmed.cosineDocuments(query, ids)).toEqual(got);
          if (n % 25 === 0 || n === steps.length - 1) {
            // An index that saw the same writes but never answered a question: bit-identical.
            const cold = new LexicalIndex();
            for (const [replayId, replayText] of replayed) {
              if (replayText === null) cold.remove(replayId);
              else cold.upsert(replayId, replayText);
            }
            expect(cold.cosineDocuments(query, ids)).toEqual(got);
          }
        });
      }),
      { numRuns: 2 },
    );
  });
});
