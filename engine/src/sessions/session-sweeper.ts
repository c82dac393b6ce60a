import type { FastifyBaseLogger } from 'fastify';
import type { Repositories } from '../db/repositories.js';
import type { SessionRequestRecord, SweepMark } from '../db/session-request-repository.js';
import type { NotificationEvent } from '../notifications/notification-kinds.js';
import type { SessionNotifier } from './session-service.js';
import { nextState } from './session-state-machine.js';
import { EXPIRY_WARNING_HOURS, type SessionSettings } from './session-settings.js';

const HOUR_MS = 3_600_000;
/** Rows per kind and sweep; a backlog is worked off over the next sweeps. */
const BATCH = 100;
/** Mentors suggested when a request expires. */
const NEXT_MENTORS = 3;

export interface SweepCounts {
  expired: number;
  warned: number;
  reminded: number;
  prompted: number;
}

export interface SessionSweeperOptions {
  repos: Repositories;
  notifier: SessionNotifier;
  settings: (repos: Repositories) => Promise<SessionSettings>;
  now: () => Date;
  intervalMs: number;
  log: Pick<FastifyBaseLogger, 'warn' | 'error'>;
}

/**
 * What happens to sessions with time alone: unanswered requests expire, mentors are warned before that, both
 * parties are reminded before a session and asked to rate it after. Everything is read from the database on each
 * sweep, so it survives restarts; each change is a conditional update in a transaction with its notifications, so
 * of several engines sweeping at once exactly one sends each message.
 */
export class SessionSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(private readonly o: SessionSweeperOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running !== null) return;
      this.running = this.sweep()
        .catch((err: unknown) => this.o.log.error({ err }, 'the session sweep failed; the next one tries again'))
        .finally(() => {
          this.running = null;
        });
    }, this.o.intervalMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One sweep at `now` (the clock's by default); tests call it with a fake clock. */
  async sweep(now: Date = this.o.now()): Promise<SweepCounts> {
    const settings = await this.o.settings(this.o.repos);
    const repo = this.o.repos.sessionRequests;
    const counts: SweepCounts = { expired: 0, warned: 0, reminded: 0, prompted: 0 };
    for (const id of await repo.dueForExpiry(now, BATCH)) {
      if (await this.expire(id, now)) counts.expired++;
    }
    const warnBefore = new Date(now.getTime() + EXPIRY_WARNING_HOURS * HOUR_MS);
    for (const id of await repo.dueForExpiryWarning(now, warnBefore, BATCH)) {
      if (
        await this.once(id, 'expiryWarningSentAt', now, (s) =>
          s.state === 'requested' ? mentorEvent(s, 'expiring_soon') : [],
        )
      )
        counts.warned++;
    }
    const remindBefore = new Date(now.getTime() + settings.reminderMinutesBefore * 60_000);
    for (const id of await repo.dueForReminder(now, remindBefore, BATCH)) {
      if (
        await this.once(id, 'reminderSentAt', now, (s) =>
          s.state === 'accepted' ? bothEvents(s, 'session_reminder') : [],
        )
      )
        counts.reminded++;
    }
    for (const id of await repo.dueForFeedbackPrompt(now, BATCH)) {
      if (await this.once(id, 'feedbackPromptSentAt', now, (s) => bothEvents(s, 'rate_session'))) counts.prompted++;
    }
    return counts;
  }

  /**
   * Expires one request if it is still open: the mentee is told, with the next best mentors their question was
   * served that they have not asked yet.
   */
  private expire(id: number, now: Date): Promise<boolean> {
    return this.o.repos.transaction(async (trx) => {
      const s = await trx.sessionRequests.get(id);
      if (s === null || s.state !== 'requested' || s.expiresAt > now) return false;
      const to = nextState(s.state, 'expire', 'system', { slotStart: null, slotEnd: null }, now);
      if (!(await trx.sessionRequests.transition(id, s.state, to, { endedAt: now }, now))) return false;
      if (s.menteeUserId !== null) {
        const nextMentors =
          s.requestId === null
            ? []
            : await trx.sessionRequests.nextServedMentors(s.requestId, s.menteeUserId, NEXT_MENTORS);
        await this.o.notifier.notify(trx, [
          { kind: 'request_expired', userId: s.menteeUserId, sessionRequestId: id, data: { nextMentors } },
        ]);
      }
      return true;
    });
  }

  /**
   * Sends what `events` says once per session: only the sweep that sets the mark sends it. `events` reads the row
   * after the mark, so a session that moved on since it was listed (cancelled, answered) is told nothing.
   */
  private once(
    id: number,
    mark: SweepMark,
    now: Date,
    events: (s: SessionRequestRecord) => NotificationEvent[],
  ): Promise<boolean> {
    return this.o.repos.transaction(async (trx) => {
      if (!(await trx.sessionRequests.mark(id, mark, now))) return false;
      const s = await trx.sessionRequests.get(id);
      const out = s === null ? [] : events(s);
      if (out.length > 0) await this.o.notifier.notify(trx, out);
      return true;
    });
  }
}

function mentorEvent(s: SessionRequestRecord, kind: NotificationEvent['kind']): NotificationEvent[] {
  return s.mentorUserId === null ? [] : [{ kind, userId: s.mentorUserId, sessionRequestId: s.id }];
}

function bothEvents(s: SessionRequestRecord, kind: NotificationEvent['kind']): NotificationEvent[] {
  const menteeEvents: NotificationEvent[] =
    s.menteeUserId === null ? [] : [{ kind, userId: s.menteeUserId, sessionRequestId: s.id }];
  return [...menteeEvents, ...mentorEvent(s, kind)];
}
