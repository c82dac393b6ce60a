import type { MentorOutcomeRepository, ServedOutcome } from '../db/mentor-outcome-repository.js';
import type { RequestRepository } from '../db/request-repository.js';
import { selfNormalisedIps, type LoggedImpression } from '../evaluation/off-policy.js';
import { nearTieShowProbabilities } from '../matching/exploration.js';
import type { MenteeRequest } from '../matching/request-filters.js';
import type { WeightConfig } from '../matching/weights.js';
import type { ActiveConfig } from './config-service.js';
import type { MatchService } from './match-service.js';

/** Questions read from the log at most: the newest ones, each asked again under the draft (about 10 ms each). */
export const OFF_POLICY_MAX_QUESTIONS = 500;
/** How deep the draft ranks when asked again: its show probabilities beyond this rank are taken as 0. */
const DRAFT_DEPTH = 30;
const LOG_PAGE = 500;

export interface OffPolicyReport {
  configVersion: number | null;
  /** The outcome estimated: session requests per question (a mentee asking a shown mentor for a session). */
  reward: 'requests per question';
  /** Logged questions used: served with logged propensities, text not yet erased by the retention. */
  questions: number;
  impressions: number;
  /** Logged questions left out: served before propensities were logged, or their text erased. */
  skipped: number;
  /** What the logging configurations got: requests per question, observed. */
  observed: number | null;
  /** Self-normalised IPS estimate of the draft's requests per question with a 95% bootstrap interval; null without data. */
  estimate: { value: number; ci: [number, number]; effectiveQuestions: number } | null;
  /**
   * Of the draft's slates, the share (by show probability) that falls on mentors the log showed for the same
   * question. The estimate only speaks for that share: the rest is extrapolated from the shown mentors' outcomes.
   */
  support: number | null;
}

interface Deps {
  outcomes: Pick<MentorOutcomeRepository, 'servedOutcomes'>;
  requests: Pick<RequestRepository, 'questionsByIds'>;
  matcher: Pick<MatchService, 'match'>;
}

/**
 * A draft configuration's value estimated from the outcome log before it is activated (issue 23): each logged
 * question is asked again under the draft (not recorded), which gives the draft's probability of showing each
 * logged mentor (matching/exploration.ts, with the draft's own margin); the logged propensities and requests then
 * give a self-normalised IPS estimate (evaluation/off-policy.ts). The question is asked against today's mentors,
 * capacity and exposure, not those of the day it was logged.
 */
export class OffPolicyEstimator {
  constructor(private readonly deps: Deps) {}

  async estimate(
    draft: ActiveConfig | (WeightConfig & { version: null }),
    opts: { maxQuestions?: number } = {},
  ): Promise<OffPolicyReport> {
    const byQuestion = await this.newestLogged(opts.maxQuestions ?? OFF_POLICY_MAX_QUESTIONS);
    const logged = [...byQuestion.entries()].filter(([, rows]) => rows.every((r) => r.propensity !== null));
    const texts = new Map(
      (await this.deps.requests.questionsByIds(logged.map(([id]) => id)))
        .filter((q) => q.text.trim() !== '')
        .map((q) => [q.id, q]),
    );
    const impressions: LoggedImpression[] = [];
    let supportSum = 0;
    let observedSum = 0;
    let used = 0;
    for (const [id, rows] of logged) {
      const question = texts.get(id);
      if (!question) continue;
      const {
        k: _k,
        exclude,
        ...filters
      } = question.filters as NonNullable<MenteeRequest['filters']> & {
        k?: number;
        exclude?: string[];
      };
      const result = await this.deps.matcher
        .match(
          { text: question.text, k: DRAFT_DEPTH, filters, ...(exclude ? { exclude } : {}) },
          { record: false, config: draft },
        )
        .catch(() => null);
      if (!result) continue;
      const probabilities = nearTieShowProbabilities(
        result.matches.map((m) => m.score),
        rows.length,
        draft.rules.explorationMargin ?? 0,
      );
      const target = new Map(result.matches.map((m, i) => [m.externalId, probabilities[i]!]));
      let support = 0;
      for (const r of rows) {
        const p = target.get(r.mentorExternalId) ?? 0;
        support += p;
        impressions.push({
          question: id,
          loggedProbability: r.propensity!,
          targetProbability: p,
          reward: r.sessionRequestId === null ? 0 : 1,
        });
      }
      supportSum += support / rows.length;
      observedSum += rows.filter((r) => r.sessionRequestId !== null).length;
      used++;
    }
    const ips = used > 0 ? selfNormalisedIps(impressions) : null;
    return {
      configVersion: draft.version,
      reward: 'requests per question',
      questions: used,
      impressions: impressions.length,
      skipped: byQuestion.size - used,
      observed: used > 0 ? observedSum / used : null,
      estimate:
        ips && Number.isFinite(ips.value)
          ? { value: ips.value, ci: ips.ci, effectiveQuestions: ips.effectiveQuestions }
          : null,
      support: used > 0 ? supportSum / used : null,
    };
  }

  /** The newest `max` questions of the log with every mentor served for each. */
  private async newestLogged(max: number): Promise<Map<number, ServedOutcome[]>> {
    const byQuestion = new Map<number, ServedOutcome[]>();
    let after: number | undefined;
    for (;;) {
      const page = await this.deps.outcomes.servedOutcomes({ afterRequestId: after, questions: LOG_PAGE });
      for (const row of page) {
        const list = byQuestion.get(row.requestId) ?? [];
        list.push(row);
        byQuestion.set(row.requestId, list);
      }
      // Keep the newest `max` as the log is read oldest first.
      for (const id of byQuestion.keys()) {
        if (byQuestion.size <= max) break;
        byQuestion.delete(id);
      }
      if (new Set(page.map((r) => r.requestId)).size < LOG_PAGE) return byQuestion;
      after = page[page.length - 1]!.requestId;
    }
  }
}
