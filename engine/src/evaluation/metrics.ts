import { quantile } from './bootstrap.js';

/** queryId -> mentorId -> graded relevance; a mentor missing from the inner map is unjudged. */
export type Judgments = ReadonlyMap<string, ReadonlyMap<string, number>>;
/** queryId -> mentorId -> score, higher is better; complete (every mentor for every query). */
export type ScoreMatrix = ReadonlyMap<string, ReadonlyMap<string, number>>;

// ---------------------------------------------------------------------------------------------
// The gold standard's within-expert pairwise loss (Stelmakh et al., TMLR 2025).

export interface RatedItem {
  rating: number;
  score: number;
}

/** Sums over the pairs of one expert (or of many, see `sumTallies`); ratios are taken at the end. */
export interface PairwiseTally {
  pairs: number;
  penalty: number;
  weight: number;
  easyCorrect: number;
  easyTotal: number;
  hardCorrect: number;
  hardTotal: number;
}

export interface PairwiseThresholds {
  /** A rating at or above this is "expert" (easy and hard pairs). */
  high: number;
  /** A rating at or below this is "not expert" (easy pairs). */
  low: number;
}

export const goldStandardThresholds: PairwiseThresholds = { high: 4, low: 2 };

export function emptyTally(): PairwiseTally {
  return { pairs: 0, penalty: 0, weight: 0, easyCorrect: 0, easyTotal: 0, hardCorrect: 0, hardTotal: 0 };
}

/**
 * Every unordered pair of one expert's rated items with different ratings, weighted by the rating
 * gap: the full gap is charged when the scores order the pair the other way round, half of it
 * when the scores tie. For the accuracies a tie counts as wrong.
 */
export function pairwiseTally(
  items: readonly RatedItem[],
  thresholds: PairwiseThresholds = goldStandardThresholds,
): PairwiseTally {
  const t = emptyTally();
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i]!;
      const b = items[j]!;
      if (a.rating === b.rating) continue;
      const [hi, lo] = a.rating > b.rating ? [a, b] : [b, a];
      const w = hi.rating - lo.rating;
      const correct = hi.score > lo.score;
      const tie = hi.score === lo.score;
      t.pairs++;
      t.weight += w;
      if (tie) t.penalty += w / 2;
      else if (!correct) t.penalty += w;
      if (hi.rating >= thresholds.high && lo.rating <= thresholds.low) {
        t.easyTotal++;
        if (correct) t.easyCorrect++;
      }
      if (lo.rating >= thresholds.high) {
        t.hardTotal++;
        if (correct) t.hardCorrect++;
      }
    }
  }
  return t;
}

export function sumTallies(tallies: Iterable<PairwiseTally>): PairwiseTally {
  const sum = emptyTally();
  for (const t of tallies) {
    sum.pairs += t.pairs;
    sum.penalty += t.penalty;
    sum.weight += t.weight;
    sum.easyCorrect += t.easyCorrect;
    sum.easyTotal += t.easyTotal;
    sum.hardCorrect += t.hardCorrect;
    sum.hardTotal += t.hardTotal;
  }
  return sum;
}

/** NaN when there is no pair with different ratings. */
export const pairwiseLoss = (t: PairwiseTally): number => (t.weight > 0 ? t.penalty / t.weight : Number.NaN);
export const easyAccuracy = (t: PairwiseTally): number => (t.easyTotal > 0 ? t.easyCorrect / t.easyTotal : Number.NaN);
export const hardAccuracy = (t: PairwiseTally): number => (t.hardTotal > 0 ? t.hardCorrect / t.hardTotal : Number.NaN);

/** Groups judgments by mentor (the expert who rated) and tallies each mentor's pairs of queries. */
export function pairwiseTalliesByMentor(
  judgments: Judgments,
  scores: ScoreMatrix,
  thresholds: PairwiseThresholds = goldStandardThresholds,
): Map<string, PairwiseTally> {
  const byMentor = new Map<string, RatedItem[]>();
  for (const [queryId, ratings] of judgments) {
    for (const [mentorId, rating] of ratings) {
      const score = scores.get(queryId)?.get(mentorId);
      if (score === undefined) throw new Error(`No score for query ${queryId} and mentor ${mentorId}`);
      let items = byMentor.get(mentorId);
      if (!items) {
        items = [];
        byMentor.set(mentorId, items);
      }
      items.push({ rating, score });
    }
  }
  return new Map([...byMentor].map(([mentorId, items]) => [mentorId, pairwiseTally(items, thresholds)]));
}

// ---------------------------------------------------------------------------------------------
// Ranking of all mentors for one query.

/**
 * All mentors best first. Ties in score are broken against the scorer (lowest judged relevance
 * first, unjudged counting as 0), then by id, so equal scores never earn credit by luck of ids.
 */
export function rankMentors(
  scores: ReadonlyMap<string, number>,
  relevance: ReadonlyMap<string, number> = new Map(),
): string[] {
  return [...scores.keys()].sort((a, b) => {
    const d = scores.get(b)! - scores.get(a)!;
    if (d !== 0) return d;
    const r = (relevance.get(a) ?? 0) - (relevance.get(b) ?? 0);
    if (r !== 0) return r;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** Mentors whose judged relevance reaches the threshold. */
export function relevantSet(relevance: ReadonlyMap<string, number>, threshold: number): Set<string> {
  return new Set([...relevance].filter(([, r]) => r >= threshold).map(([id]) => id));
}

/** 1 / rank of the first relevant mentor; 0 when none is ranked. */
export function reciprocalRank(ranking: readonly string[], relevant: ReadonlySet<string>): number {
  const i = ranking.findIndex((id) => relevant.has(id));
  return i < 0 ? 0 : 1 / (i + 1);
}

export function recallAtK(ranking: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  if (relevant.size === 0) return Number.NaN;
  return ranking.slice(0, k).filter((id) => relevant.has(id)).length / relevant.size;
}

/** Divides by k even when fewer than k mentors exist, the usual convention. */
export function precisionAtK(ranking: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  return ranking.slice(0, k).filter((id) => relevant.has(id)).length / k;
}

const gain = (rel: number): number => (rel > 0 ? 2 ** rel - 1 : 0);

/**
 * Graded nDCG@k with gain 2^rel - 1 and discount log2(rank + 1); the ideal DCG orders every judged
 * relevance of the query, not only those the ranking retrieved. NaN when no judged gain is positive.
 */
export function ndcgAtK(ranking: readonly string[], relevance: ReadonlyMap<string, number>, k: number): number {
  let dcg = 0;
  ranking.slice(0, k).forEach((id, i) => {
    dcg += gain(relevance.get(id) ?? 0) / Math.log2(i + 2);
  });
  const ideal = [...relevance.values()].sort((a, b) => b - a).slice(0, k);
  let idcg = 0;
  ideal.forEach((rel, i) => {
    idcg += gain(rel) / Math.log2(i + 2);
  });
  return idcg > 0 ? dcg / idcg : Number.NaN;
}

// ---------------------------------------------------------------------------------------------
// Exposure: how evenly the top-k slots are spread over the mentors.

/** Times each mentor appears in the top k, in the order of `mentorIds` (never-shown mentors are 0). */
export function exposureCounts(
  rankings: Iterable<readonly string[]>,
  mentorIds: readonly string[],
  k: number,
): number[] {
  const index = new Map(mentorIds.map((id, i) => [id, i]));
  const counts = new Array<number>(mentorIds.length).fill(0);
  for (const ranking of rankings) {
    for (const id of ranking.slice(0, k)) {
      const i = index.get(id);
      if (i !== undefined) counts[i]!++;
    }
  }
  return counts;
}

/** Gini coefficient of non-negative values: 0 when all are equal, (n-1)/n when one holds everything. */
export function gini(values: readonly number[]): number {
  const n = values.length;
  const total = values.reduce((s, v) => s + v, 0);
  if (n === 0 || total === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  let weighted = 0;
  sorted.forEach((v, i) => {
    weighted += (i + 1) * v;
  });
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

export function neverShownShare(counts: readonly number[]): number {
  return counts.length === 0 ? 0 : counts.filter((c) => c === 0).length / counts.length;
}

export interface LorenzPoint {
  /** Share of mentors, least exposed first. */
  population: number;
  /** Share of all top-k slots those mentors received. */
  exposure: number;
}

/**
 * Lorenz curve from (0,0) to (1,1). With more than `maxPoints - 1` mentors the curve is sampled at
 * evenly spaced population shares (linear between mentors), which keeps chart payloads small.
 */
export function lorenzCurve(values: readonly number[], maxPoints = 101): LorenzPoint[] {
  const n = values.length;
  if (n === 0) return [];
  const sorted = [...values].sort((a, b) => a - b);
  const total = sorted.reduce((s, v) => s + v, 0);
  const cumulative = [0];
  for (const v of sorted) cumulative.push(cumulative[cumulative.length - 1]! + v);
  const at = (i: number) => (total === 0 ? i / n : cumulative[i]! / total);
  if (n + 1 <= maxPoints) return cumulative.map((_, i) => ({ population: i / n, exposure: at(i) }));
  const points: LorenzPoint[] = [];
  for (let p = 0; p < maxPoints; p++) {
    const population = p / (maxPoints - 1);
    const pos = population * n;
    const lo = Math.floor(pos);
    const hi = Math.min(n, lo + 1);
    points.push({ population, exposure: at(lo) + (at(hi) - at(lo)) * (pos - lo) });
  }
  return points;
}

// ---------------------------------------------------------------------------------------------
// Approximate nearest neighbours against the exact scan.

export interface AnnRecall {
  mean: number;
  /** 5th percentile over queries (linear interpolation): the bad tail that a mean hides. */
  p5: number;
  perQuery: number[];
}

/** |approx top k ∩ exact top k| / k per query (divided by the exact list's length when it is shorter than k). */
export function annRecallAtK<L>(
  approx: readonly (readonly L[])[],
  exact: readonly (readonly L[])[],
  k: number,
): AnnRecall {
  if (approx.length !== exact.length) throw new Error(`approx has ${approx.length} queries, exact has ${exact.length}`);
  const perQuery = exact.map((truth, q) => {
    const want = new Set(truth.slice(0, k));
    const denominator = Math.min(k, want.size);
    if (denominator === 0) return 1;
    return approx[q]!.slice(0, k).filter((label) => want.has(label)).length / denominator;
  });
  const mean = perQuery.length ? perQuery.reduce((s, v) => s + v, 0) / perQuery.length : Number.NaN;
  return { mean, p5: quantile(perQuery, 0.05), perQuery };
}
