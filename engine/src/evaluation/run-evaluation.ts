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
  type PairwiseThresholds,
  type PairwiseTally,
  type ScoreMatrix,
} from './metrics.js';
import type { ConfigResult, EvaluationResult, MetricResult } from './result-schema.js';
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

// The result's types are its schema's; callers keep importing them from the evaluation they come from.
export type { ConfigResult, EvaluationResult, EvaluationRunResult, MetricResult } from './result-schema.js';

/** Checks that a scorer kept its contract: a finite score for every mentor on every query. */
export function assertCompleteScores(dataset: EvalDataset, scores: ScoreMatrix, config: string): void {
  for (const q of dataset.queries) {
    const row = scores.get(q.id);
    if (!row) throw new Error(`${config}: no scores for query ${q.id}`);
    for (const m of dataset.mentors) {
      const s = row.get(m.externalId);
      if (s === undefined || !Number.isFinite(s))
        throw new Error(`${config}: no finite score for query ${q.id} and mentor ${m.externalId}`);
    }
  }
}

interface QueryRecord {
  rr: number;
  recall: number[];
  precision: number[];
  ndcg: number;
}

const mean = (values: readonly number[]): number =>
  values.length ? values.reduce((s, v) => s + v, 0) / values.length : Number.NaN;

/**
 * A metric as a statistic over resampling units, addressed by index so that two configurations can
 * be resampled with the same draws (a paired bootstrap). Units are the same across configurations:
 * which experts have pairs and which queries are eligible depends on the judgments only.
 */
interface MetricSeries {
  name: string;
  size: number;
  stat: (indices: readonly number[]) => number;
}

function pairwiseSeries(
  name: string,
  tallies: readonly PairwiseTally[],
  ratio: (t: PairwiseTally) => number,
): MetricSeries {
  return { name, size: tallies.length, stat: (idx) => ratio(sumTallies(idx.map((i) => tallies[i]!))) };
}

/** Per-query values; NaN marks a query the metric does not apply to (no relevant mentor). */
function meanSeries(name: string, values: readonly number[]): MetricSeries {
  const eligible = values.filter(Number.isFinite);
  return { name, size: eligible.length, stat: (idx) => mean(idx.map((i) => eligible[i]!)) };
}

function estimate(
  name: string,
  size: number,
  stat: (indices: readonly number[]) => number,
  boot: BootstrapOptions,
): MetricResult | null {
  const indices = Array.from({ length: size }, (_, i) => i);
  const { value, ci } = bootstrapCI(indices, stat, boot);
  return Number.isFinite(value) ? { name, value, ci, n: size } : null;
}

/**
 * Scores the dataset with every configuration and computes, for each, the gold standard's pairwise
 * loss and accuracies (bootstrapped over rating mentors), ranking metrics over judged queries
 * (bootstrapped over queries) and top-k exposure over all queries; every configuration after the
 * first is also compared with the first. Same seed, same numbers.
 */
export async function runEvaluation(
  dataset: EvalDataset,
  scorers: readonly NamedScorer[],
  options: EvaluationOptions = {},
): Promise<EvaluationResult> {
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
  let baseline: { name: string; series: MetricSeries[] } | undefined;

  for (const [i, { name, score }] of scorers.entries()) {
    onProgress?.({ done: 2 * i, total, stage: 'scoring', config: name });
    const scores = await score(dataset, (stageDone, stageTotal) =>
      onProgress?.({ done: 2 * i, total, stage: 'scoring', config: name, stageDone, stageTotal }),
    );
    assertCompleteScores(dataset, scores, name);
    onScores?.(name, scores);
    onProgress?.({ done: 2 * i + 1, total, stage: 'metrics', config: name });

    const tallies = [...pairwiseTalliesByMentor(dataset.judgments, scores, pairwise).values()].filter(
      (t) => t.pairs > 0,
    );
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
    const series = [
      pairwiseSeries('pairwise_loss', tallies, pairwiseLoss),
      pairwiseSeries('easy_accuracy', tallies, easyAccuracy),
      pairwiseSeries('hard_accuracy', tallies, hardAccuracy),
      meanSeries(
        'mrr',
        records.map((r) => r.rr),
      ),
      ...ks.map((k, ki) =>
        meanSeries(
          `recall@${k}`,
          records.map((r) => r.recall[ki]!),
        ),
      ),
      meanSeries(
        `ndcg@${ndcgK}`,
        records.map((r) => r.ndcg),
      ),
      ...ks.map((k, ki) =>
        meanSeries(
          `p@${k}`,
          records.map((r) => r.precision[ki]!),
        ),
      ),
    ];
    const metrics = series
      .map((m) => estimate(m.name, m.size, m.stat, boot))
      .filter((m): m is MetricResult => m !== null);
    const base = baseline;
    const versusBaseline = base && {
      baseline: base.name,
      deltas: series
        .map((m, mi) => estimate(m.name, m.size, (idx) => m.stat(idx) - base.series[mi]!.stat(idx), boot))
        .filter((m): m is MetricResult => m !== null),
    };
    baseline ??= { name, series };

    const topLists = dataset.queries.map((q) => rankMentors(scores.get(q.id)!).slice(0, exposureK));
    const counts = exposureCounts(topLists, mentorIds, exposureK);
    // A resample repeats some queries' top lists, which concentrates exposure: shift by that bias.
    const exposureBoot = { ...boot, shiftByBias: true };
    const giniEstimate = bootstrapCI(
      topLists,
      (sample) => gini(exposureCounts(sample, mentorIds, exposureK)),
      exposureBoot,
    );
    const neverEstimate = bootstrapCI(
      topLists,
      (sample) => neverShownShare(exposureCounts(sample, mentorIds, exposureK)),
      exposureBoot,
    );
    configs.push({
      name,
      metrics,
      ...(versusBaseline ? { versusBaseline } : {}),
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
    settings: {
      seed,
      bootstrapSamples,
      level,
      relevanceThreshold: dataset.relevanceThreshold,
      ks,
      ndcgK,
      exposureK,
      pairwise,
    },
    counts: {
      mentors: dataset.mentors.length,
      queries: dataset.queries.length,
      judgments: judgmentCount(dataset.judgments),
      judgedQueries: judged.length,
      queriesWithRelevant: judged.filter(
        (q) => relevantSet(dataset.judgments.get(q.id)!, dataset.relevanceThreshold).size > 0,
      ).length,
      ratingExperts,
      pairs: pairCount,
    },
    configs,
  };
}
