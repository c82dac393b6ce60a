import type { FastifyBaseLogger } from 'fastify';
import type { RequestRepository } from '../db/request-repository.js';

export interface ExposureSnapshot {
  /** Times each mentor was shown in the window. */
  shown: Map<number, number>;
  totalShown: number;
  /** Sessions each mentor accepted this calendar month (UTC). */
  sessionsThisMonth: Map<number, number>;
}

/**
 * Exposure and monthly sessions per mentor, read from the database and kept current in memory. Counting in
 * SQL on every request would cost more than ranking (the aggregate runs over every match recorded in the
 * window); this process's own writes are added in memory at once, so a refresh every `refreshMs` only picks
 * up other writers (another engine on the same PostgreSQL, a restore) and shows leaving the window. The first
 * read for a window and month is awaited; after that a stale snapshot is served while one refresh runs in
 * the background, so no request pays for the aggregate (PGlite still runs it on the same thread).
 */
export class ExposureTracker {
  private snapshot: ExposureSnapshot | null = null;
  private loadedAt = 0;
  private loadedFor = '';
  private refreshing: Promise<void> | null = null;
  /** The read that requests wait for when nothing for their window and month is held yet; they share it. */
  private firstRead: { key: string; done: Promise<void> } | null = null;

  constructor(
    private readonly requests: Pick<RequestRepository, 'exposureCounts' | 'acceptedSessionsInMonth'>,
    private readonly log: Pick<FastifyBaseLogger, 'warn'>,
    private readonly refreshMs = 60_000,
  ) {}

  async current(windowDays: number, now = new Date()): Promise<ExposureSnapshot> {
    const key = `${windowDays}:${now.toISOString().slice(0, 7)}`;
    if (!this.snapshot || key !== this.loadedFor) {
      // Another window or a new month: the snapshot held counts something else.
      if (this.firstRead?.key !== key) {
        const done = this.read(windowDays, now)
          .then((fresh) => this.store(key, fresh))
          .finally(() => {
            if (this.firstRead?.done === done) this.firstRead = null;
          });
        this.firstRead = { key, done };
      }
      await this.firstRead.done;
    } else if (Date.now() - this.loadedAt > this.refreshMs && !this.refreshing) {
      // Shows recorded in memory while this runs are lost when its result replaces the snapshot, unless the
      // database already had them; the next refresh counts them.
      this.refreshing = this.read(windowDays, now)
        .then(
          (fresh) => {
            if (this.loadedFor === key) this.store(key, fresh);
          },
          (err: unknown) => {
            // Try again after another interval, not on every request while the database is down.
            this.loadedAt = Date.now();
            this.log.warn({ err }, 'exposure refresh failed; serving the previous counts');
          },
        )
        .finally(() => {
          this.refreshing = null;
        });
    }
    return this.snapshot!;
  }

  private async read(windowDays: number, now: Date): Promise<ExposureSnapshot> {
    const since = new Date(now.getTime() - windowDays * 86_400_000);
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const [exposure, sessions] = await Promise.all([
      this.requests.exposureCounts(since),
      this.requests.acceptedSessionsInMonth(monthStart),
    ]);
    let totalShown = 0;
    for (const n of exposure.counts.values()) totalShown += n;
    return { shown: exposure.counts, totalShown, sessionsThisMonth: sessions };
  }

  private store(key: string, snapshot: ExposureSnapshot): void {
    this.snapshot = snapshot;
    this.loadedAt = Date.now();
    this.loadedFor = key;
  }

  recordShown(rowIds: readonly number[]): void {
    if (!this.snapshot) return;
    for (const id of rowIds) this.snapshot.shown.set(id, (this.snapshot.shown.get(id) ?? 0) + 1);
    this.snapshot.totalShown += rowIds.length;
  }

  /** A session accepted (+1) or cancelled (-1) in `month` ('YYYY-MM-01'); other months than the one held are not counted here. */
  recordSessions(rowId: number, month: string, delta: number): void {
    if (!this.snapshot || !this.loadedFor.endsWith(`:${month.slice(0, 7)}`)) return;
    const sessions = this.snapshot.sessionsThisMonth;
    sessions.set(rowId, Math.max(0, (sessions.get(rowId) ?? 0) + delta));
  }
}
