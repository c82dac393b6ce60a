import { describe, expect, it, vi } from 'vitest';
import type { MentorOutcomeStats } from '../../src/matching/signals.js';
import { NEUTRAL_OUTCOME_PRIORS } from '../../src/matching/signals.js';
import { MentorOutcomes } from '../../src/services/mentor-outcomes.js';

const rated = (meanHelpfulness: number): MentorOutcomeStats => ({
  decided: 1,
  answeredInTime: 1,
  answeredWithinDay: 1,
  medianHoursToAnswer: 1,
  ratings: 1,
  meanHelpfulness,
  rightPerson: { yes: 1, partly: 0, no: 0 },
});

function fakeRepo(reads: Array<Map<number, MentorOutcomeStats> | Error>) {
  return {
    statsByMentor: vi.fn(async () => {
      const next = reads.shift() ?? new Map();
      if (next instanceof Error) throw next;
      return next;
    }),
  };
}

describe('MentorOutcomes', () => {
  it('reads once, then serves from memory until invalidated', async () => {
    const repo = fakeRepo([new Map([[1, rated(5)]]), new Map([[1, rated(2)]])]);
    const outcomes = new MentorOutcomes(repo, { warn: vi.fn() }, 60_000);
    const first = await outcomes.current();
    expect(first.byMentor.get(1)?.meanHelpfulness).toBe(5);
    expect(first.priors.meanHelpfulness).toBeGreaterThan(NEUTRAL_OUTCOME_PRIORS.meanHelpfulness);
    await outcomes.current();
    expect(repo.statsByMentor).toHaveBeenCalledTimes(1);

    outcomes.invalidate();
    expect((await outcomes.current()).byMentor.get(1)?.meanHelpfulness).toBe(2);
    expect(repo.statsByMentor).toHaveBeenCalledTimes(2);
  });

  it('reads again for a change made while a read was running', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const reads = [new Map([[1, rated(3)]]), new Map([[1, rated(4)]])];
    const repo = {
      statsByMentor: vi.fn(async () => {
        if (repo.statsByMentor.mock.calls.length === 1) await gate;
        return reads.shift()!;
      }),
    };
    const outcomes = new MentorOutcomes(repo, { warn: vi.fn() });
    const slow = outcomes.current();
    outcomes.invalidate();
    const fresh = outcomes.current();
    release();
    await slow;
    expect((await fresh).byMentor.get(1)?.meanHelpfulness).toBe(4);
  });

  it('ranks with the neutral prior while the records cannot be read', async () => {
    const warn = vi.fn();
    const outcomes = new MentorOutcomes(fakeRepo([new Error('database away')]), { warn });
    const snapshot = await outcomes.current();
    expect(snapshot.byMentor.size).toBe(0);
    expect(snapshot.priors).toEqual(NEUTRAL_OUTCOME_PRIORS);
    expect(warn).toHaveBeenCalledOnce();
  });
});
