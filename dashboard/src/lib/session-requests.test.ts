import { describe, expect, it } from 'vitest';
import { actionsFor, formatSlot, hoursLeft, requestedMessage, stateLabel, stateTone } from './session-requests.js';

const now = new Date('2026-12-08T12:00:00Z');
const future = { slotStart: '2026-12-09T10:00:00Z', slotEnd: '2026-12-09T10:30:00Z' };
const past = { slotStart: '2026-12-08T10:00:00Z', slotEnd: '2026-12-08T10:30:00Z' };
const noSlot = { slotStart: null, slotEnd: null };

describe('actionsFor', () => {
  it('lets the mentor answer an open request and the mentee withdraw it', () => {
    expect(actionsFor({ state: 'requested', role: 'mentor', ...future }, now)).toEqual(['accept', 'decline']);
    expect(actionsFor({ state: 'requested', role: 'mentee', ...future }, now)).toEqual(['withdraw']);
  });

  it('lets the mentor mark a session completed or missed only once it has taken place', () => {
    expect(actionsFor({ state: 'accepted', role: 'mentor', ...future }, now)).toEqual(['cancel']);
    expect(actionsFor({ state: 'accepted', role: 'mentor', ...past }, now)).toEqual(['complete', 'no-show', 'cancel']);
    expect(actionsFor({ state: 'accepted', role: 'mentor', ...noSlot }, now)).toEqual([
      'complete',
      'no-show',
      'cancel',
    ]);
  });

  it('lets either side or a coordinator cancel a scheduled session, and nobody change an ended one', () => {
    expect(actionsFor({ state: 'accepted', role: 'mentee', ...past }, now)).toEqual(['cancel']);
    expect(actionsFor({ state: 'accepted', role: 'coordinator', ...past }, now)).toEqual(['cancel']);
    expect(actionsFor({ state: 'requested', role: 'coordinator', ...past }, now)).toEqual([]);
    for (const state of ['declined', 'expired', 'withdrawn', 'completed', 'no_show', 'cancelled']) {
      expect(actionsFor({ state, role: 'mentor', ...past }, now)).toEqual([]);
      expect(actionsFor({ state, role: 'mentee', ...past }, now)).toEqual([]);
    }
  });
});

describe('how a request reads', () => {
  it('names each state in plain words and keeps an unknown one as the engine said it', () => {
    expect(stateLabel('accepted')).toBe('Scheduled');
    expect(stateLabel('no_show')).toBe('No-show');
    expect(stateLabel('paused')).toBe('paused');
    expect(stateTone('requested')).toBe('open');
    expect(stateTone('declined')).toBe('bad');
    expect(stateTone('expired')).toBe('ended');
  });

  it('shows a slot in the viewer’s time zone, not the mentor’s', () => {
    expect(formatSlot(future.slotStart, future.slotEnd, 'Europe/Madrid')).toBe(
      'Wed, 9 Dec 2026, 11:00–11:30 (Europe/Madrid)',
    );
    expect(formatSlot(future.slotStart, future.slotEnd, 'America/New_York')).toBe(
      'Wed, 9 Dec 2026, 05:00–05:30 (America/New_York)',
    );
  });

  it('says how many hours the mentor has to answer, rounded up', () => {
    expect(hoursLeft('2026-12-11T12:00:00Z', now)).toBe(72);
    expect(hoursLeft('2026-12-08T12:20:00Z', now)).toBe(1);
    expect(hoursLeft('2026-12-08T11:00:00Z', now)).toBe(0);
    expect(requestedMessage('Ana Diaz', '2026-12-11T12:00:00Z', now)).toBe(
      'Requested. Ana Diaz has 72 hours to answer.',
    );
    expect(requestedMessage('Ana Diaz', '2026-12-08T12:20:00Z', now)).toBe('Requested. Ana Diaz has 1 hour to answer.');
  });
});
