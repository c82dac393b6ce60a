import { createEvent } from 'ics';
import type { SessionDetails } from '../db/notification-repository.js';

export type InviteSession = Pick<
  SessionDetails,
  | 'id'
  | 'state'
  | 'slotStart'
  | 'lengthMinutes'
  | 'mentorName'
  | 'menteeName'
  | 'mentorEmail'
  | 'menteeEmail'
  | 'videoLink'
>;

/** The invite's UID: one per session, so that calendars replace the event when it is sent again or cancelled. */
export function sessionInviteUid(sessionRequestId: number): string {
  return `session-${sessionRequestId}@mentormatch`;
}

/**
 * The iCalendar invite of a scheduled session: METHOD:REQUEST while it stands, METHOD:CANCEL once cancelled
 * (with a higher SEQUENCE, which calendars require to apply a change). Times are written in UTC ("Z"), which
 * names the instant without a VTIMEZONE block; every calendar shows it in its owner's zone. Throws for a
 * session without a slot: there is nothing to put in a calendar.
 */
export function buildSessionInvite(session: InviteSession): string {
  if (session.slotStart === null) throw new Error(`session ${session.id} has no slot to invite to`);
  const cancelled = session.state === 'cancelled';
  const attendees = [
    { name: session.mentorName, email: session.mentorEmail },
    { name: session.menteeName, email: session.menteeEmail },
  ]
    .filter((p): p is { name: string; email: string } => p.email !== null)
    .map((p) => ({ name: p.name ?? undefined, email: p.email, rsvp: false, role: 'REQ-PARTICIPANT' as const }));
  const { error, value } = createEvent({
    productId: 'mentormatch',
    method: cancelled ? 'CANCEL' : 'REQUEST',
    uid: sessionInviteUid(session.id),
    sequence: cancelled ? 1 : 0,
    status: cancelled ? 'CANCELLED' : 'CONFIRMED',
    title: `Mentoring session: ${session.mentorName} and ${session.menteeName ?? 'a mentee'}`,
    description: session.videoLink ? `Join the call: ${session.videoLink}` : 'Micromentoring session',
    ...(session.videoLink ? { location: session.videoLink } : {}),
    start: session.slotStart.getTime(),
    startInputType: 'utc',
    startOutputType: 'utc',
    duration: { minutes: session.lengthMinutes ?? 30 },
    organizer: { name: 'mentormatch', email: 'no-reply@mentormatch.invalid' },
    attendees,
  });
  if (error !== null || value === null) throw error ?? new Error('the invite could not be written');
  return value;
}
