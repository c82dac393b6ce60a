import type { StoredEmbedding } from '../db/embedding-repository.js';
import { embeddingChecksumInTurns } from '../db/vector-codec.js';
import type { Mentor } from '../domain/mentor.js';
import { LexicalIndex } from '../matching/lexical-index.js';
import { SkillsVocabulary } from '../matching/skills-vocabulary.js';
import { quantizeInt8 } from '../vector-index/int8-vectors.js';
import type { PassageVectors } from '../vector-index/snapshot-passages.js';
import type { VectorHit, VectorIndex } from '../vector-index/vector-index.js';

/** The database keeps float32; memory holds int8 (a quarter of the bytes, see int8-vectors.ts). */
export function passageVectorsOf(e: StoredEmbedding): PassageVectors {
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

/** What a snapshot saves beside the vector index, taken in one tick so that both describe the same rows. */
export interface CatalogueContents {
  /** Passage vectors in mentor-id order, the order a load restores them in. */
  passages: [number, PassageVectors][];
  /** The database's checksum (`EmbeddingRepository.checksum`) of exactly these rows, computed in turns. */
  checksum: Promise<string>;
}

/**
 * The mentors a query searches, in memory, and everything derived from them: the vector index, the lexical
 * index over their text, passage vectors for evidence, the skills vocabulary, and the active mentors' capacity.
 * Every write goes through here, so that all of them change together.
 */
export class MentorCatalogue {
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

  /** Replaced once by the load (`useVectors`): the index it read from a snapshot or is building. */
  constructor(private index: VectorIndex) {}

  get vectors(): VectorIndex {
    return this.index;
  }

  /** Swaps in the vector index a load read or is about to fill, before any mentor is put. */
  useVectors(index: VectorIndex): void {
    this.index = index;
  }

  /** Adds or replaces a mentor with its passage vectors; `vector` goes into the vector index unless it holds it already. */
  put(mentor: Mentor, stored: PassageVectors, vector: Float32Array | null, contentHash: string): void {
    if (vector) this.index.upsert(mentor.rowId, vector);
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
    this.index.setHidden(mentor.rowId, !mentor.active);
  }

  /**
   * The `k` mentors nearest to `query` among those that pass `filter`, inactive ones only when `activeOnly` is
   * false. The vector index keeps inactive mentors hidden, so the usual request (active only, no other rule)
   * searches without a filter.
   */
  nearest(query: Float32Array, k: number, activeOnly: boolean, filter?: (rowId: number) => boolean): VectorHit[] {
    return this.index.search(query, k, filter, { includeHidden: !activeOnly });
  }

  /** Applies committed writes; embeddings are given only for mentors whose text changed. */
  apply(mentors: readonly Mentor[], embeddings: readonly StoredEmbedding[]): void {
    const byId = new Map(embeddings.map((e) => [e.mentorId, e]));
    for (const mentor of mentors) {
      const e = byId.get(mentor.rowId);
      if (e) this.put(mentor, passageVectorsOf(e), e.vector, e.contentHash);
      else this.setMentor(mentor);
    }
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
    return changed;
  }

  remove(rowId: number): void {
    this.index.remove(rowId);
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
  }

  /** Monthly capacity of all active mentors: the denominator of each mentor's fair share of exposure. */
  get activeCapacity(): number {
    return this.capacityTotal;
  }

  mentorByExternalId(externalId: string): Mentor | undefined {
    const rowId = this.rowIdByExternalId.get(externalId);
    return rowId === undefined ? undefined : this.mentors.get(rowId);
  }

  /**
   * Passages and content hashes as they are now, in one tick. The checksum is computed from the held hashes:
   * querying the database instead stalled PGlite's event loop 120-140 ms at 100k mentors, and could describe
   * rows written after it.
   */
  contents(): CatalogueContents {
    return {
      passages: inIdOrder([...this.passages]),
      checksum: embeddingChecksumInTurns(inIdOrder([...this.contentHashes])),
    };
  }
}
