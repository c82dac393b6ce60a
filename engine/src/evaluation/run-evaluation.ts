import { bootstrapCI, type BootstrapOptions } from './bootstrap.js';
import { judgmentCount, type EvalDataset } from './eval-dataset.js';
import {
  easyAccuracy,
  exposureCounts,
  gini,
  goldStandardThresholds,
  hardAccuracy,
  lorenzCurve,
  ndcgAtK,
  neverShownShare,
  pairwiseLoss,
  pairwiseTalliesByMentor,
  precisionAtK,
  rankMentors,
  recallAtK,
  reciprocalRank,
  relevantSet,
  sumTallies,
  type LorenzPoint,
  type PairwiseThresholds,
  type PairwiseTally,
  type ScoreMatrix,
} from './metrics.js';
import type { NamedScorer } from './scoring.js';

export interface EvaluationProgress {
  /** Finished stages out of `total` (two per configuration: scoring, then metrics). */
  done: number;
  total: number;
  stage: 'scoring' | 'metrics';
  config: string;
  /** Progress inside the current stage, in the scorer's own unit, when it reports one. */
  stageDone?: number;
  stageTotal?: number;
}

export interface EvaluationOptions {
  seed?: number;
  bootstrapSamples?: number;
  /** Confidence level of the intervals. */
  level?: number;
  /** Cutoffs for recall and precision. */
  ks?: number[];
  ndcgK?: number;
  /** Exposure counts appearances in the top `exposureK`. */
  exposureK?: number;
  pairwise?: PairwiseThresholds;
  /** Recorded as is (model id, weight-config version, ...) so a run can be reproduced. */
  meta?: Record<string, string | number | boolean | null>;
  onProgress?: (progress: EvaluationProgress) => void;
  /** Receives each configuration's complete scores, e.g. for the predictions export. */
  onScores?: (config: string, scores: ScoreMatrix) => void;
  now?: () => Date;
}

export interface MetricResult {
  name: string;
  value: number;
  ci: [number, number];
  /** Units the value averages over: experts for pairwise metrics, queries for ranking metrics. */
  n: number;
}

export interface ExposureResult {
  k: number;
  gini: number;
  giniCi: [number, number];
  neverShown: number;
  neverShownCi: [number, number];
  lorenz: LorenzPoint[];
}

export interface ConfigResult {
  name: string;
  metrics: MetricResult[];
  exposure: ExposureResult;
}

export interface EvaluationResult {
  dataset: string;
  checksum: string;
  createdAt: string;
  datasetOptions: Record<string, unknown>;
  meta: Record<string, string | number | boolean | null>;
  settings: {
    seed: number;
    bootstrapSamples: number;
    level: number;
    relevanceThreshold: number;
    ks: number[];
    ndcgK: number;
    exposureK: number;
    pairwise: PairwiseThresholds;
  };
  counts: { mentors: number; queries: number; judgments: number; judgedQueries: number; queriesWithRelevant: number; ratingExperts: number; pairs: number };
  configs: ConfigResult[];
}

/** Checks that a scorer kept its contract: a finite score for every mentor on every query. */
export function assertCompleteScores(dataset: EvalDataset, scores: ScoreMatrix, config: string): void {
  for (const q of dataset.queries) {
    const row = scores.get(q.id);
    if (!row) throw new Error(`${config}: no scores for query ${q.id}`);
    for (const m of dataset.mentors) {
      const s = row.get(m.externalId);
      if (s === undefined || !Number.isFinite(s)) throw new Error(`${config}: no finite score for query ${q.id} and mentor ${m.externalId}`);
    }
  }
}

interface QueryRecord {
  rr: number;
  recall: number[];
  precision: number[];
  ndcg: number;
}

const mean = (values: readonly number[]): number => {
  const finite = values.filter(Number.isFinite);
  return finite.length ? finite.reduce((s, v) => s + v, 0) / finite.length : Number.NaN;
};

function metric(name: string, units: readonly number[], boot: BootstrapOptions): MetricResult | null {
  const finite = units.filter(Number.isFinite);
  if (finite.length === 0) return null;
  const { value, ci } = bootstrapCI(finite, mean, boot);
  return { name, value, ci, n: finite.length };
}

function pairwiseMetric(name: string, tallies: readonly PairwiseTally[], stat: (t: PairwiseTally) => number, boot: BootstrapOptions): MetricResult | null {
  const value = stat(sumTallies(tallies));
  if (!Number.isFinite(value)) return null;
  const { ci } = bootstrapCI(tallies, (sample) => stat(sumTallies(sample)), boot);
  return { name, value, ci, n: tallies.length };
}

/**
 * Scores the dataset with every configuration and computes, for each, the gold standard's pairwise
 * loss and accuracies (bootstrapped over rating mentors), ranking metrics over judged queries
 * (bootstrapped over queries) and top-k exposure over all queries. Same seed, same numbers.
 */
export async function runEvaluation(dataset: EvalDataset, scorers: readonly NamedScorer[], options: EvaluationOptions = {}): Promise<EvaluationResult> {
  const {
    seed = 42,
    bootstrapSamples = 1000,
    level = 0.95,
    ks = [1, 5, 10],
    ndcgK = 10,
    exposureK = 10,
    pairwise = goldStandardThresholds,
    meta = {},
    onProgress,
    onScores,
    now = () => new Date(),
  } = options;
  const boot: BootstrapOptions = { seed, samples: bootstrapSamples, level };
  const total = scorers.length * 2;
  const judged = dataset.queries.filter((q) => (dataset.judgments.get(q.id)?.size ?? 0) > 0);
  const mentorIds = dataset.mentors.map((m) => m.externalId);
  const configs: ConfigResult[] = [];
  let pairCount = 0;
  let ratingExperts = 0;

  for (const [i, { name, score }] of scorers.entries()) {
    onProgress?.({ done: 2 * i, total, stage: 'scoring', config: name });
    const scores = await score(dataset, (stageDone, stageTotal) =>
      onProgress?.({ done: 2 * i, total, stage: 'scoring', config: name, stageDone, stageTotal }),
    );
    assertCompleteScores(dataset, scores, name);
    onScores?.(name, scores);
    onProgress?.({ done: 2 * i + 1, total, stage: 'metrics', config: name });

    const tallies = [...pairwiseTalliesByMentor(dataset.judgments, scores, pairwise).values()].filter((t) => t.pairs > 0);
    pairCount = sumTallies(tallies).pairs;
    ratingExperts = tallies.length;

    const records: QueryRecord[] = judged.map((q) => {
      const relevance = dataset.judgments.get(q.id)!;
      const ranking = rankMentors(scores.get(q.id)!, relevance);
      const relevant = relevantSet(relevance, dataset.relevanceThreshold);
      const any = relevant.size > 0;
      return {
        rr: any ? reciprocalRank(ranking, relevant) : Number.NaN,
        recall: ks.map((k) => (any ? recallAtK(ranking, relevant, k) : Number.NaN)),
        precision: ks.map((k) => (any ? precisionAtK(ranking, relevant, k) : Number.NaN)),
        ndcg: ndcgAtK(ranking, relevance, ndcgK),
      };
    });
    const metrics = [
      pairwiseMetric('pairwise_loss', tallies, pairwiseLoss, boot),
      pairwiseMetric('easy_accuracy', tallies, easyAccuracy, boot),
      pairwiseMetric('hard_accuracy', tallies, hardAccuracy, boot),
      metric('mrr', records.map((r) => r.rr), boot),
      ...ks.map((k, ki) => metric(`recall@${k}`, records.map((r) => r.recall[ki]!), boot)),
      metric(`ndcg@${ndcgK}`, records.map((r) => r.ndcg), boot),
      ...ks.map((k, ki) => metric(`p@${k}`, records.map((r) => r.precision[ki]!), boot)),
    ].filter((m): m is MetricResult => m !== null);

    const topLists = dataset.queries.map((q) => rankMentors(scores.get(q.id)!).slice(0, exposureK));
    const counts = exposureCounts(topLists, mentorIds, exposureK);
    const giniEstimate = bootstrapCI(topLists, (sample) => gini(exposureCounts(sample, mentorIds, exposureK)), boot);
    const neverEstimate = bootstrapCI(topLists, (sample) => neverShownShare(exposureCounts(sample, mentorIds, exposureK)), boot);
    configs.push({
      name,
      metrics,
      exposure: {
        k: exposureK,
        gini: giniEstimate.value,
        giniCi: giniEstimate.ci,
        neverShown: neverEstimate.value,
        neverShownCi: neverEstimate.ci,
        lorenz: lorenzCurve(counts),
      },
    });
    onProgress?.({ done: 2 * i + 2, total, stage: 'metrics', config: name });
  }

  return {
    dataset: dataset.name,
    checksum: dataset.checksum,
    createdAt: now().toISOString(),
    datasetOptions: dataset.options,
    meta,
    settings: { seed, bootstrapSamples, level, relevanceThreshold: dataset.relevanceThreshold, ks, ndcgK, exposureK, pairwise },
    counts: {
      mentors: dataset.mentors.length,
      queries: dataset.queries.length,
      judgments: judgmentCount(dataset.judgments),
      judgedQueries: judged.length,
      queriesWithRelevant: judged.filter((q) => relevantSet(dataset.judgments.get(q.id)!, dataset.relevanceThreshold).size > 0).length,
      ratingExperts,
      pairs: pairCount,
    },
    configs,
  };
}
