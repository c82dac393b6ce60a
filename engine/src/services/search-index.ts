import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { AppConfig } from '../config.js';
import type { Mentor } from '../domain/mentor.js';
import type { StoredEmbedding } from '../db/embedding-repository.js';
import type { Repositories } from '../db/repositories.js';
import { embeddingChecksumInTurns } from '../db/vector-codec.js';
import type { EmbeddingProvider } from '../embedding/embedding-provider.js';
import type { VectorHit, VectorIndex, VectorIndexKind } from '../vector-index/vector-index.js';
import { createVectorIndex } from '../vector-index/create-vector-index.js';
import { loadSnapshot, saveSnapshot } from '../vector-index/index-snapshot.js';
import { quantizeInt8 } from '../vector-index/int8-vectors.js';
import type { PassageVectors } from '../vector-index/snapshot-passages.js';
import { LexicalIndex } from '../matching/lexical-index.js';
import { SkillsVocabulary } from '../matching/skills-vocabulary.js';
import type { JobProgress } from './job-service.js';
import { embedMentors } from './mentor-embedding.js';

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

/** The database keeps float32; memory holds int8 (a quarter of the bytes, see int8-vectors.ts). */
function passageVectorsOf(e: StoredEmbedding): PassageVectors {
  return {
    spans: Int32Array.from(e.passageSpans.flat()),
    ...quantizeInt8([e.vector, ...e.passageVectors], e.vector.length),
  };
}

const capacityOf = (m: Mentor): number => (m.active ? m.capacityPerMonth : 0);

/** Row ids only grow and a map keeps insertion order, so these entries are in id order unless a load inserted out of it. */
function inIdOrder<T>(entries: [number, T][]): [number, T][] {
  return entries.every((entry, i) => i === 0 || entries[i - 1]![0] < entry[0])
    ? entries
    : entries.sort((a, b) => a[0] - b[0]);
}

export type IndexState = 'loading' | 'rebuilding' | 'ready' | 'failed';

export interface SearchIndexStatus {
  kind: VectorIndexKind;
  state: IndexState;
  size: number;
  progress: JobProgress | null;
  loadedFrom: 'snapshot' | 'rebuild' | null;
}

/**
 * Everything a query searches, held in memory and derived from the database (the source of truth):
 * the vector index, BM25 over mentor text, passage vectors for evidence, the mentors themselves and
 * the skills vocabulary. Loaded at start from a snapshot when it matches the database, else rebuilt.
 */
export class SearchIndex {
  vectors: VectorIndex;
  readonly lexical = new LexicalIndex();
  readonly mentors = new Map<number, Mentor>();
  private readonly rowIdByExternalId = new Map<string, number>();
  /** The mentor vector (for candidates only the lexical list found) and the passage vectors, by row id. */
  readonly passages = new Map<number, PassageVectors>();
  /** The content hash of each mentor's embedding, so a snapshot's checksum comes from what it holds, not from a query. */
  private readonly contentHashes = new Map<number, string>();
  /** Built from the mentors' own skills plus synonyms, and kept current mentor by mentor. */
  readonly skills = new SkillsVocabulary();
  /** Monthly capacity of the active mentors, kept with every write (summing it took 4 ms at 100k mentors). */
  private capacityTotal = 0;
  private state: IndexState = 'loading';
  private progress: JobProgress | null = null;
  private loadedFrom: 'snapshot' | 'rebuild' | null = null;
  private phases: Record<string, number> = {};
  private readonly ready: Promise<void>;
  private markReady!: () => void;
  private failReady!: (err: unknown) => void;
  /** Whether this index is saved to disk: only one that takes a start long to build again (`worthSaving`). */
  private snapshots = false;
  private dirty = false;
  /** Set by stopLoading: a shutdown during start-up does not wait for every missing embedding. */
  private stopping = false;
  /** Writes applied so far: a save clears `dirty` only if none arrived while it ran. */
  private writes = 0;
  private saveTimer: NodeJS.Timeout | null = null;
  /** The running save; the next one waits for it (a graph is written by one save at a time). */
  private saving: Promise<void> | null = null;
  private readonly snapshotDir: string;

  constructor(
    private readonly repositories: Repositories,
    private readonly embedder: EmbeddingProvider,
    private readonly config: Readonly<AppConfig>,
    private readonly log: FastifyBaseLogger,
  ) {
    this.vectors = createVectorIndex('exact', embedder.dimensions, config.hnsw);
    this.snapshotDir = path.join(config.dataDir, 'index', embedder.id);
    this.ready = new Promise((resolve, reject) => {
      this.markReady = resolve;
      this.failReady = reject;
    });
    // A load failure is reported through whenReady() and status(); it must not crash the process.
    this.ready.catch(() => undefined);
  }

  /** Makes a load under way stop after the batch of missing embeddings it is writing. */
  stopLoading(): void {
    this.stopping = true;
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  get isReady(): boolean {
    return this.state === 'ready';
  }

  status(): SearchIndexStatus {
    return {
      kind: this.vectors.kind,
      state: this.state,
      size: this.vectors.size,
      progress: this.progress,
      loadedFrom: this.loadedFrom,
    };
  }

  /** Milliseconds spent in each phase of the last load, in order, for start-up profiling. */
  loadPhases(): Readonly<Record<string, number>> {
    return this.phases;
  }

  /**
   * Brings the in-memory state in line with the database: embeds mentors that lack an embedding for
   * the current model (new model, or rows written before a crash), then loads or rebuilds the index.
   */
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
      this.snapshots = empty.worthSaving;

      const snapshot = this.snapshots
        ? await loadSnapshot(this.snapshotDir, {
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
      this.vectors = fromSnapshot ?? empty;

      const mentorsById = new Map<number, Mentor>();
      for await (const m of this.repositories.mentors.streamAll(2000)) mentorsById.set(m.rowId, m);
      phase('read mentors');
      let done = 0;
      /** `vector`, the float mentor vector, goes into a graph that was not loaded with the snapshot. */
      const add = (mentorId: number, stored: PassageVectors, vector: Float32Array | null, contentHash: string) => {
        const mentor = mentorsById.get(mentorId);
        if (mentor) this.put(mentor, stored, fromSnapshot ? null : vector, contentHash);
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
      if (this.snapshots && !savedPassages) {
        // The snapshot only saves the next start a rebuild: a disk that cannot take it must not keep this start from serving.
        await this.saveSnapshot().catch((err: unknown) => {
          this.dirty = true;
          this.log.warn(
            { err, dir: this.snapshotDir },
            'index snapshot could not be saved; serving from memory, the next start rebuilds',
          );
        });
      }
      phase('save snapshot');
      await embeddings.deleteOtherModels(this.embedder.id);
      await removeOtherSnapshots(path.dirname(this.snapshotDir), this.embedder.id, this.log);
      phase('drop other models');
      report({ done: count, total: count, stage: 'ready' });
      this.state = 'ready';
      this.markReady();
      this.log.info(
        { kind: this.vectors.kind, size: this.vectors.size, from: this.loadedFrom, phases: this.phases },
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

  private put(mentor: Mentor, stored: PassageVectors, vector: Float32Array | null, contentHash: string): void {
    if (vector) this.vectors.upsert(mentor.rowId, vector);
    this.setMentor(mentor);
    this.passages.set(mentor.rowId, stored);
    this.contentHashes.set(mentor.rowId, contentHash);
  }

  private setMentor(mentor: Mentor): void {
    const previous = this.mentors.get(mentor.rowId);
    if (previous && previous.externalId !== mentor.externalId) this.rowIdByExternalId.delete(previous.externalId);
    if (previous) this.skills.remove(previous.skills);
    this.skills.add(mentor.skills);
    this.capacityTotal += capacityOf(mentor) - (previous ? capacityOf(previous) : 0);
    this.mentors.set(mentor.rowId, mentor);
    this.rowIdByExternalId.set(mentor.externalId, mentor.rowId);
    this.lexical.upsert(mentor.rowId, mentor);
    this.vectors.setHidden(mentor.rowId, !mentor.active);
  }

  /**
   * The `k` mentors nearest to `query` among those that pass `filter`, inactive ones only when `activeOnly` is
   * false. The vector index keeps inactive mentors hidden, so the usual request (active only, no other rule)
   * searches without a filter.
   */
  nearest(query: Float32Array, k: number, activeOnly: boolean, filter?: (rowId: number) => boolean): VectorHit[] {
    return this.vectors.search(query, k, filter, { includeHidden: !activeOnly });
  }

  /** Applies committed writes; embeddings are given only for mentors whose text changed. */
  apply(mentors: readonly Mentor[], embeddings: readonly StoredEmbedding[]): void {
    const byId = new Map(embeddings.map((e) => [e.mentorId, e]));
    for (const mentor of mentors) {
      const e = byId.get(mentor.rowId);
      if (e) this.put(mentor, passageVectorsOf(e), e.vector, e.contentHash);
      else this.setMentor(mentor);
    }
    this.markDirty();
  }

  /**
   * Brings these mentors up to what the database holds (`mentors`, `embeddings` as read from it), after writes
   * another engine or tool made: absent ones are removed, changed ones replaced. A copy read before a write of this
   * engine's committed is replaced by it at the next poll (that write is logged too): stamps follow transaction
   * starts, not commits, so they cannot say which copy is newer. Returns how many mentors changed here.
   */
  applyFromDatabase(
    rowIds: readonly number[],
    mentors: ReadonlyMap<number, Mentor>,
    embeddings: readonly StoredEmbedding[],
  ): number {
    const byId = new Map(embeddings.map((e) => [e.mentorId, e]));
    let changed = 0;
    for (const rowId of rowIds) {
      const stored = mentors.get(rowId);
      const held = this.mentors.get(rowId);
      if (!stored) {
        if (held) {
          this.remove(rowId);
          changed++;
        }
        continue;
      }
      const e = byId.get(rowId);
      const sameText = !e || this.contentHashes.get(rowId) === e.contentHash;
      if (held && held.updatedAt.getTime() === stored.updatedAt.getTime() && sameText) continue;
      // A mentor without an embedding for this model yet is indexed once its embedding is written (logged too).
      if (!held && !e) continue;
      if (e && !sameText) this.put(stored, passageVectorsOf(e), e.vector, e.contentHash);
      else this.setMentor(stored);
      changed++;
    }
    if (changed > 0) this.markDirty();
    return changed;
  }

  /** Monthly capacity of all active mentors: the denominator of each mentor's fair share of exposure. */
  get activeCapacity(): number {
    return this.capacityTotal;
  }

  mentorByExternalId(externalId: string): Mentor | undefined {
    const rowId = this.rowIdByExternalId.get(externalId);
    return rowId === undefined ? undefined : this.mentors.get(rowId);
  }

  remove(rowId: number): void {
    this.vectors.remove(rowId);
    this.lexical.remove(rowId);
    const mentor = this.mentors.get(rowId);
    if (mentor) {
      this.rowIdByExternalId.delete(mentor.externalId);
      this.skills.remove(mentor.skills);
      this.capacityTotal -= capacityOf(mentor);
    }
    this.mentors.delete(rowId);
    this.passages.delete(rowId);
    this.contentHashes.delete(rowId);
    this.markDirty();
  }

  private markDirty(): void {
    if (!this.snapshots) return;
    this.dirty = true;
    this.writes++;
    // Saving the graph after every write would dominate import time: the writes of 30 s share one save, and a
    // steady stream of writes still gets a snapshot every 30 s.
    if (!this.saveTimer) {
      this.saveTimer = setTimeout(() => {
        this.saveTimer = null;
        void this.saveSnapshot().catch((err) => this.log.warn({ err }, 'index snapshot save failed'));
      }, 30_000);
      this.saveTimer.unref();
    }
  }

  async saveSnapshot(): Promise<void> {
    if (!this.snapshots) return;
    const previous = this.saving;
    const save = (async () => {
      await previous?.catch(() => undefined);
      await this.writeSnapshot();
    })();
    this.saving = save;
    try {
      await save;
    } finally {
      if (this.saving === save) this.saving = null;
    }
  }

  /**
   * Passages, content hashes and the graph are taken in one tick, so they describe the same rows; the
   * checksum is the database's (`EmbeddingRepository.checksum`) for exactly those rows. Querying it instead
   * stalled PGlite's event loop 120-140 ms at 100k mentors, and could describe rows written after it.
   */
  private async writeSnapshot(): Promise<void> {
    const writes = this.writes;
    const passages = inIdOrder([...this.passages]);
    const checksum = embeddingChecksumInTurns(inIdOrder([...this.contentHashes]));
    await saveSnapshot(this.snapshotDir, this.vectors, { modelId: this.embedder.id, checksum }, passages);
    if (this.writes === writes) this.dirty = false;
  }

  async close(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    await this.saving?.catch(() => undefined);
    if (this.dirty && this.state === 'ready') {
      // Shutting down must go on (the database still has to close): the next start rebuilds what was not saved.
      await this.saveSnapshot().catch((err: unknown) =>
        this.log.warn(
          { err, dir: this.snapshotDir },
          'index snapshot could not be saved at shutdown; the next start rebuilds',
        ),
      );
    }
  }
}
