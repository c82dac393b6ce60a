import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { mentorFromBody } from '../../src/domain/mentor-validation.js';
import { openDatabase } from '../../src/db/database.js';
import { MentorRepository } from '../../src/db/mentor-repository.js';
import { createEmbeddingProvider } from '../../src/embedding/create-embedding-provider.js';
import { HashingEmbeddingProvider } from '../../../test/support/hashing-embedding-provider.js';
import { SNAPSHOT_META_FILE } from '../../src/vector-index/index-snapshot.js';
import {
  bulkMentor,
  CountingEmbeddingProvider,
  jsonLines,
  makeTempDir,
  mentor,
  removeDir,
  startTestApp,
  type TestApp,
} from '../../../test/support/app-harness.js';

const hnsw = { EXACT_SCAN_BELOW: '0' };
const dataDir = makeTempDir('mm-lifecycle-');
afterAll(() => removeDir(dataDir));

async function withApp<T>(embedder: CountingEmbeddingProvider, work: (h: TestApp) => Promise<T>): Promise<T> {
  const h = await startTestApp({ dataDir, embedder, env: hnsw });
  try {
    return await work(h);
  } finally {
    await h.close();
  }
}

async function status(h: TestApp) {
  return (await h.app.inject({ method: 'GET', url: '/api/status' })).json();
}

async function matchIds(h: TestApp, text: string): Promise<string[]> {
  const res = await h.app.inject({ method: 'POST', url: '/api/match', payload: { text, k: 50 } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().matches.map((m: { mentor: { id: string } }) => m.mentor.id);
}

/** Changes the database while no engine runs, as another tool or a crash might. */
async function withDatabase(
  work: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<void>,
): Promise<void> {
  const handle = await openDatabase(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
  try {
    await work(handle.db);
  } finally {
    await handle.close();
  }
}

const snapshotDir = (modelId: string) => path.join(dataDir, 'index', modelId);

/** Every mentor ranked and explained, recording nothing, so that two processes can be compared. */
async function fullRanking(h: TestApp, text: string) {
  const result = await h.app
    .engine()
    .matcher.match({ text, k: 100 }, { record: false, now: new Date('2026-01-15T12:00:00Z') });
  return result.matches.map(({ mentor, ...rest }) => ({ ...rest, updatedAt: mentor.updatedAt }));
}
const bee = mentor('bee', { bio: 'Beekeeper who exports honey and teaches apiculture to farmers.' });

describe('index lifecycle (HNSW forced)', () => {
  const embedder = () => new CountingEmbeddingProvider(new HashingEmbeddingProvider(64));

  it('a fresh start builds the index; close saves a snapshot; a restart loads it without embedding', async () => {
    let ranked: Awaited<ReturnType<typeof fullRanking>> = [];
    await withApp(embedder(), async (h) => {
      const first = await status(h);
      expect(first.index).toMatchObject({ kind: 'hnsw', state: 'ready', loadedFrom: 'rebuild', size: 0 });
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/mentors/import',
        headers: { 'content-type': 'application/x-ndjson' },
        payload: jsonLines([...Array.from({ length: 40 }, (_, i) => bulkMentor(i, 'life')), bee]),
      });
      expect(res.json()).toMatchObject({ created: 41, failed: 0 });
      expect((await status(h)).mentors).toMatchObject({ total: 41, indexed: 41 });
      ranked = await fullRanking(h, bulkMentor(7, 'life').bio);
    });
    expect(fs.existsSync(path.join(snapshotDir('hashing-64'), SNAPSHOT_META_FILE))).toBe(true);

    const counting = embedder();
    await withApp(counting, async (h) => {
      const s = await status(h);
      expect(s.index).toMatchObject({ kind: 'hnsw', state: 'ready', loadedFrom: 'snapshot', size: 41 });
      expect(counting.calls).toBe(0);
      // Passage vectors come from the snapshot, not the embedding rows, and rank and explain the same.
      expect(Object.keys(h.app.engine().search.loadPhases())).toContain('passages from snapshot, build in memory');
      expect(ranked.length).toBe(41);
      expect(await fullRanking(h, bulkMentor(7, 'life').bio)).toEqual(ranked);
      expect((await matchIds(h, 'beekeeper honey apiculture'))[0]).toBe('bee');
    });
  });

  it('a snapshot whose passage file has the earlier float32 format keeps its graph, reads passages from the database and is saved again', async () => {
    const ranked = await withApp(embedder(), (h) => fullRanking(h, bulkMentor(7, 'life').bio));
    const dir = snapshotDir('hashing-64');
    const meta = JSON.parse(fs.readFileSync(path.join(dir, SNAPSHOT_META_FILE), 'utf8'));
    // Only the header is read before the format is recognised; its magic number is "MMPS".
    const old = Buffer.from(new Uint32Array([0x4d4d5053, 64, 41, 0]).buffer);
    fs.writeFileSync(path.join(dir, meta.files.passages.name), old);
    meta.files.passages = { ...meta.files.passages, bytes: old.length, crc32: crc32(old) };
    fs.writeFileSync(path.join(dir, SNAPSHOT_META_FILE), JSON.stringify(meta));

    const counting = embedder();
    await withApp(counting, async (h) => {
      expect((await status(h)).index).toMatchObject({ loadedFrom: 'snapshot', size: 41 });
      expect(Object.keys(h.app.engine().search.loadPhases())).toContain('read embeddings, build in memory');
      expect(counting.calls).toBe(0);
      expect(await fullRanking(h, bulkMentor(7, 'life').bio)).toEqual(ranked);
    });
    await withApp(embedder(), async (h) => {
      expect((await status(h)).index).toMatchObject({ loadedFrom: 'snapshot', size: 41 });
      expect(Object.keys(h.app.engine().search.loadPhases())).toContain('passages from snapshot, build in memory');
    });
  });

  it('a snapshot that no longer matches the database (mentor deleted behind its back) is rebuilt', async () => {
    await withDatabase(async (db) => {
      expect(await new MentorRepository(db).delete('bee')).not.toBeNull();
    });
    const counting = embedder();
    await withApp(counting, async (h) => {
      const s = await status(h);
      expect(s.index).toMatchObject({ loadedFrom: 'rebuild', size: 40 });
      expect(s.mentors).toMatchObject({ total: 40, indexed: 40 });
      // The stored embeddings are reused: only missing ones would be embedded.
      expect(counting.calls).toBe(0);
      expect(await matchIds(h, 'beekeeper honey apiculture')).not.toContain('bee');
    });
    // The rebuilt index was saved, so the next start uses it.
    await withApp(embedder(), async (h) => expect((await status(h)).index.loadedFrom).toBe('snapshot'));
  });

  it('a mentor whose embedding is missing (written before a crash) is embedded at start, and only that one', async () => {
    await withDatabase(async (db) => {
      const m = await new MentorRepository(db).getByExternalId('life-3');
      await db.deleteFrom('mentor_embeddings').where('mentor_id', '=', m!.rowId).execute();
    });
    const counting = embedder();
    await withApp(counting, async (h) => {
      expect(counting.calls).toBe(1);
      const s = await status(h);
      // The same text gives the same content hash, so the saved snapshot still matches and may be used.
      expect(s.index).toMatchObject({ state: 'ready', size: 40 });
      expect(s.mentors).toMatchObject({ total: 40, indexed: 40 });
      expect(await matchIds(h, bulkMentor(3, 'life').bio)).toContain('life-3');
    });
  });

  it('a corrupt snapshot file is detected and the index rebuilt', async () => {
    const dir = snapshotDir('hashing-64');
    const meta = JSON.parse(fs.readFileSync(path.join(dir, SNAPSHOT_META_FILE), 'utf8'));
    const dataFile = path.join(dir, meta.files.data.name);
    const bytes = fs.readFileSync(dataFile);
    for (let i = 100; i < 200 && i < bytes.length; i++) bytes[i] = bytes[i]! ^ 0xff;
    fs.writeFileSync(dataFile, bytes);

    await withApp(embedder(), async (h) => {
      expect((await status(h)).index).toMatchObject({ loadedFrom: 'rebuild', size: 40, state: 'ready' });
      expect((await matchIds(h, bulkMentor(5, 'life').bio)).length).toBeGreaterThan(0);
    });
    await withApp(embedder(), async (h) => expect((await status(h)).index.loadedFrom).toBe('snapshot'));

    const passagesFile = path.join(
      dir,
      JSON.parse(fs.readFileSync(path.join(dir, SNAPSHOT_META_FILE), 'utf8')).files.passages.name,
    );
    const passages = fs.readFileSync(passagesFile);
    passages[passages.length - 5] = passages[passages.length - 5]! ^ 0x01;
    fs.writeFileSync(passagesFile, passages);
    await withApp(embedder(), async (h) =>
      expect((await status(h)).index).toMatchObject({ loadedFrom: 'rebuild', size: 40 }),
    );

    fs.writeFileSync(path.join(dir, SNAPSHOT_META_FILE), '{ not json');
    await withApp(embedder(), async (h) =>
      expect((await status(h)).index).toMatchObject({ loadedFrom: 'rebuild', size: 40 }),
    );
  });

  it('a snapshot that cannot be written (its folder is a file) leaves the engine serving from memory', async () => {
    const indexDir = path.join(dataDir, 'index');
    fs.rmSync(indexDir, { recursive: true, force: true });
    fs.writeFileSync(indexDir, 'not a folder');
    try {
      await withApp(embedder(), async (h) => {
        expect((await status(h)).index).toMatchObject({ loadedFrom: 'rebuild', size: 40, state: 'ready' });
        expect((await matchIds(h, bulkMentor(5, 'life').bio)).length).toBeGreaterThan(0);
      });
    } finally {
      fs.rmSync(indexDir, { force: true });
    }
    await withApp(embedder(), async (h) =>
      expect((await status(h)).index).toMatchObject({ loadedFrom: 'rebuild', state: 'ready' }),
    );
  });

  it('a model change re-embeds every mentor and deletes the old model embeddings and snapshots', async () => {
    const other = new CountingEmbeddingProvider(new HashingEmbeddingProvider(32, 'hashing-alt'));
    expect(fs.existsSync(snapshotDir('hashing-64'))).toBe(true);
    await withApp(other, async (h) => {
      expect(fs.existsSync(snapshotDir('hashing-64'))).toBe(false);
      const s = await status(h);
      expect(s.model).toEqual({ id: 'hashing-alt', dimensions: 32 });
      expect(s.index).toMatchObject({ loadedFrom: 'rebuild', size: 40 });
      expect(other.calls).toBeGreaterThan(0);
      const byModel = await h.app
        .engine()
        .database.db.selectFrom('mentor_embeddings')
        .select(['model_id', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('model_id')
        .execute();
      expect(byModel.map((r) => [r.model_id, Number(r.n)])).toEqual([['hashing-alt', 40]]);
      expect(await matchIds(h, bulkMentor(9, 'life').bio)).toContain('life-9');
    });
    // Going back is a model change too: everything is embedded again (the old model's snapshot may then match).
    const back = embedder();
    await withApp(back, async (h) => {
      expect((await status(h)).index).toMatchObject({ state: 'ready', size: 40 });
      expect(back.texts).toBeGreaterThanOrEqual(40);
      expect(fs.readdirSync(path.join(dataDir, 'index'))).toEqual(['hashing-64']);
    });
  });

  it('a shutdown while missing embeddings are made at start stops after the batch under way; the next start goes on', async () => {
    let before = 0;
    await withDatabase(async (db) => {
      before = await new MentorRepository(db).count();
      const inputs = Array.from({ length: 200 }, (_, i) => mentorFromBody(bulkMentor(i, 'late')));
      await new MentorRepository(db).upsertMany(inputs.map((p) => (p.ok ? p.value : expect.fail(p.errors.join('; ')))));
    });
    let calls = 0;
    const slow = new (class extends HashingEmbeddingProvider {
      override async embed(texts: readonly string[]) {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 200));
        return super.embed(texts);
      }
    })(64);
    const app = await buildApp({
      config: loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', DASHBOARD_DIR: '', ...hnsw }),
      embedder: slow,
    });
    await app.ready();
    while (calls === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await app.close();
    let stored = 0;
    await withDatabase(async (db) => {
      stored = Number(
        (
          await db
            .selectFrom('mentor_embeddings')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    });
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(before + 200);
    await withApp(embedder(), async (h) =>
      expect((await status(h)).mentors).toMatchObject({ total: before + 200, indexed: before + 200 }),
    );
  });
});

const salaryBios: Array<[string, string]> = [
  [
    'negotiation',
    'I was a compensation manager for ten years. I help people negotiate salary offers, raises and equity packages, and prepare for pay conversations with recruiters.',
  ],
  ['frontend', 'I build web front ends with React and TypeScript and review pull requests for accessibility.'],
  ['nurse', 'I worked as an intensive care nurse for fifteen years before moving into hospital management.'],
  ['teacher', 'I taught high school chemistry and now train new teachers in classroom management.'],
  ['lawyer', 'I am a corporate lawyer specialising in mergers, acquisitions and contract law.'],
  ['chef', 'I ran a restaurant kitchen and now consult on menu design and food safety.'],
  ['pilot', 'I fly long-haul aircraft and mentor cadets through their flight training.'],
  ['designer', 'I design mobile apps, run usability studies and build design systems.'],
  ['datasci', 'I train machine learning models and teach statistics to data analysts.'],
  ['devops', 'I run Kubernetes clusters, CI pipelines and on-call rotations for a cloud platform.'],
  ['founder', 'I founded a climate startup and raised seed funding from angel investors.'],
  ['marketing', 'I lead brand marketing campaigns and social media strategy for consumer products.'],
  ['accountant', 'I am a chartered accountant who prepares audits and tax filings for small businesses.'],
  ['architect', 'I design sustainable buildings and manage construction projects as an architect.'],
  ['journalist', 'I reported on politics for a newspaper and now edit investigative stories.'],
  ['pharma', 'I run clinical trials for new medicines and handle regulatory submissions.'],
  ['ngo', 'I coordinate humanitarian aid programmes for refugees in East Africa.'],
  ['police', 'I served as a police detective and now train officers in community policing.'],
  ['musician', 'I am a cellist in an orchestra and teach music theory to conservatory students.'],
  ['gamedev', 'I program game engines in C++ and optimise rendering performance.'],
  ['security', 'I do penetration testing and teach secure coding to developers.'],
  ['logistics', 'I manage warehouses and supply chain logistics for an online retailer.'],
  ['farmer', 'I run an organic farm and advise growers on soil health and crop rotation.'],
  ['civil', 'I work in the civil service writing transport policy for the ministry.'],
  ['research', 'I am a biology professor who supervises PhD students and writes grant proposals.'],
  ['support', 'I lead a customer support team and design help desk processes.'],
  ['realestate', 'I sell residential property and advise first-time home buyers.'],
  ['translator', 'I translate literary fiction from Japanese into English.'],
  ['fitness', 'I am a personal trainer and physiotherapist helping athletes recover from injury.'],
  ['hotel', 'I managed luxury hotels and now teach hospitality management.'],
  ['mobile', 'I develop Android and iOS apps in Kotlin and Swift.'],
  ['energy', 'I engineer wind farms and grid connections for renewable energy projects.'],
  ['librarian', 'I am a librarian who digitises archives and teaches research skills.'],
  ['photographer', 'I shoot wedding and portrait photography and run a small studio.'],
  ['vet', 'I am a veterinarian treating farm animals and pets in a rural practice.'],
  ['sales-eng', 'I am a sales engineer giving technical product demos to enterprise customers.'],
  ['psych', 'I am a clinical psychologist specialising in anxiety and cognitive behavioural therapy.'],
  ['retail', 'I managed a fashion retail store and trained staff in visual merchandising.'],
  ['returner', 'I returned to work as a software tester after a five-year career break raising children.'],
  ['pm', 'I am a product manager who writes roadmaps and prioritises features with engineering teams.'],
];

// The integration lane has the model (pnpm install builds it): a missing model fails here rather than skipping.
describe('with the real USE Lite model', () => {
  it('a salary negotiation question ranks the compensation mentor first', async () => {
    const config = loadConfig({ LOG_LEVEL: 'silent' });
    const h = await startTestApp({ embedder: await createEmbeddingProvider(config) });
    try {
      expect((await status(h)).model.id).toMatch(/use-lite/);
      const rows = salaryBios.map(([id, bio]) => mentor(id, { bio, headline: '', skills: [] }));
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/mentors/import',
        headers: { 'content-type': 'application/x-ndjson' },
        payload: jsonLines(rows),
      });
      expect(res.json()).toMatchObject({ created: salaryBios.length, failed: 0 });
      const ids = await matchIds(h, 'How do I negotiate a higher salary for my new job offer?');
      expect(ids[0]).toBe('negotiation');
    } finally {
      await h.close();
    }
  }, 300_000);
});
