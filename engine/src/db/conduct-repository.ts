import { sql, type Kysely } from 'kysely';
import { type CamelCaseDatabase, withCamelCase } from './camel-case.js';
import type { Database } from './schema.js';

export interface NewConductReport {
  reporterId: number;
  reportedUserId: number | null;
  sessionRequestId: number | null;
  text: string;
}

/** A user as a report names them; null fields once their account is gone. */
export interface ReportParty {
  id: number | null;
  name: string | null;
  email: string | null;
}

export interface ConductReport {
  id: number;
  reporter: ReportParty;
  reported: ReportParty;
  sessionRequestId: number | null;
  text: string;
  createdAt: Date;
  handledAt: Date | null;
  handledBy: ReportParty;
}

const date = (d: Date | string | null) => (d === null ? null : new Date(d));

/** Acceptances of the code of conduct and reports of conduct (migration 0008). */
export class ConductRepository {
  private readonly db: Kysely<CamelCaseDatabase>;

  constructor(db: Kysely<Database>) {
    this.db = withCamelCase(db);
  }

  /** When the user accepted this version; null if they have not. */
  async acceptedAt(userId: number, version: string): Promise<Date | null> {
    const row = await this.db
      .selectFrom('conduct_acceptances')
      .select('acceptedAt')
      .where('userId', '=', userId)
      .where('version', '=', version)
      .executeTakeFirst();
    return row === undefined ? null : new Date(row.acceptedAt);
  }

  /** Every version the user accepted, oldest first. */
  async acceptancesOf(userId: number): Promise<Array<{ version: string; acceptedAt: Date }>> {
    const rows = await this.db
      .selectFrom('conduct_acceptances')
      .select(['version', 'acceptedAt'])
      .where('userId', '=', userId)
      .orderBy('acceptedAt')
      .execute();
    return rows.map((r) => ({ version: r.version, acceptedAt: new Date(r.acceptedAt) }));
  }

  /** The reports the user made, oldest first. */
  async reportsBy(userId: number): Promise<ConductReport[]> {
    return (await this.select().where('r.reporterId', '=', userId).orderBy('r.id').execute()).map(toReport);
  }

  /** Records the acceptance (a second one of the same version keeps the first time); answers its time. */
  async accept(userId: number, version: string): Promise<{ acceptedAt: Date; first: boolean }> {
    const inserted = await this.db
      .insertInto('conduct_acceptances')
      .values({ userId, version })
      .onConflict((oc) => oc.columns(['userId', 'version']).doNothing())
      .returning('acceptedAt')
      .executeTakeFirst();
    if (inserted !== undefined) return { acceptedAt: new Date(inserted.acceptedAt), first: true };
    return { acceptedAt: (await this.acceptedAt(userId, version))!, first: false };
  }

  /** The mentee who asked for the session and the user linked to its mentor; null when there is no such request. */
  async sessionRequestParties(id: number): Promise<{ menteeId: number | null; mentorUserId: number | null } | null> {
    const row = await this.db
      .selectFrom('session_requests as s')
      .leftJoin('mentor_users as mu', 'mu.mentorId', 's.mentorId')
      .select(['s.userId as menteeId', 'mu.userId as mentorUserId'])
      .where('s.id', '=', id)
      .executeTakeFirst();
    if (row === undefined) return null;
    const n = (v: number | null) => (v === null ? null : Number(v));
    return { menteeId: n(row.menteeId), mentorUserId: n(row.mentorUserId) };
  }

  async createReport(report: NewConductReport): Promise<number> {
    const { id } = await this.db.insertInto('conduct_reports').values(report).returning('id').executeTakeFirstOrThrow();
    return Number(id);
  }

  /** Newest first; `open` only those not handled yet. */
  async listReports(q: { open: boolean; limit: number }): Promise<ConductReport[]> {
    let query = this.select().orderBy('r.id', 'desc').limit(q.limit);
    if (q.open) query = query.where('r.handledAt', 'is', null);
    return (await query.execute()).map(toReport);
  }

  async getReport(id: number): Promise<ConductReport | null> {
    const row = await this.select().where('r.id', '=', id).executeTakeFirst();
    return row === undefined ? null : toReport(row);
  }

  /** Marks the report handled by `userId` now, unless it was handled already; false when there is no report. */
  async markHandled(id: number, userId: number): Promise<boolean> {
    const result = await this.db
      .updateTable('conduct_reports')
      .set({
        handledAt: sql<Date>`coalesce(handled_at, now())`,
        handledBy: sql<number>`coalesce(handled_by, ${userId})`,
      })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  private select() {
    return this.db
      .selectFrom('conduct_reports as r')
      .leftJoin('users as a', 'a.id', 'r.reporterId')
      .leftJoin('users as b', 'b.id', 'r.reportedUserId')
      .leftJoin('users as h', 'h.id', 'r.handledBy')
      .select([
        'r.id',
        'r.text',
        'r.sessionRequestId',
        'r.createdAt',
        'r.handledAt',
        'r.reporterId',
        'a.name as reporterName',
        'a.email as reporterEmail',
        'r.reportedUserId',
        'b.name as reportedName',
        'b.email as reportedEmail',
        'r.handledBy',
        'h.name as handlerName',
        'h.email as handlerEmail',
      ]);
  }
}

type ReportRow = Awaited<ReturnType<ReturnType<ConductRepository['select']>['executeTakeFirstOrThrow']>>;

function toReport(r: ReportRow): ConductReport {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    id: Number(r.id),
    reporter: { id: n(r.reporterId), name: r.reporterName, email: r.reporterEmail },
    reported: { id: n(r.reportedUserId), name: r.reportedName, email: r.reportedEmail },
    sessionRequestId: n(r.sessionRequestId),
    text: r.text,
    createdAt: new Date(r.createdAt),
    handledAt: date(r.handledAt),
    handledBy: { id: n(r.handledBy), name: r.handlerName, email: r.handlerEmail },
  };
}
