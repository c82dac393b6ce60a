import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const token = 'log-privacy-test-token-0123456789';

/** Texts a mentee, a coordinator and a stranger send; none may reach the log at LOG_LEVEL=info. */
const SECRETS = {
  search: 'Quaggamire Zyxwvut',
  question: 'How do I tell my Brobdingnagian manager about burnout',
  email: 'hypatia.quux@example.org',
  password: 'Xylophone-secret-77',
  bio: 'Grew up on the Snorfelby estate near Lake Wobegonia',
};

let engine: ChildProcess;
let dataDir: string;
let log = '';
let base = '';

/** The engine as `node engine/src/server.ts` runs it, its log (stdout and stderr) captured. */
beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-log-'));
  engine = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'engine/src/server.ts')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      LOG_LEVEL: 'info',
      DASHBOARD_DIR: '',
      API_TOKEN: token,
      ANONYMOUS_QUESTIONS: 'true',
      EMBEDDING_WORKERS: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    log += chunk.toString();
  };
  engine.stdout!.on('data', collect);
  engine.stderr!.on('data', collect);
  base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`engine did not start:\n${log}`)), 120_000);
    engine.once('exit', (code) => reject(new Error(`engine exited with ${code}:\n${log}`)));
    engine.stdout!.on('data', () => {
      const listening = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (listening) {
        clearTimeout(timer);
        resolve(listening[1]!);
      }
    });
  });
});

afterAll(async () => {
  if (engine && engine.exitCode === null) {
    const exited = new Promise((resolve) => engine.once('exit', resolve));
    engine.kill('SIGTERM');
    await exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function call(method: string, url: string, body?: unknown, signedIn = true): Promise<number> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: {
      ...(signedIn ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

/** A user's session cookie (the login's Set-Cookie), their code of conduct accepted so that they may write. */
async function signedInAs(user: { email: string; name: string; roles: string[]; mentorId?: string }) {
  const password = 'Quillwort-pass-4410';
  expect(await call('POST', '/api/users', { ...user, password })).toBe(201);
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const as = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const { version } = (await as('GET', '/api/conduct')).json;
  expect((await as('POST', '/api/conduct/accept', { version })).status).toBe(200);
  return as;
}

/** What the two sides of a session write; none may reach the log either. */
const SESSION_SECRETS = {
  menteeName: 'Theodora Vantablack',
  menteeEmail: 'theodora.vantablack@example.org',
  note: 'my Glimmerwick divorce is hurting my work',
  reason: 'Away at the Frobisher clinic all month',
  cancelReason: 'Kerfuffle with my Pemberly landlord',
  comment: 'Marvellously Snickersnee advice',
};

describe('logs at LOG_LEVEL=info', () => {
  it('hold no query values, bodies, credentials or client addresses, and still name each request', async () => {
    const mentor = {
      id: 'log-privacy-1',
      name: 'Ada Mentor',
      headline: 'Engineering manager',
      bio: SECRETS.bio,
      skills: ['Leadership'],
      languages: ['en'],
      timezone: 'UTC',
      yearsExperience: 12,
      capacityPerMonth: 2,
    };
    expect(await call('POST', '/api/mentors', mentor)).toBe(201);
    expect(await call('GET', `/api/mentors?q=${encodeURIComponent(SECRETS.search)}&limit=5`)).toBe(200);
    expect(await call('POST', '/api/match', { text: SECRETS.question, k: 3 }, false)).toBe(200);
    expect(await call('POST', '/api/auth/login', { email: SECRETS.email, password: SECRETS.password }, false)).toBe(
      401,
    );
    expect(await call('POST', '/api/mentors', { ...mentor, id: 'log-privacy-2', unknownField: SECRETS.bio })).toBe(400);
    // A moment for the last lines to be written.
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(log).toContain('/api/mentors?q=~&limit=~');
    expect(log).toContain('/api/match');
    for (const [what, text] of Object.entries(SECRETS)) {
      for (const form of [text, encodeURIComponent(text), text.replaceAll(' ', '+')]) {
        expect(log.includes(form), `${what} in the log`).toBe(false);
      }
    }
    expect(log).not.toMatch(/remoteAddress|remotePort/);
  });

  it("hold none of a session's words: notes, reasons, comments, names, emails, also when refused", async () => {
    expect(
      await call('POST', '/api/mentors', {
        id: 'log-privacy-s',
        name: 'Bea Mentor',
        headline: 'Team lead',
        bio: 'Leads teams.',
        skills: ['Leadership'],
        languages: ['en'],
        timezone: 'UTC',
        yearsExperience: 9,
        capacityPerMonth: 3,
      }),
    ).toBe(201);
    const mentee = await signedInAs({
      email: SESSION_SECRETS.menteeEmail,
      name: SESSION_SECRETS.menteeName,
      roles: ['mentee'],
    });
    const mentor = await signedInAs({
      email: 'bea.log-mentor@example.org',
      name: 'Bea Mentor',
      roles: ['mentor'],
      mentorId: 'log-privacy-s',
    });
    const first = await mentee('POST', '/api/session-requests', {
      mentorId: 'log-privacy-s',
      note: SESSION_SECRETS.note,
    });
    expect(first.status).toBe(201);
    expect(
      (await mentor('POST', `/api/session-requests/${first.json.id}/decline`, { reason: SESSION_SECRETS.reason }))
        .status,
    ).toBe(200);
    const second = await mentee('POST', '/api/session-requests', {
      mentorId: 'log-privacy-s',
      note: SESSION_SECRETS.note,
    });
    expect((await mentor('POST', `/api/session-requests/${second.json.id}/accept`, {})).status).toBe(200);
    expect((await mentor('POST', `/api/session-requests/${second.json.id}/complete`)).status).toBe(200);
    const rated = await mentee('POST', `/api/session-requests/${second.json.id}/feedback`, {
      helpfulness: 5,
      rightPerson: 'yes',
      comment: SESSION_SECRETS.comment,
    });
    expect(rated.status).toBe(201);
    // Refusals carry the words too: a note too long, a cancellation of a session already over, an unknown field.
    const long = `${SESSION_SECRETS.note} `.repeat(60);
    expect((await mentee('POST', '/api/session-requests', { mentorId: 'log-privacy-s', note: long })).status).toBe(400);
    const late = await mentee('POST', `/api/session-requests/${second.json.id}/cancel`, {
      reason: SESSION_SECRETS.cancelReason,
    });
    expect(late.status).toBe(409);
    const unknown = await mentee('POST', '/api/session-requests', { mentorId: 'x', secret: SESSION_SECRETS.comment });
    expect(unknown.status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(log).toContain('/api/session-requests');
    for (const [what, text] of Object.entries(SESSION_SECRETS)) {
      for (const form of [text, encodeURIComponent(text), JSON.stringify(text)]) {
        expect(log.includes(form), `${what} in the log`).toBe(false);
      }
    }
  });
});
