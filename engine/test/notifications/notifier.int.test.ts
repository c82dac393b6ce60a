import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { createRepositories, type Repositories } from '../../src/db/repositories.js';
import { Notifier } from '../../src/notifications/notifier.js';
import { pgliteBackend } from '../db/backends.js';
import { emptyNotificationTables, sessionFixture } from './notification-fixtures.js';

describe('notifier', () => {
  const backend = pgliteBackend();
  let handle: DatabaseHandle;
  let repos: Repositories;
  const notifier = new Notifier({ dashboardUrl: 'https://mm.example.org/' });
  beforeAll(async () => {
    handle = await backend.start();
    repos = createRepositories(handle.db, handle.textCipher);
  });
  afterAll(() => backend.stop());
  beforeEach(() => emptyNotificationTables(handle));

  it('writes an inbox row and an email with the invite in the transaction of the change', async () => {
    const s = await sessionFixture(handle, repos);
    await repos.transaction((trx) =>
      notifier.notify(trx, [{ kind: 'request_accepted', userId: s.menteeId, sessionRequestId: s.sessionRequestId }]),
    );
    const [inbox] = await repos.notifications.listFor(s.menteeId, 10);
    expect(inbox).toMatchObject({ kind: 'request_accepted', sessionRequestId: s.sessionRequestId, readAt: null });
    const [email] = await repos.outbox.list(10);
    expect(email).toMatchObject({ notificationId: inbox!.id, toAddress: 'bo@example.org', sentAt: null });
    expect(email!.subject).toBe('Ada Mentor accepted your session request');
    // 14:00 UTC is 15:00 in London in summer: the mentee reads their own time.
    expect(email!.textBody).toContain('Wednesday 1 July at 15:00 (BST)');
    expect(email!.textBody).toContain('https://meet.example.org/mm-1');
    expect(email!.textBody).toContain(`https://mm.example.org/requests?session=${s.sessionRequestId}`);
    expect(email!.idempotencyKey).toMatch(new RegExp(`^n${inbox!.id}-[0-9a-f]{12}$`));
    expect(email!.ics).toContain('METHOD:REQUEST');
    expect(email!.ics).toContain('DTSTART:20260701T140000Z');
    expect(email!.ics).toContain(`UID:session-${s.sessionRequestId}@mentormatch`);
  });

  it('writes nothing when the transaction rolls back', async () => {
    const s = await sessionFixture(handle, repos);
    await expect(
      repos.transaction(async (trx) => {
        await notifier.notify(trx, [
          { kind: 'request_received', userId: s.mentorUserId, sessionRequestId: s.sessionRequestId },
        ]);
        throw new Error('the transition failed');
      }),
    ).rejects.toThrow('the transition failed');
    expect(await repos.notifications.listFor(s.mentorUserId, 10)).toEqual([]);
    expect(await repos.outbox.list(10)).toEqual([]);
  });

  it('shows the mentor times in their zone and attaches a cancellation', async () => {
    const s = await sessionFixture(handle, repos, { state: 'cancelled' });
    await repos.transaction((trx) =>
      notifier.notify(trx, [
        {
          kind: 'session_cancelled',
          userId: s.mentorUserId,
          sessionRequestId: s.sessionRequestId,
          data: { reason: 'Something came up' },
        },
      ]),
    );
    const [email] = await repos.outbox.list(10);
    expect(email!.subject).toBe('Your session with Bo Mentee was cancelled');
    expect(email!.textBody).toContain('Wednesday 1 July at 10:00 (GMT-4)');
    expect(email!.textBody).toContain('"Something came up"');
    expect(email!.ics).toContain('METHOD:CANCEL');
    expect(email!.ics).toContain('STATUS:CANCELLED');
    expect(email!.ics).toContain('SEQUENCE:1');
  });

  it('offers the next mentors by name when a request expired, without an invite', async () => {
    const s = await sessionFixture(handle, repos, { state: 'expired', slotStart: null });
    await repos.transaction((trx) =>
      notifier.notify(trx, [
        {
          kind: 'request_expired',
          userId: s.menteeId,
          sessionRequestId: s.sessionRequestId,
          data: { nextMentors: [{ mentorId: 'm-7', name: 'Grace Hopper' }] },
        },
      ]),
    );
    const [email] = await repos.outbox.list(10);
    expect(email!.subject).toBe('Your request to Ada Mentor expired');
    expect(email!.textBody).toContain('the directory has them:\n- Grace Hopper\n');
    expect(email!.textBody).toContain('https://mm.example.org/directory');
    expect(email!.ics).toBeNull();
  });

  it('keeps the inbox row but writes no email for a disabled user', async () => {
    const s = await sessionFixture(handle, repos);
    await repos.users.update(s.menteeId, { disabled: true });
    await repos.transaction((trx) =>
      notifier.notify(trx, [{ kind: 'rate_session', userId: s.menteeId, sessionRequestId: s.sessionRequestId }]),
    );
    expect(await repos.notifications.listFor(s.menteeId, 10)).toHaveLength(1);
    expect(await repos.outbox.list(10)).toEqual([]);
  });
});
