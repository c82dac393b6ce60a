import { render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { ResponseBody } from './api/client.js';
import SessionRequestItem from './components/session-request-item.svelte';

type SessionRequest = ResponseBody<'/api/session-requests/{id}', 'get'>;

const HOUR = 3_600_000;

/** A request as the engine answers it; each test changes what it is about. */
function request(overrides: Partial<SessionRequest>): SessionRequest {
  return {
    id: 7,
    state: 'requested',
    role: 'mentor',
    mentorId: 'm-1',
    mentorName: 'Ana Diaz',
    menteeName: 'Sam Lee',
    question: 'How do I ask for a raise?',
    note: 'Fridays suit me',
    lengthMinutes: 30,
    slotStart: new Date(Date.now() + 24 * HOUR).toISOString(),
    slotEnd: new Date(Date.now() + 24.5 * HOUR).toISOString(),
    menteeTimeZone: 'Europe/Madrid',
    mentorTimeZone: 'Europe/London',
    videoLink: null,
    declineReason: null,
    cancelReason: null,
    cancelledBy: null,
    createdAt: new Date(Date.now() - HOUR).toISOString(),
    expiresAt: new Date(Date.now() + 71.5 * HOUR).toISOString(),
    answeredAt: null,
    endedAt: null,
    feedbackGiven: false,
    canGiveFeedback: false,
    ...overrides,
  } as SessionRequest;
}

const show = (r: SessionRequest) => render(SessionRequestItem, { request: r, onchange: () => {} });
const buttons = (container: HTMLElement) =>
  [...container.querySelectorAll('[data-testid^="session-"]')]
    .filter((el) => el.tagName === 'BUTTON')
    .map((el) => el.getAttribute('data-testid'));

describe('a session request on the Sessions page', () => {
  it('shows the mentor the question, the time left to answer, and the answers', () => {
    const { container, getByTestId } = show(request({}));
    expect(getByTestId('session-question').textContent).toContain('How do I ask for a raise?');
    expect(getByTestId('session-expires').textContent).toContain('You have 72 hours left');
    expect(buttons(container)).toEqual(['session-accept', 'session-propose', 'session-decline']);
  });

  it('gives a scheduled session its call, its invite, and only a cancel before it has taken place', () => {
    const { container, getByTestId } = show(
      request({ state: 'accepted', role: 'mentee', videoLink: 'https://meet.example.org/mentormatch-7' }),
    );
    expect(getByTestId('session-video').getAttribute('href')).toBe('https://meet.example.org/mentormatch-7');
    expect(getByTestId('session-invite').getAttribute('href')).toBe('/api/session-requests/7/invite.ics');
    expect(buttons(container)).toEqual(['session-cancel']);
  });

  it('asks for a rating once the session took place, and thanks once given', () => {
    const past = {
      state: 'completed',
      slotStart: new Date(Date.now() - 2 * HOUR).toISOString(),
      slotEnd: new Date(Date.now() - 1.5 * HOUR).toISOString(),
    } as const;
    const asked = show(request({ ...past, canGiveFeedback: true }));
    expect(asked.getByTestId('feedback-form')).toBeTruthy();
    expect(asked.getByTestId('feedback-boundary')).toBeTruthy();
    asked.unmount();
    const given = show(request({ ...past, feedbackGiven: true }));
    expect(given.queryByTestId('feedback-form')).toBeNull();
    expect(given.getByTestId('feedback-given')).toBeTruthy();
  });

  it('tells the mentee why a request was declined and who cancelled a session', () => {
    const declined = show(request({ state: 'declined', role: 'mentee', declineReason: 'Away this month' }));
    expect(declined.getByTestId('session-reason').textContent).toContain('Ana Diaz wrote: “Away this month”');
    declined.unmount();
    const cancelled = show(
      request({ state: 'cancelled', role: 'mentee', cancelledBy: 'mentor', cancelReason: 'Ill today' }),
    );
    expect(cancelled.getByTestId('session-reason').textContent).toContain('Cancelled by Ana Diaz: “Ill today”');
  });
});
