import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RequestRepository } from '../../src/db/request-repository.js';
import { ExposureTracker } from '../../src/services/exposure-tracker.js';

/** A repository whose counts the test sets, answering each read when the test resolves it. */
function fakeRepository() {
  let shown = new Map<number, number>();
  const pending: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  const reads = { count: 0 };
  const repository = {
    exposureCounts: () => {
      reads.count++;
      const counts = new Map(shown);
      return new Promise((resolve, reject) =>
        pending.push({ resolve: () => resolve({ counts, requests: 0 }), reject }),
      );
    },
    acceptedSessionsInMonth: () => Promise.resolve(new Map<number, number>()),
  } as unknown as RequestRepository;
  return {
    repository,
    reads,
    setShown: (m: Map<number, number>) => (shown = m),
    answer: () => pending.shift()!.resolve(),
    fail: () => pending.shift()!.reject(new Error('database gone')),
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('ExposureTracker', () => {
  afterEach(() => vi.useRealTimers());

  it('awaits the first read, then serves the snapshot while one refresh runs in the background', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const db = fakeRepository();
    const warn = vi.fn();
    const tracker = new ExposureTracker(db.repository, { warn });
    db.setShown(new Map([[1, 2]]));
    const first = tracker.current(30);
    await flush();
    db.answer();
    expect((await first).shown.get(1)).toBe(2);
    tracker.recordShown([1, 3]);
    expect((await tracker.current(30)).totalShown).toBe(4);
    expect(db.reads.count).toBe(1);

    // Stale: answered at once from memory, one refresh started however many requests arrive.
    vi.setSystemTime(Date.now() + 61_000);
    db.setShown(new Map([[1, 7]]));
    expect((await tracker.current(30)).shown.get(1)).toBe(3);
    expect((await tracker.current(30)).shown.get(1)).toBe(3);
    expect(db.reads.count).toBe(2);
    db.answer();
    await flush();
    expect((await tracker.current(30)).shown.get(1)).toBe(7);
    expect(db.reads.count).toBe(2);

    // A failed refresh is logged, keeps the counts, and is retried after another interval.
    vi.setSystemTime(Date.now() + 61_000);
    await tracker.current(30);
    db.fail();
    await flush();
    expect(warn).toHaveBeenCalledTimes(1);
    expect((await tracker.current(30)).shown.get(1)).toBe(7);
    expect(db.reads.count).toBe(3);
    vi.setSystemTime(Date.now() + 61_000);
    await tracker.current(30);
    expect(db.reads.count).toBe(4);
  });

  it('lets requests that arrive before the first read ends share it, and retries a first read that failed', async () => {
    const db = fakeRepository();
    const tracker = new ExposureTracker(db.repository, { warn: vi.fn() });
    const warm = tracker.current(30);
    const asked = tracker.current(30);
    await flush();
    db.fail();
    await expect(warm).rejects.toThrow(/database gone/);
    await expect(asked).rejects.toThrow(/database gone/);
    expect(db.reads.count).toBe(1);

    db.setShown(new Map([[4, 3]]));
    const retried = [tracker.current(30), tracker.current(30), tracker.current(30)];
    await flush();
    db.answer();
    for (const snapshot of await Promise.all(retried)) expect(snapshot.shown.get(4)).toBe(3);
    expect(db.reads.count).toBe(2);
  });

  it('awaits a fresh read for another window', async () => {
    const db = fakeRepository();
    const tracker = new ExposureTracker(db.repository, { warn: vi.fn() });
    const first = tracker.current(30);
    await flush();
    db.answer();
    await first;
    db.setShown(new Map([[5, 1]]));
    const other = tracker.current(7);
    await flush();
    db.answer();
    expect((await other).shown.get(5)).toBe(1);
  });

  it('refreshes only after its own interval (PGlite engines use 15 minutes)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const db = fakeRepository();
    const tracker = new ExposureTracker(db.repository, { warn: vi.fn() }, 15 * 60_000);
    const first = tracker.current(30);
    await flush();
    db.answer();
    await first;
    vi.setSystemTime(Date.now() + 14 * 60_000);
    await tracker.current(30);
    expect(db.reads.count).toBe(1);
    vi.setSystemTime(Date.now() + 2 * 60_000);
    await tracker.current(30);
    expect(db.reads.count).toBe(2);
  });
});
