import type { RequestRepository } from '../db/request-repository.js';

export interface ExposureSnapshot {
  /** Times each mentor was shown in the window. */
  shown: Map<number, number>;
  totalShown: number;
  /** Sessions requested with each mentor this calendar month. */
  sessionsThisMonth: Map<number, number>;
}

// Counting in SQL on every request would cost more than ranking; a few seconds of staleness does not
// change fairness, and this process's own writes are added in memory at once.
const REFRESH_MS = 10_000;

/** Exposure and monthly sessions per mentor, read from the database and kept current in memory. */
export class ExposureTracker {
  private snapshot: ExposureSnapshot | null = null;
  private loadedAt = 0;
  private loadedFor = '';

  constructor(private readonly requests: RequestRepository) {}

  async current(windowDays: number, now = new Date()): Promise<ExposureSnapshot> {
    const key = `${windowDays}:${now.getUTCFullYear()}-${now.getUTCMonth()}`;
    if (!this.snapshot || key !== this.loadedFor || Date.now() - this.loadedAt > REFRESH_MS) {
      const since = new Date(now.getTime() - windowDays * 86_400_000);
      const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
      const [exposure, sessions] = await Promise.all([this.requests.exposureCounts(since), this.requests.sessionCountsSince(monthStart)]);
      let totalShown = 0;
      for (const n of exposure.counts.values()) totalShown += n;
      this.snapshot = { shown: exposure.counts, totalShown, sessionsThisMonth: sessions };
      this.loadedAt = Date.now();
      this.loadedFor = key;
    }
    return this.snapshot;
  }

  recordShown(rowIds: readonly number[]): void {
    if (!this.snapshot) return;
    for (const id of rowIds) this.snapshot.shown.set(id, (this.snapshot.shown.get(id) ?? 0) + 1);
    this.snapshot.totalShown += rowIds.length;
  }

  recordSession(rowId: number): void {
    if (!this.snapshot) return;
    this.snapshot.sessionsThisMonth.set(rowId, (this.snapshot.sessionsThisMonth.get(rowId) ?? 0) + 1);
  }
}
