/**
 * What the Requests page shows of a session request and which buttons it offers. The engine's state machine
 * decides (an illegal transition is a 409 the page shows); this only spares a person buttons that would be
 * refused, and words each state for the side reading it.
 */

import type { paths } from './api/schema.js';

/** A request as the engine lists it; its states come from the engine's OpenAPI document, not a second list. */
type ListedRequest =
  paths['/api/session-requests']['get']['responses'][200]['content']['application/json']['items'][number];

export type SessionState = ListedRequest['state'];

/** Whose view of a request it is: one of its two parties, or a coordinator looking after the programme. */
export type SessionSide = 'mentee' | 'mentor' | 'coordinator';

/** The lengths a session may have; the programme offers some of them. */
export type SessionLength = 15 | 30 | 45;

export function isSessionLength(n: number): n is SessionLength {
  return n === 15 || n === 30 || n === 45;
}

/** The transitions a button can ask for; each is the last part of its route, POST /session-requests/{id}/<action>. */
export type SessionAction = 'accept' | 'decline' | 'withdraw' | 'cancel' | 'complete' | 'no-show';

export interface SessionFacts {
  state: string;
  role: SessionSide;
  slotStart: string | null;
  slotEnd: string | null;
}

export const STATE_LABELS: Readonly<Record<SessionState, string>> = {
  requested: 'Waiting for an answer',
  accepted: 'Scheduled',
  declined: 'Declined',
  expired: 'Expired',
  withdrawn: 'Withdrawn',
  completed: 'Completed',
  no_show: 'No-show',
  cancelled: 'Cancelled',
};

/** The badge's tone: open ones draw the eye, ended ones do not. */
export function stateTone(state: string): 'open' | 'good' | 'bad' | 'ended' {
  if (state === 'requested') return 'open';
  if (state === 'accepted' || state === 'completed') return 'good';
  if (state === 'declined' || state === 'no_show' || state === 'cancelled') return 'bad';
  return 'ended';
}

export function stateLabel(state: string): string {
  return STATE_LABELS[state as SessionState] ?? state;
}

/** Whether an accepted session has taken place: its slot has ended, or it has none (arranged outside the product). */
export function hasTakenPlace(view: Pick<SessionFacts, 'slotEnd'>, now: Date): boolean {
  return view.slotEnd === null || new Date(view.slotEnd).getTime() <= now.getTime();
}

/** Whether an accepted session's time has come (a no-show can be told only once the mentee should have been there). */
function hasStarted(view: Pick<SessionFacts, 'slotStart'>, now: Date): boolean {
  return view.slotStart === null || new Date(view.slotStart).getTime() <= now.getTime();
}

/** The transitions the viewer's side may ask for now, in the order the page shows them. */
export function actionsFor(view: SessionFacts, now: Date): SessionAction[] {
  if (view.state === 'requested') {
    if (view.role === 'coordinator') return [];
    return view.role === 'mentor' ? ['accept', 'decline'] : ['withdraw'];
  }
  if (view.state !== 'accepted') return [];
  if (view.role !== 'mentor') return ['cancel'];
  const actions: SessionAction[] = [];
  if (hasTakenPlace(view, now)) actions.push('complete');
  if (hasStarted(view, now)) actions.push('no-show');
  actions.push('cancel');
  return actions;
}

export const ACTION_LABELS: Readonly<Record<SessionAction, string>> = {
  accept: 'Accept',
  decline: 'Decline',
  withdraw: 'Withdraw request',
  cancel: 'Cancel session',
  complete: 'Mark completed',
  'no-show': 'Mentee did not come',
};

/** The actions that ask for a reason first (optional, and shown to the other side). */
export function asksForReason(action: SessionAction): boolean {
  return action === 'decline' || action === 'cancel';
}

/** A moment in a time zone, as a person reads it: "Tue, 8 Dec 2026, 14:30". */
export function formatInZone(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(new Date(iso));
}

/** A slot in the viewer's time zone: "Tue, 8 Dec 2026, 14:30–15:00 (Europe/Madrid)". */
export function formatSlot(slotStart: string, slotEnd: string | null, timeZone: string): string {
  const start = formatInZone(slotStart, timeZone);
  if (slotEnd === null) return `${start} (${timeZone})`;
  const end = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone }).format(
    new Date(slotEnd),
  );
  return `${start}–${end} (${timeZone})`;
}

/** How long the mentor has left to answer, in whole hours (rounded up, so "0 hours" is never said of an open request). */
export function hoursLeft(expiresAt: string, now: Date): number {
  return Math.max(0, Math.ceil((new Date(expiresAt).getTime() - now.getTime()) / 3_600_000));
}

/** The confirmation a mentee reads once a request is sent. */
export function requestedMessage(mentorName: string, expiresAt: string, now: Date): string {
  const hours = hoursLeft(expiresAt, now);
  return `Requested. ${mentorName} has ${hours} ${hours === 1 ? 'hour' : 'hours'} to answer.`;
}

/** The browser's time zone, which the engine shows slots in and stores with a request. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
