import type { MentorOutcomeRepository, ServedOutcome } from '../db/mentor-outcome-repository.js';
import { FACTOR_NAMES } from '../matching/weights.js';
import type { Pseudonymiser } from '../privacy/pseudonymiser.js';

/** One mentor served for one question and what happened next: no text, no names, pseudonyms only. */
export interface OutcomeRow {
  requestId: number;
  askedAt: string;
  /** The mentee's pseudonym; null when asked anonymously. */
  mentee: string | null;
  mentor: string;
  rank: number;
  score: number;
  configVersion: number | null;
  propensity: number | null;
  /** Each factor's signal as served, by name; factors the configuration of the time lacked are missing. */
  factors: Record<string, number>;
  /** Whether the mentee asked this mentor for a session for this question. */
  requested: boolean;
  /** The state that session request reached (requested, accepted, completed, ...); null when none. */
  state: string | null;
  requestedAt: string | null;
  answeredAt: string | null;
  /** The mentee's rating of the session, 1 to 5. */
  helpfulness: number | null;
  rightPerson: 'yes' | 'partly' | 'no' | null;
}

export interface OutcomeFilter {
  since?: Date | undefined;
  until?: Date | undefined;
}

const EXPORT_PAGE = 500;

/**
 * The outcome log: what the ranker served, at which rank and score, joined to what the mentee did next,
 * so that match quality can be evaluated on real outcomes (issue 21). Mentees and mentors appear as stable
 * pseudonyms, the same ones every export gives them.
 */
export class OutcomeLog {
  constructor(
    private readonly repo: Pick<MentorOutcomeRepository, 'servedOutcomes'>,
    private readonly pseudonyms: Pick<Pseudonymiser, 'pseudonym' | 'mentorPseudonym'>,
  ) {}

  /** `questions` questions after `after` (by id), each with every mentor served for it. */
  async page(
    filter: OutcomeFilter & { after?: number | undefined; questions: number },
  ): Promise<{ items: OutcomeRow[]; nextAfter: number | null }> {
    const served = await this.repo.servedOutcomes({
      since: filter.since,
      until: filter.until,
      afterRequestId: filter.after,
      questions: filter.questions,
    });
    const items = await Promise.all(served.map((s) => this.row(s)));
    const questionIds = new Set(served.map((s) => s.requestId));
    // A full page may have more after it; the last id continues from there.
    const nextAfter = questionIds.size === filter.questions ? served[served.length - 1]!.requestId : null;
    return { items, nextAfter };
  }

  /** Every row the filter keeps, a page at a time, for the CSV export and the command line. */
  async *all(filter: OutcomeFilter): AsyncGenerator<OutcomeRow> {
    let after: number | undefined;
    for (;;) {
      const { items, nextAfter } = await this.page({ ...filter, after, questions: EXPORT_PAGE });
      yield* items;
      if (nextAfter === null) return;
      after = nextAfter;
    }
  }

  private async row(s: ServedOutcome): Promise<OutcomeRow> {
    return {
      requestId: s.requestId,
      askedAt: s.askedAt.toISOString(),
      mentee: s.menteeEmail === null ? null : await this.pseudonyms.pseudonym(s.menteeEmail),
      mentor: await this.pseudonyms.mentorPseudonym(s.mentorExternalId),
      rank: s.rank,
      score: s.score,
      configVersion: s.configVersion,
      propensity: s.propensity,
      factors: factorValues(s.breakdown),
      requested: s.sessionRequestId !== null,
      state: s.state,
      requestedAt: s.requestedAt?.toISOString() ?? null,
      answeredAt: s.answeredAt?.toISOString() ?? null,
      helpfulness: s.helpfulness,
      rightPerson: s.rightPerson,
    };
  }
}

/** The signal values of a stored breakdown (`{ factors: [{ name, value, ... }] }`); anything else is left out. */
function factorValues(breakdown: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  const factors = breakdown.factors;
  if (!Array.isArray(factors)) return out;
  for (const f of factors as unknown[]) {
    if (typeof f !== 'object' || f === null) continue;
    const { name, value } = f as { name?: unknown; value?: unknown };
    if (typeof name === 'string' && typeof value === 'number') out[name] = value;
  }
  return out;
}

const CSV_COLUMNS: ReadonlyArray<readonly [string, (r: OutcomeRow) => string | number | boolean | null]> = [
  ['request_id', (r) => r.requestId],
  ['asked_at', (r) => r.askedAt],
  ['mentee', (r) => r.mentee],
  ['mentor', (r) => r.mentor],
  ['rank', (r) => r.rank],
  ['score', (r) => r.score],
  ['config_version', (r) => r.configVersion],
  ['propensity', (r) => r.propensity],
  ...FACTOR_NAMES.map((name) => [`factor_${name}`, (r: OutcomeRow) => r.factors[name] ?? null] as const),
  ['requested', (r) => r.requested],
  ['state', (r) => r.state],
  ['requested_at', (r) => r.requestedAt],
  ['answered_at', (r) => r.answeredAt],
  ['helpfulness', (r) => r.helpfulness],
  ['right_person', (r) => r.rightPerson],
];

/**
 * The log as CSV, header first, one served match a line. Every cell is a number, a boolean, an ISO time, a
 * pseudonym or a state name: none holds a comma, a quote or text a spreadsheet would run, so none is quoted.
 */
export async function* outcomesCsv(rows: AsyncIterable<OutcomeRow>): AsyncGenerator<string> {
  yield `${CSV_COLUMNS.map(([name]) => name).join(',')}\r\n`;
  for await (const row of rows) yield `${CSV_COLUMNS.map(([, get]) => get(row) ?? '').join(',')}\r\n`;
}
