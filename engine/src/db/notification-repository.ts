import { sql, type Kysely } from 'kysely';
import { type CamelCaseDatabase, withCamelCase } from './camel-case.js';
import type { Database, SessionState } from './schema.js';

export interface NewNotification {
  userId: number;
  kind: string;
  sessionRequestId: number | null;
  data: Record<string, unknown>;
}

/** Who a notification goes to: their address and the time zone their times are shown in. */
export interface NotificationRecipient {
  id: number;
  email: string;
  name: string;
  timeZone: string;
  disabled: boolean;
}

/** A session request as notifications describe it; the names are null once an account is gone. */
export interface SessionDetails {
  id: number;
  state: SessionState;
  menteeId: number | null;
  menteeName: string | null;
  menteeEmail: string | null;
  /** The mentor's public (external) id, as links and the API name it. */
  mentorId: string;
  mentorName: string;
  mentorUserId: number | null;
  mentorEmail: string | null;
  mentorTimeZone: string;
  menteeTimeZone: string | null;
  lengthMinutes: number | null;
  slotStart: Date | null;
  videoLink: string | null;
  declineReason: string | null;
  cancelReason: string | null;
  cancelledBy: 'mentee' | 'mentor' | 'coordinator' | null;
  expiresAt: Date;
}

/** One inbox entry with the session it tells of, read for rendering in the reader's words. */
export interface StoredNotification {
  id: number;
  userId: number;
  kind: string;
  sessionRequestId: number | null;
  data: Record<string, unknown>;
  createdAt: Date;
  readAt: Date | null;
}

const date = (d: Date | string | null) => (d === null ? null : new Date(d));
const n = (v: number | string | null) => (v === null ? null : Number(v));

/** Users' in-app inboxes (migration 0009). */
export class NotificationRepository {
  private readonly db: Kysely<CamelCaseDatabase>;

  constructor(db: Kysely<Database>) {
    this.db = withCamelCase(db);
  }

  async insert(notification: NewNotification): Promise<{ id: number; createdAt: Date }> {
    const row = await this.db
      .insertInto('notifications')
      .values({ ...notification, data: JSON.stringify(notification.data) })
      .returning(['id', 'createdAt'])
      .executeTakeFirstOrThrow();
    return { id: Number(row.id), createdAt: new Date(row.createdAt) };
  }

  async recipient(userId: number): Promise<NotificationRecipient | null> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'email', 'name', 'timeZone', 'disabled'])
      .where('id', '=', userId)
      .executeTakeFirst();
    return row === undefined ? null : { ...row, id: Number(row.id) };
  }

  async sessionDetails(sessionRequestId: number): Promise<SessionDetails | null> {
    return (await this.sessionDetailsOf([sessionRequestId])).get(sessionRequestId) ?? null;
  }

  /** The details of several session requests at once (an inbox page), by id; missing ids are left out. */
  async sessionDetailsOf(sessionRequestIds: readonly number[]): Promise<Map<number, SessionDetails>> {
    if (sessionRequestIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('session_requests as s')
      .innerJoin('mentors as m', 'm.id', 's.mentorId')
      .leftJoin('users as mentee', 'mentee.id', 's.userId')
      .leftJoin('mentor_users as mu', 'mu.mentorId', 's.mentorId')
      .leftJoin('users as mentorUser', 'mentorUser.id', 'mu.userId')
      .leftJoin('mentor_schedules as ms', 'ms.mentorId', 's.mentorId')
      .select([
        's.id',
        's.state',
        's.userId as menteeId',
        'mentee.name as menteeName',
        'mentee.email as menteeEmail',
        'm.externalId as mentorId',
        'm.name as mentorName',
        'mu.userId as mentorUserId',
        'mentorUser.email as mentorEmail',
        sql<string>`coalesce(ms.time_zone, m.timezone)`.as('mentorTimeZone'),
        's.menteeTimeZone',
        's.lengthMinutes',
        's.slotStart',
        's.videoLink',
        's.declineReason',
        's.cancelReason',
        's.cancelledBy',
        's.expiresAt',
      ])
      .where('s.id', 'in', [...new Set(sessionRequestIds)])
      .execute();
    return new Map(
      rows.map((row) => [
        Number(row.id),
        {
          ...row,
          id: Number(row.id),
          menteeId: n(row.menteeId),
          mentorUserId: n(row.mentorUserId),
          slotStart: date(row.slotStart),
          expiresAt: new Date(row.expiresAt),
        },
      ]),
    );
  }

  /** The user's notifications, newest first. */
  async listFor(userId: number, limit: number): Promise<StoredNotification[]> {
    const rows = await this.db
      .selectFrom('notifications')
      .selectAll()
      .where('userId', '=', userId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      ...r,
      id: Number(r.id),
      userId: Number(r.userId),
      sessionRequestId: n(r.sessionRequestId),
      createdAt: new Date(r.createdAt),
      readAt: date(r.readAt),
    }));
  }

  async unreadCount(userId: number): Promise<number> {
    const row = await this.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('userId', '=', userId)
      .where('readAt', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** Marks one of the user's notifications read (keeping the first time); false when the user has no such one. */
  async markRead(userId: number, id: number): Promise<boolean> {
    const result = await this.db
      .updateTable('notifications')
      .set({ readAt: sql<Date>`coalesce(read_at, now())` })
      .where('id', '=', id)
      .where('userId', '=', userId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Marks every unread notification of the user read; answers how many. */
  async markAllRead(userId: number): Promise<number> {
    const result = await this.db
      .updateTable('notifications')
      .set({ readAt: sql<Date>`now()` })
      .where('userId', '=', userId)
      .where('readAt', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
