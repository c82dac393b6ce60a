import type { FastifyBaseLogger } from 'fastify';
import { saveSnapshot } from '../vector-index/index-snapshot.js';
import type { MentorCatalogue } from './mentor-catalogue.js';

/** Saving the graph after every write would dominate import time: the writes of 30 s share one save. */
const SAVE_DELAY_MS = 30_000;

/**
 * Keeps the snapshot of the catalogue's vector index and passages on disk up to date, for indexes worth saving
 * (`VectorIndex.worthSaving`): a save 30 s after the first unsaved write, so a steady stream of writes still
 * gets a snapshot every 30 s, one save at a time, and a last one at shutdown when writes are still unsaved.
 */
export class SnapshotScheduler {
  /** Writes (or a failed save) not yet in a snapshot. */
  private dirty = false;
  /** Writes seen so far: a save clears `dirty` only if none arrived while it ran. */
  private writes = 0;
  private timer: NodeJS.Timeout | null = null;
  /** The running save; the next one waits for it (a graph is written by one save at a time). */
  private saving: Promise<void> | null = null;

  constructor(
    private readonly catalogue: MentorCatalogue,
    readonly dir: string,
    private readonly modelId: string,
    private readonly log: Pick<FastifyBaseLogger, 'warn'>,
  ) {}

  private get enabled(): boolean {
    return this.catalogue.vectors.worthSaving;
  }

  /** Called after every write to the catalogue. */
  markDirty(): void {
    if (!this.enabled) return;
    this.dirty = true;
    this.writes++;
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.save().catch((err) => this.log.warn({ err }, 'index snapshot save failed'));
      }, SAVE_DELAY_MS);
      this.timer.unref();
    }
  }

  /** Saves now, after the save under way. */
  async save(): Promise<void> {
    if (!this.enabled) return;
    const previous = this.saving;
    const save = (async () => {
      await previous?.catch(() => undefined);
      await this.write();
    })();
    this.saving = save;
    try {
      await save;
    } finally {
      if (this.saving === save) this.saving = null;
    }
  }

  /**
   * The save that ends a load (of a rebuilt graph, or passages in an older format). It only saves the next start
   * a rebuild: a disk that cannot take it must not keep this start from serving, and the shutdown tries again.
   */
  async saveAfterLoad(): Promise<void> {
    await this.save().catch((err: unknown) => {
      this.dirty = true;
      this.log.warn(
        { err, dir: this.dir },
        'index snapshot could not be saved; serving from memory, the next start rebuilds',
      );
    });
  }

  /** The catalogue's contents and the vector index are taken in one tick, so they describe the same rows. */
  private async write(): Promise<void> {
    const writes = this.writes;
    const { passages, checksum } = this.catalogue.contents();
    await saveSnapshot(this.dir, this.catalogue.vectors, { modelId: this.modelId, checksum }, passages);
    if (this.writes === writes) this.dirty = false;
  }

  /** Stops the timer and, when `final` and writes are unsaved, saves them; never throws (shutdown must go on). */
  async close(final: boolean): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.saving?.catch(() => undefined);
    if (!this.dirty || !final) return;
    await this.save().catch((err: unknown) =>
      this.log.warn({ err, dir: this.dir }, 'index snapshot could not be saved at shutdown; the next start rebuilds'),
    );
  }
}
