import type { Kysely } from 'kysely';
import { type CamelCaseDatabase, withCamelCase } from './camel-case.js';
import type { TextCipher } from '../privacy/text-cipher.js';
import type { Database } from './schema.js';

/** A signed-in mentee's latest question that no session request was sent with yet. */
export interface OpenQuestion {
  requestId: number;
  userId: number;
  email: string;
  text: string;
  timeZone: string;
  department: string | null;
  careerStartYear: number | null;
}

/** Mentees' open questions, the cohort a coordinator can assign without a file. */
export class CohortRepository {
  private readonly db: Kysely<CamelCaseDatabase>;

  /** `cipher` opens the question texts (docs/privacy.md). */
  constructor(
    db: Kysely<Database>,
    private readonly cipher: TextCipher,
  ) {
    this.db = withCamelCase(db);
  }

  /**
   * Each enabled user's newest question since `since` from which no session request was made, newest first, at
   * most `limit`. Questions whose text the retention erased are left out.
   */
  async openQuestions(since: Date, limit: number): Promise<OpenQuestion[]> {
    const rows = await this.db
      .selectFrom('mentee_requests as r')
      .innerJoin('users as u', 'u.id', 'r.userId')
      .select(['r.id', 'r.userId', 'u.email', 'r.text', 'u.timeZone', 'u.department', 'u.careerStartYear'])
      .distinctOn('r.userId')
      .where('r.createdAt', '>=', since)
      .where('r.text', '<>', '')
      .where('u.disabled', '=', false)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('session_requests as s').select('s.id').whereRef('s.requestId', '=', 'r.id'))),
      )
      .orderBy('r.userId')
      .orderBy('r.createdAt', 'desc')
      .execute();
    return rows
      .map((r) => ({
        requestId: Number(r.id),
        userId: Number(r.userId),
        email: r.email,
        text: this.cipher.open(r.text) ?? '',
        timeZone: r.timeZone,
        department: r.department,
        careerStartYear: r.careerStartYear,
      }))
      .filter((q) => q.text !== '')
      .sort((a, b) => b.requestId - a.requestId)
      .slice(0, limit);
  }
}
