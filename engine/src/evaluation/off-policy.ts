import { seededRandom } from '../shared/seeded-random.js';
import { quantileSorted } from './bootstrap.js';

/**
 * Learning from logged outcomes (issue 23): an off-policy estimate of a draft configuration's value from what an earlier one served; and an
 * offline fit of factor weights from the outcomes. Pure: the caller reads the log (GET /api/evaluation/outcomes)
 * and supplies the rows. The policies' show probabilities are the matcher's (matching/exploration.ts).
 */

/** One logged impression: a mentor shown for a question, with the probability the logging policy showed them. */
export interface LoggedImpression {
  /** Groups the impressions of one question (the bootstrap resamples questions). */
  question: string | number;
  /** The logging policy's probability of showing this mentor; > 0. */
  loggedProbability: number;
  /** The draft policy's probability of showing this mentor for the same question and candidates. */
  targetProbability: number;
  /** What happened next, on the scale being estimated (for example 1 when a session was requested). */
  reward: number;
}

export interface OffPolicyEstimate {
  /** Expected reward per question under the draft: Σ over its shown mentors. */
  value: number;
  ci: [number, number];
  /** Kish's effective number of questions behind the estimate; far below the question count means few logs support the draft. */
  effectiveQuestions: number;
  questions: number;
}

/**
 * Self-normalised inverse propensity scoring: each logged impression weighs targetProbability / loggedProbability,
 * and the value per question is Σ w·r over impressions divided by Σ w / (impressions per question under the
 * logging policy). Normalising by the weights' own sum trades a little bias for a much smaller variance than
 * plain IPS when a few propensities are small. The interval is a percentile bootstrap over questions.
 */
export function selfNormalisedIps(
  impressions: readonly LoggedImpression[],
  options: { seed?: number; samples?: number; level?: number } = {},
): OffPolicyEstimate {
  const { seed = 42, samples = 1000, level = 0.95 } = options;
  const byQuestion = new Map<string | number, { wr: number; w: number; n: number }>();
  for (const i of impressions) {
    if (!(i.loggedProbability > 0)) throw new RangeError('a logged impression needs a positive probability');
    const w = i.targetProbability / i.loggedProbability;
    const q = byQuestion.get(i.question) ?? { wr: 0, w: 0, n: 0 };
    q.wr += w * i.reward;
    q.w += w;
    q.n += 1;
    byQuestion.set(i.question, q);
  }
  const units = [...byQuestion.values()];
  const estimate = (sample: readonly { wr: number; w: number; n: number }[]): number => {
    let wr = 0;
    let w = 0;
    let n = 0;
    for (const u of sample) {
      wr += u.wr;
      w += u.w;
      n += u.n;
    }
    // Σw/n estimates the mean weight, 1 under the logging policy; per question the slate holds n/questions mentors.
    return w > 0 ? (wr / w) * (n / sample.length) : Number.NaN;
  };
  const value = estimate(units);
  const random = seededRandom(seed);
  const stats: number[] = [];
  const sample = new Array<{ wr: number; w: number; n: number }>(units.length);
  for (let s = 0; s < samples && units.length > 0; s++) {
    for (let i = 0; i < units.length; i++) sample[i] = units[Math.floor(random() * units.length)]!;
    const v = estimate(sample);
    if (Number.isFinite(v)) stats.push(v);
  }
  stats.sort((a, b) => a - b);
  const alpha = (1 - level) / 2;
  const sumW = units.reduce((s, u) => s + u.w, 0);
  const sumW2 = units.reduce((s, u) => s + u.w * u.w, 0);
  return {
    value,
    ci: stats.length ? [quantileSorted(stats, alpha), quantileSorted(stats, 1 - alpha)] : [value, value],
    effectiveQuestions: sumW2 > 0 ? (sumW * sumW) / sumW2 : 0,
    questions: units.length,
  };
}

/** One shown mentor's factor values (as served) and the binary outcome, for fitting weights. */
export interface OutcomeExample {
  factors: readonly number[];
  /** 1 when the outcome happened (requested, accepted, completed), else 0. */
  outcome: number;
  /** The logging policy's probability of showing this mentor; the fit weighs the example by its inverse. */
  loggedProbability: number;
}

export interface FittedWeights {
  /** Non-negative, summing to 1, in the order of the examples' factors. */
  weights: number[];
  /** The logistic model's coefficients before normalising, and its intercept. */
  coefficients: number[];
  intercept: number;
}

/**
 * Factor weights from logged outcomes: a logistic model P(outcome) = σ(b + Σ θ_j x_j) fitted by projected
 * gradient descent with θ ≥ 0 (a configuration's weights cannot be negative), each example weighed by its inverse
 * propensity so that mentors the logging policy rarely showed count for the many times they were not. The
 * weights are θ normalised to sum 1; only their ratios matter to the ranker.
 */
export function fitFactorWeights(
  examples: readonly OutcomeExample[],
  options: { iterations?: number; learningRate?: number } = {},
): FittedWeights {
  const { iterations = 2000, learningRate = 0.5 } = options;
  const first = examples[0];
  if (!first) throw new RangeError('fitting weights needs at least one example');
  const d = first.factors.length;
  const theta = new Float64Array(d);
  let b = 0;
  const ipw = examples.map((e) => 1 / e.loggedProbability);
  const total = ipw.reduce((s, w) => s + w, 0);
  for (let it = 0; it < iterations; it++) {
    const grad = new Float64Array(d);
    let gradB = 0;
    examples.forEach((e, i) => {
      let z = b;
      for (let j = 0; j < d; j++) z += theta[j]! * e.factors[j]!;
      const residual = (1 / (1 + Math.exp(-z)) - e.outcome) * (ipw[i]! / total);
      for (let j = 0; j < d; j++) grad[j]! += residual * e.factors[j]!;
      gradB += residual;
    });
    for (let j = 0; j < d; j++) theta[j] = Math.max(0, theta[j]! - learningRate * grad[j]!);
    b -= learningRate * gradB;
  }
  const sum = theta.reduce((s, v) => s + v, 0);
  return {
    weights: [...theta].map((v) => (sum > 0 ? v / sum : 1 / d)),
    coefficients: [...theta],
    intercept: b,
  };
}
