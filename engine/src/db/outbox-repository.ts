import { sql, type Kysely } from 'kysely';
import { type CamelCaseDatabase, withCamelCase } from './camel-case.js';
import type { Database } from './schema.js';

export interface NewOutboxEmail {
  idempotencyKey: string;
  notificationId: number | null;
  toAddress: string;
  subject: string;
  textBody: string;
  ics: string | null;
}

export interface OutboxEmail extends NewOutboxEmail {
  id: number;
  createdAt: Date;
  attempts: number;
  sentAt: Date | null;
  lastError: string | null;
}

const date = (d: Date | string | null) => (d === null ? null : new Date(d));

/**
 * The transactional outbox of emails (migration 0009): rows are written in the transaction of the change they
 * tell of and sent later by a worker, which claims due rows with a lease so that engines sharing a database
 * never send one row at the same time.
 */
export class OutboxRepository {
  private readonly db: Kysely<CamelCaseDatabase>;

  constructor(db: Kysely<Database>) {
    this.db = withCamelCase(db);
  }

  async enqueue(email: NewOutboxEmail): Promise<void> {
    await this.db.insertInto('email_outbox').values(email).execute();
  }

  /**
   * Claims up to `limit` unsent rows that are due and not held by another worker, holding them for `leaseMs`.
   * `skip locked` lets workers claim side by side, each taking rows the others did not lock; the lease lets a
   * worker take over the rows of one that died while holding them.
   */
  async claimDue(limit: number, leaseMs: number): Promise<OutboxEmail[]> {
    const result = await sql<Record<string, unknown>>`
      update email_outbox set claimed_until = now() + ${leaseMs} * interval '1 millisecond'
      where id in (
        select id from email_outbox
        where sent_at is null and next_attempt_at <= now() and (claimed_until is null or claimed_until <= now())
        order by next_attempt_at, id
        limit ${limit}
        for update skip locked)
      returning id, idempotency_key, notification_id, to_address, subject, text_body, ics, created_at, attempts,
        sent_at, last_error`.execute(this.db);
    return result.rows.map((r) => toEmail(r as unknown as RawRow)).sort((a, b) => a.id - b.id);
  }

  /** Marks a claimed row sent; a row already marked keeps its first time. */
  async markSent(id: number): Promise<void> {
    await this.db
      .updateTable('email_outbox')
      .set({ sentAt: sql<Date>`coalesce(sent_at, now())`, claimedUntil: null, lastError: null })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Records a failed attempt: the row is tried again after `retryInMs`, or never when it is null (it stays in the
   * outbox for admins to read). `error` must hold no personal data.
   */
  async markFailed(id: number, retryInMs: number | null, error: string): Promise<void> {
    await this.db
      .updateTable('email_outbox')
      .set({
        attempts: sql<number>`attempts + 1`,
        nextAttemptAt:
          retryInMs === null
            ? sql<Date>`'infinity'::timestamptz`
            : sql<Date>`now() + ${retryInMs} * interval '1 millisecond'`,
        claimedUntil: null,
        lastError: error,
      })
      .where('id', '=', id)
      .execute();
  }

  /** The emails to an address, newest first (a user's export). */
  async toAddress(email: string, limit: number): Promise<OutboxEmail[]> {
    const rows = await this.db
      .selectFrom('email_outbox')
      .selectAll()
      .where(sql<string>`lower(to_address)`, '=', email.toLowerCase())
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toEmail);
  }

  /** Deletes every email to an address, sent or not (an account deleted); answers how many. */
  async forgetAddress(email: string): Promise<number> {
    const result = await this.db
      .deleteFrom('email_outbox')
      .where(sql<string>`lower(to_address)`, '=', email.toLowerCase())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Deletes emails sent more than `days` ago: they hold names and addresses, and the inbox keeps what they said. */
  async purgeSent(days: number): Promise<number> {
    const result = await this.db
      .deleteFrom('email_outbox')
      .where('sentAt', '<', sql<Date>`now() - ${days} * interval '1 day'`)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** The newest emails first, sent or not (admins read them in demo mode). */
  async list(limit: number): Promise<OutboxEmail[]> {
    const rows = await this.db.selectFrom('email_outbox').selectAll().orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toEmail);
  }
}

/** A row as queries return it (the camelCase plugin renames a raw query's columns too). */
interface RawRow {
  id: number | string;
  idempotencyKey: string;
  notificationId: number | string | null;
  toAddress: string;
  subject: string;
  textBody: string;
  ics: string | null;
  createdAt: Date | string;
  attempts: number;
  sentAt: Date | string | null;
  lastError: string | null;
}

function toEmail(r: RawRow): OutboxEmail {
  return {
    id: Number(r.id),
    idempotencyKey: r.idempotencyKey,
    notificationId: r.notificationId === null ? null : Number(r.notificationId),
    toAddress: r.toAddress,
    subject: r.subject,
    textBody: r.textBody,
    ics: r.ics,
    createdAt: new Date(r.createdAt),
    attempts: Number(r.attempts),
    sentAt: date(r.sentAt),
    lastError: r.lastError,
  };
}
