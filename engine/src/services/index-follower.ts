import type { FastifyBaseLogger } from 'fastify';
import type { Repositories } from '../db/repositories.js';
import type { SearchIndex } from './search-index.js';

/**
 * A change is stamped with its transaction's start and becomes visible at commit, so a write committing after a
 * read can carry an earlier stamp: each read looks this far back again, and skips the changes it has seen. A
 * transaction open longer than this is missed by the other engines until the mentor changes again (the engine's
 * own write transactions hold one batch of at most 64 mentors).
 */
const OVERLAP_MS = 30_000;
/** The log keeps this much: far more than any engine's poll interval plus the overlap. */
const KEEP_MS = 10 * 60_000;
const PRUNE_EVERY_MS = 60_000;
/** Mentors read per query: a large import elsewhere must not come back as one statement of every vector. */
const CHUNK = 1000;

/**
 * Keeps this engine's in-memory mentors (vector index, BM25, skills) in step with writes other engines or the
 * CLI make to a shared database, by reading the change log the mentor triggers write (migration 0004).
 */
export class IndexFollower {
  private since: Date | null = null;
  /** Changes read within the overlap: seq → stamp (ms). */
  private readonly seen = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<unknown> | null = null;
  private lastPrune = 0;

  constructor(
    private readonly repositories: Pick<Repositories, 'mentorChanges' | 'mentors' | 'embeddings'>,
    private readonly search: Pick<SearchIndex, 'applyFromDatabase'>,
    private readonly modelId: string,
    private readonly log: Pick<FastifyBaseLogger, 'info' | 'warn'>,
    private readonly intervalMs: number,
    /** False where nobody else can write (PGlite: one process holds it): the log is then only kept short. */
    private readonly applies: boolean,
  ) {}

  /** Marks where reading starts. Call before the index loads from the database, so writes during the load are read after it. */
  async begin(): Promise<void> {
    this.since = new Date((await this.repositories.mentorChanges.now()).getTime() - OVERLAP_MS);
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.polling !== null) return;
      this.polling = this.poll()
        .catch((err: unknown) =>
          this.log.warn({ err }, 'reading the mentor change log failed; the next poll tries again'),
        )
        .finally(() => (this.polling = null));
    }, this.intervalMs).unref();
  }

  /**
   * Reads the changes since the last poll and applies them; returns how many mentors changed in memory. What
   * was read counts as seen only once it is applied, so a poll that fails is read again by the next one.
   */
  async poll(): Promise<number> {
    if (this.since === null) await this.begin();
    const { mentorChanges, mentors, embeddings } = this.repositories;
    const now = await mentorChanges.now();
    const fresh = (await mentorChanges.since(this.since!)).filter((c) => !this.seen.has(c.seq));
    let changed = 0;
    if (this.applies) {
      const rowIds = [...new Set(fresh.map((c) => c.mentorId))];
      for (let i = 0; i < rowIds.length; i += CHUNK) {
        const ids = rowIds.slice(i, i + CHUNK);
        const [stored, vectors] = await Promise.all([
          mentors.getByRowIds(ids),
          embeddings.getForMentors(this.modelId, ids),
        ]);
        changed += this.search.applyFromDatabase(ids, stored, vectors);
      }
      if (changed > 0) this.log.info({ changed }, 'applied mentor changes written elsewhere');
    }
    for (const c of fresh) this.seen.set(c.seq, c.changedAt.getTime());
    this.since = new Date(now.getTime() - OVERLAP_MS);
    for (const [seq, at] of this.seen) if (at <= this.since.getTime()) this.seen.delete(seq);
    if (now.getTime() - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = now.getTime();
      await mentorChanges.prune(new Date(now.getTime() - KEEP_MS));
    }
    return changed;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.polling;
  }
}
