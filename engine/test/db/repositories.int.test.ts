import { AbortedTransactionError, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import type { StoredEmbedding } from '../../src/db/embedding-repository.js';
import type { ServedMatch } from '../../src/db/request-repository.js';
import { createRepositories, type Repositories } from '../../src/db/repositories.js';
import { MentorRepository } from '../../src/db/mentor-repository.js';
import { migrationProvider, migrations } from '../../src/db/migration-provider.js';
import { withTransaction } from '../../src/db/transaction.js';
import { embeddingChecksum, embeddingChecksumInTurns } from '../../src/db/vector-codec.js';
import type { MentorInput } from '../../src/domain/mentor.js';
import { AppError } from '../../src/errors.js';
import { backends, emptyDatabase } from './backends.js';

function mentor(n: number, overrides: Partial<MentorInput> = {}): MentorInput {
  return {
    externalId: `m-${String(n).padStart(5, '0')}`,
    name: `Mentor ${n}`,
    headline: `Headline ${n}`,
    bio: `Bio of mentor ${n}.`,
    skills: ['Mentoring'],
    languages: ['en'],
    timezone: 'Europe/Berlin',
    location: null,
    yearsExperience: n % 30,
    capacityPerMonth: 4,
    active: true,
    ...overrides,
  };
}

/** One request stored on its own, as RequestLog would store a batch of one; returns its id. */
async function record(
  requests: Repositories['requests'],
  text: string,
  filters: Record<string, unknown>,
  configVersion: number | null,
  matches: ServedMatch[],
  userId: number | null = null,
): Promise<number> {
  const [id] = await requests.reserveRequestIds(1);
  await requests.recordMenteeRequests([
    { id: id!, text, filters, configVersion, createdAt: new Date(), userId, matches },
  ]);
  return id!;
}

/** Deterministic floats including the awkward ones a lossy encoding would change. */
function vectorOf(seed: number, dimensions = 16): Float32Array {
  const v = new Float32Array(dimensions);
  let x = seed * 2654435761;
  for (let i = 0; i < dimensions; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    v[i] = (x / 2147483648 - 0.5) * 2;
  }
  v[0] = -0;
  v[1] = 1.401298464324817e-45; // smallest subnormal
  v[2] = 3.4028234663852886e38; // largest finite
  return v;
}

function embedding(mentorId: number, hash: string, passages = 2): StoredEmbedding {
  return {
    mentorId,
    contentHash: hash,
    vector: vectorOf(mentorId),
    passageVectors: Array.from({ length: passages }, (_, i) => vectorOf(mentorId * 100 + i)),
    passageSpans: Array.from({ length: passages }, (_, i) => [i * 10, i * 10 + 9] as [number, number]),
  };
}

function bits(v: Float32Array): number[] {
  return [...new Uint32Array(v.buffer, v.byteOffset, v.length)];
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe.each(backends())('repositories on $name', (backend) => {
  let handle: DatabaseHandle;
  let repos: Repositories;

  beforeAll(async () => {
    if (backend.skip) return;
    handle = await backend.start();
    repos = createRepositories(handle.db, handle.textCipher);
  });
  afterAll(async () => {
    if (!backend.skip) await backend.stop();
  });
  beforeEach(async (context) => {
    if (backend.skip) return context.skip();
    await emptyDatabase(handle);
  });

  describe('schema', () => {
    it('applies every migration and installs no extension', async () => {
      const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(handle.db);
      // Every registered migration (database.int.test.ts checks that every file in migrations/ is registered).
      expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(migrations).sort());
      // Vectors are bytea: pgvector is neither loaded into PGlite nor installed on a server (only the benchmark uses it).
      const extensions = await sql<{ extname: string }>`select extname from pg_extension order by extname`.execute(
        handle.db,
      );
      expect(extensions.rows.map((r) => r.extname)).toEqual(['plpgsql']);
      expect(handle.kind).toBe(backend.name);
    });

    it('drops vectors made the old way, both up and down 0003, and keeps the mentors they belonged to', async () => {
      const ids = (await repos.mentors.upsertMany([mentor(1), mentor(2)])).map((r) => r.rowId);
      const migrator = new Migrator({ db: handle.db, provider: migrationProvider });
      const countEmbeddings = async () => (await collect(repos.embeddings.streamForModel('model-a', 10))).length;
      await repos.embeddings.upsertMany(
        'model-a',
        ids.map((id) => embedding(id, 'centroid')),
      );
      expect((await migrator.migrateTo('0002-request-time-index')).error).toBeUndefined();
      expect(await countEmbeddings()).toBe(0);
      // What the engine before the centroid wrote: whole-text vectors under the same model id.
      await repos.embeddings.upsertMany(
        'model-a',
        ids.map((id) => embedding(id, 'whole-text')),
      );
      expect(await countEmbeddings()).toBe(2);
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      expect(await countEmbeddings()).toBe(0);
      expect(await repos.embeddings.missingForModel('model-a')).toEqual(ids);
      expect((await repos.mentors.getRowIdsByExternalIds([mentor(1).externalId, mentor(2).externalId])).size).toBe(2);
    });

    it("leaves the pg library's global type parsers alone", () => {
      expect(pg.types.getTypeParser(20)('12')).toBe('12');
    });

    it('returns bigint ids as numbers and bytea as bytes', async () => {
      const created = await repos.mentors.create(mentor(1));
      expect(typeof created.rowId).toBe('number');
      const row = await sql<{
        big: unknown;
        bytes: unknown;
      }>`select 9007199254740991::bigint as big, '\\x00ff'::bytea as bytes`.execute(handle.db);
      expect(row.rows[0]!.big).toBe(Number.MAX_SAFE_INTEGER);
      expect(row.rows[0]!.bytes).toBeInstanceOf(Uint8Array);
      expect([...(row.rows[0]!.bytes as Uint8Array)]).toEqual([0, 255]);
    });
  });

  describe('mentors', () => {
    it('creates, reads, updates and deletes a mentor', async () => {
      const input = mentor(1, {
        skills: ['Salary negotiation', 'a,b "quoted" {braced}', 'Ünïcødé'],
        languages: ['en', 'de'],
        location: 'Berlin',
      });
      const created = await repos.mentors.create(input);
      expect(created).toMatchObject(input);
      expect(created.createdAt).toBeInstanceOf(Date);
      expect(await repos.mentors.getByExternalId(input.externalId)).toEqual(created);
      expect(await repos.mentors.getByExternalId('nobody')).toBeNull();

      const updated = await repos.mentors.update(input.externalId, {
        bio: 'New bio',
        skills: [],
        location: null,
        active: false,
      });
      expect(updated).toMatchObject({
        ...input,
        bio: 'New bio',
        skills: [],
        location: null,
        active: false,
        rowId: created.rowId,
      });
      expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());
      expect(await repos.mentors.update('nobody', { name: 'x' })).toBeNull();

      expect(await repos.mentors.count()).toBe(1);
      expect(await repos.mentors.delete(input.externalId)).toBe(created.rowId);
      expect(await repos.mentors.delete(input.externalId)).toBeNull();
      expect(await repos.mentors.getByExternalId(input.externalId)).toBeNull();
      expect(await repos.mentors.count()).toBe(0);
    });

    it('counts mentors, active ones apart, and maps external ids to row ids', async () => {
      const written = await repos.mentors.upsertMany([mentor(1), mentor(2, { active: false }), mentor(3)]);
      expect(await repos.mentors.counts()).toEqual({ total: 3, active: 2 });
      const rowIds = await repos.mentors.getRowIdsByExternalIds([mentor(3).externalId, 'nobody', mentor(1).externalId]);
      expect(rowIds).toEqual(
        new Map([
          [mentor(3).externalId, written[2]!.rowId],
          [mentor(1).externalId, written[0]!.rowId],
        ]),
      );
      expect((await repos.mentors.getRowIdsByExternalIds([])).size).toBe(0);
    });

    it('refuses a second mentor with the same external id', async () => {
      await repos.mentors.create(mentor(1));
      const error = await repos.mentors.create(mentor(1, { name: 'Other' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('MENTOR_ALREADY_EXISTS');
      expect((await repos.mentors.getByExternalId(mentor(1).externalId))!.name).toBe('Mentor 1');
    });

    it('reads a mentor for update, and on a server holds a second writer until the transaction ends', async () => {
      await repos.mentors.create(mentor(1));
      const id = mentor(1).externalId;
      expect(await repos.mentors.getForUpdate('nobody')).toBeNull();
      const events: string[] = [];
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const first = withTransaction(handle.db, async (trx) => {
        expect((await new MentorRepository(trx).getForUpdate(id))!.name).toBe('Mentor 1');
        events.push('locked');
        await held;
        events.push('released');
      });
      await vi.waitFor(() => expect(events).toEqual(['locked']));
      // PGlite has one connection: a second statement queues behind the transaction anyway.
      const second = repos.mentors.update(id, { name: 'After' }).then(() => events.push('updated'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(events).toEqual(['locked']);
      release();
      await Promise.all([first, second]);
      expect(events).toEqual(['locked', 'released', 'updated']);
      expect((await repos.mentors.getByExternalId(id))!.name).toBe('After');
    });

    it('fetches a batch by row id, leaving out unknown ids', async () => {
      const a = await repos.mentors.create(mentor(1));
      const b = await repos.mentors.create(mentor(2));
      const found = await repos.mentors.getByRowIds([b.rowId, a.rowId, 999_999, a.rowId]);
      expect([...found.keys()].sort()).toEqual([a.rowId, b.rowId].sort());
      expect(found.get(b.rowId)!.externalId).toBe(b.externalId);
      expect((await repos.mentors.getByRowIds([])).size).toBe(0);
    });

    it('filters by text, skill, language and active flag, and pages', async () => {
      const inputs = Array.from({ length: 30 }, (_, i) =>
        mentor(i, {
          name: i === 3 ? 'Ada Lovelace' : `Mentor ${i}`,
          headline: i % 5 === 0 ? 'Negotiation coach' : 'Engineer',
          bio: i === 7 ? 'I cut costs by 100% at my last job' : `Bio ${i}`,
          skills: i % 3 === 0 ? ['Salary Negotiation', 'Hiring'] : ['TypeScript'],
          languages: i % 2 === 0 ? ['en', 'es'] : ['de'],
          active: i % 4 !== 0,
        }),
      );
      await repos.mentors.upsertMany(inputs);

      const all = await repos.mentors.list({ limit: 100 });
      expect(all.total).toBe(30);
      expect(all.items.map((m) => m.externalId)).toEqual(inputs.map((m) => m.externalId));

      const page = await repos.mentors.list({ offset: 10, limit: 7 });
      expect(page.total).toBe(30);
      expect(page.items.map((m) => m.externalId)).toEqual(inputs.slice(10, 17).map((m) => m.externalId));

      expect((await repos.mentors.list({ q: 'lovelace' })).items.map((m) => m.name)).toEqual(['Ada Lovelace']);
      expect((await repos.mentors.list({ q: 'NEGOTIATION' })).total).toBe(6);
      // `%` is a literal, not a wildcard.
      expect((await repos.mentors.list({ q: '100%' })).items.map((m) => m.externalId)).toEqual([inputs[7]!.externalId]);
      expect((await repos.mentors.list({ q: '%' })).total).toBe(1);

      expect((await repos.mentors.list({ skill: 'salary negotiation' })).total).toBe(10);
      expect((await repos.mentors.list({ skill: 'negotiation' })).total).toBe(0);
      expect((await repos.mentors.list({ language: 'es' })).total).toBe(15);
      expect((await repos.mentors.list({ active: false })).total).toBe(8);

      const combined = await repos.mentors.list({ skill: 'Hiring', language: 'en', active: true, limit: 2 });
      const expected = inputs.filter((_, i) => i % 3 === 0 && i % 2 === 0 && i % 4 !== 0);
      expect(combined.total).toBe(expected.length);
      expect(combined.items.map((m) => m.externalId)).toEqual(expected.slice(0, 2).map((m) => m.externalId));
    });

    it('upserts idempotently and reports created, updated and unchanged rows', async () => {
      const first = await repos.mentors.upsertMany([mentor(1), mentor(2), mentor(3)]);
      expect(first.map((r) => r.status)).toEqual(['created', 'created', 'created']);
      const before = await repos.mentors.getByExternalId(mentor(2).externalId);

      const again = await repos.mentors.upsertMany([mentor(3), mentor(1), mentor(2)]);
      expect(again.map((r) => r.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
      expect(again.map((r) => r.rowId)).toEqual([first[2]!.rowId, first[0]!.rowId, first[1]!.rowId]);
      expect((await repos.mentors.getByExternalId(mentor(2).externalId))!.updatedAt).toEqual(before!.updatedAt);

      const mixed = await repos.mentors.upsertMany([mentor(4), mentor(2, { skills: ['Changed'] }), mentor(1)]);
      expect(mixed.map((r) => [r.externalId, r.status])).toEqual([
        [mentor(4).externalId, 'created'],
        [mentor(2).externalId, 'updated'],
        [mentor(1).externalId, 'unchanged'],
      ]);
      expect(mixed[1]!.rowId).toBe(first[1]!.rowId);
      expect((await repos.mentors.getByExternalId(mentor(2).externalId))!.skills).toEqual(['Changed']);
      expect(await repos.mentors.count()).toBe(4);

      // A null location compared with a null location is unchanged, not updated.
      expect((await repos.mentors.upsertMany([mentor(4)]))[0]!.status).toBe('unchanged');
    });

    it('rejects an upsert batch that names one external id twice, writing nothing', async () => {
      await expect(repos.mentors.upsertMany([mentor(1), mentor(2), mentor(1)])).rejects.toThrow(/twice/);
      expect(await repos.mentors.count()).toBe(0);
    });

    it('upserts batches larger than one statement', async () => {
      const inputs = Array.from({ length: 1234 }, (_, i) => mentor(i));
      const created = await repos.mentors.upsertMany(inputs);
      expect(created.every((r) => r.status === 'created')).toBe(true);
      expect(new Set(created.map((r) => r.rowId)).size).toBe(1234);
      inputs[1000] = mentor(1000, { name: 'Renamed' });
      const results = await repos.mentors.upsertMany(inputs);
      expect(results.filter((r) => r.status === 'updated').map((r) => r.externalId)).toEqual([mentor(1000).externalId]);
      expect(results.filter((r) => r.status === 'unchanged')).toHaveLength(1233);
    });

    it('streams every mentor in row-id order', async () => {
      await repos.mentors.upsertMany(Array.from({ length: 23 }, (_, i) => mentor(i)));
      const streamed = await collect(repos.mentors.streamAll(7));
      expect(streamed.map((m) => m.externalId)).toEqual(Array.from({ length: 23 }, (_, i) => mentor(i).externalId));
      expect(await collect(createRepositories(handle.db, handle.textCipher).mentors.streamAll(23))).toHaveLength(23);
      // Field for field what a plain select gives: arrays, nulls, numbers and timestamps to the millisecond.
      await repos.mentors.upsertMany([{ ...mentor(3), location: null, skills: ['C++', 'a "b", {c}'], languages: [] }]);
      const all = await collect(repos.mentors.streamAll(5));
      const byId = await repos.mentors.getByRowIds(all.map((m) => m.rowId));
      expect(all).toEqual(all.map((m) => byId.get(m.rowId)));
    });
  });

  describe('embeddings', () => {
    async function seedMentors(n: number): Promise<number[]> {
      return (await repos.mentors.upsertMany(Array.from({ length: n }, (_, i) => mentor(i)))).map((r) => r.rowId);
    }

    it('round-trips vectors bit for bit, with passages and spans', async () => {
      const ids = await seedMentors(3);
      const stored = [embedding(ids[0]!, 'h0'), embedding(ids[1]!, 'h1', 0), embedding(ids[2]!, 'h2', 5)];
      await repos.embeddings.upsertMany('model-a', stored);
      const read = await collect(repos.embeddings.streamForModel('model-a', 2));
      expect(read.map((e) => e.mentorId)).toEqual(ids);
      read.forEach((e, i) => {
        const want = stored[i]!;
        expect(e.contentHash).toBe(want.contentHash);
        expect(e.vector).toBeInstanceOf(Float32Array);
        expect(bits(e.vector)).toEqual(bits(want.vector));
        expect(e.passageVectors.map(bits)).toEqual(want.passageVectors.map(bits));
        expect(e.passageSpans).toEqual(want.passageSpans);
      });
      expect(Object.is(read[0]!.vector[0], -0)).toBe(true);
    });

    it('streams one model in id order across pages while another model shares the mentors', async () => {
      const ids = await seedMentors(5);
      await repos.embeddings.upsertMany('model-a', ids.map((id, i) => embedding(id, `a${i}`)).reverse());
      await repos.embeddings.upsertMany('model-b', [embedding(ids[3]!, 'b3'), embedding(ids[1]!, 'b1')]);
      const a = await collect(repos.embeddings.streamForModel('model-a', 2));
      expect(a.map((e) => [e.mentorId, e.contentHash])).toEqual(ids.map((id, i) => [id, `a${i}`]));
      const b = await collect(repos.embeddings.streamForModel('model-b', 1));
      expect(b.map((e) => [e.mentorId, e.contentHash])).toEqual([
        [ids[1], 'b1'],
        [ids[3], 'b3'],
      ]);
    });

    it('replaces an embedding on upsert and keeps models apart', async () => {
      const [id] = await seedMentors(1);
      await repos.embeddings.upsertMany('model-a', [embedding(id!, 'old')]);
      await repos.embeddings.upsertMany('model-b', [embedding(id!, 'other')]);
      const replacement = { ...embedding(id!, 'new', 1), vector: vectorOf(42) };
      await repos.embeddings.upsertMany('model-a', [replacement]);
      const [read] = await collect(repos.embeddings.streamForModel('model-a'));
      expect(read!.contentHash).toBe('new');
      expect(bits(read!.vector)).toEqual(bits(vectorOf(42)));
      expect(read!.passageSpans).toHaveLength(1);
      expect((await repos.embeddings.getHashes('model-b', [id!])).get(id!)).toBe('other');

      expect(await repos.embeddings.deleteOtherModels('model-a')).toBe(1);
      expect((await repos.embeddings.getHashes('model-b', [id!])).size).toBe(0);
      expect((await repos.embeddings.getHashes('model-a', [id!])).get(id!)).toBe('new');
    });

    it('rejects passage vectors that do not match their spans', async () => {
      const [id] = await seedMentors(1);
      const bad = { ...embedding(id!, 'h'), passageSpans: [[0, 1]] as Array<[number, number]> };
      await expect(repos.embeddings.upsertMany('model-a', [bad])).rejects.toThrow(/spans/);
    });

    it('lists hashes and mentors missing an embedding', async () => {
      const ids = await seedMentors(5);
      await repos.embeddings.upsertMany('model-a', [embedding(ids[1]!, 'h1'), embedding(ids[3]!, 'h3')]);
      await repos.embeddings.upsertMany('model-b', [embedding(ids[0]!, 'b0')]);
      const hashes = await repos.embeddings.getHashes('model-a', [...ids, 12345]);
      expect([...hashes.entries()]).toEqual(
        expect.arrayContaining([
          [ids[1], 'h1'],
          [ids[3], 'h3'],
        ]),
      );
      expect(hashes.size).toBe(2);
      expect(await repos.embeddings.missingForModel('model-a')).toEqual([ids[0], ids[2], ids[4]]);
      expect(await repos.embeddings.missingForModel('model-c')).toEqual(ids);
    });

    it('drops embeddings with their mentor', async () => {
      const ids = await seedMentors(2);
      await repos.embeddings.upsertMany('model-a', [embedding(ids[0]!, 'h0'), embedding(ids[1]!, 'h1')]);
      await repos.mentors.delete(mentor(0).externalId);
      expect((await collect(repos.embeddings.streamForModel('model-a'))).map((e) => e.mentorId)).toEqual([ids[1]]);
    });

    it('computes a checksum that tracks content hashes and matches the JS computation', async () => {
      const empty = await repos.embeddings.checksum('model-a');
      expect(empty).toEqual({ checksum: embeddingChecksum([]), count: 0 });

      const ids = await seedMentors(12);
      // Inserted out of order: the checksum must not depend on insertion order.
      const stored = ids.map((id, i) => embedding(id, `hash-${i}`)).reverse();
      await repos.embeddings.upsertMany('model-a', stored);
      const first = await repos.embeddings.checksum('model-a');
      expect(first.count).toBe(12);
      expect(first.checksum).toBe(embeddingChecksum(stored));
      expect(first.checksum).toMatch(/^[0-9a-f]{32}$/);
      // What the search index checksums a snapshot from, three pairs per turn so that turns join.
      const hashes = await repos.embeddings.hashesForModel('model-a');
      expect(hashes).toEqual(new Map(stored.map((e) => [e.mentorId, e.contentHash])));
      expect(
        await embeddingChecksumInTurns(
          [...hashes].sort((x, y) => x[0] - y[0]),
          3,
        ),
      ).toBe(first.checksum);
      expect(await repos.embeddings.hashesForModel('model-b')).toEqual(new Map());
      expect(await repos.embeddings.checksum('model-a')).toEqual(first);

      await repos.embeddings.upsertMany('model-a', [embedding(ids[5]!, 'hash-changed')]);
      const second = await repos.embeddings.checksum('model-a');
      expect(second.count).toBe(12);
      expect(second.checksum).not.toBe(first.checksum);

      await repos.embeddings.upsertMany('model-a', [embedding(ids[5]!, 'hash-5')]);
      expect(await repos.embeddings.checksum('model-a')).toEqual(first);
      expect((await repos.embeddings.checksum('model-b')).count).toBe(0);
    });
  });

  describe('mentor change log', () => {
    it('logs every mentor row and embedding written or deleted, by any writer, and prunes by age', async () => {
      const start = await repos.mentorChanges.now();
      const before = new Date(start.getTime() - 1000);
      const written = await repos.mentors.upsertMany([mentor(1), mentor(2)]);
      const [a, b] = written.map((r) => r.rowId);
      await repos.embeddings.upsertMany('model-a', [embedding(a!, 'h1')]);
      await repos.mentors.upsertMany([mentor(1)]);
      await repos.mentors.upsertMany([mentor(2, { name: 'Renamed' })]);
      await repos.mentors.delete(mentor(1).externalId);
      // A statement outside the repositories (another tool) is logged too.
      await sql`update mentors set active = false where id = ${b}`.execute(handle.db);
      const changes = await repos.mentorChanges.since(before);
      expect(changes.map((c) => c.mentorId)).toEqual([a, b, a, b, a, b]);
      expect(changes.map((c) => c.seq)).toEqual([...changes.map((c) => c.seq)].sort((x, y) => x - y));
      expect(await repos.mentorChanges.prune(new Date(start.getTime() - 60_000))).toBe(0);
      expect(await repos.mentorChanges.prune(new Date((await repos.mentorChanges.now()).getTime() + 1000))).toBe(6);
      expect(await repos.mentorChanges.since(before)).toEqual([]);
    });

    it('reads the embeddings of given mentors, as stored', async () => {
      const [a, b] = (await repos.mentors.upsertMany([mentor(1), mentor(2)])).map((r) => r.rowId);
      await repos.embeddings.upsertMany('model-a', [embedding(a!, 'h1'), embedding(b!, 'h2')]);
      const read = await repos.embeddings.getForMentors('model-a', [b!]);
      expect(read.map((e) => [e.mentorId, e.contentHash])).toEqual([[b, 'h2']]);
      const streamed = [];
      for await (const e of repos.embeddings.streamForModel('model-a')) streamed.push(e);
      expect(read[0]).toEqual(streamed.find((e) => e.mentorId === b));
      expect(await repos.embeddings.getForMentors('model-b', [a!, b!])).toEqual([]);
    });
  });

  describe('transactions', () => {
    it('leaves nothing behind when a batch fails', async () => {
      await repos.mentors.create(mentor(0));
      const failure = repos.transaction(async (inner) => {
        const written = await inner.mentors.upsertMany([mentor(1), mentor(2), mentor(0, { name: 'Changed' })]);
        await inner.embeddings.upsertMany(
          'model-a',
          written.map((r) => embedding(r.rowId, 'h')),
        );
        // A repository that opens its own transaction joins this one.
        await record(inner.requests, 'question', {}, null, [
          { mentorRowId: written[0]!.rowId, rank: 1, score: 0.5, breakdown: {} },
        ]);
        throw new Error('embedding failed');
      });
      await expect(failure).rejects.toThrow('embedding failed');
      expect(await repos.mentors.count()).toBe(1);
      expect((await repos.mentors.getByExternalId(mentor(0).externalId))!.name).toBe('Mentor 0');
      expect((await repos.embeddings.checksum('model-a')).count).toBe(0);
      expect(await repos.requests.recentRequests(10)).toEqual([]);
    });

    it('rolls back when a statement inside fails, and the database stays usable', async () => {
      const failure = withTransaction(handle.db, async (trx) => {
        await createRepositories(trx, handle.textCipher).mentors.create(mentor(1));
        await sql`select 1 / 0`.execute(trx);
      });
      await expect(failure).rejects.toThrow(/division by zero/);
      expect(await repos.mentors.count()).toBe(0);
      await repos.mentors.create(mentor(1));
      expect(await repos.mentors.count()).toBe(1);
    });

    it('reports a commit the database answered with a rollback, when a failed statement was caught inside', async () => {
      // Postgres aborts the transaction at the failed statement and answers the COMMIT with ROLLBACK, no error:
      // a driver that reported success would hide the lost write.
      const outcome = withTransaction(handle.db, async (trx) => {
        await createRepositories(trx, handle.textCipher).mentors.create(mentor(1));
        await sql`select 1 / 0`.execute(trx).catch(() => {});
      });
      await expect(outcome).rejects.toBeInstanceOf(AbortedTransactionError);
      expect(await repos.mentors.count()).toBe(0);
    });

    it('commits concurrent transactions without mixing them up', async () => {
      const batches = Array.from({ length: 5 }, (_, b) => Array.from({ length: 20 }, (_, i) => mentor(b * 100 + i)));
      const outcomes = await Promise.allSettled(
        batches.map((batch, b) =>
          repos.transaction(async (inner) => {
            await inner.mentors.upsertMany(batch);
            if (b === 2) throw new Error('batch 2 fails');
          }),
        ),
      );
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect(await repos.mentors.count()).toBe(80);
      expect((await repos.mentors.list({ q: 'Mentor 20' })).total).toBe(0);
    });
  });

  describe('weight configurations', () => {
    const weights = { semantic: 0.7, skills: 0.3 };

    it('goes from draft to active to rollback, with one active version and a full audit trail', async () => {
      const v1 = await repos.weightConfigs.createDraft(
        { name: 'baseline', weights, rules: { minScore: 0.2 } },
        'alice',
      );
      expect(v1).toMatchObject({
        status: 'draft',
        weights,
        rules: { minScore: 0.2 },
        basedOn: null,
        createdBy: 'alice',
      });
      expect(await repos.weightConfigs.getActive()).toBeNull();

      const edited = await repos.weightConfigs.updateDraft(v1.version, { weights: { semantic: 1 } }, 'bob');
      expect(edited).toMatchObject({ weights: { semantic: 1 }, name: 'baseline', updatedBy: 'bob', status: 'draft' });

      const active1 = await repos.weightConfigs.activate(v1.version, 'alice');
      expect(active1).toMatchObject({ status: 'active', activatedBy: 'alice' });
      expect(active1.activatedAt).toBeInstanceOf(Date);
      expect((await repos.weightConfigs.activate(v1.version, 'alice')).status).toBe('active');

      await expect(repos.weightConfigs.updateDraft(v1.version, { name: 'x' }, 'bob')).rejects.toMatchObject({
        code: 'CONFIG_NOT_DRAFT',
      });

      const v2 = await repos.weightConfigs.createDraft(
        { name: 'tuned', weights, rules: {}, basedOn: v1.version },
        'bob',
      );
      expect(v2.basedOn).toBe(v1.version);
      await repos.weightConfigs.activate(v2.version, 'bob');
      expect((await repos.weightConfigs.get(v1.version))!.status).toBe('archived');
      expect((await repos.weightConfigs.getActive())!.version).toBe(v2.version);
      await expect(repos.weightConfigs.activate(v1.version, 'bob')).rejects.toMatchObject({ code: 'CONFIG_NOT_DRAFT' });

      const v3 = await repos.weightConfigs.rollback(v1.version, 'carol');
      expect(v3).toMatchObject({
        status: 'active',
        name: 'baseline',
        weights: { semantic: 1 },
        basedOn: v1.version,
        activatedBy: 'carol',
      });
      expect(v3.version).toBeGreaterThan(v2.version);
      expect((await repos.weightConfigs.get(v1.version))!.status).toBe('archived');
      expect((await repos.weightConfigs.get(v2.version))!.status).toBe('archived');

      const history = await repos.weightConfigs.list();
      expect(history.map((c) => [c.version, c.status])).toEqual([
        [v3.version, 'active'],
        [v2.version, 'archived'],
        [v1.version, 'archived'],
      ]);
      const actions = (version: number) =>
        history.find((c) => c.version === version)!.events.map((e) => `${e.action}:${e.actor}`);
      expect(actions(v1.version)).toEqual(['created:alice', 'edited:bob', 'activated:alice', 'archived:bob']);
      expect(actions(v2.version)).toEqual(['created:bob', 'activated:bob', 'archived:carol']);
      expect(actions(v3.version)).toEqual(['created:carol', 'rolled_back:carol', 'activated:carol']);
      expect(history[0]!.events[1]!.detail).toEqual({ toVersion: v1.version, from: v2.version });
      expect(await repos.weightConfigs.events(v3.version)).toEqual(history[0]!.events);
    });

    it('keeps a single active version when activations race', async () => {
      const drafts = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          repos.weightConfigs.createDraft({ name: `c${i}`, weights, rules: {} }, 'x'),
        ),
      );
      await Promise.all(drafts.map((d) => repos.weightConfigs.activate(d.version, 'x')));
      const statuses = (await repos.weightConfigs.list()).map((c) => c.status);
      expect(statuses.filter((s) => s === 'active')).toHaveLength(1);
      expect(statuses.filter((s) => s === 'archived')).toHaveLength(3);
    });

    it('reports unknown versions', async () => {
      await expect(repos.weightConfigs.activate(99, 'x')).rejects.toMatchObject({ code: 'CONFIG_NOT_FOUND' });
      await expect(repos.weightConfigs.rollback(99, 'x')).rejects.toMatchObject({ code: 'CONFIG_NOT_FOUND' });
      await expect(repos.weightConfigs.updateDraft(99, {}, 'x')).rejects.toMatchObject({ code: 'CONFIG_NOT_FOUND' });
      await expect(
        repos.weightConfigs.createDraft({ name: 'n', weights, rules: {}, basedOn: 99 }, 'x'),
      ).rejects.toMatchObject({
        code: 'CONFIG_NOT_FOUND',
      });
      expect(await repos.weightConfigs.get(99)).toBeNull();
      expect(await repos.weightConfigs.list()).toEqual([]);
    });
  });

  describe('requests', () => {
    it('records requests with their matches and lists the latest first', async () => {
      const ids = (await repos.mentors.upsertMany([mentor(1), mentor(2), mentor(3)])).map((r) => r.rowId);
      const config = await repos.weightConfigs.createDraft({ name: 'c', weights: {}, rules: {} }, 'x');
      const newUser = (email: string) =>
        repos.users.create({ email, name: email, timeZone: 'UTC', passwordHash: null, roles: ['mentee'] });
      const mentee = await newUser(`asker-${Date.now()}@test.local`);
      const other = await newUser(`other-${Date.now()}@test.local`);
      const first = await record(
        repos.requests,
        'How do I negotiate salary?',
        { languages: ['en'] },
        config.version,
        [
          { mentorRowId: ids[1]!, rank: 1, score: 0.91, breakdown: { semantic: 0.91 } },
          { mentorRowId: ids[0]!, rank: 2, score: 0.5, breakdown: { semantic: 0.5, passages: [[0, 10]] } },
        ],
        mentee.id,
      );
      const second = await record(repos.requests, 'Second question', {}, null, []);
      expect(second).toBeGreaterThan(first);

      const recent = await repos.requests.recentRequests(10);
      expect(recent.map((r) => r.id)).toEqual([second, first]);
      expect(recent[1]).toMatchObject({
        text: 'How do I negotiate salary?',
        filters: { languages: ['en'] },
        configVersion: config.version,
        matches: [
          { mentorRowId: ids[1], rank: 1, score: 0.91, breakdown: { semantic: 0.91 } },
          { mentorRowId: ids[0], rank: 2, score: 0.5, breakdown: { semantic: 0.5, passages: [[0, 10]] } },
        ],
      });
      expect(recent[1]!.createdAt).toBeInstanceOf(Date);
      expect(recent[0]!.matches).toEqual([]);
      expect(await repos.requests.recentRequests(1)).toHaveLength(1);

      const sessionRequest = (requestId: number | null, mentorRowId: number, note: string | null, userId: number) =>
        repos.sessionRequests.insert({
          requestId,
          mentorRowId,
          note,
          userId,
          lengthMinutes: null,
          slotStart: null,
          menteeTimeZone: null,
          createdAt: new Date(),
          expiresAt: new Date(Date.now() + 3_600_000),
        });
      const session = await sessionRequest(first, ids[1]!, 'Tuesday works', mentee.id);
      const anonymous = await sessionRequest(null, ids[2]!, null, mentee.id);
      expect(anonymous).toBeGreaterThan(session);
      // Another person's question, or one asked anonymously, cannot be sent: it reads as a question that is not there.
      for (const [requestId, userId] of [
        [first, other.id],
        [second, mentee.id],
      ] as const) {
        await expect(sessionRequest(requestId, ids[0]!, null, userId)).rejects.toMatchObject({
          code: 'REQUEST_NOT_FOUND',
        });
      }
      // One open request per mentee and mentor (the partial unique index).
      await expect(sessionRequest(null, ids[1]!, null, mentee.id)).rejects.toMatchObject({
        code: 'OPEN_REQUEST_EXISTS',
      });
      const stored = await handle.db.selectFrom('session_requests').selectAll().orderBy('id').execute();
      const open = (note: string | null) => (note === null ? null : handle.textCipher.open(note));
      expect(stored.map((s) => [s.request_id, s.mentor_id, open(s.note), s.user_id])).toEqual([
        [first, ids[1], 'Tuesday works', mentee.id],
        [null, ids[2], null, mentee.id],
      ]);
    });

    it('erases the question texts and request notes written before a cutoff, keeps what was served and asked for, and lists only kept questions', async () => {
      const ids = (await repos.mentors.upsertMany([mentor(1)])).map((r) => r.rowId);
      const [old, recent] = await repos.requests.reserveRequestIds(2);
      const day = (d: number) => new Date(Date.UTC(2026, 0, d));
      await repos.requests.recordMenteeRequests([
        {
          id: old!,
          text: 'My manager ignores me',
          filters: {},
          configVersion: null,
          createdAt: day(1),
          matches: [{ mentorRowId: ids[0]!, rank: 1, score: 0.5, breakdown: {} }],
        },
        { id: recent!, text: 'Moving into product', filters: {}, configVersion: null, createdAt: day(20), matches: [] },
      ]);
      await handle.db
        .insertInto('session_requests')
        .values([
          { request_id: old!, mentor_id: ids[0]!, note: 'I feel stuck', created_at: day(2), expires_at: day(5) },
          { request_id: recent!, mentor_id: ids[0]!, note: 'Any evening', created_at: day(21), expires_at: day(24) },
          { request_id: null, mentor_id: ids[0]!, note: null, created_at: day(3), expires_at: day(6) },
        ])
        .execute();
      // One question text and one note.
      expect(await repos.requests.eraseTextsBefore(day(10))).toBe(2);
      expect(await repos.requests.eraseTextsBefore(day(10))).toBe(0);
      const stored = await handle.db.selectFrom('mentee_requests').select(['id', 'text']).orderBy('id').execute();
      expect(stored.map((r) => ({ ...r, text: handle.textCipher.open(r.text) }))).toEqual([
        { id: old, text: '' },
        { id: recent, text: 'Moving into product' },
      ]);
      const notes = await handle.db
        .selectFrom('session_requests')
        .select(['request_id', 'note'])
        .orderBy('id')
        .execute();
      expect(notes).toEqual([
        { request_id: old, note: null },
        { request_id: recent, note: 'Any evening' },
        { request_id: null, note: null },
      ]);
      expect((await repos.requests.exposureCounts(day(1))).counts.get(ids[0]!)).toBe(1);
      expect((await repos.requests.recentRequests(10)).map((r) => r.id)).toEqual([recent]);
    });

    it('keeps the keys inside JSON values as written, while column names are renamed', async () => {
      const [mentorRowId] = (await repos.mentors.upsertMany([mentor(1)])).map((r) => r.rowId);
      const breakdown = { snake_case: 1, nested: { deeper_key: [{ in_array: true }] }, camelCase: 2 };
      await record(repos.requests, 'question', { min_years: 3 }, null, [
        { mentorRowId: mentorRowId!, rank: 1, score: 1, breakdown },
      ]);
      const [recent] = await repos.requests.recentRequests(1);
      expect(recent!.filters).toEqual({ min_years: 3 });
      expect(recent!.matches[0]!.breakdown).toEqual(breakdown);
      const config = await repos.weightConfigs.createDraft(
        { name: 'keys', weights: { skill_overlap: 1 }, rules: { max_results: 5 } },
        'alice',
      );
      expect(await repos.weightConfigs.get(config.version)).toMatchObject({
        weights: { skill_overlap: 1 },
        rules: { max_results: 5 },
      });
    });

    it('records exact scores and breakdowns with quotes, backslashes and non-ASCII text', async () => {
      const ids = (await repos.mentors.upsertMany([mentor(1), mentor(2)])).map((r) => r.rowId);
      const breakdown = { factors: [{ name: 'say "hi" \\ {x,y} é', value: 1 / 3 }], note: null };
      const id = await record(repos.requests, 'Qu\'est-ce "que" \\ c\'est ?', { exclude: ['a,b', '{c}'] }, null, [
        { mentorRowId: ids[0]!, rank: 1, score: 0.1 + 0.2, breakdown },
        { mentorRowId: ids[1]!, rank: 2, score: Number.MIN_VALUE, breakdown: {} },
      ]);
      const [recent] = await repos.requests.recentRequests(1);
      expect(recent).toMatchObject({ id, text: 'Qu\'est-ce "que" \\ c\'est ?', filters: { exclude: ['a,b', '{c}'] } });
      expect(recent!.matches).toEqual([
        { mentorRowId: ids[0], rank: 1, score: 0.1 + 0.2, breakdown },
        { mentorRowId: ids[1], rank: 2, score: Number.MIN_VALUE, breakdown: {} },
      ]);
    });

    it('stores a batch of requests with reserved ids in one call, each with its own matches and time', async () => {
      const ids = (await repos.mentors.upsertMany([mentor(1), mentor(2)])).map((r) => r.rowId);
      const reserved = [...(await repos.requests.reserveRequestIds(3)), ...(await repos.requests.reserveRequestIds(2))];
      expect(new Set(reserved).size).toBe(5);
      const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));
      // Stored out of order and with two ids never used: reserved ids only have to be unique.
      await repos.requests.recordMenteeRequests([
        {
          id: reserved[3]!,
          text: 'later',
          filters: { k: 3 },
          configVersion: null,
          createdAt: at(2),
          matches: [{ mentorRowId: ids[1]!, rank: 1, score: 0.7, breakdown: { b: 1 } }],
        },
        { id: reserved[0]!, text: 'earlier', filters: {}, configVersion: null, createdAt: at(1), matches: [] },
        {
          id: reserved[1]!,
          text: 'latest',
          filters: {},
          configVersion: null,
          createdAt: at(3),
          matches: [
            { mentorRowId: ids[0]!, rank: 1, score: 0.9, breakdown: {} },
            { mentorRowId: ids[1]!, rank: 2, score: 0.8, breakdown: { a: [1] } },
          ],
        },
      ]);
      const recent = await repos.requests.recentRequests(10);
      expect(
        recent.map((r) => [
          r.id,
          r.text,
          r.createdAt.toISOString(),
          r.matches.map((m) => [m.mentorRowId, m.rank, m.breakdown]),
        ]),
      ).toEqual([
        [
          reserved[1],
          'latest',
          at(3).toISOString(),
          [
            [ids[0], 1, {}],
            [ids[1], 2, { a: [1] }],
          ],
        ],
        [reserved[3], 'later', at(2).toISOString(), [[ids[1], 1, { b: 1 }]]],
        [reserved[0], 'earlier', at(1).toISOString(), []],
      ]);
      // A batch that breaks a constraint stores nothing of itself.
      await expect(
        repos.requests.recordMenteeRequests([
          { id: reserved[4]!, text: 'fine', filters: {}, configVersion: null, createdAt: at(4), matches: [] },
          { id: reserved[0]!, text: 'duplicate id', filters: {}, configVersion: null, createdAt: at(5), matches: [] },
        ]),
      ).rejects.toThrow();
      expect(await repos.requests.recentRequests(10)).toHaveLength(3);
    });

    it('counts how often each mentor was served within a window', async () => {
      const ids = (await repos.mentors.upsertMany([mentor(1), mentor(2), mentor(3)])).map((r) => r.rowId);
      const serve = (mentorIds: number[]) =>
        record(
          repos.requests,
          'q',
          {},
          null,
          mentorIds.map((mentorRowId, i) => ({ mentorRowId, rank: i + 1, score: 1 - i / 10, breakdown: {} })),
        );
      const old = await serve([ids[0]!, ids[1]!]);
      await serve([ids[0]!, ids[2]!]);
      await serve([ids[0]!]);
      await serve([]);
      await handle.db
        .updateTable('mentee_requests')
        .set({ created_at: new Date('2020-01-01T00:00:00Z') })
        .where('id', '=', old)
        .execute();

      const recent = await repos.requests.exposureCounts(new Date('2021-01-01T00:00:00Z'));
      expect(recent.totalRequests).toBe(3);
      expect(recent.counts).toEqual(
        new Map([
          [ids[2]!, 1],
          [ids[0]!, 2],
        ]),
      );

      const all = await repos.requests.exposureCounts(new Date('2019-01-01T00:00:00Z'));
      expect(all.totalRequests).toBe(4);
      expect(all.counts.get(ids[0]!)).toBe(3);
      expect(all.counts.get(ids[1]!)).toBe(1);

      expect(await repos.requests.exposureCounts(new Date(Date.now() + 60_000))).toEqual({
        counts: new Map(),
        totalRequests: 0,
      });
    });

    it('counts accepted sessions per mentor and month, never beyond capacity', async () => {
      const ids = (await repos.mentors.upsertMany([mentor(1), mentor(2)])).map((r) => r.rowId);
      const march = '2026-03-01';
      const capacity = 4; // mentor()'s capacityPerMonth
      const taken = [];
      for (let i = 0; i < capacity + 2; i++) taken.push(await repos.sessionRequests.takeCapacity(ids[0]!, march));
      expect(taken.filter(Boolean)).toHaveLength(capacity);
      expect(await repos.sessionRequests.takeCapacity(ids[1]!, '2026-04-01')).toBe(true);
      expect(await repos.requests.acceptedSessionsInMonth(new Date('2026-03-01T00:00:00Z'))).toEqual(
        new Map([[ids[0]!, capacity]]),
      );
      await repos.sessionRequests.releaseCapacity(ids[0]!, march);
      expect((await repos.requests.acceptedSessionsInMonth(new Date('2026-03-01T00:00:00Z'))).get(ids[0]!)).toBe(
        capacity - 1,
      );
    });
  });
});
