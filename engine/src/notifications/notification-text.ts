import type { SessionDetails } from '../db/notification-repository.js';
import type { NotificationKind } from './notification-kinds.js';

/** What a notification says, in the reader's words and time zone: the inbox shows it, the email sends it. */
export interface NotificationText {
  title: string;
  body: string;
  /** Where in the dashboard to act on it. */
  link: string;
}

export interface NotificationReader {
  id: number;
  timeZone: string;
}

interface NextMentor {
  mentorId: string;
  name: string;
}

/**
 * Renders one notification. Texts are rendered when read, not stored, so that a renamed or deleted account
 * reads as it is now and the inbox holds no copy of anyone's name.
 */
export function renderNotification(
  kind: NotificationKind | string,
  data: Record<string, unknown>,
  session: SessionDetails | null,
  reader: NotificationReader,
  dashboardUrl: string,
): NotificationText {
  const base = dashboardUrl.replace(/\/+$/, '');
  const link = session === null ? `${base}/requests` : `${base}/requests?session=${session.id}`;
  const mentor = session?.mentorName ?? 'your mentor';
  const mentee = session?.menteeName ?? 'A mentee';
  const length = session?.lengthMinutes ? `${session.lengthMinutes}-minute ` : '';
  const when = (d: Date) => formatTime(d, reader.timeZone);
  const slot = session?.slotStart ? ` on ${when(session.slotStart)}` : '';
  const reason = typeof data.reason === 'string' && data.reason.trim() !== '' ? data.reason.trim() : null;
  const other = session !== null && session.menteeId === reader.id ? mentor : mentee;
  const join = session?.videoLink ? `\nJoin the call: ${session.videoLink}` : '';

  switch (kind) {
    case 'request_received':
      return {
        title: `New session request from ${mentee}`,
        body:
          `${mentee} asked you for a ${length}session${slot}. ` +
          `Please accept or decline by ${session ? when(session.expiresAt) : 'the deadline'}; ` +
          'a short answer either way helps them plan.',
        link,
      };
    case 'request_accepted':
      // The mentor's copy, when sessions send one: their own calendar entry for what they accepted.
      if (session !== null && session.menteeId !== reader.id) {
        return {
          title: `Your session with ${mentee} is scheduled`,
          body: session.slotStart
            ? `You accepted ${mentee}'s request: a ${length}session${slot}.${join}\nThe calendar invite is attached.`
            : `You accepted ${mentee}'s request; arrange a time with them.${join}`,
          link,
        };
      }
      return {
        title: `${mentor} accepted your session request`,
        body: session?.slotStart
          ? `Your ${length}session with ${mentor} is${slot}.${join}\nThe calendar invite is attached.`
          : `${mentor} will arrange a time with you.${join}`,
        link,
      };
    case 'request_declined':
      return {
        title: `${mentor} can't take your request this time`,
        body:
          `${mentor} isn't able to take on this session` +
          (reason ? `, and left you a note: "${reason}".` : '.') +
          ' This is about their time, not your question: other mentors may be just right for it.',
        link: `${base}/`,
      };
    case 'request_withdrawn':
      return {
        title: `${mentee} withdrew their session request`,
        body: `${mentee} no longer needs the ${length}session they asked you for. Nothing more to do.`,
        link,
      };
    case 'request_expired': {
      const next = nextMentors(data);
      return {
        title: `Your request to ${mentor} expired`,
        body:
          `${mentor} didn't get to your request in time, which happens when mentors are busy.` +
          (next.length > 0
            ? `\nThese mentors may help too; the directory has them:\n${next.map((m) => `- ${m.name}`).join('\n')}`
            : ' The directory lists other mentors you can request.'),
        link: `${base}/directory`,
      };
    }
    case 'expiring_soon':
      return {
        title: `${mentee}'s request is waiting for your answer`,
        body: `The session request from ${mentee} expires ${session ? when(session.expiresAt) : 'soon'}. Please accept or decline it.`,
        link,
      };
    case 'session_cancelled':
      return {
        title: `Your session with ${other} was cancelled`,
        body:
          `The ${length}session with ${other}${slot} was cancelled` +
          (reason ? `, with this note: "${reason}".` : '.') +
          (session?.slotStart ? '\nThe attached update removes it from your calendar.' : ''),
        link,
      };
    case 'session_reminder':
      return {
        title: `Reminder: your session with ${other}${session?.slotStart ? ` at ${formatClock(session.slotStart, reader.timeZone)}` : ''}`,
        body: `Your ${length}session with ${other} is${slot}.${join}`,
        link,
      };
    case 'session_no_show':
      return {
        title: `Your session with ${mentor} was marked as missed`,
        body: `${mentor} marked the session${slot} as missed. If that's wrong, or something got in the way, you can request a new one.`,
        link,
      };
    case 'rate_session':
      return {
        title: `How was your session with ${other}?`,
        body: 'Two quick questions: how helpful was it, and was this the right person for the question? It helps match the next questions better.',
        link,
      };
    default:
      return { title: 'Notification', body: '', link };
  }
}

/** The email of a notification: its text, the link, and who it is for. */
export function renderEmailBody(text: NotificationText, recipientName: string): string {
  return `Hello ${recipientName},\n\n${text.body}\n\n${text.link}\n\n-- \nmentormatch\n`;
}

function nextMentors(data: Record<string, unknown>): NextMentor[] {
  if (!Array.isArray(data.nextMentors)) return [];
  return data.nextMentors.filter(
    (m): m is NextMentor =>
      typeof m === 'object' && m !== null && typeof m.mentorId === 'string' && typeof m.name === 'string',
  );
}

/** e.g. "Tuesday 8 December at 14:30 (GMT+1)"; a time zone the runtime does not know reads as UTC. */
export function formatTime(at: Date, timeZone: string): string {
  const parts = format(at, timeZone, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('weekday')} ${get('day')} ${get('month')} at ${get('hour')}:${get('minute')} (${get('timeZoneName')})`;
}

function formatClock(at: Date, timeZone: string): string {
  const parts = format(at, timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('hour')}:${get('minute')}`;
}

function format(at: Date, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormatPart[] {
  try {
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone }).formatToParts(at);
  } catch {
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' }).formatToParts(at);
  }
}
