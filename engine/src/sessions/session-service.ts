import type { Repositories } from '../db/repositories.js';
import type { SessionRequestRecord, TransitionChanges } from '../db/session-request-repository.js';
import type { SessionState } from '../db/schema.js';
import type { MentorSchedule } from '../db/availability-repository.js';
import { isValidTimezone } from '../domain/mentor-validation.js';
import { AppError } from '../errors.js';
import type { NotificationEvent } from '../notifications/notification-kinds.js';
import { freeSlots, isFreeSlot, slotLabel } from './free-slots.js';
import { nextState, type SessionAction } from './session-state-machine.js';
import { SESSION_LENGTHS, type SessionSettings } from './session-settings.js';

/** Writes the notifications of a change in the change's own transaction (notifications/notifier.ts). */
export interface SessionNotifier {
  notify(trx: Repositories, events: NotificationEvent[]): Promise<void>;
}

/** Who is asking: the signed-in user, the mentor profile they speak for, and whether they run the programme. */
export interface SessionCaller {
  userId: number;
  /** The public id of the mentor profile linked to the user; null when none is. */
  mentorId: string | null;
  /** Coordinators and admins read every session and may cancel one. */
  staff: boolean;
}

export type SessionSide = 'mentee' | 'mentor' | 'coordinator';

/** A session request as the caller sees it (SessionRequestView in the API). */
export interface SessionRequestView {
  id: number;
  state: SessionState;
  role: SessionSide;
  mentorId: string;
  mentorName: string;
  menteeName: string | null;
  question: string | null;
  note: string | null;
  lengthMinutes: number | null;
  slotStart: Date | null;
  slotEnd: Date | null;
  menteeTimeZone: string | null;
  mentorTimeZone: string;
  videoLink: string | null;
  declineReason: string | null;
  cancelReason: string | null;
  cancelledBy: 'mentee' | 'mentor' | 'coordinator' | null;
  createdAt: Date;
  expiresAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  feedbackGiven: boolean;
  canGiveFeedback: boolean;
}

export interface SlotInput {
  start: string;
  lengthMinutes: number;
}

export interface NewSessionRequestInput {
  mentorId: string;
  requestId: number | null;
  note: string | null;
  slot: SlotInput | null;
  timeZone: string | null;
}

export interface TransitionInput {
  slot?: SlotInput | undefined;
  reason?: string | undefined;
}

export interface FeedbackInput {
  helpfulness: number;
  rightPerson: 'yes' | 'partly' | 'no';
  comment?: string | undefined;
  boundaryFlag?: boolean | undefined;
}

export interface AvailabilityView {
  timeZone: string;
  awayUntil: string | null;
  videoLink: string | null;
  windows: Array<{ weekday: number; start: string; end: string }>;
}

export interface SessionServiceOptions {
  repos: Repositories;
  notifier: SessionNotifier;
  settings: (repos: Repositories) => Promise<SessionSettings>;
  /** Writes the questions still queued (RequestLog), so that a request can name one asked a moment ago. */
  flushQuestions: () => Promise<void>;
  /** Told when a mentor's accepted sessions in a month change, so that matching sees it before its next refresh. */
  onLoadChange: (mentorRowId: number, month: string, delta: number) => void;
  /** Told after an answer or a rating, so that the ranker's responsiveness and helpfulness see it at once. */
  onOutcomeChange?: (mentorRowId: number) => void;
  now: () => Date;
}

const HOUR_MS = 3_600_000;
const LIST_LIMIT = 200;
const MAX_SLOT_DAYS = 28;
/**
 * How far ahead a session may be booked, and how far from now free slots may be asked for: a micromentoring
 * session is weeks away at most, and dates far off (year 9999 and on) are beyond what the database stores.
 */
const BOOKING_HORIZON_DAYS = 366;
const DAY_MS = 24 * HOUR_MS;

/** 'YYYY-MM-01' of the UTC month `d` falls in: the month whose capacity a session spends. */
export function capacityMonthOf(d: Date): string {
  return `${d.toISOString().slice(0, 7)}-01`;
}

export function slotEndOf(s: Pick<SessionRequestRecord, 'slotStart' | 'lengthMinutes'>): Date | null {
  return s.slotStart === null ? null : new Date(s.slotStart.getTime() + (s.lengthMinutes ?? 0) * 60_000);
}

const hhmm = (minute: number): string =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/**
 * The session loop: mentees request mentors, mentors answer, both meet and rate. Every transition goes through the
 * state machine and runs in one transaction with the rules the database enforces (see SessionRequestRepository)
 * and the notifications it causes.
 */
export class SessionService {
  constructor(private readonly o: SessionServiceOptions) {}

  async create(caller: SessionCaller, input: NewSessionRequestInput): Promise<SessionRequestView> {
    const now = this.o.now();
    const settings = await this.o.settings(this.o.repos);
    const mentor = await this.o.repos.mentors.getByExternalId(input.mentorId);
    if (!mentor) throw new AppError('MENTOR_NOT_FOUND', { id: input.mentorId });
    // A card shown before the mentor was deactivated can still be clicked.
    if (!mentor.active) throw new AppError('MENTOR_INACTIVE', { id: input.mentorId });
    if (caller.mentorId === input.mentorId) {
      throw new AppError('VALIDATION_FAILED', { detail: 'mentorId is your own mentor profile' });
    }
    if (input.timeZone !== null && !isValidTimezone(input.timeZone)) {
      throw new AppError('VALIDATION_FAILED', {
        detail: `timeZone must be an IANA time zone such as "Europe/Berlin", got "${input.timeZone}"`,
      });
    }
    const slot = input.slot === null ? null : this.parseSlot(input.slot, now, settings.lengthsOffered);
    await this.o.flushQuestions();
    const record = await this.o.repos.transaction(async (trx) => {
      const rowId = mentor.rowId;
      await trx.sessionRequests.lockUser(caller.userId);
      const counts = await trx.sessionRequests.menteeCounts(caller.userId, new Date(now.getTime() - HOUR_MS));
      if (counts.recent >= settings.requestsPerHour) {
        throw new AppError('REQUEST_RATE_LIMITED', { count: counts.recent });
      }
      if (counts.open >= settings.maxOpenRequests) throw new AppError('TOO_MANY_OPEN_REQUESTS', { open: counts.open });
      if (slot !== null && !(await this.isFree(trx, rowId, slot.start, slot.lengthMinutes, now))) {
        throw new AppError('SLOT_UNAVAILABLE', { start: slot.start.toISOString(), mentorId: input.mentorId });
      }
      const user = await trx.users.get(caller.userId);
      const id = await trx.sessionRequests.insert({
        requestId: input.requestId,
        mentorRowId: rowId,
        userId: caller.userId,
        note: input.note,
        lengthMinutes: slot?.lengthMinutes ?? null,
        slotStart: slot?.start ?? null,
        menteeTimeZone: input.timeZone ?? user?.timeZone ?? null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + settings.expiryHours * HOUR_MS),
      });
      const stored = (await trx.sessionRequests.get(id))!;
      if (stored.mentorUserId !== null) {
        await this.o.notifier.notify(trx, [
          { kind: 'request_received', userId: stored.mentorUserId, sessionRequestId: id },
        ]);
      }
      return stored;
    });
    return (await this.views(caller, [record], now))[0]!;
  }

  /** Moves a session request along the lifecycle on the caller's behalf. */
  async act(
    caller: SessionCaller,
    id: number,
    action: SessionAction,
    input: TransitionInput = {},
  ): Promise<SessionRequestView> {
    const now = this.o.now();
    const settings = await this.o.settings(this.o.repos);
    const loadChanges: Array<{ mentorRowId: number; month: string; delta: number }> = [];
    const record = await this.o.repos.transaction(async (trx) => {
      const { record: r, side } = await this.readAsParty(trx, caller, id);
      const to = nextState(r.state, action, side, { slotStart: r.slotStart, slotEnd: slotEndOf(r) }, now);
      const events: NotificationEvent[] = [];
      const mentee = (kind: NotificationEvent['kind'], data?: Record<string, unknown>) => {
        if (r.menteeUserId !== null) events.push({ kind, userId: r.menteeUserId, sessionRequestId: id, data });
      };
      const mentorUser = (kind: NotificationEvent['kind'], data?: Record<string, unknown>) => {
        if (r.mentorUserId !== null) events.push({ kind, userId: r.mentorUserId, sessionRequestId: id, data });
      };
      switch (action) {
        case 'accept': {
          const proposed = input.slot === undefined ? null : this.parseSlot(input.slot, now, SESSION_LENGTHS);
          const slotStart = proposed?.start ?? r.slotStart;
          const length =
            proposed?.lengthMinutes ?? r.lengthMinutes ?? (slotStart === null ? null : settings.lengthsOffered[0]!);
          if (proposed === null && slotStart !== null && slotStart < now) {
            throw new AppError('SLOT_INVALID', {
              detail: 'the slot the mentee picked has passed; propose another (slot) or accept without one',
            });
          }
          const month = capacityMonthOf(slotStart ?? now);
          const schedule = await trx.availability.get(r.mentorRowId);
          const videoLink = schedule?.videoLink ?? settings.videoLinkTemplate?.replaceAll('{id}', String(id)) ?? null;
          const changes = { slotStart, lengthMinutes: length, answeredAt: now, capacityMonth: month, videoLink };
          await this.move(trx, r, to, changes, now);
          if (!(await trx.sessionRequests.takeCapacity(r.mentorRowId, month))) {
            throw new AppError('CAPACITY_FULL', { month: month.slice(0, 7), capacity: r.capacityPerMonth });
          }
          if (slotStart !== null && !(await trx.sessionRequests.bookCells(r.mentorRowId, id, slotStart, length!))) {
            const end = new Date(slotStart.getTime() + length! * 60_000);
            throw new AppError('SLOT_TAKEN', { start: slotStart.toISOString(), end: end.toISOString() });
          }
          loadChanges.push({ mentorRowId: r.mentorRowId, month, delta: 1 });
          // Both get the invite: the mentor's copy puts what they accepted in their own calendar.
          mentee('request_accepted');
          mentorUser('request_accepted');
          break;
        }
        case 'decline':
          await this.move(trx, r, to, { declineReason: input.reason ?? null, answeredAt: now, endedAt: now }, now);
          mentee('request_declined', input.reason ? { reason: input.reason } : undefined);
          break;
        case 'withdraw':
          await this.move(trx, r, to, { endedAt: now }, now);
          mentorUser('request_withdrawn');
          break;
        case 'complete':
          await this.move(trx, r, to, { endedAt: now }, now);
          break;
        case 'no_show':
          await this.move(trx, r, to, { endedAt: now }, now);
          await trx.sessionRequests.freeCells(id);
          mentee('session_no_show');
          break;
        case 'cancel': {
          const by = side;
          await this.move(trx, r, to, { cancelReason: input.reason ?? null, cancelledBy: by, endedAt: now }, now);
          await trx.sessionRequests.freeCells(id);
          if (r.capacityMonth !== null) {
            await trx.sessionRequests.releaseCapacity(r.mentorRowId, r.capacityMonth);
            loadChanges.push({ mentorRowId: r.mentorRowId, month: r.capacityMonth, delta: -1 });
          }
          const data = input.reason ? { reason: input.reason } : undefined;
          if (by !== 'mentee') mentee('session_cancelled', data);
          if (by !== 'mentor') mentorUser('session_cancelled', data);
          break;
        }
      }
      if (events.length > 0) await this.o.notifier.notify(trx, events);
      return (await trx.sessionRequests.get(id))!;
    });
    for (const c of loadChanges) this.o.onLoadChange(c.mentorRowId, c.month, c.delta);
    this.o.onOutcomeChange?.(record.mentorRowId);
    return (await this.views(caller, [record], now))[0]!;
  }

  /**
   * A mentee deleting their account, inside that transaction: their open requests are withdrawn and their sessions
   * still to come cancelled, each through the state machine, so that no mentor keeps time or capacity for someone
   * who left; the mentors are told. The matcher's in-memory load catches up at its next refresh, so until then
   * these mentors look busier than they are, never freer.
   */
  async leave(trx: Repositories, userId: number): Promise<void> {
    const now = this.o.now();
    const own = await trx.sessionRequests.list({ menteeUserId: userId, mentorRowId: null, limit: 10_000 });
    for (const r of own) {
      const upcoming = r.state === 'accepted' && (r.slotStart === null || r.slotStart > now);
      if (r.state !== 'requested' && !upcoming) continue;
      const action = r.state === 'requested' ? 'withdraw' : 'cancel';
      const to = nextState(r.state, action, 'mentee', { slotStart: r.slotStart, slotEnd: slotEndOf(r) }, now);
      const changes: TransitionChanges =
        action === 'withdraw' ? { endedAt: now } : { cancelledBy: 'mentee', endedAt: now };
      await this.move(trx, r, to, changes, now);
      if (action === 'cancel') {
        await trx.sessionRequests.freeCells(r.id);
        if (r.capacityMonth !== null) await trx.sessionRequests.releaseCapacity(r.mentorRowId, r.capacityMonth);
      }
      if (r.mentorUserId !== null) {
        const kind = action === 'withdraw' ? 'request_withdrawn' : 'session_cancelled';
        await this.o.notifier.notify(trx, [{ kind, userId: r.mentorUserId, sessionRequestId: r.id }]);
      }
    }
  }

  async feedback(caller: SessionCaller, id: number, input: FeedbackInput): Promise<void> {
    const now = this.o.now();
    const mentorRowId = await this.o.repos.transaction(async (trx) => {
      const { record, side } = await this.readAsParty(trx, caller, id);
      if (side === 'coordinator') throw new AppError('SESSION_REQUEST_NOT_FOUND', { id });
      if (!isRateable(record, now))
        throw new AppError('FEEDBACK_NOT_OPEN', { state: record.state }, { state: record.state });
      if (input.boundaryFlag && side !== 'mentor') {
        throw new AppError('VALIDATION_FAILED', { detail: "boundaryFlag is the mentor's to set" });
      }
      const stored = await trx.sessionRequests.addFeedback({
        sessionRequestId: id,
        authorRole: side,
        helpfulness: input.helpfulness,
        rightPerson: input.rightPerson,
        comment: input.comment?.trim() || null,
        boundaryFlag: input.boundaryFlag ?? false,
      });
      if (!stored) throw new AppError('FEEDBACK_ALREADY_GIVEN');
      return record.mentorRowId;
    });
    this.o.onOutcomeChange?.(mentorRowId);
  }

  async get(caller: SessionCaller, id: number): Promise<SessionRequestView> {
    const { record } = await this.readAsParty(this.o.repos, caller, id);
    return (await this.views(caller, [record], this.o.now()))[0]!;
  }

  /** The caller's session requests: those they sent, those sent to their mentor profile, or both; newest first. */
  async list(
    caller: SessionCaller,
    filter: { role?: 'mentee' | 'mentor'; state?: SessionState },
  ): Promise<SessionRequestView[]> {
    const ownRow =
      filter.role === 'mentee' || caller.mentorId === null ? null : await mentorRowId(this.o.repos, caller.mentorId);
    const records = await this.o.repos.sessionRequests.list({
      menteeUserId: filter.role === 'mentor' ? null : caller.userId,
      mentorRowId: ownRow,
      ...(filter.state ? { state: filter.state } : {}),
      limit: LIST_LIMIT,
    });
    return this.views(caller, records, this.o.now());
  }

  /** The session as the calendar invite describes it: accepted, with a slot, read by one of its parties. */
  async inviteDetails(caller: SessionCaller, id: number) {
    const { record, side } = await this.readAsParty(this.o.repos, caller, id);
    if (side === 'coordinator') throw new AppError('SESSION_REQUEST_NOT_FOUND', { id });
    if (record.state !== 'accepted' || record.slotStart === null) {
      throw new AppError('INVITE_NOT_AVAILABLE', { state: record.state }, { state: record.state });
    }
    return (await this.o.repos.notifications.sessionDetails(id))!;
  }

  async availability(caller: SessionCaller): Promise<AvailabilityView> {
    const rowId = await this.ownMentorRow(caller);
    const schedule = await this.o.repos.availability.get(rowId);
    if (schedule === null) {
      const mentor = await this.o.repos.mentors.getByExternalId(caller.mentorId!);
      return { timeZone: mentor?.timezone ?? 'UTC', awayUntil: null, videoLink: null, windows: [] };
    }
    return toAvailabilityView(schedule);
  }

  async setAvailability(caller: SessionCaller, input: AvailabilityView): Promise<AvailabilityView> {
    const rowId = await this.ownMentorRow(caller);
    if (!isValidTimezone(input.timeZone)) {
      throw new AppError('VALIDATION_FAILED', {
        detail: `timeZone must be an IANA time zone such as "Europe/Berlin", got "${input.timeZone}"`,
      });
    }
    const windows = input.windows.map((w, i) => {
      const startMinute = minuteOf(w.start, `windows/${i}/start`);
      const endMinute = minuteOf(w.end, `windows/${i}/end`);
      if (endMinute <= startMinute) {
        throw new AppError('VALIDATION_FAILED', {
          detail: `windows/${i} must end after it starts (${w.start}–${w.end})`,
        });
      }
      return { weekday: w.weekday, startMinute, endMinute };
    });
    const schedule: MentorSchedule = {
      timeZone: input.timeZone,
      awayUntil: input.awayUntil,
      videoLink: input.videoLink?.trim() || null,
      windows: mergeWindows(windows),
    };
    await this.o.repos.availability.put(rowId, schedule);
    return toAvailabilityView(schedule);
  }

  /** A mentor's free slots of a length in the days from `from`, labelled in `timeZone`. */
  async slots(query: { mentorId: string; from: Date | null; days: number; lengthMinutes: number; timeZone: string }) {
    if (!isValidTimezone(query.timeZone)) {
      throw new AppError('VALIDATION_FAILED', {
        detail: `timeZone must be an IANA time zone such as "Europe/London", got "${query.timeZone}"`,
      });
    }
    const rowId = await mentorRowId(this.o.repos, query.mentorId);
    if (rowId === null) throw new AppError('MENTOR_NOT_FOUND', { id: query.mentorId });
    const now = this.o.now();
    const from = query.from ?? now;
    if (Math.abs(from.getTime() - now.getTime()) > BOOKING_HORIZON_DAYS * DAY_MS) {
      throw new AppError('VALIDATION_FAILED', {
        detail: `from must be a date-time within ${BOOKING_HORIZON_DAYS} days of now`,
      });
    }
    const days = Math.min(query.days, MAX_SLOT_DAYS);
    const schedule = await this.o.repos.availability.get(rowId);
    if (schedule === null) return [];
    const booked = await this.o.repos.sessionRequests.bookedCells(
      rowId,
      new Date(from.getTime() - HOUR_MS),
      new Date(from.getTime() + (days + 1) * DAY_MS),
    );
    const horizon = now.getTime() + BOOKING_HORIZON_DAYS * DAY_MS;
    return freeSlots({ ...schedule, booked, from, days, lengthMinutes: query.lengthMinutes, now })
      .filter((s) => s.start.getTime() <= horizon)
      .map((s) => ({ ...s, label: slotLabel(s, query.timeZone) }));
  }

  private async ownMentorRow(caller: SessionCaller): Promise<number> {
    const rowId = caller.mentorId === null ? null : await mentorRowId(this.o.repos, caller.mentorId);
    if (rowId === null) throw new AppError('NO_MENTOR_PROFILE');
    return rowId;
  }

  /** Whether the mentor has the slot free: in their published availability and not booked. */
  private async isFree(trx: Repositories, mentorRowId: number, start: Date, lengthMinutes: number, now: Date) {
    const schedule = await trx.availability.get(mentorRowId);
    if (schedule === null) return false;
    const booked = await trx.sessionRequests.bookedCells(
      mentorRowId,
      new Date(start.getTime() - HOUR_MS),
      new Date(start.getTime() + lengthMinutes * 60_000 + HOUR_MS),
    );
    return isFreeSlot({ ...schedule, booked, lengthMinutes, now }, start);
  }

  private parseSlot(slot: SlotInput, now: Date, lengths: readonly number[]): { start: Date; lengthMinutes: number } {
    const start = new Date(slot.start);
    if (Number.isNaN(start.getTime()))
      throw new AppError('SLOT_INVALID', { detail: `start "${slot.start}" is not a date` });
    if (!lengths.includes(slot.lengthMinutes)) {
      throw new AppError('SLOT_INVALID', {
        detail: `lengthMinutes must be one of ${lengths.join(', ')}, got ${slot.lengthMinutes}`,
      });
    }
    if (start.getTime() % (15 * 60_000) !== 0) {
      throw new AppError('SLOT_INVALID', { detail: 'a slot starts on a quarter hour (:00, :15, :30 or :45)' });
    }
    if (start < now) throw new AppError('SLOT_INVALID', { detail: `start ${start.toISOString()} has passed` });
    if (start.getTime() - now.getTime() > BOOKING_HORIZON_DAYS * DAY_MS) {
      throw new AppError('SLOT_INVALID', {
        detail: `start ${start.toISOString()} is more than ${BOOKING_HORIZON_DAYS} days ahead`,
      });
    }
    return { start, lengthMinutes: slot.lengthMinutes };
  }

  /** Moves the request if it is still where it was read; else ILLEGAL_TRANSITION naming where it is now. */
  private async move(
    trx: Repositories,
    r: SessionRequestRecord,
    to: SessionState,
    changes: TransitionChanges,
    now: Date,
  ): Promise<void> {
    if (await trx.sessionRequests.transition(r.id, r.state, to, changes, now)) return;
    const state = (await trx.sessionRequests.get(r.id))?.state ?? r.state;
    throw new AppError('ILLEGAL_TRANSITION', { action: `become ${to}`, state }, { state });
  }

  /**
   * The request and the caller's side in it; SESSION_REQUEST_NOT_FOUND when they have none, the same answer as for a
   * request that does not exist, so that ids of others' requests reveal nothing.
   */
  private async readAsParty(
    repos: Repositories,
    caller: SessionCaller,
    id: number,
  ): Promise<{ record: SessionRequestRecord; side: SessionSide }> {
    const record = await repos.sessionRequests.get(id);
    const side = record === null ? null : sideOf(caller, record);
    if (record === null || side === null) throw new AppError('SESSION_REQUEST_NOT_FOUND', { id });
    return { record, side };
  }

  private async views(
    caller: SessionCaller,
    records: SessionRequestRecord[],
    now: Date,
  ): Promise<SessionRequestView[]> {
    const given = await this.o.repos.sessionRequests.feedbackGiven(records.map((r) => r.id));
    return records.map((r) => {
      const side = sideOf(caller, r) ?? 'coordinator';
      const party = side !== 'coordinator';
      const feedbackGiven = party && (given.get(r.id)?.has(side) ?? false);
      return {
        id: r.id,
        state: r.state,
        role: side,
        mentorId: r.mentorId,
        mentorName: r.mentorName,
        menteeName: r.menteeName,
        // The mentee's words are for the two parties: coordinators run the programme on facts, not on them.
        question: party ? r.question : null,
        note: party ? r.note : null,
        lengthMinutes: r.lengthMinutes,
        slotStart: r.slotStart,
        slotEnd: slotEndOf(r),
        menteeTimeZone: r.menteeTimeZone,
        mentorTimeZone: r.mentorTimeZone,
        videoLink: r.state === 'accepted' ? r.videoLink : null,
        // Reasons are the parties' words too; a coordinator reads back only the one they gave when cancelling.
        declineReason: party ? r.declineReason : null,
        cancelReason: party || r.cancelledBy === 'coordinator' ? r.cancelReason : null,
        cancelledBy: r.cancelledBy,
        createdAt: r.createdAt,
        expiresAt: r.expiresAt,
        answeredAt: r.answeredAt,
        endedAt: r.endedAt,
        feedbackGiven,
        canGiveFeedback: party && !feedbackGiven && isRateable(r, now),
      };
    });
  }
}

async function mentorRowId(repos: Repositories, externalId: string): Promise<number | null> {
  return (await repos.mentors.getRowIdsByExternalIds([externalId])).get(externalId) ?? null;
}

/** The caller's side of a session: its mentor, its mentee, or staff reading it; null for anyone else. */
function sideOf(caller: SessionCaller, r: SessionRequestRecord): SessionSide | null {
  if (caller.mentorId !== null && caller.mentorId === r.mentorId) return 'mentor';
  if (r.menteeUserId !== null && r.menteeUserId === caller.userId) return 'mentee';
  return caller.staff ? 'coordinator' : null;
}

/** A session can be rated once it took place: completed, or accepted with a slot that has ended. */
export function isRateable(r: Pick<SessionRequestRecord, 'state' | 'slotStart' | 'lengthMinutes'>, now: Date): boolean {
  if (r.state === 'completed') return true;
  const end = slotEndOf(r);
  return r.state === 'accepted' && end !== null && end <= now;
}

function minuteOf(hhmmText: string, where: string): number {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(hhmmText);
  const minute = m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
  if (!(minute <= 1440) || minute % 15 !== 0) {
    throw new AppError('VALIDATION_FAILED', {
      detail: `${where} must be a time HH:MM on a quarter hour between 00:00 and 24:00, got "${hhmmText}"`,
    });
  }
  return minute;
}

/** Overlapping or touching windows of a day become one (the table's key is the window's start). */
function mergeWindows(windows: Array<{ weekday: number; startMinute: number; endMinute: number }>) {
  const sorted = [...windows].sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute);
  const out: typeof windows = [];
  for (const w of sorted) {
    const last = out.at(-1);
    if (last && last.weekday === w.weekday && w.startMinute <= last.endMinute) {
      last.endMinute = Math.max(last.endMinute, w.endMinute);
    } else out.push({ ...w });
  }
  return out;
}

function toAvailabilityView(s: MentorSchedule): AvailabilityView {
  return {
    timeZone: s.timeZone,
    awayUntil: s.awayUntil,
    videoLink: s.videoLink,
    windows: s.windows.map((w) => ({ weekday: w.weekday, start: hhmm(w.startMinute), end: hhmm(w.endMinute) })),
  };
}
