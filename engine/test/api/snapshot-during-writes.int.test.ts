import { afterAll, expect, it } from 'vitest';
import type { SearchIndex } from '../../src/services/search-index.js';
import {
  bulkMentor,
  CountingEmbeddingProvider,
  jsonLines,
  makeTempDir,
  mentor,
  removeDir,
  startTestApp,
} from '../../../test/support/app-harness.js';

const dataDir = makeTempDir('mm-save-during-writes-');
afterAll(() => removeDir(dataDir));
const start = (embedder = new CountingEmbeddingProvider()) =>
  startTestApp({ dataDir, embedder, env: { EXACT_SCAN_BELOW: '0' } });
const violinist = 'Violinist who teaches string quartets and conducts a youth orchestra.';

it('a write applied while the graph is being written reaches the graph when the write ends, and the snapshot saved on close', async () => {
  const h = await start();
  try {
    const bee = mentor('bee', { bio: 'Beekeeper who exports honey and teaches apiculture to farmers.' });
    const imported = await h.app.inject({
      method: 'POST',
      url: '/api/mentors/import',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: jsonLines([...Array.from({ length: 30 }, (_, i) => bulkMentor(i, 'w')), bee]),
    });
    expect(imported.json()).toMatchObject({ created: 31, failed: 0 });
    const search: SearchIndex = h.app.engine().search;
    const vectors = search.vectors;
    expect(vectors.kind).toBe('hnsw');

    // The mentor service commits the new bio, then hands it to the index; the index gets it only once the graph write has begun.
    const apply = search.apply.bind(search);
    let held: Parameters<SearchIndex['apply']> | null = null;
    search.apply = (...args) => {
      held = args;
    };
    expect(
      (await h.app.inject({ method: 'PATCH', url: '/api/mentors/bee', payload: { bio: violinist } })).statusCode,
    ).toBe(200);
    search.apply = apply;
    expect(held).not.toBeNull();

    const write = vectors.save.bind(vectors);
    const [question] = await h.app.engine().embedder.embed([violinist]);
    let nearestDuring: number[] = [];
    vectors.save = (file) => {
      const writing = write(file);
      apply(...held!);
      nearestDuring = search.nearest(question!, 1, true).map((hit) => hit.label);
      return writing;
    };
    await search.saveSnapshot();
    vectors.save = write;

    const beeRow = search.mentorByExternalId('bee')!.rowId;
    // During the write the graph still held the beekeeper's vector; after it, the violinist's.
    expect(nearestDuring).not.toEqual([beeRow]);
    expect(search.nearest(question!, 1, true).map((hit) => hit.label)).toEqual([beeRow]);
  } finally {
    await h.close();
  }

  // The write came after the saved state was taken, so closing saved again: the next start uses that snapshot.
  const counting = new CountingEmbeddingProvider();
  const next = await start(counting);
  try {
    expect(next.app.engine().search.status()).toMatchObject({ loadedFrom: 'snapshot', size: 31 });
    expect(counting.calls).toBe(0);
    const res = await next.app.inject({ method: 'POST', url: '/api/match', payload: { text: violinist, k: 3 } });
    expect(res.json().matches[0].mentor.id).toBe('bee');
  } finally {
    await next.close();
  }
});
