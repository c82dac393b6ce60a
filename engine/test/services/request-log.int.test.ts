import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { RequestRepository, type NewMenteeRequest } from '../../src/db/request-repository.js';
import { RequestLog } from '../../src/services/request-log.js';
import { emptyDatabase, pgliteBackend } from '../db/backends.js';

const backend = pgliteBackend();
let handle: DatabaseHandle;
let repository: RequestRepository;
let mentorRowId: number;
let askerId: number;
beforeAll(async () => {
  handle = await backend.start();
});
afterAll(() => backend.stop());
beforeEach(async () => {
  await emptyDatabase(handle);
  repository = new RequestRepository(handle.db, handle.textCipher);
  const mentor = await handle.db
    .insertInto('mentors')
    .values({
      external_id: 'm-1',
      name: 'M',
      headline: 'h',
      bio: 'b',
      skills: [],
      languages: ['en'],
      timezone: 'UTC',
      location: null,
      years_experience: 1,
      capacity_per_month: 4,
      active: true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  mentorRowId = mentor.id;
  const asker = await handle.db
    .insertInto('users')
    .values({ email: `asker-${mentorRowId}@test.local`, name: 'Asker', time_zone: 'UTC' })
    .returning('id')
    .executeTakeFirstOrThrow();
  askerId = asker.id;
});

const request = (text: string, minute = 0) => ({
  text,
  filters: { k: 1 },
  configVersion: null,
  createdAt: new Date(Date.UTC(2026, 10, 26, 9, minute)),
  userId: askerId,
  matches: [{ mentorRowId, rank: 1, score: 0.5, breakdown: { text } }],
});
const stored = async () =>
  (await handle.db.selectFrom('mentee_requests').select(['id', 'text']).orderBy('id').execute()).map((r) => [
    Number(r.id),
    handle.textCipher.open(r.text),
  ]);

/** The real repository, with each write held until the test releases it and the texts of each write noted. */
function gatedRepository() {
  const writes: string[][] = [];
  const gates: Array<() => void> = [];
  const gated = Object.create(repository) as RequestRepository;
  gated.recordMenteeRequests = async (batch: readonly NewMenteeRequest[]) => {
    writes.push(batch.map((r) => r.text));
    await new Promise<void>((resolve) => gates.push(resolve));
    return repository.recordMenteeRequests(batch);
  };
  return { gated, writes, release: () => gates.shift()!() };
}

describe('RequestLog', () => {
  it('answers with an id at once, writes right after, and groups requests that arrive during a write', async () => {
    const { gated, writes, release } = gatedRepository();
    const log = new RequestLog(gated, { error: vi.fn() });
    const first = await log.record(request('first', 1));
    await vi.waitFor(() => expect(writes).toEqual([['first']]));
    // The first write is still running: these two wait for it and then share one statement.
    const second = await log.record(request('second', 2));
    const third = await log.record(request('third', 3));
    expect(new Set([first, second, third]).size).toBe(3);
    expect(await stored()).toEqual([]);
    release();
    await vi.waitFor(() => expect(writes).toEqual([['first'], ['second', 'third']]));
    release();
    await log.flush();
    expect(await stored()).toEqual([
      [first, 'first'],
      [second, 'second'],
      [third, 'third'],
    ]);
  });

  it('writes the queue before reading requests back', async () => {
    const log = new RequestLog(repository, { error: vi.fn() });
    const first = await log.record(request('first', 1));
    const second = await log.record(request('second', 2));
    const recent = await log.recentRequests(10);
    expect(recent.map((r) => [r.id, r.text, r.matches[0]!.breakdown])).toEqual([
      [second, 'second', { text: 'second' }],
      [first, 'first', { text: 'first' }],
    ]);
  });

  it('counts queued shows when exposure is read', async () => {
    const log = new RequestLog(repository, { error: vi.fn() });
    await log.record(request('q1'));
    await log.record(request('q2'));
    const counts = await log.exposureCounts(new Date(Date.UTC(2026, 0, 1)));
    expect(counts).toEqual({ counts: new Map([[mentorRowId, 2]]), totalRequests: 2 });
  });

  it('keeps requests whose write failed and stores them with the next write, in order', async () => {
    let failures = 1;
    const flaky = Object.create(repository) as RequestRepository;
    flaky.recordMenteeRequests = async (batch) => {
      if (failures-- > 0) throw new Error('connection lost');
      return repository.recordMenteeRequests(batch);
    };
    const error = vi.fn();
    const log = new RequestLog(flaky, { error });
    const a = await log.record(request('a'));
    await vi.waitFor(() => expect(error).toHaveBeenCalledTimes(1));
    expect(error.mock.calls[0]![0]).toMatchObject({ queued: 1, dropped: 0 });
    expect(await stored()).toEqual([]);
    const b = await log.record(request('b'));
    await log.flush();
    expect(await stored()).toEqual([
      [a, 'a'],
      [b, 'b'],
    ]);
  });

  it('drops only a request the database refuses, writing the rest of its batch and every later request', async () => {
    const { gated, writes, release } = gatedRepository();
    const error = vi.fn();
    const log = new RequestLog(gated, { error });
    const first = await log.record(request('first', 1));
    await vi.waitFor(() => expect(writes).toHaveLength(1));
    // PostgreSQL text cannot hold U+0000: the statement with this request fails whatever is retried.
    const before = await log.record(request('before', 2));
    const bad = await log.record(request('bad\u0000', 3));
    const after = await log.record(request('after', 4));
    // From here on every write goes through as soon as it starts.
    let released = 0;
    const gates = setInterval(() => {
      for (; released < writes.length; released++) release();
    }, 1);
    await log.flush();
    const later = await log.record(request('later', 5));
    await log.flush();
    clearInterval(gates);
    expect(await stored()).toEqual([
      [first, 'first'],
      [before, 'before'],
      [after, 'after'],
      [later, 'later'],
    ]);
    expect(writes).toEqual([
      ['first'],
      ['before', 'bad\u0000', 'after'],
      ['before'],
      ['bad\u0000'],
      ['after'],
      ['later'],
    ]);
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]![0]).toMatchObject({ requestId: bad });
  });

  it('gives distinct ids across reservations and across logs sharing the database, and writes more than one statement holds', async () => {
    const one = new RequestLog(repository, { error: vi.fn() });
    const two = new RequestLog(repository, { error: vi.fn() });
    const ids = await Promise.all(Array.from({ length: 150 }, (_, i) => (i % 2 ? one : two).record(request(`r${i}`))));
    expect(new Set(ids).size).toBe(150);
    await Promise.all([one.flush(), two.flush()]);
    expect(await stored()).toHaveLength(150);
  });
});
