import { describe, expect, it } from 'vitest';
import type { ServedOutcome } from '../../src/db/mentor-outcome-repository.js';
import { DEFAULT_RULES, DEFAULT_WEIGHTS } from '../../src/matching/weights.js';
import type { MatchService } from '../../src/services/match-service.js';
import { OffPolicyEstimator } from '../../src/services/off-policy-estimate.js';

const served = (requestId: number, mentor: string, propensity: number | null, requested: boolean): ServedOutcome => ({
  requestId,
  askedAt: new Date(0),
  menteeEmail: null,
  mentorExternalId: mentor,
  rank: 1,
  score: 0.5,
  configVersion: 1,
  propensity,
  breakdown: {},
  sessionRequestId: requested ? requestId * 10 : null,
  state: requested ? 'requested' : null,
  requestedAt: null,
  answeredAt: null,
  helpfulness: null,
  rightPerson: null,
});

/** A log of three questions, two mentors shown each; question 3 predates logged propensities. */
const log = [
  served(1, 'a', 1, true),
  served(1, 'b', 0.5, false),
  served(2, 'a', 1, false),
  served(2, 'c', 1, true),
  served(3, 'a', null, true),
  served(3, 'b', null, false),
];

/** The draft ranks a, c, b for every question, with b and c tied: both share the second place. */
const matcher = {
  match: async () => ({
    matches: [
      { externalId: 'a', score: 0.9 },
      { externalId: 'c', score: 0.5 },
      { externalId: 'b', score: 0.5 },
      { externalId: 'd', score: 0.1 },
    ],
  }),
} as unknown as Pick<MatchService, 'match'>;

const estimator = (questions: number[]) =>
  new OffPolicyEstimator({
    outcomes: { servedOutcomes: async ({ afterRequestId }) => (afterRequestId === undefined ? log : []) },
    requests: {
      questionsByIds: async (ids) =>
        ids
          .filter((id) => questions.includes(id))
          .map((id) => ({ id, text: `question ${id}`, filters: { k: 2 }, createdAt: new Date(0) })),
    },
    matcher,
  });

const draft = { version: null, weights: { ...DEFAULT_WEIGHTS }, rules: { ...DEFAULT_RULES, explorationMargin: 0 } };

describe('OffPolicyEstimator', () => {
  it('asks logged questions again under the draft and weighs each logged outcome by its show probability', async () => {
    const report = await estimator([1, 2, 3]).estimate(draft);
    // Question 3 has no logged propensities.
    expect(report).toMatchObject({ questions: 2, impressions: 4, skipped: 1, observed: 1 });
    // Draft shows a surely, b and c each with 1/2. Weights: q1 a 1/1, b 0.5/0.5; q2 a 1/1, c 0.5/1.
    // Σwr = 1 + 0.5 = 1.5, Σw = 3.5, 4 impressions over 2 questions: 1.5 / 3.5 × 2.
    expect(report.estimate!.value).toBeCloseTo((1.5 / 3.5) * 2, 10);
    // Per question the draft's slate of 2 puts 1.5 on logged mentors.
    expect(report.support).toBeCloseTo(0.75, 10);
  });

  it('leaves out questions whose text the retention erased, and reports no estimate without any', async () => {
    const report = await estimator([]).estimate(draft);
    expect(report).toMatchObject({ questions: 0, impressions: 0, skipped: 3, observed: null, estimate: null });
  });
});
