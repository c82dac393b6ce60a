import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash } from '../../src/services/mentor-embedding.js';
import { MentorService } from '../../src/services/mentor-service.js';
import { mentor, ModelPacedEmbedder, startTestApp, type TestApp } from '../../../test/support/app-harness.js';

let harness: TestApp;
// As slow as the real model, so that concurrent writes overlap while one is being embedded.
const embedder = new ModelPacedEmbedder();

beforeAll(async () => {
  harness = await startTestApp({ embedder });
});
afterAll(() => harness?.close());

const patch = (id: string, body: object) =>
  harness.app.inject({ method: 'PATCH', url: `/api/mentors/${id}`, payload: body });
const get = (id: string) => harness.app.inject({ method: 'GET', url: `/api/mentors/${id}` });

/** The stored embedding must be the one of the mentor as stored, or matching reads text the mentor no longer has. */
async function expectEmbeddingOf(id: string): Promise<void> {
  const { rowId, createdAt: _c, updatedAt: _u, ...stored } = await harness.app.engine().mentors.get(id);
  const hashes = await harness.app.engine().repositories.embeddings.getHashes(embedder.id, [rowId]);
  expect([...hashes.values()]).toEqual([contentHash(embedder.id, stored)]);
}

describe('concurrent writes to one mentor', () => {
  it('keeps every one of four PATCHes sent at once, with the embedding of the final text', async () => {
    expect((await harness.app.inject({ method: 'POST', url: '/api/mentors', payload: mentor('p1') })).statusCode).toBe(
      201,
    );
    const answers = await Promise.all([
      patch('p1', { name: 'Renamed' }),
      patch('p1', { skills: ['negotiation'] }),
      patch('p1', { bio: 'I now coach founders on fundraising and board meetings.' }),
      patch('p1', { capacityPerMonth: 7 }),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200]);
    expect((await get('p1')).json()).toMatchObject({
      name: 'Renamed',
      skills: ['negotiation'],
      bio: 'I now coach founders on fundraising and board meetings.',
      capacityPerMonth: 7,
    });
    await expectEmbeddingOf('p1');
  });

  it('does not bring back a mentor deleted while a PATCH was being embedded', async () => {
    expect((await harness.app.inject({ method: 'POST', url: '/api/mentors', payload: mentor('d1') })).statusCode).toBe(
      201,
    );
    const patching = patch('d1', { bio: 'A new bio that takes a while to embed.' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const deleted = await harness.app.inject({ method: 'DELETE', url: '/api/mentors/d1' });
    expect(deleted.statusCode).toBe(204);
    expect([200, 404]).toContain((await patching).statusCode);
    expect((await get('d1')).statusCode).toBe(404);
    expect((await patch('d1', { name: 'Too late' })).statusCode).toBe(404);
  });

  it('an import prepared before a PATCH does not keep the embedding of the PATCHed text when it writes the old text back', async () => {
    expect((await harness.app.inject({ method: 'POST', url: '/api/mentors', payload: mentor('i1') })).statusCode).toBe(
      201,
    );
    const service = harness.app.engine().mentors;
    const { rowId: _r, createdAt: _c, updatedAt: _u, ...asStored } = await service.get('i1');
    // The import's batch is read as "already embedded" (same text as stored) ...
    const prepared = await service.prepareBatch([asStored]);
    expect(prepared.freshById.size).toBe(0);
    // ... then a PATCH changes the bio, then the import writes its (old) text back.
    await service.update('i1', { bio: 'A bio written between the import reading and writing its batch.' });
    await service.commitBatch(prepared);
    expect((await service.get('i1')).bio).toBe(asStored.bio);
    await expectEmbeddingOf('i1');
  });

  it('does not bring back a mentor another engine deleted while a PATCH was being embedded', async () => {
    expect((await harness.app.inject({ method: 'POST', url: '/api/mentors', payload: mentor('d2') })).statusCode).toBe(
      201,
    );
    const engine = harness.app.engine();
    const other = new MentorService(engine.repositories, embedder, engine.search);
    const patching = engine.mentors.update('d2', { bio: 'A new bio that takes a while to embed.' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    await other.delete('d2');
    await expect(patching).rejects.toMatchObject({ code: 'MENTOR_NOT_FOUND' });
    expect((await get('d2')).statusCode).toBe(404);
  });

  it('merges a change again when another engine changed the mentor while it was embedded', async () => {
    expect((await harness.app.inject({ method: 'POST', url: '/api/mentors', payload: mentor('e1') })).statusCode).toBe(
      201,
    );
    const engine = harness.app.engine();
    // A second service over the same database stands in for another engine: it does not share this one's queue.
    const other = new MentorService(engine.repositories, embedder, engine.search);
    await Promise.all([
      engine.mentors.update('e1', { headline: 'Changed here' }),
      other.update('e1', { bio: 'Changed by the other engine while this one embedded.' }),
    ]);
    expect(await engine.mentors.get('e1')).toMatchObject({
      headline: 'Changed here',
      bio: 'Changed by the other engine while this one embedded.',
    });
    await expectEmbeddingOf('e1');
  });

  it('puts a written mentor into the index with the row its vectors were written beside, whatever another engine writes right after', async () => {
    expect((await harness.app.inject({ method: 'POST', url: '/api/mentors', payload: mentor('r1') })).statusCode).toBe(
      201,
    );
    const engine = harness.app.engine();
    // Another engine's write lands the moment this engine's transaction has committed.
    const racing = {
      ...engine.repositories,
      transaction: async <T>(fn: Parameters<typeof engine.repositories.transaction<T>>[0]) => {
        const result = await engine.repositories.transaction(fn);
        await engine.repositories.mentors.update('r1', { headline: 'Written by the other engine' });
        return result;
      },
    };
    const mine = new MentorService(racing, embedder, engine.search);
    await mine.update('r1', { headline: 'Written here' });
    expect(engine.search.mentorByExternalId('r1')?.headline).toBe('Written here');
  });
});
