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

export function aggregatePassageScores(
  scores: readonly number[],
  aggregate: Exclude<PassageAggregate, 'whole'>,
): number {
  if (scores.length === 0) return 0;
  if (aggregate === 'max') return scores.reduce((a, b) => Math.max(a, b));
  const k = aggregate === 'mean' ? scores.length : Number(aggregate.slice('mean-top'.length));
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`Unknown passage aggregate ${aggregate}`);
  const top = [...scores].sort((a, b) => b - a).slice(0, k);
  return top.reduce((s, v) => s + v, 0) / top.length;
}

/** Fills a complete score matrix from a dense [query][mentor] array in dataset order. */
export function scoreMatrixFromRows(dataset: EvalDataset, rows: readonly ArrayLike<number>[]): ScoreMatrix {
  return new Map(
    dataset.queries.map((q, qi) => [q.id, new Map(dataset.mentors.map((m, mi) => [m.externalId, rows[qi]![mi]!]))]),
  );
}

/**
 * Weighted mean of other scorers' scores after standardising each one over all of its query-mentor
 * pairs (z-scores). Signals on different scales (a TF-IDF cosine near 0.05, an embedding cosine near
 * 0.4) then count by their weights rather than by their spread. One mean and one deviation per
 * scorer keeps every scorer's order both within a query and within a mentor, and uses no judgments.
 */
export function standardisedBlend(parts: readonly { scorer: Scorer; weight: number }[]): Scorer {
  return async (dataset, onProgress) => {
    const total = parts.reduce((s, p) => s + p.weight, 0);
    if (!(total > 0)) throw new RangeError('standardisedBlend needs a positive total weight');
    const sums = dataset.queries.map(() => new Float64Array(dataset.mentors.length));
    for (const [i, part] of parts.entries()) {
      const matrix = await part.scorer(dataset);
      const values = dataset.queries.map((q) => dataset.mentors.map((m) => matrix.get(q.id)!.get(m.externalId)!));
      const all = values.flat();
      const mean = all.reduce((s, v) => s + v, 0) / all.length;
      const sd = Math.sqrt(all.reduce((s, v) => s + (v - mean) ** 2, 0) / all.length);
      // A constant scorer carries no order; it only shifts every score alike.
      const scale = sd > 0 ? part.weight / total / sd : 0;
      values.forEach((row, qi) => {
        row.forEach((v, mi) => {
          sums[qi]![mi]! += (v - mean) * scale;
        });
      });
      onProgress?.(i + 1, parts.length);
    }
    return scoreMatrixFromRows(dataset, sums);
  };
}
