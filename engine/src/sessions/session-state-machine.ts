import type { SessionState } from '../db/schema.js';
import { AppError } from '../errors.js';

export type { SessionState };

export const SESSION_STATES: readonly SessionState[] = [
  'requested',
  'accepted',
  'declined',
  'expired',
  'withdrawn',
  'completed',
  'no_show',
  'cancelled',
];

/** Who moves a session: its two parties, a coordinator, or the engine's own sweeper (expiry). */
export type SessionActor = 'mentee' | 'mentor' | 'coordinator' | 'system';

export type SessionAction = 'accept' | 'decline' | 'withdraw' | 'expire' | 'complete' | 'no_show' | 'cancel';

interface Transition {
  from: SessionState;
  to: SessionState;
  actors: readonly SessionActor[];
}

/** Every transition there is; anything else is ILLEGAL_TRANSITION. */
export const TRANSITIONS: Readonly<Record<SessionAction, Transition>> = {
  accept: { from: 'requested', to: 'accepted', actors: ['mentor'] },
  decline: { from: 'requested', to: 'declined', actors: ['mentor'] },
  withdraw: { from: 'requested', to: 'withdrawn', actors: ['mentee'] },
  expire: { from: 'requested', to: 'expired', actors: ['system'] },
  complete: { from: 'accepted', to: 'completed', actors: ['mentor'] },
  no_show: { from: 'accepted', to: 'no_show', actors: ['mentor'] },
  cancel: { from: 'accepted', to: 'cancelled', actors: ['mentee', 'mentor', 'coordinator'] },
};

/** What each action does, in the words of a refusal ("it cannot be accepted now"). */
const DOING: Readonly<Record<SessionAction, string>> = {
  accept: 'be accepted',
  decline: 'be declined',
  withdraw: 'be withdrawn',
  expire: 'expire',
  complete: 'be marked completed',
  no_show: 'be marked a no-show',
  cancel: 'be cancelled',
};

/** States a session never leaves. */
export const FINAL_STATES: readonly SessionState[] = SESSION_STATES.filter(
  (s) => !Object.values(TRANSITIONS).some((t) => t.from === s),
);

/** When the session was (to be) held; both null for a session without a slot (arranged outside the product). */
export interface SessionTiming {
  slotStart: Date | null;
  slotEnd: Date | null;
}

/**
 * The state `action` by `actor` leads to from `state` at `now`, or the refusal: ILLEGAL_TRANSITION naming the
 * current state, TRANSITION_NOT_YOURS for the wrong party, SESSION_NOT_OVER for completing (or calling a
 * no-show) before the slot has ended (or begun). A session without a slot may be completed at any time.
 */
export function nextState(
  state: SessionState,
  action: SessionAction,
  actor: SessionActor,
  timing: SessionTiming,
  now: Date,
): SessionState {
  const t = TRANSITIONS[action];
  const doing = DOING[action];
  if (t.from !== state) throw new AppError('ILLEGAL_TRANSITION', { action: doing, state }, { state });
  if (!t.actors.includes(actor)) {
    throw new AppError(
      'TRANSITION_NOT_YOURS',
      { action: `${action.replace('_', '-')} it`, actors: t.actors.join(' or ') },
      { state },
    );
  }
  // A no-show is known once the slot has begun; a completion once it has ended.
  const notBefore = action === 'complete' ? timing.slotEnd : action === 'no_show' ? timing.slotStart : null;
  if (notBefore !== null && now < notBefore) {
    throw new AppError('SESSION_NOT_OVER', { action: doing, at: notBefore.toISOString() }, { state });
  }
  return t.to;
}
