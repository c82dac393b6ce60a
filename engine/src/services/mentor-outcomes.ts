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
 * Every mentor's record of answers and ratings, held in memory for the ranker: the aggregate reads every
 * session request, which no question should pay for. The first read is awaited; then a snapshot older than
 * `refreshMs` is served while one refresh runs in the background (requests expire and other engines write
 * sessions without telling this one). A change this engine makes that the ranker should see at once (a rating,
 * an answer) calls `invalidate()`, and the next question waits for a fresh read. When the database cannot be
 * read, questions are still answered, with every mentor at the programme's neutral prior.
 */
export class MentorOutcomes {
  private snapshot: OutcomeSnapshot | null = null;
  private loadedAt = 0;
  /** Raised by invalidate(); a snapshot read since the last raise is fresh. */
  private wanted = 0;
  private loadedGeneration = -1;
  private reading: { generation: number; done: Promise<void> } | null = null;

  constructor(
    private readonly repo: Pick<MentorOutcomeRepository, 'statsByMentor'>,
    private readonly log: Pick<FastifyBaseLogger, 'warn'>,
    private readonly refreshMs = 60_000,
  ) {}

  async current(now = new Date()): Promise<OutcomeSnapshot> {
    if (!this.snapshot || this.loadedGeneration < this.wanted) await this.read(now);
    else if (Date.now() - this.loadedAt > this.refreshMs) void this.read(now);
    return this.snapshot ?? EMPTY;
  }

  /** The next question reads the records afresh. */
  invalidate(): void {
    this.wanted++;
  }

  /** One read at a time; a caller that needs a newer generation than the one in flight starts another after it. */
  private read(now: Date): Promise<void> {
    const generation = this.wanted;
    if (this.reading && this.reading.generation >= generation) return this.reading.done;
    const previous = this.reading?.done ?? Promise.resolve();
    const done = previous
      .then(() => this.repo.statsByMentor(now))
      .then(
        (byMentor) => {
          this.snapshot = { byMentor, priors: outcomePriors(byMentor.values()) };
          this.loadedGeneration = generation;
        },
        (err: unknown) => {
          this.log.warn({ err }, 'mentor outcomes could not be read; ranking with the previous ones');
          this.snapshot ??= EMPTY;
          // Retry after another interval, not on every question while the database is away.
          this.loadedGeneration = generation;
        },
      )
      .finally(() => {
        this.loadedAt = Date.now();
        if (this.reading?.done === done) this.reading = null;
      });
    this.reading = { generation, done };
    return done;
  }
}
