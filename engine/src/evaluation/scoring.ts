import type { EvalDataset } from './eval-dataset.js';
import type { ScoreMatrix } from './metrics.js';

/** Reports scoring progress in whatever unit the scorer counts (texts embedded, queries scored). */
export type ScoringProgress = (done: number, total: number) => void;

/** Scores every mentor for every query of the dataset. */
export type Scorer = (dataset: EvalDataset, onProgress?: ScoringProgress) => Promise<ScoreMatrix>;

export interface NamedScorer {
  name: string;
  score: Scorer;
}

/**
 * How a mentor's passage similarities become one score: 'whole' scores the profile as one text,
 * 'max' takes the best passage (one closely matching paper is strong evidence), 'mean' averages all,
 * and 'mean-topK' averages the K best, between the two.
 */
export type PassageAggregate = 'whole' | 'max' | 'mean' | `mean-top${number}`;

export function aggregatePassageScores(scores: readonly number[], aggregate: Exclude<PassageAggregate, 'whole'>): number {
  if (scores.length === 0) return 0;
  if (aggregate === 'max') return scores.reduce((a, b) => (b > a ? b : a));
  const k = aggregate === 'mean' ? scores.length : Number(aggregate.slice('mean-top'.length));
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`Unknown passage aggregate ${aggregate}`);
  const top = [...scores].sort((a, b) => b - a).slice(0, k);
  return top.reduce((s, v) => s + v, 0) / top.length;
}

/** Fills a complete score matrix from a dense [query][mentor] array in dataset order. */
export function scoreMatrixFromRows(dataset: EvalDataset, rows: readonly (ArrayLike<number>)[]): ScoreMatrix {
  return new Map(
    dataset.queries.map((q, qi) => [q.id, new Map(dataset.mentors.map((m, mi) => [m.externalId, rows[qi]![mi]!]))]),
  );
}

/**
 * Weighted sum of other scorers' scores. Meant for scorers on the same scale (cosine similarities),
 * so no per-query normalisation is applied: that would change the within-mentor order across queries
 * which the pairwise loss measures.
 */
export function blendScorers(parts: readonly { scorer: Scorer; weight: number }[]): Scorer {
  return async (dataset, onProgress) => {
    const matrices: ScoreMatrix[] = [];
    for (const [i, part] of parts.entries()) {
      matrices.push(await part.scorer(dataset));
      onProgress?.(i + 1, parts.length);
    }
    return new Map(
      dataset.queries.map((q) => [
        q.id,
        new Map(
          dataset.mentors.map((m) => [
            m.externalId,
            parts.reduce((s, part, i) => s + part.weight * matrices[i]!.get(q.id)!.get(m.externalId)!, 0),
          ]),
        ),
      ]),
    );
  };
}
