import type { FastifyBaseLogger } from 'fastify';
import type { NewMenteeRequest, RequestRepository } from '../db/request-repository.js';
import { isRefusedData } from '../db/database-errors.js';

/**
 * Request ids are taken from the database ahead, so that questions are answered (and queued) while it is away:
 * blocks are reserved in the background until IDS_IN_HAND are held. At the 144 questions/s measured at c=50
 * (issue 24) 2,048 ids cover an outage of 14 s. Blocks stay small because on PGlite a reservation runs on this
 * thread: 256 ids took 10-30 ms on the busy 2-core machine, 4,096 ids 46-165 ms, which every
 * question arriving meanwhile waits out.
 * Ids reserved and never used (at shutdown) leave gaps in the sequence, nothing more.
 */
const IDS_PER_RESERVATION = 256;
const IDS_IN_HAND = 2048;
/** Rows of one statement; more wait for the next. */
const MAX_BATCH = 32;
/** Beyond this many unwritten requests (the database has been failing for a while) the oldest are dropped. */
const MAX_QUEUED = 10_000;
const RETRY_MS = 1_000;

/**
 * Mentee requests and what they were served, written right after the answer instead of before it: a
 * request gets its id from a reserved block of the sequence at once, and the write starts as soon as the
 * event loop is free (after the response is sent). Requests that arrive while a write runs go together
 * into the next statement (group commit), so under load many share one statement; on PGlite, which runs on
 * this thread, a statement costs about 1.5 ms however few rows it has. Waiting to fill fixed batches was
 * cheaper on average but stalled the request that triggered a 32-row write for about 23 ms.
 * Everything that reads requests back goes through here and writes the queue first; shutdown writes it too.
 * So a crash can lose the requests of the last write or so; otherwise requests are lost only when the database
 * refuses one for its data (dropped alone, logged) or fails for so long that MAX_QUEUED are waiting.
 */
export class RequestLog {
  private readonly ids: number[] = [];
  private reserving: Promise<void> | null = null;
  private queue: NewMenteeRequest[] = [];
  private scheduled: { immediate: NodeJS.Immediate } | { retry: NodeJS.Timeout } | null = null;
  private writing: Promise<void> | null = null;
  /** Queued requests still to be written one per statement, after a batch the database refused. */
  private singly = 0;

  constructor(
    private readonly repository: RequestRepository,
    private readonly log: Pick<FastifyBaseLogger, 'error'>,
  ) {}

  /** Queues the request and returns its id; fails only when no id is in hand and the database gives none. */
  async record(request: Omit<NewMenteeRequest, 'id'>): Promise<number> {
    while (this.ids.length === 0) await this.reserveIds();
    this.topUpIds();
    const id = this.ids.shift()!;
    this.queue.push({ id, ...request });
    if (!this.writing) this.schedule(0);
    return id;
  }

  /** Reserves blocks in the background, one after another, until IDS_IN_HAND are held; the next question retries a failure. */
  private topUpIds(): void {
    if (this.ids.length >= IDS_IN_HAND || this.reserving !== null) return;
    this.reserveIds().then(
      () => this.topUpIds(),
      () => undefined,
    );
  }

  private reserveIds(): Promise<void> {
    this.reserving ??= this.repository
      .reserveRequestIds(IDS_PER_RESERVATION)
      .then((ids) => void this.ids.push(...ids))
      .finally(() => {
        this.reserving = null;
      });
    return this.reserving;
  }

  /** Writes every queued request; resolves when they are stored, or after logging why they could not be (they stay queued). */
  async flush(): Promise<void> {
    this.unschedule();
    for (;;) {
      while (this.writing !== null) await this.writing;
      if (this.queue.length === 0) return;
      if (!(await this.writeNext())) return;
    }
  }

  async exposureCounts(since: Date): ReturnType<RequestRepository['exposureCounts']> {
    await this.flush();
    return this.repository.exposureCounts(since);
  }

  /** Not queued here: sessions are accepted in the database's transactions, so nothing needs writing first. */
  acceptedSessionsInMonth(monthStart: Date): ReturnType<RequestRepository['acceptedSessionsInMonth']> {
    return this.repository.acceptedSessionsInMonth(monthStart);
  }

  async recentRequests(limit: number): ReturnType<RequestRepository['recentRequests']> {
    await this.flush();
    return this.repository.recentRequests(limit);
  }

  async sessionRequestsFor(
    mentorExternalId: string,
    limit: number,
  ): ReturnType<RequestRepository['sessionRequestsFor']> {
    await this.flush();
    return this.repository.sessionRequestsFor(mentorExternalId, limit);
  }

  /**
   * One statement with the oldest queued requests; false when it failed and they are queued again. A
   * statement the database refuses for its data is retried a request at a time, so one request it can never
   * store is dropped alone instead of holding back every request queued behind it.
   */
  private writeNext(): Promise<boolean> {
    const singly = this.singly > 0;
    const batch = this.queue.splice(0, singly ? 1 : MAX_BATCH);
    if (singly) this.singly--;
    let ok = true;
    this.writing = this.repository
      .recordMenteeRequests(batch)
      .catch((err: unknown) => {
        if (isRefusedData(err) && batch.length === 1) {
          this.log.error({ err, requestId: batch[0]!.id }, 'the database refuses this mentee request; dropped it');
          return;
        }
        this.queue = [...batch, ...this.queue];
        if (isRefusedData(err)) {
          this.singly = batch.length;
          return;
        }
        ok = false;
        if (singly) this.singly++;
        const dropped = Math.max(0, this.queue.length - MAX_QUEUED);
        this.queue.splice(0, dropped);
        this.log.error({ err, queued: this.queue.length, dropped }, 'could not store mentee requests; retrying');
      })
      .finally(() => {
        this.writing = null;
        if (this.queue.length > 0) this.schedule(ok ? 0 : RETRY_MS);
      });
    return this.writing.then(() => ok);
  }

  private schedule(ms: number): void {
    if (this.scheduled) return;
    const run = () => {
      this.scheduled = null;
      if (!this.writing && this.queue.length > 0) void this.writeNext();
    };
    // Queued requests are written on close; a retry timer alone must not keep a process alive.
    this.scheduled = ms === 0 ? { immediate: setImmediate(run) } : { retry: setTimeout(run, ms).unref() };
  }

  private unschedule(): void {
    if (this.scheduled && 'immediate' in this.scheduled) clearImmediate(this.scheduled.immediate);
    else if (this.scheduled) clearTimeout(this.scheduled.retry);
    this.scheduled = null;
  }
}
