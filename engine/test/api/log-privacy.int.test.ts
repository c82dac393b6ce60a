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
});
