import { randomBytes } from 'node:crypto';
import type { Repositories } from '../db/repositories.js';
import type { NotificationEvent, NotificationKind } from './notification-kinds.js';
import { renderEmailBody, renderNotification } from './notification-text.js';
import { buildSessionInvite } from './session-invite.js';

export interface NotifierOptions {
  /** The dashboard's address, for the links in emails. */
  dashboardUrl: string;
}

/** Kinds whose email carries the session's calendar invite (when it has a slot). */
const INVITE_KINDS: ReadonlySet<NotificationKind> = new Set([
  'request_accepted',
  'session_reminder',
  'session_cancelled',
]);

/**
 * Tells users of what happened to their sessions: an inbox row each and, for users with an email address, an
 * email in the outbox. Called inside the transaction of the change it tells of, so that both commit with the
 * change or not at all; the outbox worker sends the email afterwards.
 */
export class Notifier {
  constructor(private readonly options: NotifierOptions) {}

  async notify(trx: Repositories, events: NotificationEvent[]): Promise<void> {
    for (const event of events) {
      const data = event.data ?? {};
      const { id } = await trx.notifications.insert({
        userId: event.userId,
        kind: event.kind,
        sessionRequestId: event.sessionRequestId,
        data,
      });
      const recipient = await trx.notifications.recipient(event.userId);
      if (recipient === null || recipient.disabled || recipient.email === '') continue;
      const session =
        event.sessionRequestId === null ? null : await trx.notifications.sessionDetails(event.sessionRequestId);
      const text = renderNotification(event.kind, data, session, recipient, this.options.dashboardUrl);
      const ics =
        INVITE_KINDS.has(event.kind) && session !== null && session.slotStart !== null
          ? buildSessionInvite(session)
          : null;
      await trx.outbox.enqueue({
        idempotencyKey: idempotencyKey(id),
        notificationId: id,
        toAddress: recipient.email,
        subject: text.title,
        textBody: renderEmailBody(text, recipient.name),
        ics,
      });
    }
  }
}

/**
 * One key per notification, fixed when the email is written, so that a resend after a crash carries the same
 * key. The random part keeps keys unique across databases: a receiver that dedupes by Message-ID must not drop
 * the first email of a new database because an old one used the same notification id.
 */
function idempotencyKey(notificationId: number): string {
  return `n${notificationId}-${randomBytes(6).toString('hex')}`;
}
