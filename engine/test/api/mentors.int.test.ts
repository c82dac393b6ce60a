import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { CountingEmbeddingProvider, mentor, startTestApp, type TestApp } from '../../../test/support/app-harness.js';

let harness: TestApp;
let app: FastifyInstance;
const embedder = new CountingEmbeddingProvider();

beforeAll(async () => {
  harness = await startTestApp({ embedder });
  app = harness.app;
});
afterAll(() => harness?.close());

async function storedHash(id: string): Promise<string | undefined> {
  const { mentors, embeddings } = app.engine().repositories;
  const m = await mentors.getByExternalId(id);
  if (!m) return undefined;
  return (await embeddings.getHashes(embedder.id, [m.rowId])).get(m.rowId);
}

async function matchIds(text: string, extra: Record<string, unknown> = {}): Promise<string[]> {
  const res = await app.inject({ method: 'POST', url: '/api/match', payload: { text, k: 50, ...extra } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().matches.map((m: { mentor: { id: string } }) => m.mentor.id);
}

describe('create and read', () => {
  it('creates a mentor with defaults, reads it back, and indexes it before answering', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/mentors',
      payload: mentor('crud-1', { headline: undefined, skills: undefined }),
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      id: 'crud-1',
      headline: '',
      skills: [],
      languages: ['en'],
      active: true,
      location: null,
    });
    expect(Number.isNaN(Date.parse(created.createdAt))).toBe(false);

    const got = await app.inject({ method: 'GET', url: '/api/mentors/crud-1' });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(created);
    expect(await storedHash('crud-1')).toMatch(/^[0-9a-f]{32}$/);
    expect(await matchIds('led software teams careers engineering')).toContain('crud-1');
  });
});

describe('list', () => {
  beforeAll(async () => {
    const seed = [
      mentor('list-a', {
        name: 'Alma Ortega',
        skills: ['Negotiation', 'Hiring'],
        languages: ['en', 'es'],
        bio: 'Recruiter who negotiated hundreds of offers.',
      }),
      mentor('list-b', {
        name: 'Bert Kahn',
        skills: ['Python'],
        languages: ['de'],
        bio: 'Data engineer building pipelines in Python.',
      }),
      mentor('list-c', {
        name: 'Cleo Park',
        skills: ['negotiation'],
        languages: ['fr', 'en'],
        active: false,
        bio: 'Former sales director, now retired.',
      }),
      mentor('list-d', {
        name: 'Dana Roy',
        skills: ['Design'],
        languages: ['en'],
        bio: 'Product designer. 100% remote since 2015.',
      }),
    ];
    for (const m of seed)
      expect((await app.inject({ method: 'POST', url: '/api/mentors', payload: m })).statusCode).toBe(201);
  });

  const list = async (query: string) => {
    const res = await app.inject({ method: 'GET', url: `/api/mentors?${query}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: Array<{ id: string }>; total: number; offset: number; limit: number };
  };
  const ids = (page: { items: Array<{ id: string }> }) =>
    page.items.map((m) => m.id).filter((id) => id.startsWith('list-'));

  it('pages through everyone in a stable order', async () => {
    const all = await list('limit=500');
    const pages = [];
    for (let offset = 0; offset < all.total; offset += 2)
      pages.push(...(await list(`offset=${offset}&limit=2`)).items.map((m) => m.id));
    expect(pages).toEqual(all.items.map((m) => m.id));
    const page = await list('offset=1&limit=2');
    expect(page).toMatchObject({ offset: 1, limit: 2, total: all.total });
    expect(page.items).toHaveLength(2);
  });

  it('filters by skill case-insensitively, by language, by active and by text', async () => {
    expect(ids(await list('skill=NEGOTIATION')).sort()).toEqual(['list-a', 'list-c']);
    expect(ids(await list('language=es'))).toEqual(['list-a']);
    expect(ids(await list('language=en&skill=negotiation')).sort()).toEqual(['list-a', 'list-c']);
    expect(ids(await list('active=false'))).toEqual(['list-c']);
    expect(ids(await list('active=true&skill=negotiation'))).toEqual(['list-a']);
    expect(ids(await list('q=pipelines'))).toEqual(['list-b']);
    expect(ids(await list('q=cleo'))).toEqual(['list-c']);
    // LIKE wildcards in q are taken literally.
    expect(ids(await list('q=100%25'))).toEqual(['list-d']);
    expect(ids(await list('q=_'))).toEqual([]);
    const filtered = await list('skill=negotiation');
    expect(filtered.total).toBe(2);
  });
});

describe('update', () => {
  it('re-embeds only when the embedded text changes', async () => {
    await app.inject({ method: 'POST', url: '/api/mentors', payload: mentor('upd-1') });
    const hash0 = await storedHash('upd-1');
    const texts0 = embedder.texts;

    const renamed = await app.inject({
      method: 'PATCH',
      url: '/api/mentors/upd-1',
      payload: { name: 'New Name', capacityPerMonth: 5, languages: ['en', 'pt'] },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({
      id: 'upd-1',
      name: 'New Name',
      capacityPerMonth: 5,
      languages: ['en', 'pt'],
    });
    expect(embedder.texts).toBe(texts0);
    expect(await storedHash('upd-1')).toBe(hash0);

    const sameBio = await app.inject({
      method: 'PATCH',
      url: '/api/mentors/upd-1',
      payload: { bio: mentor('upd-1').bio },
    });
    expect(sameBio.statusCode).toBe(200);
    expect(embedder.texts).toBe(texts0);

    const rewritten = await app.inject({
      method: 'PATCH',
      url: '/api/mentors/upd-1',
      payload: { bio: 'I moved from accounting into cybersecurity auditing and teach incident response.' },
    });
    expect(rewritten.statusCode).toBe(200);
    expect(embedder.texts).toBeGreaterThan(texts0);
    const hash1 = await storedHash('upd-1');
    expect(hash1).not.toBe(hash0);
    expect(await matchIds('cybersecurity auditing incident response')).toContain('upd-1');

    const texts1 = embedder.texts;
    await app.inject({ method: 'PATCH', url: '/api/mentors/upd-1', payload: { skills: ['security', 'audit'] } });
    expect(embedder.texts).toBeGreaterThan(texts1);
    expect(await storedHash('upd-1')).not.toBe(hash1);
  });

  it('a patch that fails validation changes nothing', async () => {
    const before = (await app.inject({ method: 'GET', url: '/api/mentors/upd-1' })).json();
    const res = await app.inject({
      method: 'PATCH',
      url: '/api/mentors/upd-1',
      payload: { name: 'Ok', timezone: 'Nowhere/Land' },
    });
    expect(res.statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/mentors/upd-1' })).json()).toEqual(before);
  });

  it('deactivating keeps the mentor but removes them from matches', async () => {
    await app.inject({
      method: 'POST',
      url: '/api/mentors',
      payload: mentor('upd-2', { bio: 'Veterinarian who opened three animal clinics.' }),
    });
    expect(await matchIds('animal clinics veterinarian')).toContain('upd-2');
    await app.inject({ method: 'PATCH', url: '/api/mentors/upd-2', payload: { active: false } });
    expect(await matchIds('animal clinics veterinarian')).not.toContain('upd-2');
    expect((await app.inject({ method: 'GET', url: '/api/mentors/upd-2' })).json().active).toBe(false);
  });
});

describe('delete', () => {
  it('removes the row, its embedding and its place in the index', async () => {
    await app.inject({
      method: 'POST',
      url: '/api/mentors',
      payload: mentor('del-1', { bio: 'Beekeeper and honey exporter for twenty years.' }),
    });
    expect(await matchIds('beekeeper honey exporter')).toContain('del-1');
    const rowId = (await app.engine().repositories.mentors.getByExternalId('del-1'))!.rowId;
    const sizeBefore = app.engine().search.status().size;

    const res = await app.inject({ method: 'DELETE', url: '/api/mentors/del-1' });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect((await app.inject({ method: 'GET', url: '/api/mentors/del-1' })).statusCode).toBe(404);
    expect(await matchIds('beekeeper honey exporter')).not.toContain('del-1');
    expect(app.engine().search.status().size).toBe(sizeBefore - 1);
    expect((await app.engine().repositories.embeddings.getHashes(embedder.id, [rowId])).size).toBe(0);
    expect((await app.inject({ method: 'DELETE', url: '/api/mentors/del-1' })).statusCode).toBe(404);

    const status = (await app.inject({ method: 'GET', url: '/api/status' })).json();
    expect(status.mentors.indexed).toBe(status.mentors.total);
  });
});

describe('active capacity', () => {
  it("follows every write: the sum of the active mentors' monthly capacity, as the database has them", async () => {
    const databaseSum = async () => {
      let total = 0;
      for await (const m of app.engine().repositories.mentors.streamAll(500)) if (m.active) total += m.capacityPerMonth;
      return total;
    };
    const check = async () => expect(app.engine().search.activeCapacity).toBe(await databaseSum());
    await check();
    await app.inject({ method: 'POST', url: '/api/mentors', payload: mentor('cap-1', { capacityPerMonth: 5 }) });
    await app.inject({
      method: 'POST',
      url: '/api/mentors',
      payload: mentor('cap-2', { capacityPerMonth: 7, active: false }),
    });
    await check();
    for (const patch of [{ capacityPerMonth: 2 }, { active: false }, { capacityPerMonth: 9 }, { active: true }]) {
      expect((await app.inject({ method: 'PATCH', url: '/api/mentors/cap-1', payload: patch })).statusCode).toBe(200);
      await check();
    }
    await app.inject({ method: 'PATCH', url: '/api/mentors/cap-2', payload: { active: true } });
    await app.inject({ method: 'DELETE', url: '/api/mentors/cap-1' });
    await check();
    const imported = await app.inject({
      method: 'POST',
      url: '/api/mentors/import',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: [mentor('cap-2', { capacityPerMonth: 1 }), mentor('cap-3', { capacityPerMonth: 4 })]
        .map((m) => JSON.stringify(m))
        .join('\n'),
    });
    expect(imported.json()).toMatchObject({ created: 1, updated: 1, failed: 0 });
    await check();
  });
});

describe('export', () => {
  it('exports JSON Lines that import back unchanged into this and a fresh engine', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/mentors/export' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/x-ndjson/);
    const lines = res.body.trim().split('\n');
    const total = (await app.inject({ method: 'GET', url: '/api/mentors?limit=1' })).json().total;
    expect(lines).toHaveLength(total);
    const first = JSON.parse(lines[0]!);
    expect(first).toHaveProperty('id');
    expect(first).not.toHaveProperty('rowId');

    const again = await app.inject({
      method: 'POST',
      url: '/api/mentors/import',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: res.body,
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ rows: total, created: 0, updated: 0, unchanged: total, failed: 0 });

    const other = await startTestApp();
    try {
      const imported = await other.app.inject({
        method: 'POST',
        url: '/api/mentors/import',
        headers: { 'content-type': 'application/x-ndjson' },
        payload: res.body,
      });
      expect(imported.json()).toMatchObject({ rows: total, created: total, failed: 0 });
      const reexported = await other.app.inject({ method: 'GET', url: '/api/mentors/export' });
      const strip = (body: string) =>
        body
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
          .sort((a, b) => a.id.localeCompare(b.id));
      expect(strip(reexported.body)).toEqual(strip(res.body));
    } finally {
      await other.close();
    }
  });
});
