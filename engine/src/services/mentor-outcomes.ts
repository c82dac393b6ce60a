import type { FastifyBaseLogger } from 'fastify';
import type { MentorOutcomeRepository } from '../db/mentor-outcome-repository.js';
import {
  type MentorOutcomeStats,
  NEUTRAL_OUTCOME_PRIORS,
  type OutcomePriors,
  outcomePriors,
} from '../matching/signals.js';

export interface OutcomeSnapshot {
  /** By mentor row id; a mentor missing has no record. */
  byMentor: ReadonlyMap<number, MentorOutcomeStats>;
  priors: OutcomePriors;
}

const EMPTY: OutcomeSnapshot = { byMentor: new Map(), priors: NEUTRAL_OUTCOME_PRIORS };

/**
 * Every mentor's record of answers and ratings, held in memory for the ranker: the aggregate over every session
 * request took 230 ms at 50,000 requests on PGlite, which no question should wait for. The first read is
 * awaited; then a snapshot older than `refreshMs` is served while one full read runs in the background
 * (requests expire, and other engines write sessions without telling this one). A change this engine makes
 * (an answer, a rating) calls `invalidate(mentor)`, and the next question waits for that mentor's record alone
 * to be read again. When the database cannot be read, questions are still answered, with the records held, or
 * with every mentor at the neutral prior.
 */
export class MentorOutcomes {
  private snapshot: OutcomeSnapshot | null = null;
  private loadedAt = 0;
  /** Mentors whose records changed since they were read. */
  private readonly stale = new Set<number>();
  /** Reads run one after another, so that an older result never replaces a newer one. */
  private queue: Promise<void> = Promise.resolve();
  private first: Promise<void> | null = null;
  private queuedUpdate: Promise<void> | null = null;
  private lastUpdate: Promise<void> | null = null;
  private refreshing = false;

  constructor(
    private readonly repo: Pick<MentorOutcomeRepository, 'statsByMentor'>,
    private readonly log: Pick<FastifyBaseLogger, 'warn'>,
    private readonly refreshMs = 60_000,
  ) {}

  async current(now = new Date()): Promise<OutcomeSnapshot> {
    if (!this.snapshot) {
      this.first ??= this.enqueue(() => this.readAll(now));
      await this.first;
    }
    // Marked mentors not yet taken by a read: one read is queued for them, which takes every mark made until it
    // starts; a question waits for the newest such read.
    if (this.stale.size > 0 && this.queuedUpdate === null) {
      const update = this.enqueue(() => {
        this.queuedUpdate = null;
        return this.readStale(now);
      });
      this.queuedUpdate = update;
      this.lastUpdate = update;
    }
    const update = this.lastUpdate;
    if (update !== null) {
      await update;
      if (this.lastUpdate === update) this.lastUpdate = null;
    } else if (Date.now() - this.loadedAt > this.refreshMs && !this.refreshing) {
      this.refreshing = true;
      void this.enqueue(() => this.readAll(now)).finally(() => {
        this.refreshing = false;
      });
    }
    return this.snapshot ?? EMPTY;
  }

  /** The next question reads this mentor's record afresh. */
  invalidate(mentorRowId: number): void {
    this.stale.add(mentorRowId);
  }

  private enqueue(read: () => Promise<void>): Promise<void> {
    const done = this.queue.then(read);
    this.queue = done.catch(() => {});
    return done;
  }

  private async readAll(now: Date): Promise<void> {
    try {
      const byMentor = await this.repo.statsByMentor(now);
      this.snapshot = { byMentor, priors: outcomePriors(byMentor.values()) };
    } catch (err) {
      this.log.warn({ err }, 'mentor outcomes could not be read; ranking with the previous ones');
      this.snapshot ??= EMPTY;
    } finally {
      // A failed read is retried after another interval, not on every question while the database is away.
      this.loadedAt = Date.now();
    }
  }

  private async readStale(now: Date): Promise<void> {
    const ids = [...this.stale];
    this.stale.clear();
    try {
      const fresh = await this.repo.statsByMentor(now, ids);
      const byMentor = new Map(this.snapshot?.byMentor);
      for (const id of ids) {
        const stats = fresh.get(id);
        if (stats) byMentor.set(id, stats);
        else byMentor.delete(id);
      }
      this.snapshot = { byMentor, priors: outcomePriors(byMentor.values()) };
    } catch (err) {
      // The next full read brings them.
      this.log.warn({ err }, 'mentor outcomes could not be read; ranking with the previous ones');
    }
  }
}
