import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../engine/src/config.js';
import { openDatabase } from '../../engine/src/db/database.js';
import { makeTempDir, removeDir } from '../support/app-harness.js';
import { startSmtpTestServer, type ReceivedEmail, type SmtpTestServer } from '../support/smtp-test-server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const script = path.join(here, 'session-engine-process.ts');
const dataDir = makeTempDir('mm-notify-crash-');
const MENTEES = 24;
const LEASE_MS = 1500;
const children = new Set<ChildProcess>();
let smtp: SmtpTestServer | null = null;

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await smtp?.stop();
  removeDir(dataDir);
});

interface Engine {
  child: ChildProcess;
  url: string;
  mentor: string;
  mentees: string[];
}

function startEngine(smtpUrl: string): Promise<Engine> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: path.resolve(here, '../..'),
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      SMTP_URL: smtpUrl,
      OUTBOX_POLL_MS: '50',
      OUTBOX_LEASE_MS: String(LEASE_MS),
      CRASH_MENTEES: String(MENTEES),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"port"'));
      if (line) {
        const { port, mentor, mentees } = JSON.parse(line) as { port: number; mentor: string; mentees: string[] };
        resolve({ child, url: `http://127.0.0.1:${port}`, mentor, mentees });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`engine exited with ${code} before listening: ${err.slice(-2000)}`)));
  });
}

async function stop(engine: Engine, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise((r) => engine.child.once('exit', r));
  engine.child.kill(signal);
  await exited;
}

function post(engine: Engine, token: string, url: string, body: unknown = {}): Promise<Response> {
  return fetch(`${engine.url}/api${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

interface Stored {
  /** Outbox rows: idempotency key, sent or not, and the notification's kind and session request. */
  emails: Array<{ key: string; sent: boolean; kind: string; sessionRequestId: number }>;
  states: Map<number, string>;
}

async function stored(): Promise<Stored> {
  const handle = await openDatabase(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
  try {
    const emails = await handle.db
      .selectFrom('email_outbox as o')
      .innerJoin('notifications as n', 'n.id', 'o.notification_id')
      .select(['o.idempotency_key as key', 'o.sent_at', 'n.kind', 'n.session_request_id'])
      .orderBy('o.id')
      .execute();
    const states = await handle.db.selectFrom('session_requests').select(['id', 'state']).execute();
    return {
      emails: emails.map((r) => ({
        key: r.key,
        sent: r.sent_at !== null,
        kind: r.kind,
        sessionRequestId: Number(r.session_request_id),
      })),
      states: new Map(states.map((r) => [Number(r.id), r.state])),
    };
  } finally {
    await handle.close();
  }
}

describe('SIGKILL during a burst of session transitions', () => {
  it('sends every notification of a committed transition after the restart, each key once, none of others', async () => {
    let killed: ReceivedEmail | null = null;
    let armed = false;
    let first: Engine | null = null;
    // The OK to each message comes 150 ms after the message is kept, so the kill lands between a send and its mark.
    smtp = await startSmtpTestServer({
      replyDelayMs: 150,
      onReceived: (email) => {
        if (killed === null && armed && first !== null) {
          killed = email;
          first.child.kill('SIGKILL');
        }
      },
    });
    const t0 = Date.now();
    first = await startEngine(smtp.url);
    const tStarted = Date.now();
    const engine = first;

    // Every mentee asks the mentor for a session: each commit tells the mentor (request_received).
    const created = await Promise.all(
      engine.mentees.map((m) => post(engine, m, '/session-requests', { mentorId: 'crash-mentor' })),
    );
    expect(created.map((r) => r.status)).toEqual(created.map(() => 201));
    const ids = (await Promise.all(created.map((r) => r.json() as Promise<{ id: number }>))).map((r) => r.id);

    // Then a stream of transitions, four at a time, while the worker sends: the mentor accepts or declines each
    // request, and each accepted session is then cancelled by its mentee. Once eight went through, the engine dies
    // at the next email, with transitions under way.
    const exited = new Promise((r) => engine.child.once('exit', r));
    type Op = { id: number; action: 'accept' | 'decline' | 'cancel'; status: number | null };
    const queue: Op[] = ids.map((id, i) => ({ id, action: i % 2 === 0 ? 'accept' : 'decline', status: null }));
    const menteeOf = new Map(ids.map((id, i) => [id, engine.mentees[i]!]));
    const fired: Op[] = [];
    let confirmedCount = 0;
    const stream = async () => {
      while (killed === null && queue.length > 0) {
        const op = queue.shift()!;
        fired.push(op);
        const token = op.action === 'cancel' ? menteeOf.get(op.id)! : engine.mentor;
        const body = op.action === 'accept' ? {} : { reason: 'Away' };
        const res = await post(engine, token, `/session-requests/${op.id}/${op.action}`, body).catch(() => null);
        if (res === null) continue;
        op.status = res.status;
        if (res.status !== 200) continue;
        if (++confirmedCount === 8) armed = true;
        if (op.action === 'accept') queue.push({ id: op.id, action: 'cancel', status: null });
      }
    };
    await Promise.all([stream(), stream(), stream(), stream()]);
    expect(killed, 'the burst ended before the kill').not.toBeNull();
    await exited;

    const crashed = await stored();
    // Every transition the engine confirmed was committed, with its notification's email in the outbox.
    const confirmed = fired.filter((o) => o.status === 200);
    const unconfirmed = fired.filter((o) => o.status === null);
    expect(confirmed.length).toBeGreaterThanOrEqual(8);
    expect(fired.filter((o) => o.status !== null && o.status !== 200)).toEqual([]);
    expect(unconfirmed.length).toBeGreaterThan(0);
    const kindOf = { accept: 'request_accepted', decline: 'request_declined', cancel: 'session_cancelled' } as const;
    // An accepted session's invite goes to both sides; the rest to one.
    for (const o of confirmed) {
      expect(crashed.emails.filter((e) => e.sessionRequestId === o.id && e.kind === kindOf[o.action])).toHaveLength(
        o.action === 'accept' ? 2 : 1,
      );
    }
    // And every committed change has its emails, whether its caller heard back or not, and no others.
    const expected: Record<string, string[]> = {
      requested: [],
      accepted: ['request_accepted', 'request_accepted'],
      declined: ['request_declined'],
      cancelled: ['request_accepted', 'request_accepted', 'session_cancelled'],
    };
    for (const [id, state] of crashed.states) {
      const kinds = crashed.emails.filter((e) => e.sessionRequestId === id).map((e) => e.kind);
      expect(kinds.sort(), `session request ${id}, ${state}`).toEqual(['request_received', ...expected[state]!].sort());
    }
    const keys = new Set(crashed.emails.map((e) => e.key));
    const unsentAtCrash = crashed.emails.filter((e) => !e.sent).length;
    expect(unsentAtCrash).toBeGreaterThan(0);
    // The message the kill interrupted was sent but not marked.
    const interrupted = killed!.idempotencyKey!;
    expect(crashed.emails.find((e) => e.key === interrupted)?.sent).toBe(false);

    const tKilled = Date.now();
    const second = await startEngine(smtp.url);
    const tRestarted = Date.now();
    const deadline = Date.now() + 60_000;
    const arrived = () => new Set(smtp!.received.map((e) => e.idempotencyKey));
    while ([...keys].some((k) => !arrived().has(k))) {
      if (Date.now() > deadline) throw new Error('not every committed email arrived');
      await new Promise((r) => setTimeout(r, 100));
    }
    // Long enough for a second send of anything, were the worker to send a row twice.
    await new Promise((r) => setTimeout(r, LEASE_MS * 2));
    const tDrained = Date.now();
    await stop(second, 'SIGTERM');

    const received = smtp.received.map((e) => e.idempotencyKey!);
    expect(new Set(received)).toEqual(keys);
    const after = await stored();
    expect(after.emails.every((e) => e.sent)).toBe(true);
    expect(new Set(after.emails.map((e) => e.key))).toEqual(keys);
    // Copies only of what the crash interrupted, and each with its key, so the receiver drops them.
    const copies = received.filter((k, i) => received.indexOf(k) !== i);
    expect(copies).toContain(interrupted);
    expect(copies.length).toBeLessThanOrEqual(1);
    console.log(
      `notification crash: ${ids.length} requests, ${fired.length} transitions fired (${confirmed.length} confirmed), ` +
        `${keys.size} committed emails (${unsentAtCrash} unsent at the kill), ${received.length} deliveries, ` +
        `${copies.length} resent with the same key; start ${tStarted - t0} ms, burst to kill ${tKilled - tStarted} ms, ` +
        `restart ${tRestarted - tKilled} ms, drained ${tDrained - tRestarted} ms`,
    );
  }, 240_000);
});
