import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import {
  FINAL_STATES,
  nextState,
  SESSION_STATES,
  type SessionAction,
  type SessionActor,
  TRANSITIONS,
} from '../../src/sessions/session-state-machine.js';

const now = new Date('2026-03-10T12:00:00Z');
const noSlot = { slotStart: null, slotEnd: null };
const actions = Object.keys(TRANSITIONS) as SessionAction[];
const actors: SessionActor[] = ['mentee', 'mentor', 'coordinator', 'system'];

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('session state machine', () => {
  it('follows the lifecycle of the issue', () => {
    expect(nextState('requested', 'accept', 'mentor', noSlot, now)).toBe('accepted');
    expect(nextState('requested', 'decline', 'mentor', noSlot, now)).toBe('declined');
    expect(nextState('requested', 'withdraw', 'mentee', noSlot, now)).toBe('withdrawn');
    expect(nextState('requested', 'expire', 'system', noSlot, now)).toBe('expired');
    expect(nextState('accepted', 'complete', 'mentor', noSlot, now)).toBe('completed');
    expect(nextState('accepted', 'no_show', 'mentor', noSlot, now)).toBe('no_show');
    for (const actor of ['mentee', 'mentor', 'coordinator'] as const) {
      expect(nextState('accepted', 'cancel', actor, noSlot, now)).toBe('cancelled');
    }
  });

  it('refuses an illegal transition with 409 naming the current state', () => {
    const err = refusal(() => nextState('declined', 'accept', 'mentor', noSlot, now));
    expect(err.code).toBe('ILLEGAL_TRANSITION');
    expect(err.status).toBe(409);
    expect(err.details).toEqual({ state: 'declined' });
    expect(err.message).toContain('declined');
  });

  it('refuses the other party: a mentee cannot accept, a mentor cannot withdraw', () => {
    expect(refusal(() => nextState('requested', 'accept', 'mentee', noSlot, now)).code).toBe('TRANSITION_NOT_YOURS');
    expect(refusal(() => nextState('requested', 'withdraw', 'mentor', noSlot, now)).code).toBe('TRANSITION_NOT_YOURS');
  });

  it('completes a scheduled session only once its slot has ended, and calls a no-show only once it began', () => {
    const timing = { slotStart: new Date('2026-03-10T11:45:00Z'), slotEnd: new Date('2026-03-10T12:15:00Z') };
    const early = refusal(() => nextState('accepted', 'complete', 'mentor', timing, now));
    expect(early.code).toBe('SESSION_NOT_OVER');
    expect(early.message).toContain('2026-03-10T12:15:00.000Z');
    expect(nextState('accepted', 'complete', 'mentor', timing, timing.slotEnd)).toBe('completed');
    expect(nextState('accepted', 'no_show', 'mentor', timing, now)).toBe('no_show');
    const later = { slotStart: new Date('2026-03-11T09:00:00Z'), slotEnd: new Date('2026-03-11T09:30:00Z') };
    expect(refusal(() => nextState('accepted', 'no_show', 'mentor', later, now)).code).toBe('SESSION_NOT_OVER');
  });

  it('never leaves a final state, and only moves along the table (property)', () => {
    expect([...FINAL_STATES].sort()).toEqual(['cancelled', 'completed', 'declined', 'expired', 'no_show', 'withdrawn']);
    fc.assert(
      fc.property(
        fc.constantFrom(...SESSION_STATES),
        fc.constantFrom(...actions),
        fc.constantFrom(...actors),
        fc.option(fc.integer({ min: -10_000, max: 10_000 }), { nil: null }),
        (state, action, actor, slotOffsetMin) => {
          const slotStart = slotOffsetMin === null ? null : new Date(now.getTime() + slotOffsetMin * 60_000);
          const timing = { slotStart, slotEnd: slotStart && new Date(slotStart.getTime() + 30 * 60_000) };
          let to: string;
          try {
            to = nextState(state, action, actor, timing, now);
          } catch (err) {
            expect(err).toBeInstanceOf(AppError);
            expect((err as AppError).details).toEqual({ state });
            return;
          }
          const t = TRANSITIONS[action];
          expect(FINAL_STATES).not.toContain(state);
          expect(state).toBe(t.from);
          expect(to).toBe(t.to);
          expect(t.actors).toContain(actor);
        },
      ),
    );
  });
});
