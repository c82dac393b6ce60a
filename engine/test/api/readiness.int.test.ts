import { describe, expect, it } from 'vitest';
import { startTestApp } from '../../../test/support/app-harness.js';

describe('readiness when the database is away', () => {
  it('/api/ready and /api/status answer 503 NOT_READY naming the database, not 500', async () => {
    const harness = await startTestApp();
    try {
      expect((await harness.app.inject({ method: 'GET', url: '/api/ready' })).statusCode).toBe(200);
      await harness.app.engine().database.close();
      for (const url of ['/api/ready', '/api/status']) {
        const res = await harness.app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(503);
        expect(res.json()).toMatchObject({ code: 'NOT_READY' });
        expect(res.json().message).toMatch(/database does not answer/);
      }
    } finally {
      await harness.close().catch(() => undefined);
    }
  });
});
