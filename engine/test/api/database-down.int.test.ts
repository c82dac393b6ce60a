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
