import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpTestServer, type SmtpTestServer } from '../support/smtp-test-server.js';
import { launchChromium, type LaunchedBrowser } from './browser.js';
import { api, shoot } from './dashboard-helpers.js';
import { DEMO_EMAIL, startEngine, type RunningEngine } from './engine-harness.js';

interface SessionView {
  id: number;
  state: string;
  slotStart: string | null;
  slotEnd: string | null;
}

interface Factor {
  name: string;
  value: number;
}

// A question only the demo mentor's rewritten bio answers, so that they come first for it.
const QUESTION = 'How do I run a retrospective for a beekeeping cooperative that keeps arguing about honey prices?';
const BIO =
  'I chaired a beekeeping cooperative for ten years: I run retrospectives for cooperatives, settle arguments ' +
  'about honey prices, and coach new chairs through their first contested meeting.';

let smtp: SmtpTestServer;
let engine: RunningEngine;
let mentee: LaunchedBrowser;
let mentor: LaunchedBrowser;

beforeAll(async () => {
  smtp = await startSmtpTestServer();
  // Emails go through the real SMTP server the test runs; the worker looks for new ones often.
  engine = await startEngine(undefined, { smtpUrl: smtp.url, outboxPollMs: 100 });
  mentee = await launchChromium();
  mentor = await launchChromium();
  await engine.signIn(mentee.context, 'mentee');
  await engine.signIn(mentor.context, 'mentor');
});

afterAll(async () => {
  await mentee?.close();
  await mentor?.close();
  await engine?.close();
  await smtp?.stop();
});

async function open(context: BrowserContext, path: string): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30_000);
  await page.goto(`${engine.url}${path}`);
  return page;
}

/** The Requests page's item for one session, once it shows the state. */
async function sessionItem(page: Page, id: number, state: string) {
  const item = page.locator(`[data-testid="session-request"][data-id="${id}"]`);
  await expect.poll(() => item.getAttribute('data-state'), { timeout: 15_000 }).toBe(state);
  return item;
}

/** Clicks the invite link and answers the downloaded file's text. */
async function downloadInvite(page: Page, id: number): Promise<string> {
  const item = page.locator(`[data-testid="session-request"][data-id="${id}"]`);
  const [download] = await Promise.all([page.waitForEvent('download'), item.getByTestId('session-invite').click()]);
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** An iCalendar UTC time (20261208T143000Z) of an ISO instant, to the minute. */
const icsTime = (iso: string) => `${iso.slice(0, 16).replace(/[-:]/g, '')}`;

describe('the session loop in two browsers, a mentee and a mentor', () => {
  it('ask, request a slot, email, accept, invite, complete, rate, and the rating in the next explanation', async () => {
    const mentorMe = await (await mentor.context.request.get(`${engine.url}/api/auth/me`)).json();
    const mentorId = (mentorMe as { mentorId: string }).mentorId;
    const profile = await api<{ name: string }>(engine, 'PATCH', `/api/mentors/${encodeURIComponent(mentorId)}`, {
      bio: BIO,
      headline: 'Cooperative chair and facilitator',
      capacityPerMonth: 4,
    });

    const helpfulnessBefore = await helpfulnessOf(mentorId);
    // The programme offers 45-minute sessions too, and a meeting room for mentors without their own link.
    await api(engine, 'PUT', '/api/settings/sessions', {
      lengthsOffered: [15, 30, 45],
      videoLinkTemplate: 'https://meet.example.org/mentormatch-{id}',
    });

    // The mentor publishes when they take sessions: every day, in their own time zone.
    const mentorPage = await open(mentor.context, '/profile');
    const editor = mentorPage.getByTestId('availability-editor');
    await editor.getByTestId('availability-save').waitFor();
    await editor.getByTestId('availability-zone').selectOption('America/New_York');
    for (let day = 1; day <= 7; day++) {
      await editor.getByTestId('availability-new-day').selectOption(String(day));
      await editor.getByTestId('availability-add').click();
    }
    const windows = editor.getByTestId('availability-window');
    expect(await windows.count()).toBe(7);
    for (let i = 0; i < 7; i++) {
      await windows.nth(i).getByTestId('availability-start').fill('06:00');
      await windows.nth(i).getByTestId('availability-end').fill('22:00');
    }
    await editor.getByTestId('availability-save').click();
    await editor.getByTestId('notice-success').waitFor();
    const availability = await (await mentor.context.request.get(`${engine.url}/api/me/availability`)).json();
    expect(availability).toMatchObject({ timeZone: 'America/New_York' });
    expect((availability as { windows: unknown[] }).windows).toHaveLength(7);

    // The mentee asks, finds the mentor first, and requests a 30-minute slot shown in their own time zone.
    const menteePage = await open(mentee.context, '/');
    await menteePage.getByTestId('ask-input').fill(QUESTION);
    await menteePage.getByTestId('ask-submit').click();
    const card = menteePage.locator(`[data-testid="mentor-card"][data-mentor-id="${mentorId}"]`);
    await card.waitFor();
    await card.getByTestId('request-session').click();
    await card.getByTestId('request-length-45').waitFor();
    await card.getByTestId('request-length-30').check();
    const firstSlot = card.getByTestId('slot').first();
    await firstSlot.waitFor({ state: 'attached' });
    const slotStart = (await firstSlot.getAttribute('value'))!;
    await firstSlot.check({ force: true });
    await card.getByTestId('request-note').fill('Our next meeting is on Friday.');
    const answered = menteePage.waitForResponse(
      (r) => new URL(r.url()).pathname === '/api/session-requests' && r.request().method() === 'POST',
    );
    await card.getByTestId('confirm-request').click();
    const created = await answered;
    expect(created.status()).toBe(201);
    const request = (await created.json()) as SessionView;
    expect(request).toMatchObject({ state: 'requested', slotStart });
    await card.getByText(`Requested. ${profile.name} has 72 hours to answer.`).waitFor();
    await shoot(menteePage, 'session-loop-requested');

    // The mentor's email arrives at the SMTP server.
    await expect
      .poll(() => smtp.received.some((m) => m.to.includes(DEMO_EMAIL.mentor)), { timeout: 20_000 })
      .toBe(true);
    const requestEmail = smtp.received.find((m) => m.to.includes(DEMO_EMAIL.mentor))!;
    expect(requestEmail.subject).toMatch(/session request/i);
    expect(requestEmail.text).toContain('/requests');

    // The mentor's inbox says so too: the badge in the header, the item on the Inbox page.
    await mentorPage.goto(`${engine.url}/inbox`);
    await expect.poll(() => mentorPage.getByTestId('inbox-badge').textContent()).toContain('1');
    const received = mentorPage.locator('[data-testid="inbox-item"][data-kind="request_received"]');
    await received.getByTestId('inbox-read').click();
    await received.getByTestId('inbox-read').waitFor({ state: 'detached' });
    expect(await mentorPage.getByTestId('inbox-badge').count()).toBe(0);

    // The mentor accepts in the Requests page, reading the question the mentee sent.
    await received.getByRole('link').click();
    await mentorPage.waitForURL((url) => url.pathname === '/requests');
    let item = await sessionItem(mentorPage, request.id, 'requested');
    expect(await item.getByTestId('session-question').textContent()).toContain('beekeeping cooperative');
    await item.getByTestId('session-accept').click();
    item = await sessionItem(mentorPage, request.id, 'accepted');
    await shoot(mentorPage, 'session-loop-accepted');

    // Both see the scheduled session in their own time zone and download the same invite.
    await menteePage.goto(`${engine.url}/requests`);
    const menteeItem = await sessionItem(menteePage, request.id, 'accepted');
    expect(await menteeItem.getByTestId('session-slot').textContent()).toContain('Europe/Madrid');
    expect(await item.getByTestId('session-slot').textContent()).toContain('Europe/Madrid');
    expect(await menteeItem.getByTestId('session-video').getAttribute('href')).toBe(
      `https://meet.example.org/mentormatch-${request.id}`,
    );
    for (const page of [menteePage, mentorPage]) {
      const ics = await downloadInvite(page, request.id);
      expect(ics).toContain('BEGIN:VCALENDAR');
      expect(ics).toContain('METHOD:REQUEST');
      expect(ics.replace(/\r\n[ \t]/g, '')).toContain(icsTime(new Date(slotStart).toISOString()));
    }
    // The mentee's acceptance email carries the invite too.
    await expect
      .poll(() => smtp.received.some((m) => m.to.includes(DEMO_EMAIL.mentee) && m.calendars.length > 0), {
        timeout: 20_000,
      })
      .toBe(true);

    // Once the session has taken place, the mentor marks it completed and both rate it.
    const accepted = await api<SessionView>(engine, 'GET', `/api/session-requests/${request.id}`);
    await passTime(new Date(new Date(accepted.slotEnd!).getTime() + 60_000));
    await mentorPage.reload();
    item = await sessionItem(mentorPage, request.id, 'accepted');
    await item.getByTestId('session-complete').click();
    item = await sessionItem(mentorPage, request.id, 'completed');
    await rate(item, 5, 'yes');
    await menteePage.reload();
    await rate(await sessionItem(menteePage, request.id, 'completed'), 5, 'yes');
    await shoot(menteePage, 'session-loop-rated');

    // The next mentee to ask reads the mentor's helpfulness among the factors of the match, raised by the 5/5.
    await menteePage.goto(`${engine.url}/`);
    await menteePage.getByTestId('ask-input').fill(QUESTION);
    await menteePage.getByTestId('ask-submit').click();
    await card.waitFor();
    await card.locator('[data-testid="factor-bar"][data-factor="helpfulness"]').waitFor();
    expect(await helpfulnessOf(mentorId)).toBeGreaterThan(helpfulnessBefore);
    await shoot(menteePage, 'session-loop-next-match');
  });
});

/** The helpfulness factor of the mentor's match for the question, as the Ask page's explanation carries it. */
async function helpfulnessOf(mentorId: string): Promise<number> {
  const answer = await api<{ matches: Array<{ mentor: { id: string }; explanation: { factors: Factor[] } }> }>(
    engine,
    'POST',
    '/api/match',
    { text: QUESTION, k: 5 },
  );
  const match = answer.matches.find((m) => m.mentor.id === mentorId);
  expect(match, 'the mentor among the matches').toBeDefined();
  const factor = match!.explanation.factors.find((f) => f.name === 'helpfulness');
  expect(factor, 'a helpfulness factor').toBeDefined();
  return factor!.value;
}

async function rate(item: ReturnType<Page['locator']>, helpfulness: number, rightPerson: string): Promise<void> {
  const form = item.getByTestId('feedback-form');
  await form.getByTestId(`feedback-helpfulness-${helpfulness}`).check();
  await form.getByTestId(`feedback-right-${rightPerson}`).check();
  await form.getByTestId('feedback-comment').fill('Clear and practical.');
  await form.getByTestId('feedback-send').click();
  await item.getByTestId('feedback-given').waitFor();
}

/** Moves both browsers' clocks and the engine's to `to`, as if the session's time had come and gone. */
async function passTime(to: Date): Promise<void> {
  for (const browser of [mentee, mentor]) await browser.context.clock.setSystemTime(to);
  engine.setNow(to);
}
