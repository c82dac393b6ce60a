import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipPostgresServer, startPostgresServer, type PostgresServer } from '../../../test/support/postgres-server.js';
import { bulkMentor, jsonLines, startTestApp, type TestApp } from '../../../test/support/app-harness.js';

describe.skipIf(skipPostgresServer)('the engine on a PostgreSQL server', () => {
  let server: PostgresServer;
  let url: string;
  // The engines of one deployment share the keys of personal text (docs/privacy.md), as their database.
  let keys: string;
  beforeAll(async () => {
    server = await startPostgresServer();
    url = await server.createDatabase();
    keys = await mkdtemp(path.join(os.tmpdir(), 'mm-text-keys-'));
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await rm(keys, { recursive: true, force: true });
  });

  const match = async (h: TestApp, text: string) => {
    const res = await h.app.inject({ method: 'POST', url: '/api/match', payload: { text, k: 3 } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { requestId: number; matches: Array<{ mentor: { id: string } }> };
    return { requestId: body.requestId, mentors: body.matches.map((m) => m.mentor.id) };
  };
  const recentIds = async (h: TestApp) =>
    ((await h.app.inject({ method: 'GET', url: '/api/requests/recent?limit=50' })).json() as Array<{ id: number }>).map(
      (r) => r.id,
    );

  it('two engines sharing it give every request its own id, store each before a session refers to it, and see each other', async () => {
    const one = await startTestApp({ env: { DATABASE_URL: url, TEXT_KEY_DIR: keys } });
    let two: TestApp | null = null;
    try {
      expect((await one.app.inject({ method: 'GET', url: '/api/status' })).json().database).toEqual({
        kind: 'postgres',
      });
      const imported = await one.app.inject({
        method: 'POST',
        url: '/api/mentors/import',
        headers: { 'content-type': 'application/x-ndjson' },
        payload: jsonLines(Array.from({ length: 12 }, (_, i) => bulkMentor(i, 'pg'))),
      });
      expect(imported.json()).toMatchObject({ created: 12, failed: 0 });
      // The second engine starts on the same database and builds its index from it.
      two = await startTestApp({ env: { DATABASE_URL: url, TEXT_KEY_DIR: keys } });

      const question = bulkMentor(4, 'pg').bio;
      const fromOne = await match(one, question);
      const fromTwo = await match(two, question);
      expect(fromTwo.mentors).toEqual(fromOne.mentors);
      const more = [await match(one, bulkMentor(1, 'pg').bio), await match(two, bulkMentor(2, 'pg').bio)];
      const ids = [fromOne, fromTwo, ...more].map((m) => m.requestId);
      expect(new Set(ids).size).toBe(4);

      // Asked for at once: the request row must already be there for the foreign key.
      const session = await two.app.inject({
        method: 'POST',
        url: '/api/session-requests',
        payload: { mentorId: fromTwo.mentors[0], requestId: fromTwo.requestId },
      });
      expect(session.statusCode, session.body).toBe(201);

      expect(new Set(await recentIds(one))).toEqual(new Set(ids));
      expect(new Set(await recentIds(two))).toEqual(new Set(ids));
    } finally {
      await two?.close();
      await one.close();
    }

    const again = await startTestApp({ env: { DATABASE_URL: url, TEXT_KEY_DIR: keys } });
    try {
      expect(await recentIds(again)).toHaveLength(4);
      const later = await match(again, bulkMentor(4, 'pg').bio);
      expect(await recentIds(again)).toContain(later.requestId);
    } finally {
      await again.close();
    }
  }, 120_000);

  it("each engine follows the other's mentor writes within seconds: created, deactivated, edited, deleted", async () => {
    const other = await server.createDatabase();
    const one = await startTestApp({ env: { DATABASE_URL: other, TEXT_KEY_DIR: keys } });
    const two = await startTestApp({ env: { DATABASE_URL: other, TEXT_KEY_DIR: keys } });
    const mentorIds = async (h: TestApp, text: string) =>
      (
        (await h.app.inject({ method: 'POST', url: '/api/match', payload: { text, k: 10 } })).json() as {
          matches: Array<{ mentor: { id: string } }>;
        }
      ).matches.map((m) => m.mentor.id);
    const eventually = async (check: () => Promise<boolean>) => {
      for (let i = 0; i < 100; i++) {
        if (await check()) return true;
        await new Promise((r) => setTimeout(r, 100));
      }
      return false;
    };
    try {
      const created = await one.app.inject({ method: 'POST', url: '/api/mentors', payload: bulkMentor(1, 'follow') });
      expect(created.statusCode, created.body).toBe(201);
      const question = bulkMentor(1, 'follow').bio;
      expect(await eventually(async () => (await mentorIds(two, question)).includes('follow-1'))).toBe(true);
      expect((await two.app.inject({ method: 'GET', url: '/api/status' })).json().mentors).toMatchObject({
        total: 1,
        indexed: 1,
      });

      await one.app.inject({ method: 'PATCH', url: '/api/mentors/follow-1', payload: { active: false } });
      expect(await eventually(async () => !(await mentorIds(two, question)).includes('follow-1'))).toBe(true);

      await one.app.inject({
        method: 'PATCH',
        url: '/api/mentors/follow-1',
        payload: { active: true, bio: 'Beekeeper who exports honey and teaches apiculture.' },
      });
      expect(
        await eventually(async () => (await mentorIds(two, 'beekeeping and honey exports'))[0] === 'follow-1'),
      ).toBe(true);
      expect(two.app.engine().search.mentorByExternalId('follow-1')?.bio).toMatch(/Beekeeper/);

      expect((await two.app.inject({ method: 'DELETE', url: '/api/mentors/follow-1' })).statusCode).toBe(204);
      expect(await eventually(async () => one.app.engine().search.mentorByExternalId('follow-1') === undefined)).toBe(
        true,
      );
      expect(await mentorIds(one, 'beekeeping and honey exports')).not.toContain('follow-1');
      expect((await one.app.inject({ method: 'GET', url: '/api/status' })).json().mentors).toMatchObject({
        total: 0,
        indexed: 0,
      });
    } finally {
      await two.close();
      await one.close();
    }
  }, 120_000);
});
