import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mentor, startTestApp, type TestApp } from '../../../test/support/app-harness.js';
import { type PostgresServer, skipPostgresServer, startPostgresServer } from '../../../test/support/postgres-server.js';

describe.skipIf(skipPostgresServer)('the database server goes away', () => {
  let server: PostgresServer;
  let harness: TestApp;
  beforeAll(async () => {
    server = await startPostgresServer();
    harness = await startTestApp({ env: { DATABASE_URL: await server.createDatabase() } });
    const res = await harness.app.inject({ method: 'POST', url: '/api/mentors', payload: mentor('m1') });
    expect(res.statusCode, res.body).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
    await server?.stop();
  });

  it('reads and writes answer 503 DATABASE_UNAVAILABLE with Retry-After, not 500', async () => {
    await server.stop();
    const calls = [
      { method: 'PATCH' as const, url: '/api/mentors/m1', payload: { headline: 'Changed while the database is away' } },
      { method: 'GET' as const, url: '/api/mentors/m1' },
      { method: 'GET' as const, url: '/api/mentors?limit=5' },
    ];
    for (const call of calls) {
      const res = await harness.app.inject(call);
      expect(res.statusCode, `${call.method} ${call.url}: ${res.body}`).toBe(503);
      expect(res.json().code).toBe('DATABASE_UNAVAILABLE');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    // A question is answered from memory or refused as a temporary state, never a 500.
    const question = await harness.app.inject({
      method: 'POST',
      url: '/api/match',
      payload: { text: 'Lead a team', k: 3 },
    });
    expect([200, 503], question.body).toContain(question.statusCode);
    // Liveness does not depend on the database.
    expect((await harness.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
  });
});

describe.skipIf(skipPostgresServer)('questions while the database server is stopped', () => {
  let server: PostgresServer;
  let harness: TestApp;
  beforeAll(async () => {
    server = await startPostgresServer();
    harness = await startTestApp({
      env: { DATABASE_URL: await server.createDatabase(), ANONYMOUS_QUESTIONS: 'true' },
    });
    const res = await harness.app.inject({ method: 'POST', url: '/api/mentors', payload: mentor('m1') });
    expect(res.statusCode, res.body).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
    await server?.stop();
  });

  // Anonymous questions: checking a user's session or token needs the database.
  const ask = (text: string) =>
    harness.app.inject({ method: 'POST', url: '/api/match', payload: { text, k: 3 }, cookies: {} });

  it('are answered from memory, and every answered one is stored once it is back', async () => {
    expect((await ask('A first question before the outage')).statusCode).toBe(200);
    // The first question reserved ids; the engine tops them up in the background meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await server.pause();
    const ids: number[] = [];
    try {
      // More questions than one block of ids (the engine used to reserve 64, now 256 a block), over a few seconds.
      for (let i = 0; i < 600; i++) {
        const res = await ask(`Question ${i} asked while the database is stopped`);
        expect(res.statusCode, `question ${i}: ${res.body}`).toBe(200);
        ids.push(res.json().requestId);
        if (i % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 500));
      }
    } finally {
      await server.resume();
    }
    expect(new Set(ids).size).toBe(ids.length);
    // Reading requests back writes the queue first; the retry may need a moment for the pool to reconnect.
    const stored = new Set<number>();
    for (let tries = 0; tries < 20 && stored.size < 100; tries++) {
      const res = await harness.app.inject({ method: 'GET', url: '/api/requests/recent?limit=100' });
      if (res.statusCode === 200) for (const r of res.json() as Array<{ id: number }>) stored.add(r.id);
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // The 100 newest requests are the last 100 asked while it was stopped, and every one asked is stored.
    expect([...stored].sort((a, b) => a - b)).toEqual(ids.slice(-100).sort((a, b) => a - b));
    const { rows } = await sql<{ id: number }>`select id from mentee_requests`.execute(
      harness.app.engine().database.db,
    );
    const all = new Set(rows.map((r) => Number(r.id)));
    expect(ids.filter((id) => !all.has(id))).toEqual([]);
  });
});
