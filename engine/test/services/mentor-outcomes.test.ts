import { describe, expect, it, vi } from 'vitest';
import { emptyOutcomeStats, type MentorOutcomeStats, NEUTRAL_OUTCOME_PRIORS } from '../../src/matching/signals.js';
import { MentorOutcomes } from '../../src/services/mentor-outcomes.js';

const rated = (meanHelpfulness: number): MentorOutcomeStats => ({
  ...emptyOutcomeStats(),
  ratings: 1,
  meanHelpfulness,
});

/** A repository answering from `records`, which a test changes between reads. */
function fakeRepo(records: Map<number, MentorOutcomeStats>) {
  return {
    statsByMentor: vi.fn(async (_now: Date, ids?: readonly number[]) =>
      ids === undefined ? new Map(records) : new Map([...records].filter(([id]) => ids.includes(id))),
    ),
  };
}

describe('MentorOutcomes', () => {
  it('reads everything once, then only the mentors invalidated', async () => {
    const records = new Map([
      [1, rated(5)],
      [2, rated(4)],
    ]);
    const repo = fakeRepo(records);
    const outcomes = new MentorOutcomes(repo, { warn: vi.fn() }, 60_000);
    const first = await outcomes.current();
    expect(first.byMentor.get(1)?.meanHelpfulness).toBe(5);
    expect(first.priors.meanHelpfulness).toBeGreaterThan(NEUTRAL_OUTCOME_PRIORS.meanHelpfulness);
    await outcomes.current();
    expect(repo.statsByMentor).toHaveBeenCalledTimes(1);

    records.set(1, rated(2));
    records.set(2, rated(1));
    records.set(3, rated(3));
    outcomes.invalidate(1);
    outcomes.invalidate(3);
    const next = await outcomes.current();
    expect(repo.statsByMentor).toHaveBeenLastCalledWith(expect.any(Date), [1, 3]);
    expect([1, 2, 3].map((id) => next.byMentor.get(id)?.meanHelpfulness)).toEqual([2, 4, 3]);
    expect(next.priors.meanHelpfulness).toBeLessThan(first.priors.meanHelpfulness);

    records.delete(3);
    outcomes.invalidate(3);
    expect((await outcomes.current()).byMentor.has(3)).toBe(false);
  });

  it('makes a question asked while a change is being read wait for it', async () => {
    const records = new Map([[1, rated(3)]]);
    const repo = fakeRepo(records);
    const outcomes = new MentorOutcomes(repo, { warn: vi.fn() });
    await outcomes.current();
    records.set(1, rated(5));
    outcomes.invalidate(1);
    const [a, b] = await Promise.all([outcomes.current(), outcomes.current()]);
    expect(a.byMentor.get(1)?.meanHelpfulness).toBe(5);
    expect(b.byMentor.get(1)?.meanHelpfulness).toBe(5);
    expect(repo.statsByMentor).toHaveBeenCalledTimes(2);
  });

  it('reads a mentor marked while another read runs once that one is done', async () => {
    const records = new Map([
      [1, rated(3)],
      [2, rated(3)],
    ]);
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const repo = fakeRepo(records);
    const outcomes = new MentorOutcomes(repo, { warn: vi.fn() });
    await outcomes.current();
    const slowRead = repo.statsByMentor.getMockImplementation()!;
    repo.statsByMentor.mockImplementationOnce(async (now, ids) => {
      await gate;
      return slowRead(now, ids);
    });
    records.set(1, rated(5));
    outcomes.invalidate(1);
    const first = outcomes.current();
    await Promise.resolve();
    await Promise.resolve();
    records.set(2, rated(1));
    outcomes.invalidate(2);
    const second = outcomes.current();
    release();
    await first;
    const after = await second;
    expect([1, 2].map((id) => after.byMentor.get(id)?.meanHelpfulness)).toEqual([5, 1]);
  });

  it('ranks with the neutral prior while the records cannot be read', async () => {
    const warn = vi.fn();
    const repo = { statsByMentor: vi.fn(async () => Promise.reject(new Error('database away'))) };
    const outcomes = new MentorOutcomes(repo, { warn });
    const snapshot = await outcomes.current();
    expect(snapshot.byMentor.size).toBe(0);
    expect(snapshot.priors).toEqual(NEUTRAL_OUTCOME_PRIORS);
    outcomes.invalidate(7);
    expect((await outcomes.current()).byMentor.size).toBe(0);
    expect(warn).toHaveBeenCalledTimes(2);
  });
});
