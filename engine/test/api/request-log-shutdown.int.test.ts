import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { HashingEmbeddingProvider } from '../../../test/support/hashing-embedding-provider.js';
import {
  bulkMentor,
  CountingEmbeddingProvider,
  jsonLines,
  makeTempDir,
  removeDir,
  startTestApp,
} from '../../../test/support/app-harness.js';

const dataDir = makeTempDir('mm-request-log-');
afterAll(() => removeDir(dataDir));

describe('requests written behind the answer', () => {
  it('are all in the database after a graceful shutdown, with what each was served', async () => {
    const h = await startTestApp({
      dataDir,
      embedder: new CountingEmbeddingProvider(new HashingEmbeddingProvider(64)),
    });
    const served = new Map<number, string[]>();
    try {
      const imported = await h.app.inject({
        method: 'POST',
        url: '/api/mentors/import',
        headers: { 'content-type': 'application/x-ndjson' },
        payload: jsonLines(Array.from({ length: 12 }, (_, i) => bulkMentor(i, 'log'))),
      });
      expect(imported.json()).toMatchObject({ created: 12, failed: 0 });
      for (let i = 0; i < 5; i++) {
        const res = await h.app.inject({
          method: 'POST',
          url: '/api/match',
          payload: { text: bulkMentor(i, 'log').bio, k: 3 },
        });
        expect(res.statusCode, res.body).toBe(200);
        served.set(
          res.json().requestId,
          res.json().matches.map((m: { mentor: { id: string } }) => m.mentor.id),
        );
      }
    } finally {
      await h.close();
    }
    expect(served.size).toBe(5);

    const handle = await openDatabase(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
    try {
      const rows = await handle.db
        .selectFrom('served_matches as s')
        .innerJoin('mentors as m', 'm.id', 's.mentor_id')
        .select(['s.request_id', 's.rank', 'm.external_id'])
        .orderBy('s.request_id')
        .orderBy('s.rank')
        .execute();
      const stored = new Map<number, string[]>();
      for (const r of rows)
        stored.set(Number(r.request_id), [...(stored.get(Number(r.request_id)) ?? []), r.external_id]);
      expect(stored).toEqual(served);
    } finally {
      await handle.close();
    }
  });
});
