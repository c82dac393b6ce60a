import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { AppConfig } from '../config.js';
import type { StoredEmbedding } from '../db/embedding-repository.js';
import type { Repositories } from '../db/repositories.js';
import type { Mentor } from '../domain/mentor.js';
import type { EmbeddingProvider } from '../embedding/embedding-provider.js';
import type { LexicalIndex } from '../matching/lexical-index.js';
import type { SkillsVocabulary } from '../matching/skills-vocabulary.js';
import { createVectorIndex } from '../vector-index/create-vector-index.js';
import type { PassageVectors } from '../vector-index/snapshot-passages.js';
import type { VectorHit, VectorIndex, VectorIndexKind } from '../vector-index/vector-index.js';
import { IndexLoader, type LoadStatus } from './index-loader.js';
import type { JobProgress } from './job-service.js';
import { MentorCatalogue } from './mentor-catalogue.js';
import { SnapshotScheduler } from './snapshot-scheduler.js';

export interface SearchIndexStatus extends LoadStatus {
  kind: VectorIndexKind;
  size: number;
}

/**
 * Everything a query searches, held in memory and derived from the database (the source of truth), with its
 * life cycle: the catalogue of mentors and what is derived from them (mentor-catalogue.ts), filled at start by
 * the loader (index-loader.ts), and kept on disk by the snapshot scheduler (snapshot-scheduler.ts). Writes go to
 * the catalogue and tell the scheduler.
 */
export class SearchIndex {
  private readonly catalogue: MentorCatalogue;
  private readonly loader: IndexLoader;
  private readonly snapshots: SnapshotScheduler;

  constructor(
    repositories: Repositories,
    embedder: EmbeddingProvider,
    config: Readonly<AppConfig>,
    log: FastifyBaseLogger,
  ) {
    this.catalogue = new MentorCatalogue(createVectorIndex('exact', embedder.dimensions, config.hnsw));
    this.snapshots = new SnapshotScheduler(
      this.catalogue,
      path.join(config.dataDir, 'index', embedder.id),
      embedder.id,
      log,
    );
    this.loader = new IndexLoader(repositories, embedder, config, this.catalogue, this.snapshots, log);
  }

  get vectors(): VectorIndex {
    return this.catalogue.vectors;
  }

  get lexical(): LexicalIndex {
    return this.catalogue.lexical;
  }

  get mentors(): ReadonlyMap<number, Mentor> {
    return this.catalogue.mentors;
  }

  get passages(): ReadonlyMap<number, PassageVectors> {
    return this.catalogue.passages;
  }

  get skills(): SkillsVocabulary {
    return this.catalogue.skills;
  }

  /** Monthly capacity of all active mentors: the denominator of each mentor's fair share of exposure. */
  get activeCapacity(): number {
    return this.catalogue.activeCapacity;
  }

  /**
   * Brings the in-memory state in line with the database: embeds mentors that lack an embedding for
   * the current model (new model, or rows written before a crash), then loads or rebuilds the index.
   */
  load(onProgress?: (p: JobProgress) => void): Promise<void> {
    return this.loader.load(onProgress);
  }

  /** Makes a load under way stop after the batch of missing embeddings it is writing. */
  stopLoading(): void {
    this.loader.stop();
  }

  whenReady(): Promise<void> {
    return this.loader.whenReady();
  }

  get isReady(): boolean {
    return this.loader.status().state === 'ready';
  }

  status(): SearchIndexStatus {
    return { kind: this.vectors.kind, size: this.vectors.size, ...this.loader.status() };
  }

  /** Milliseconds spent in each phase of the last load, in order, for start-up profiling. */
  loadPhases(): Readonly<Record<string, number>> {
    return this.loader.loadPhases();
  }

  nearest(query: Float32Array, k: number, activeOnly: boolean, filter?: (rowId: number) => boolean): VectorHit[] {
    return this.catalogue.nearest(query, k, activeOnly, filter);
  }

  mentorByExternalId(externalId: string): Mentor | undefined {
    return this.catalogue.mentorByExternalId(externalId);
  }

  /** Applies committed writes; embeddings are given only for mentors whose text changed. */
  apply(mentors: readonly Mentor[], embeddings: readonly StoredEmbedding[]): void {
    this.catalogue.apply(mentors, embeddings);
    this.snapshots.markDirty();
  }

  /** See `MentorCatalogue.applyFromDatabase`; returns how many mentors changed here. */
  applyFromDatabase(
    rowIds: readonly number[],
    mentors: ReadonlyMap<number, Mentor>,
    embeddings: readonly StoredEmbedding[],
  ): number {
    const changed = this.catalogue.applyFromDatabase(rowIds, mentors, embeddings);
    if (changed > 0) this.snapshots.markDirty();
    return changed;
  }

  remove(rowId: number): void {
    this.catalogue.remove(rowId);
    this.snapshots.markDirty();
  }

  /** Saves the snapshot now (for indexes worth saving), after any save under way. */
  saveSnapshot(): Promise<void> {
    return this.snapshots.save();
  }

  /** Saves unsaved writes of a loaded index; never throws. */
  close(): Promise<void> {
    return this.snapshots.close(this.isReady);
  }
}
