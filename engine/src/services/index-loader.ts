import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { AppConfig } from '../config.js';
import type { Repositories } from '../db/repositories.js';
import type { Mentor } from '../domain/mentor.js';
import type { EmbeddingProvider } from '../embedding/embedding-provider.js';
import { createVectorIndex } from '../vector-index/create-vector-index.js';
import { loadSnapshot } from '../vector-index/index-snapshot.js';
import type { PassageVectors } from '../vector-index/snapshot-passages.js';
import type { VectorIndexKind } from '../vector-index/vector-index.js';
import type { JobProgress } from './job-service.js';
import { type MentorCatalogue, passageVectorsOf } from './mentor-catalogue.js';
import { embedMentors } from './mentor-embedding.js';
import type { SnapshotScheduler } from './snapshot-scheduler.js';

export type IndexState = 'loading' | 'rebuilding' | 'ready' | 'failed';

export interface LoadStatus {
  state: IndexState;
  progress: JobProgress | null;
  loadedFrom: 'snapshot' | 'rebuild' | null;
}

/** Snapshots of other models: their vectors were just dropped from the database, so nothing can load them again. */
async function removeOtherSnapshots(indexDir: string, modelId: string, log: FastifyBaseLogger): Promise<void> {
  const entries = await readdir(indexDir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name === modelId) continue;
    await rm(path.join(indexDir, entry.name), { recursive: true, force: true }).catch((err: unknown) =>
      log.warn({ err }, 'an old index snapshot could not be removed'),
    );
  }
}

/**
 * Fills the catalogue from the database (the source of truth) at start: embeds mentors that lack an embedding for
 * the current model (new model, or rows written before a crash), then reads the vector index and passages from a
 * snapshot when it matches the database, else builds them from the stored embeddings.
 */
export class IndexLoader {
  private state: IndexState = 'loading';
  private progress: JobProgress | null = null;
  private loadedFrom: 'snapshot' | 'rebuild' | null = null;
  private readonly phases: Record<string, number> = {};
  private readonly ready: Promise<void>;
  private markReady!: () => void;
  private failReady!: (err: unknown) => void;
  /** Set by stop: a shutdown during start-up does not wait for every missing embedding. */
  private stopping = false;

  constructor(
    private readonly repositories: Repositories,
    private readonly embedder: EmbeddingProvider,
    private readonly config: Pick<AppConfig, 'exactScanBelow' | 'hnsw'>,
    private readonly catalogue: MentorCatalogue,
    private readonly snapshots: SnapshotScheduler,
    private readonly log: FastifyBaseLogger,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.markReady = resolve;
      this.failReady = reject;
    });
    // A load failure is reported through whenReady() and status(); it must not crash the process.
    this.ready.catch(() => undefined);
  }

  /** Makes a load under way stop after the batch of missing embeddings it is writing. */
  stop(): void {
    this.stopping = true;
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  status(): LoadStatus {
    return { state: this.state, progress: this.progress, loadedFrom: this.loadedFrom };
  }

  /** Milliseconds spent in each phase of the last load, in order, for start-up profiling. */
  loadPhases(): Readonly<Record<string, number>> {
    return this.phases;
  }

  async load(onProgress?: (p: JobProgress) => void): Promise<void> {
    const report = (p: JobProgress) => {
      this.progress = p;
      onProgress?.(p);
    };
    let mark = performance.now();
    const phase = (name: string) => {
      const now = performance.now();
      this.phases[name] = now - mark;
      mark = now;
    };
    try {
      await this.embedMissing(report);
      phase('embed missing');
      const embeddings = this.repositories.embeddings;
      const { checksum, count } = await embeddings.checksum(this.embedder.id);
      phase('checksum');
      const kind: VectorIndexKind = count < this.config.exactScanBelow ? 'exact' : 'hnsw';
      const empty = createVectorIndex(kind, this.embedder.dimensions, this.config.hnsw);

      const snapshot = empty.worthSaving
        ? await loadSnapshot(this.snapshots.dir, {
            modelId: this.embedder.id,
            dimensions: this.embedder.dimensions,
            count,
            checksum,
            kind,
            hnsw: this.config.hnsw,
          })
        : null;
      const fromSnapshot = snapshot?.ok ? snapshot.index : null;
      phase('vector snapshot');
      if (snapshot && !snapshot.ok) this.log.info({ reason: snapshot.reason }, 'index snapshot not used; rebuilding');
      this.state = fromSnapshot ? 'loading' : 'rebuilding';
      this.catalogue.useVectors(fromSnapshot ?? empty);

      const mentorsById = new Map<number, Mentor>();
      for await (const m of this.repositories.mentors.streamAll(2000)) mentorsById.set(m.rowId, m);
      phase('read mentors');
      let done = 0;
      /** `vector`, the float mentor vector, goes into a graph that was not loaded with the snapshot. */
      const add = (mentorId: number, stored: PassageVectors, vector: Float32Array | null, contentHash: string) => {
        const mentor = mentorsById.get(mentorId);
        if (mentor) this.catalogue.put(mentor, stored, fromSnapshot ? null : vector, contentHash);
        if (++done % 500 === 0)
          report({ done, total: count, stage: fromSnapshot ? 'loading index' : 'building index' });
      };
      // The snapshot's passage vectors were saved in mentor-id order, the order the database gives them.
      const savedPassages = snapshot?.ok ? snapshot.passages : null;
      if (savedPassages) {
        const hashes = await embeddings.hashesForModel(this.embedder.id);
        // The snapshot matched the database's checksum, so every row has a hash; were one gone since, the
        // empty one makes the next snapshot's checksum differ from the database's, and that start rebuilds.
        for (const [mentorId, stored] of savedPassages) add(mentorId, stored, null, hashes.get(mentorId) ?? '');
      } else {
        for await (const e of embeddings.streamForModel(this.embedder.id, 1000)) {
          add(e.mentorId, passageVectorsOf(e), e.vector, e.contentHash);
        }
      }
      phase(savedPassages ? 'passages from snapshot, build in memory' : 'read embeddings, build in memory');
      this.loadedFrom = fromSnapshot ? 'snapshot' : 'rebuild';
      // A rebuilt graph, or a snapshot without passages in the current format, is saved: the next start reads both from disk.
      if (!savedPassages) await this.snapshots.saveAfterLoad();
      phase('save snapshot');
      await embeddings.deleteOtherModels(this.embedder.id);
      await removeOtherSnapshots(path.dirname(this.snapshots.dir), this.embedder.id, this.log);
      phase('drop other models');
      report({ done: count, total: count, stage: 'ready' });
      this.state = 'ready';
      this.markReady();
      const vectors = this.catalogue.vectors;
      this.log.info(
        { kind: vectors.kind, size: vectors.size, from: this.loadedFrom, phases: this.phases },
        'index ready',
      );
    } catch (err) {
      this.state = 'failed';
      this.failReady(err);
      throw err;
    }
  }

  private async embedMissing(report: (p: JobProgress) => void): Promise<void> {
    const embeddings = this.repositories.embeddings;
    const missing = await embeddings.missingForModel(this.embedder.id);
    if (missing.length === 0) return;
    this.state = 'rebuilding';
    const mentors = this.repositories.mentors;
    const batch = 64;
    for (let i = 0; i < missing.length; i += batch) {
      // What is embedded is stored batch by batch, so the next start goes on from here.
      if (this.stopping)
        throw new Error(
          `stopped while embedding mentors at start (${i} of ${missing.length} done): the engine is shutting down`,
        );
      const rows = await mentors.getByRowIds(missing.slice(i, i + batch));
      const fresh = await embedMentors(
        this.embedder,
        [...rows.values()].map((m) => ({ rowId: m.rowId, input: m })),
      );
      await embeddings.upsertMany(this.embedder.id, fresh);
      report({
        done: Math.min(i + batch, missing.length),
        total: missing.length,
        stage: `embedding mentors with ${this.embedder.id}`,
      });
    }
  }
}
