import { describe, expect, it } from 'vitest';
import type { MentorChange } from '../../src/db/mentor-change-repository.js';
import type { Mentor } from '../../src/domain/mentor.js';
import { IndexFollower } from '../../src/services/index-follower.js';

const log = { info: () => undefined, warn: () => undefined };
const t0 = new Date('2026-11-26T12:00:00Z').getTime();

/** A change log and mentor store in memory; `failReads` makes the next mentor reads throw. */
function fakeDatabase() {
  const state = { now: t0, log: [] as MentorChange[], failReads: 0, reads: [] as number[][], pruned: [] as Date[] };
  const repositories = {
    mentorChanges: {
      now: async () => new Date(state.now),
      since: async (after: Date) => state.log.filter((c) => c.changedAt.getTime() > after.getTime()),
      prune: async (before: Date) => {
        state.pruned.push(before);
        return 0;
      },
    },
    mentors: {
      getByRowIds: async (ids: readonly number[]) => {
        if (state.failReads > 0) {
          state.failReads--;
          throw new Error('connection reset');
        }
        state.reads.push([...ids]);
        return new Map(ids.map((id) => [id, { rowId: id } as Mentor]));
      },
    },
    embeddings: { getForMentors: async () => [] },
  };
  const applied: number[][] = [];
  const search = {
    applyFromDatabase: (ids: readonly number[]) => {
      applied.push([...ids]);
      return ids.length;
    },
  };
  const change = (seq: number, mentorId: number, atMs: number) =>
    state.log.push({ seq, mentorId, changedAt: new Date(t0 + atMs) });
  return {
    state,
    repositories: repositories as unknown as ConstructorParameters<typeof IndexFollower>[0],
    search,
    applied,
    change,
  };
}

describe('IndexFollower', () => {
  it('applies each logged change once, also one committed late with an earlier stamp', async () => {
    const db = fakeDatabase();
    const follower = new IndexFollower(db.repositories, db.search, 'm', log, 2000, true);
    await follower.begin();
    db.change(1, 10, 1000);
    db.state.now = t0 + 2000;
    expect(await follower.poll()).toBe(1);
    // Seq 2 was stamped before seq 1's poll but committed after it.
    db.change(2, 11, 500);
    db.state.now = t0 + 4000;
    expect(await follower.poll()).toBe(1);
    db.state.now = t0 + 6000;
    expect(await follower.poll()).toBe(0);
    expect(db.applied).toEqual([[10], [11]]);
  });

  it('reads again what a failed poll read from the log', async () => {
    const db = fakeDatabase();
    const follower = new IndexFollower(db.repositories, db.search, 'm', log, 2000, true);
    await follower.begin();
    db.change(1, 10, 1000);
    db.state.now = t0 + 2000;
    db.state.failReads = 1;
    await expect(follower.poll()).rejects.toThrow('connection reset');
    db.state.now = t0 + 4000;
    expect(await follower.poll()).toBe(1);
    expect(db.applied).toEqual([[10]]);
  });

  it('reads a large batch of changes 1,000 mentors at a time', async () => {
    const db = fakeDatabase();
    const follower = new IndexFollower(db.repositories, db.search, 'm', log, 2000, true);
    await follower.begin();
    for (let i = 0; i < 2500; i++) db.change(i + 1, i + 1, 1000);
    db.state.now = t0 + 2000;
    expect(await follower.poll()).toBe(2500);
    expect(db.state.reads.map((r) => r.length)).toEqual([1000, 1000, 500]);
  });

  it('where nobody else writes, only keeps the log short', async () => {
    const db = fakeDatabase();
    const follower = new IndexFollower(db.repositories, db.search, 'm', log, 600_000, false);
    await follower.begin();
    db.change(1, 10, 1000);
    db.state.now = t0 + 2000;
    expect(await follower.poll()).toBe(0);
    expect(db.state.reads).toEqual([]);
    expect(db.state.pruned.map((d) => d.getTime())).toEqual([t0 + 2000 - 10 * 60_000]);
  });
});
