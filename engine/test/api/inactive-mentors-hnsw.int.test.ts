import { afterAll, describe, expect, it } from 'vitest';
import { HashingEmbeddingProvider } from '../../../test/support/hashing-embedding-provider.js';
import {
  bulkMentor,
  jsonLines,
  makeTempDir,
  mentor,
  removeDir,
  startTestApp,
  type TestApp,
} from '../../../test/support/app-harness.js';

// The HNSW graph keeps inactive mentors hidden instead of filtering them per visited node; they must
// follow every change of `active`, survive a restart from the snapshot, and come back for a configuration
// that serves inactive mentors.
const dataDir = makeTempDir('mm-inactive-');
afterAll(() => removeDir(dataDir));
const start = () =>
  startTestApp({ dataDir, embedder: new HashingEmbeddingProvider(64), env: { EXACT_SCAN_BELOW: '0' } });
const question = 'beekeeper honey apiculture';

async function vectorHitIds(h: TestApp, activeOnly = true): Promise<string[]> {
  const engine = h.app.engine();
  const [queryVector] = await new HashingEmbeddingProvider(64).embed([question]);
  return engine.search
    .nearest(queryVector!, 50, activeOnly)
    .map((hit) => engine.search.mentors.get(hit.label)!.externalId);
}

async function matchIds(h: TestApp, draftRules?: Record<string, unknown>): Promise<string[]> {
  const payload = {
    text: question,
    k: 50,
    draft: { weights: { semantic: 1 }, ...(draftRules ? { rules: draftRules } : {}) },
  };
  const res = await h.app.inject({ method: 'POST', url: '/api/match/preview', payload });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().draft.matches.map((m: { mentor: { id: string } }) => m.mentor.id);
}

const setActive = (h: TestApp, active: boolean) =>
  h.app.inject({ method: 'PATCH', url: '/api/mentors/bee', payload: { active } });

describe('inactive mentors in the HNSW index', () => {
  it('are left out of vector search while inactive, also after a restart, and served when the rules allow', async () => {
    let h = await start();
    try {
      expect(h.app.engine().search.status().kind).toBe('hnsw');
      const bee = mentor('bee', {
        bio: 'Beekeeper who exports honey and teaches apiculture to farmers.',
        active: false,
      });
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/mentors/import',
        headers: { 'content-type': 'application/x-ndjson' },
        payload: jsonLines([...Array.from({ length: 30 }, (_, i) => bulkMentor(i, 'hid')), bee]),
      });
      expect(res.json()).toMatchObject({ created: 31, failed: 0 });
      expect(await vectorHitIds(h)).not.toContain('bee');
      expect(await vectorHitIds(h, false)).toContain('bee');
      expect(await matchIds(h)).not.toContain('bee');
      expect(await matchIds(h, { activeOnly: false })).toContain('bee');
      expect((await setActive(h, true)).statusCode).toBe(200);
      expect((await vectorHitIds(h))[0]).toBe('bee');
      expect((await setActive(h, false)).statusCode).toBe(200);
      expect(await vectorHitIds(h)).not.toContain('bee');
    } finally {
      await h.close();
    }
    h = await start();
    try {
      expect(h.app.engine().search.status().loadedFrom).toBe('snapshot');
      expect(await vectorHitIds(h)).not.toContain('bee');
      expect(await vectorHitIds(h, false)).toContain('bee');
      expect((await setActive(h, true)).statusCode).toBe(200);
      expect((await vectorHitIds(h))[0]).toBe('bee');
      // Session requests find mentors by id through the index, which must forget a deleted one.
      const session = () =>
        h.app.inject({ method: 'POST', url: '/api/session-requests', payload: { mentorId: 'bee' } });
      expect((await session()).statusCode).toBe(201);
      expect((await h.app.inject({ method: 'DELETE', url: '/api/mentors/bee' })).statusCode).toBe(204);
      expect((await session()).statusCode).toBe(404);
      expect(await vectorHitIds(h, false)).not.toContain('bee');
    } finally {
      await h.close();
    }
  });
});
