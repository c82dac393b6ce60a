/** What a user is told about; each kind has its own words (notification-text.ts). */
export type NotificationKind =
  | 'request_received'
  | 'request_accepted'
  | 'request_declined'
  | 'request_withdrawn'
  | 'request_expired'
  | 'expiring_soon'
  | 'session_cancelled'
  | 'session_reminder'
  | 'session_no_show'
  | 'rate_session';

export const NOTIFICATION_KINDS: readonly NotificationKind[] = [
  'request_received',
  'request_accepted',
  'request_declined',
  'request_withdrawn',
  'request_expired',
  'expiring_soon',
  'session_cancelled',
  'session_reminder',
  'session_no_show',
  'rate_session',
];

/**
 * One user told of one thing. `data` carries what the session row does not: for request_declined and
 * session_cancelled `{ reason }`, for request_expired `{ nextMentors: [{ mentorId, name }] }` (public ids).
 */
export interface NotificationEvent {
  kind: NotificationKind;
  userId: number;
  sessionRequestId: number | null;
  data?: Record<string, unknown>;
}
