import os from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { createRepositories, type Repositories } from '../../src/db/repositories.js';
import { Notifier } from '../../src/notifications/notifier.js';
import { OutboxWorker, type OutboxWorkerOptions } from '../../src/notifications/outbox-worker.js';
import { skipPostgresServer, startPostgresServer, type PostgresServer } from '../../../test/support/postgres-server.js';
import { startSmtpTestServer, type SmtpTestServer } from '../../../test/support/smtp-test-server.js';
import { pgliteBackend } from '../db/backends.js';
import { emptyNotificationTables, sessionFixture } from './notification-fixtures.js';

interface LogEntry {
  level: string;
  obj: unknown;
  msg: string;
}

function recordingLog(entries: LogEntry[]): FastifyBaseLogger {
  const at = (level: string) => (obj: unknown, msg?: string) => entries.push({ level, obj, msg: msg ?? '' });
  return { warn: at('warn'), error: at('error'), info: at('info'), debug: at('debug') } as unknown as FastifyBaseLogger;
}

const notifier = new Notifier({ dashboardUrl: 'https://mm.example.org' });

describe('outbox worker on PGlite with a real SMTP server', () => {
  const backend = pgliteBackend();
  let handle: DatabaseHandle;
  let repos: Repositories;
  let smtp: SmtpTestServer;
  let worker: OutboxWorker | null = null;
  const logs: LogEntry[] = [];
  const startWorker = (extra: Partial<OutboxWorkerOptions> = {}) => {
    worker = new OutboxWorker(repos.outbox, {
      smtpUrl: smtp.url,
      from: 'mentormatch <no-reply@mm.example.org>',
      pollMs: 50,
      leaseMs: 10_000,
      log: recordingLog(logs),
      ...extra,
    });
    worker.start();
    return worker;
  };
  beforeAll(async () => {
    handle = await backend.start();
    repos = createRepositories(handle.db, handle.textCipher);
  });
  afterAll(() => backend.stop());
  beforeEach(async () => {
    await emptyNotificationTables(handle);
    smtp = await startSmtpTestServer();
    logs.length = 0;
  });
  afterEach(async () => {
    await worker?.close();
    worker = null;
    await smtp.stop();
  });

  it('sends the email with its recipient, subject, body, keys and the invite at the right time', async () => {
    const s = await sessionFixture(handle, repos);
    await repos.transaction((trx) =>
      notifier.notify(trx, [{ kind: 'request_accepted', userId: s.menteeId, sessionRequestId: s.sessionRequestId }]),
    );
    startWorker();
    const [email] = await smtp.waitFor(1);
    const [row] = await repos.outbox.list(1);
    expect(email!.to).toEqual(['bo@example.org']);
    expect(email!.subject).toBe('Ada Mentor accepted your session request');
    expect(email!.text).toContain('Hello Bo Mentee,');
    expect(email!.text).toContain('Wednesday 1 July at 15:00 (BST)');
    expect(email!.idempotencyKey).toBe(row!.idempotencyKey);
    expect(email!.messageId).toBe(`<${row!.idempotencyKey}@mentormatch>`);
    expect(email!.calendars).toHaveLength(1);
    const invite = email!.calendars[0]!;
    expect(invite.method).toBe('REQUEST');
    // The instant the mentee picked, 15:00 in London in summer, whatever zone a calendar shows it in.
    const start = /^DTSTART:(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/m.exec(invite.content);
    expect(start).not.toBeNull();
    const [, y, mo, d, h, mi] = start!.map(Number);
    expect(new Date(Date.UTC(y!, mo! - 1, d, h, mi)).toISOString()).toBe('2026-07-01T14:00:00.000Z');
    expect(invite.content).toMatch(/^DURATION:PT30M$/m);
    expect(invite.content).toContain(`UID:session-${s.sessionRequestId}@mentormatch`);
    await waitUntil(async () => (await repos.outbox.list(1))[0]!.sentAt !== null);
    expect(smtp.attempts).toHaveLength(1);
  });

  it('retries with growing delays when the server refuses, and logs no address', async () => {
    const s = await sessionFixture(handle, repos);
    await repos.transaction((trx) =>
      notifier.notify(trx, [
        { kind: 'request_received', userId: s.mentorUserId, sessionRequestId: s.sessionRequestId },
      ]),
    );
    smtp.refuseNext(3);
    startWorker({ retryBaseMs: 200, retryCapMs: 2_000 });
    const [email] = await smtp.waitFor(1);
    expect(email!.subject).toBe('New session request from Bo Mentee');
    expect(smtp.attempts).toHaveLength(4);
    const gaps = smtp.attempts.slice(1).map((t, i) => t - smtp.attempts[i]!);
    // Equal jitter: attempt n waits between half and all of 200 * 2^(n-1) ms, plus a poll.
    expect(gaps[0]).toBeGreaterThanOrEqual(100);
    expect(gaps[1]).toBeGreaterThanOrEqual(200);
    expect(gaps[2]).toBeGreaterThanOrEqual(400);
    await waitUntil(async () => (await repos.outbox.list(1))[0]!.sentAt !== null);
    const [row] = await repos.outbox.list(1);
    expect(row).toMatchObject({ attempts: 3, lastError: null });
    const failures = logs.filter((l) => l.msg.includes('could not be sent'));
    expect(failures).toHaveLength(3);
    expect(JSON.stringify(failures)).toContain('451');
    expect(JSON.stringify(logs)).not.toMatch(/@example\.org|Bo Mentee|Ada Mentor/);
  });

  it('gives up after the last attempt and keeps the row with its error', async () => {
    const s = await sessionFixture(handle, repos);
    await repos.transaction((trx) =>
      notifier.notify(trx, [{ kind: 'rate_session', userId: s.menteeId, sessionRequestId: s.sessionRequestId }]),
    );
    smtp.refuseNext(100);
    startWorker({ retryBaseMs: 50, retryCapMs: 100, maxAttempts: 2 });
    await waitUntil(async () => (await repos.outbox.list(1))[0]!.attempts === 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.attempts).toHaveLength(2);
    const [row] = await repos.outbox.list(1);
    expect(row!.sentAt).toBeNull();
    expect(row!.lastError).toMatch(/^\w+ 451: /);
  });
});

describe.skipIf(skipPostgresServer)('outbox workers of two engines on one PostgreSQL server', () => {
  let server: PostgresServer;
  const handles: DatabaseHandle[] = [];
  let smtp: SmtpTestServer;
  beforeAll(async () => {
    server = await startPostgresServer();
    const url = await server.createDatabase();
    for (let i = 0; i < 2; i++) handles.push(await openDatabase({ databaseUrl: url, dataDir: os.tmpdir() }));
    smtp = await startSmtpTestServer();
  });
  afterAll(async () => {
    for (const h of handles) await h.close();
    await smtp?.stop();
    await server?.stop();
  });

  it('send each row once', async () => {
    const repos = createRepositories(handles[0]!.db, handles[0]!.textCipher);
    const s = await sessionFixture(handles[0]!, repos);
    const events = Array.from({ length: 60 }, () => ({
      kind: 'session_reminder' as const,
      userId: s.menteeId,
      sessionRequestId: s.sessionRequestId,
    }));
    await repos.transaction((trx) => notifier.notify(trx, events));
    // Each engine's claims are counted: both take part, and no row is claimed twice.
    const claimed = [0, 0];
    const workers = handles.map((h, i) => {
      const outbox = createRepositories(h.db, h.textCipher).outbox;
      const claim = outbox.claimDue.bind(outbox);
      outbox.claimDue = async (limit, leaseMs) => {
        const rows = await claim(limit, leaseMs);
        claimed[i]! += rows.length;
        return rows;
      };
      return new OutboxWorker(outbox, {
        smtpUrl: smtp.url,
        from: 'no-reply@mm.example.org',
        pollMs: 10,
        leaseMs: 10_000,
        batchSize: 5,
        log: recordingLog([]),
      });
    });
    for (const w of workers) w.start();
    await smtp.waitFor(60);
    await new Promise((r) => setTimeout(r, 300));
    for (const w of workers) await w.close();
    const keys = smtp.received.map((e) => e.idempotencyKey);
    expect(keys).toHaveLength(60);
    expect(new Set(keys).size).toBe(60);
    expect(claimed[0]).toBeGreaterThan(0);
    expect(claimed[1]).toBeGreaterThan(0);
    expect(claimed[0]! + claimed[1]!).toBe(60);
    const unsent = await sql<{ n: string }>`select count(*) as n from email_outbox where sent_at is null`.execute(
      handles[0]!.db,
    );
    expect(Number(unsent.rows[0]!.n)).toBe(0);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
