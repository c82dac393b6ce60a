import type { Repositories } from '../db/repositories.js';
import { AppError } from '../errors.js';
import { renderNotification } from './notification-text.js';

export interface InboxItem {
  id: number;
  kind: string;
  sessionRequestId: number | null;
  title: string;
  body: string;
  createdAt: Date;
  readAt: Date | null;
}

export interface OutboxItem {
  id: number;
  to: string;
  subject: string;
  body: string;
  invite: string | null;
  createdAt: Date;
  sentAt: Date | null;
  attempts: number;
  lastError: string | null;
}

/** A user's inbox, and the outbox admins read while emails are not sent (demo mode). */
export class NotificationService {
  constructor(
    private readonly repos: Repositories,
    private readonly options: { dashboardUrl: string; outboxReadable: boolean },
  ) {}

  /** The user's newest notifications, in their words and time zone, and how many are unread in all. */
  async inbox(userId: number, limit: number): Promise<{ items: InboxItem[]; unread: number }> {
    const [reader, rows, unread] = await Promise.all([
      this.repos.notifications.recipient(userId),
      this.repos.notifications.listFor(userId, limit),
      this.repos.notifications.unreadCount(userId),
    ]);
    const sessions = await this.repos.notifications.sessionDetailsOf(
      rows.flatMap((r) => (r.sessionRequestId === null ? [] : [r.sessionRequestId])),
    );
    const as = { id: userId, timeZone: reader?.timeZone ?? 'UTC' };
    const items = rows.map((r) => {
      const session = r.sessionRequestId === null ? null : (sessions.get(r.sessionRequestId) ?? null);
      const { title, body } = renderNotification(r.kind, r.data, session, as, this.options.dashboardUrl);
      return {
        id: r.id,
        kind: r.kind,
        sessionRequestId: r.sessionRequestId,
        title,
        body,
        createdAt: r.createdAt,
        readAt: r.readAt,
      };
    });
    return { items, unread };
  }

  /** Throws NOTIFICATION_NOT_FOUND for another user's notification as for a missing one. */
  async markRead(userId: number, id: number): Promise<void> {
    if (!(await this.repos.notifications.markRead(userId, id))) throw new AppError('NOTIFICATION_NOT_FOUND', { id });
  }

  async markAllRead(userId: number): Promise<number> {
    return this.repos.notifications.markAllRead(userId);
  }

  /**
   * The outbox's newest emails. Readable only while emails are kept rather than sent (demo mode, or no
   * SMTP_URL): where they reach real inboxes, admins have no business reading them.
   */
  async outbox(limit: number): Promise<OutboxItem[]> {
    if (!this.options.outboxReadable) throw new AppError('OUTBOX_NOT_READABLE');
    return (await this.repos.outbox.list(limit)).map((e) => ({
      id: e.id,
      to: e.toAddress,
      subject: e.subject,
      body: e.textBody,
      invite: e.ics,
      createdAt: e.createdAt,
      sentAt: e.sentAt,
      attempts: e.attempts,
      lastError: e.lastError,
    }));
  }
}
