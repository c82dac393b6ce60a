import { indexTerms } from '../matching/text-analysis.js';
import { evalMentorText, type EvalDataset } from './eval-dataset.js';
import { aggregatePassageScores, scoreMatrixFromRows, type PassageAggregate, type Scorer } from './scoring.js';

/**
 * Lexical baselines for the evaluation harness: TF-IDF cosine and BM25 over whole profiles or over
 * passages (then aggregated per mentor). Statistics (idf, average length) come from the documents
 * being scored, i.e. the dataset's mentors or their passages.
 */
export interface LexicalOptions {
  aggregate?: PassageAggregate;
  /** Defaults to the matcher's own analysis (stemmed, stop words removed) so baselines see the same terms. */
  tokenize?: (text: string) => string[];
}

export interface TfidfOptions extends LexicalOptions {
  /**
   * 1 + ln(tf) instead of raw counts (the default), so a term repeated across many of a profile's
   * papers does not swamp the rest; raw counts lose 0.04 pairwise loss on the gold standard.
   */
  sublinearTf?: boolean;
}

export interface Bm25Options extends LexicalOptions {
  k1?: number;
  b?: number;
}

interface Documents {
  /** Term counts per document. */
  docs: Map<string, number>[];
  /** Mentor index of each document. */
  owner: number[];
  documentFrequency: Map<string, number>;
}

function counts(terms: readonly string[]): Map<string, number> {
  const c = new Map<string, number>();
  for (const t of terms) c.set(t, (c.get(t) ?? 0) + 1);
  return c;
}

function documents(dataset: EvalDataset, aggregate: PassageAggregate, tokenize: (text: string) => string[]): Documents {
  const docs: Map<string, number>[] = [];
  const owner: number[] = [];
  dataset.mentors.forEach((m, mi) => {
    const texts = aggregate === 'whole' ? [evalMentorText(m)] : m.passages;
    for (const text of texts) {
      docs.push(counts(tokenize(text)));
      owner.push(mi);
    }
  });
  const documentFrequency = new Map<string, number>();
  for (const doc of docs) for (const t of doc.keys()) documentFrequency.set(t, (documentFrequency.get(t) ?? 0) + 1);
  return { docs, owner, documentFrequency };
}

/** Inverted lists of per-document term weights, and a scoring loop shared by both models. */
function scoreWithPostings(
  dataset: EvalDataset,
  corpus: Documents,
  aggregate: PassageAggregate,
  postings: Map<string, { doc: number; weight: number }[]>,
  queryWeights: (terms: Map<string, number>) => Map<string, number>,
  tokenize: (text: string) => string[],
  onProgress?: (done: number, total: number) => void,
) {
  const rows = dataset.queries.map((q, qi) => {
    const docScores = new Float64Array(corpus.docs.length);
    for (const [term, qw] of queryWeights(counts(tokenize(q.text)))) {
      for (const { doc, weight } of postings.get(term) ?? []) docScores[doc]! += qw * weight;
    }
    const row = new Float64Array(dataset.mentors.length);
    if (aggregate === 'whole') {
      corpus.owner.forEach((mi, d) => {
        row[mi] = docScores[d]!;
      });
    } else {
      const perMentor = dataset.mentors.map(() => [] as number[]);
      corpus.owner.forEach((mi, d) => {
        perMentor[mi]!.push(docScores[d]!);
      });
      perMentor.forEach((scores, mi) => {
        row[mi] = aggregatePassageScores(scores, aggregate);
      });
    }
    onProgress?.(qi + 1, dataset.queries.length);
    return row;
  });
  return scoreMatrixFromRows(dataset, rows);
}

/** Cosine of L2-normalised TF-IDF vectors with scikit-learn's smoothed idf, ln((1 + N) / (1 + df)) + 1. */
export function tfidfScorer(options: TfidfOptions = {}): Scorer {
  const { aggregate = 'whole', tokenize = indexTerms, sublinearTf = true } = options;
  return async (dataset, onProgress) => {
    const corpus = documents(dataset, aggregate, tokenize);
    const n = corpus.docs.length;
    const idf = new Map([...corpus.documentFrequency].map(([t, df]) => [t, Math.log((1 + n) / (1 + df)) + 1]));
    const tf = (c: number) => (sublinearTf ? 1 + Math.log(c) : c);
    const vector = (c: Map<string, number>) => {
      const v = new Map<string, number>();
      let norm = 0;
      for (const [t, count] of c) {
        const w = idf.get(t);
        if (w === undefined) continue;
        const x = tf(count) * w;
        v.set(t, x);
        norm += x * x;
      }
      norm = Math.sqrt(norm);
      if (norm > 0) for (const [t, x] of v) v.set(t, x / norm);
      return v;
    };
    const postings = new Map<string, { doc: number; weight: number }[]>();
    corpus.docs.forEach((doc, d) => {
      for (const [t, weight] of vector(doc)) {
        let list = postings.get(t);
        if (!list) {
          list = [];
          postings.set(t, list);
        }
        list.push({ doc: d, weight });
      }
    });
    return scoreWithPostings(dataset, corpus, aggregate, postings, vector, tokenize, onProgress);
  };
}

/** Okapi BM25 with the non-negative idf ln(1 + (N - df + 0.5) / (df + 0.5)); repeated query terms count again. */
export function bm25Scorer(options: Bm25Options = {}): Scorer {
  const { aggregate = 'whole', tokenize = indexTerms, k1 = 1.2, b = 0.75 } = options;
  return async (dataset, onProgress) => {
    const corpus = documents(dataset, aggregate, tokenize);
    const n = corpus.docs.length;
    const lengths = corpus.docs.map((doc) => [...doc.values()].reduce((s, c) => s + c, 0));
    const avgLength = lengths.reduce((s, l) => s + l, 0) / Math.max(1, n) || 1;
    const postings = new Map<string, { doc: number; weight: number }[]>();
    corpus.docs.forEach((doc, d) => {
      const norm = k1 * (1 - b + (b * lengths[d]!) / avgLength);
      for (const [t, tf] of doc) {
        const df = corpus.documentFrequency.get(t)!;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        let list = postings.get(t);
        if (!list) {
          list = [];
          postings.set(t, list);
        }
        list.push({ doc: d, weight: (idf * tf * (k1 + 1)) / (tf + norm) });
      }
    });
    return scoreWithPostings(dataset, corpus, aggregate, postings, (c) => c, tokenize, onProgress);
  };
}
