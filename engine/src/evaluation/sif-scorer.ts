import {
  commonComponent,
  sifEmbedder,
  withCommonComponentRemoved,
  type WordVectors,
} from '../embedding/word-vectors.js';
import { centroid, dot } from '../shared/vector-math.js';
import { scoreMatrixFromRows, type Scorer } from './scoring.js';

function unit(v: Float32Array): Float32Array {
  const norm = Math.hypot(...v);
  return norm > 0 ? v.map((x) => x / norm) : v;
}

/**
 * GloVe SIF baseline (issue 23): each passage and question is the SIF-weighted mean of its word vectors with the
 * common component removed, that component fitted on the mentors' passages only (what a live ranker could do:
 * it never sees the questions in advance); a mentor is the centroid of their passage vectors, as for use-lite.
 * Evaluation only: it did not improve the fusion under cross-validation (docs/evaluation.md).
 */
export function sifScorer(vectors: WordVectors): Scorer {
  return async (dataset) => {
    const base = sifEmbedder(vectors);
    const passages = dataset.mentors.map((m) => m.passages.map(base));
    const embed = withCommonComponentRemoved(base, commonComponent(passages.flat()));
    const mentors = dataset.mentors.map((m) =>
      m.passages.length > 0 ? centroid(m.passages.map((p) => unit(embed(p)))) : new Float32Array(vectors.dimensions),
    );
    return scoreMatrixFromRows(
      dataset,
      dataset.queries.map((q) => {
        const v = unit(embed(q.text));
        return mentors.map((m) => dot(v, m));
      }),
    );
  };
}
