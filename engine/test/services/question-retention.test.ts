import { describe, expect, it } from 'vitest';
import { QuestionRetention } from '../../src/services/question-retention.js';

const log = { info: () => undefined, warn: () => undefined };

function repository() {
  const cutoffs: Date[] = [];
  const eraseTextsBefore = async (cutoff: Date) => {
    cutoffs.push(cutoff);
    return 3;
  };
  return { cutoffs, repo: { eraseTextsBefore } };
}

describe('QuestionRetention', () => {
  it('erases what is older than the retention, counted from now', async () => {
    const { cutoffs, repo } = repository();
    const retention = new QuestionRetention(repo, 30, log);
    expect(await retention.eraseExpired(new Date('2026-03-31T12:00:00Z'))).toBe(3);
    expect(cutoffs.map((c) => c.toISOString())).toEqual(['2026-03-01T12:00:00.000Z']);
  });

  it('erases once at start, and with 0 days never', async () => {
    const kept = repository();
    const never = new QuestionRetention(kept.repo, 0, log);
    never.start();
    expect(await never.eraseExpired()).toBe(0);
    await never.close();
    expect(kept.cutoffs).toEqual([]);

    const erased = repository();
    const retention = new QuestionRetention(erased.repo, 7, log);
    retention.start();
    await retention.close();
    expect(erased.cutoffs).toHaveLength(1);
    expect(Date.now() - erased.cutoffs[0]!.getTime()).toBeGreaterThanOrEqual(7 * 24 * 3600 * 1000);
  });

  it('a failed erase is logged and does not reject', async () => {
    const warnings: unknown[] = [];
    const retention = new QuestionRetention({ eraseTextsBefore: () => Promise.reject(new Error('database gone')) }, 7, {
      info: () => undefined,
      warn: (o: unknown) => void warnings.push(o),
    });
    retention.start();
    await retention.close();
    expect(warnings).toHaveLength(1);
  });
});
