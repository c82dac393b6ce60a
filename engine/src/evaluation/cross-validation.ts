import { seededRandom } from '../shared/seeded-random.js';
import { bootstrapCI } from './bootstrap.js';
import type { EvalDataset } from './eval-dataset.js';
import {
  goldStandardThresholds,
  pairwiseLoss,
  pairwiseTalliesByMentor,
  rankMentors,
  reciprocalRank,
  relevantSet,
  sumTallies,
  type Judgments,
  type PairwiseTally,
  type ScoreMatrix,
} from './metrics.js';

/** One choice of the declared grid (weights, fusion, profile construction) with its complete scores. */
export interface CvCandidate {
  name: string;
  scores: ScoreMatrix;
}

export interface CvOptions {
  folds: number;
  seed?: number;
  bootstrapSamples?: number;
  level?: number;
}

export interface CvEstimate {
  value: number;
  ci: [number, number];
}

export interface CvFold {
  fold: number;
  /** The experts held out (the judged mentors whose ratings score this fold). */
  experts: string[];
  /** The candidate with the lowest pairwise loss on the other folds. */
  chosen: string;
  loss: CvEstimate;
  /** Over the fold's queries that one of its experts rated relevant. */
  mrr: CvEstimate;
}

export interface CvCandidateSummary {
  name: string;
  /** On every judged expert, as a plain evaluation would score it: what the final choice is made on. */
  loss: number;
  mrr: number;
  /** How many folds' training sets chose it. */
  chosenIn: number;
}

export interface CrossValidationResult {
  folds: CvFold[];
  /** Every held-out fold pooled: each expert scored by the choice made without them (bootstrap over experts, queries). */
  pooled: { loss: CvEstimate; mrr: CvEstimate };
  /** Unweighted means of the fold values. */
  mean: { loss: number; mrr: number };
  /** The worst fold's values (highest loss, lowest MRR), each with that fold's interval. */
  worst: { loss: CvEstimate; mrr: CvEstimate };
  /** The candidate chosen on all folds together: what the protocol adopts. */
  choice: string;
  candidates: CvCandidateSummary[];
}

/** The experts who rated anything, in id order. */
export function judgedExperts(judgments: Judgments): string[] {
  const experts = new Set<string>();
  for (const ratings of judgments.values()) for (const id of ratings.keys()) experts.add(id);
  return [...experts].sort();
}

/**
 * Experts shuffled by a seeded PRNG and dealt round-robin into `folds` groups, so fold sizes differ by at most
 * one and the same seed always gives the same folds. Whole experts go to a fold: the pairwise loss compares
 * papers within an expert, so splitting an expert's ratings would leak their taste into training.
 */
export function expertFolds(experts: readonly string[], folds: number, seed = 42): string[][] {
  if (!Number.isInteger(folds) || folds < 2)
    throw new RangeError(`folds must be an integer of at least 2, got ${folds}`);
  if (folds > experts.length) throw new RangeError(`folds (${folds}) exceed the ${experts.length} judged experts`);
  const order = [...experts].sort();
  const random = seededRandom(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const groups = Array.from({ length: folds }, () => [] as string[]);
  order.forEach((expert, i) => {
    groups[i % folds]!.push(expert);
  });
  return groups.map((g) => g.sort());
}

/** Only the ratings of `experts`; queries none of them rated are dropped. */
export function restrictJudgments(judgments: Judgments, experts: ReadonlySet<string>): Judgments {
  const out = new Map<string, Map<string, number>>();
  for (const [queryId, ratings] of judgments) {
    const kept = new Map([...ratings].filter(([id]) => experts.has(id)));
    if (kept.size > 0) out.set(queryId, kept);
  }
  return out;
}

/** Per-query reciprocal ranks over the queries with a relevant mentor (all mentors ranked, ties against the scorer). */
function reciprocalRanks(judgments: Judgments, scores: ScoreMatrix, threshold: number): number[] {
  const out: number[] = [];
  for (const [queryId, relevance] of judgments) {
    const relevant = relevantSet(relevance, threshold);
    if (relevant.size === 0) continue;
    out.push(reciprocalRank(rankMentors(scores.get(queryId)!, relevance), relevant));
  }
  return out;
}

const mean = (values: readonly number[]): number =>
  values.length ? values.reduce((s, v) => s + v, 0) / values.length : Number.NaN;

function lossOf(judgments: Judgments, scores: ScoreMatrix): number {
  return pairwiseLoss(sumTallies(pairwiseTalliesByMentor(judgments, scores, goldStandardThresholds).values()));
}

/**
 * Grouped cross-validation of a choice among `candidates`: for each fold, the candidate with the lowest pairwise
 * loss on the other folds' experts (MRR breaks ties, then the grid's order) is scored on the held-out experts. The
 * pooled estimate is what the selection procedure itself achieves on experts it never saw; the choice adopted is
 * the one the same rule makes on every expert.
 */
export function crossValidate(
  dataset: Pick<EvalDataset, 'judgments' | 'relevanceThreshold'>,
  candidates: readonly CvCandidate[],
  options: CvOptions,
): CrossValidationResult {
  if (candidates.length === 0) throw new RangeError('cross-validation needs at least one candidate');
  const { seed = 42, bootstrapSamples = 1000, level = 0.95 } = options;
  const boot = { seed, samples: bootstrapSamples, level };
  const threshold = dataset.relevanceThreshold;
  const groups = expertFolds(judgedExperts(dataset.judgments), options.folds, seed);

  const pick = (judgments: Judgments): string => {
    let best: { name: string; loss: number; mrr: number } | null = null;
    for (const c of candidates) {
      const loss = lossOf(judgments, c.scores);
      const mrr = mean(reciprocalRanks(judgments, c.scores, threshold));
      if (!best || loss < best.loss - 1e-12 || (Math.abs(loss - best.loss) <= 1e-12 && mrr > best.mrr))
        best = { name: c.name, loss, mrr };
    }
    return best!.name;
  };
  const scoresOf = (name: string) => candidates.find((c) => c.name === name)!.scores;

  const pooledTallies: PairwiseTally[] = [];
  const pooledRanks: number[] = [];
  const folds: CvFold[] = groups.map((experts, fold) => {
    const held = new Set(experts);
    const train = new Set(groups.flatMap((g, i) => (i === fold ? [] : g)));
    const chosen = pick(restrictJudgments(dataset.judgments, train));
    const scores = scoresOf(chosen);
    const test = restrictJudgments(dataset.judgments, held);
    const tallies = [...pairwiseTalliesByMentor(test, scores).values()];
    const ranks = reciprocalRanks(test, scores, threshold);
    pooledTallies.push(...tallies);
    pooledRanks.push(...ranks);
    return {
      fold: fold + 1,
      experts,
      chosen,
      loss: bootstrapCI(tallies, (t) => pairwiseLoss(sumTallies(t)), boot),
      mrr: bootstrapCI(ranks, mean, boot),
    };
  });

  const worstLoss = folds.reduce((a, b) => (b.loss.value > a.loss.value ? b : a));
  const worstMrr = folds.reduce((a, b) => (b.mrr.value < a.mrr.value ? b : a));
  const choice = pick(dataset.judgments);
  return {
    folds,
    pooled: {
      loss: bootstrapCI(pooledTallies, (t) => pairwiseLoss(sumTallies(t)), boot),
      mrr: bootstrapCI(pooledRanks, mean, boot),
    },
    mean: { loss: mean(folds.map((f) => f.loss.value)), mrr: mean(folds.map((f) => f.mrr.value)) },
    worst: { loss: worstLoss.loss, mrr: worstMrr.mrr },
    choice,
    candidates: candidates.map((c) => ({
      name: c.name,
      loss: lossOf(dataset.judgments, c.scores),
      mrr: mean(reciprocalRanks(dataset.judgments, c.scores, threshold)),
      chosenIn: folds.filter((f) => f.chosen === c.name).length,
    })),
  };
}

const fmt = (e: CvEstimate) => `${e.value.toFixed(3)} [${e.ci[0].toFixed(3)}, ${e.ci[1].toFixed(3)}]`;

/** The per-fold table, the pooled, mean and worst-fold rows, and every candidate's full-data figures. */
export function formatCrossValidation(result: CrossValidationResult): string {
  const lines = [
    `Grouped cross-validation, ${result.folds.length} folds of experts (loss picks the candidate on the other folds)`,
    '',
    '| fold | experts | chosen on the other folds | held-out loss | held-out MRR |',
    '| ---- | ------- | ------------------------- | ------------- | ------------ |',
    ...result.folds.map((f) => `| ${f.fold} | ${f.experts.length} | ${f.chosen} | ${fmt(f.loss)} | ${fmt(f.mrr)} |`),
    `| pooled | ${result.folds.reduce((s, f) => s + f.experts.length, 0)} | | ${fmt(result.pooled.loss)} | ${fmt(result.pooled.mrr)} |`,
    `| mean | | | ${result.mean.loss.toFixed(3)} | ${result.mean.mrr.toFixed(3)} |`,
    `| worst | | | ${fmt(result.worst.loss)} | ${fmt(result.worst.mrr)} |`,
    '',
    '| candidate | loss (all experts) | MRR (all experts) | chosen in folds |',
    '| --------- | ------------------ | ----------------- | --------------- |',
    ...result.candidates.map(
      (c) =>
        `| ${c.name}${c.name === result.choice ? ' (choice)' : ''} | ${c.loss.toFixed(3)} | ${c.mrr.toFixed(3)} | ${c.chosenIn} |`,
    ),
  ];
  return lines.join('\n');
}
