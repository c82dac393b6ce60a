import { sql, type Kysely, type SqlBool } from 'kysely';
import { type CamelCaseDatabase, withCamelCase } from './camel-case.js';
import type { Database } from './schema.js';
import { decodeVectors, encodeVectors } from './vector-codec.js';

export interface StoredEmbedding {
  mentorId: number;
  /** Hash of the embedded text; a different hash means the stored vectors are stale. */
  contentHash: string;
  vector: Float32Array;
  /** One vector per passage of the bio, in the same order as `passageSpans`. */
  passageVectors: Float32Array[];
  /** [start, end) character offsets of each passage in the mentor's bio. */
  passageSpans: Array<[number, number]>;
}

export interface EmbeddingChecksum {
  checksum: string;
  count: number;
}

// Vectors dominate the parameter payload; a few hundred rows keep one statement a few MB.
const upsertChunkSize = 200;

// Vectors travel as base64 text rather than bytea's hex form: a third less text for the drivers to
// build and scan (PGlite read 10k rows of 8 KB of vectors 15-25% faster this way).
const embeddingColumns = [
  'e.mentorId',
  'e.contentHash',
  'e.passageSpans',
  sql<string>`encode(e.vector, 'base64')`.as('vector'),
  sql<string>`encode(e.passage_vectors, 'base64')`.as('passageVectors'),
] as const;

/** Stored vectors as float32 arrays again, and the flat span list as pairs. */
function fromRow(row: {
  mentorId: number;
  contentHash: string;
  passageSpans: number[];
  vector: string;
  passageVectors: string;
}): StoredEmbedding {
  const spans: Array<[number, number]> = [];
  for (let i = 0; i + 1 < row.passageSpans.length; i += 2) spans.push([row.passageSpans[i]!, row.passageSpans[i + 1]!]);
  return {
    mentorId: row.mentorId,
    contentHash: row.contentHash,
    vector: decodeVectors(Buffer.from(row.vector, 'base64'), 1)[0]!,
    passageVectors: decodeVectors(Buffer.from(row.passageVectors, 'base64'), spans.length),
    passageSpans: spans,
  };
}

function fromBase64(bytes: Uint8Array) {
  return sql<Uint8Array>`decode(${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}, 'base64')`;
}

export class EmbeddingRepository {
  private readonly db: Kysely<CamelCaseDatabase>;

  constructor(db: Kysely<Database>) {
    this.db = withCamelCase(db);
  }

  /** Stores or replaces the embeddings of these mentors for `modelId`. */
  async upsertMany(modelId: string, embeddings: readonly StoredEmbedding[]): Promise<void> {
    for (const e of embeddings) {
      if (e.passageVectors.length !== e.passageSpans.length) {
        throw new Error(
          `Mentor ${e.mentorId}: ${e.passageVectors.length} passage vectors but ${e.passageSpans.length} spans`,
        );
      }
    }
    for (let i = 0; i < embeddings.length; i += upsertChunkSize) {
      const chunk = embeddings.slice(i, i + upsertChunkSize);
      await this.db
        .insertInto('mentor_embeddings')
        .values(
          chunk.map((e) => ({
            mentorId: e.mentorId,
            modelId,
            contentHash: e.contentHash,
            vector: fromBase64(encodeVectors([e.vector])),
            passageVectors: fromBase64(encodeVectors(e.passageVectors)),
            passageSpans: e.passageSpans.flat(),
          })),
        )
        .onConflict((oc) =>
          oc.columns(['mentorId', 'modelId']).doUpdateSet((eb) => ({
            contentHash: eb.ref('excluded.contentHash'),
            vector: eb.ref('excluded.vector'),
            passageVectors: eb.ref('excluded.passageVectors'),
            passageSpans: eb.ref('excluded.passageSpans'),
            createdAt: sql<Date>`now()`,
          })),
        )
        .execute();
    }
  }

  /** Content hashes stored for `modelId`, by mentor row id; mentors without one are absent. */
  async getHashes(modelId: string, mentorIds: readonly number[]): Promise<Map<number, string>> {
    const hashes = new Map<number, string>();
    for (let i = 0; i < mentorIds.length; i += 5000) {
      const rows = await this.db
        .selectFrom('mentor_embeddings')
        .select(['mentorId', 'contentHash'])
        .where('modelId', '=', modelId)
        .where(sql<SqlBool>`mentor_id = any(${sql.val(mentorIds.slice(i, i + 5000))}::bigint[])`)
        .execute();
      for (const row of rows) hashes.set(row.mentorId, row.contentHash);
    }
    return hashes;
  }

  /** Content hashes of every embedding for `modelId`, by mentor row id. */
  async hashesForModel(modelId: string): Promise<Map<number, string>> {
    const rows = await this.db
      .selectFrom('mentor_embeddings')
      .select(['mentorId', 'contentHash'])
      .where('modelId', '=', modelId)
      .execute();
    return new Map(rows.map((row) => [row.mentorId, row.contentHash]));
  }

  /** The embeddings for `modelId` of these mentors; mentors without one are absent. */
  async getForMentors(modelId: string, mentorIds: readonly number[]): Promise<StoredEmbedding[]> {
    if (mentorIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('mentor_embeddings as e')
      .select(embeddingColumns)
      .where('e.modelId', '=', modelId)
      .where(sql<SqlBool>`e.mentor_id = any(${sql.val(mentorIds)}::bigint[])`)
      .execute();
    return rows.map(fromRow);
  }

  /** Every embedding for `modelId` in mentor-id order, read `batchSize` rows at a time. */
  async *streamForModel(modelId: string, batchSize = 1000): AsyncGenerator<StoredEmbedding> {
    let after = 0;
    for (;;) {
      // Only the ids are sorted and limited; the vectors are read for the chosen rows alone. With the
      // limit on the outer query, PGlite (no statistics, so a bitmap scan) decoded and sorted the
      // vectors of every remaining row, spilling them to disk, once per batch: start-up grew with N².
      const rows = await this.db
        .selectFrom((eb) =>
          eb
            .selectFrom('mentor_embeddings')
            .select('mentorId')
            .where('modelId', '=', modelId)
            .where('mentorId', '>', after)
            .orderBy('mentorId')
            .limit(batchSize)
            .as('page'),
        )
        .innerJoin('mentor_embeddings as e', (join) =>
          join.onRef('e.mentorId', '=', 'page.mentorId').on('e.modelId', '=', modelId),
        )
        .select(embeddingColumns)
        .execute();
      // Sorting here rather than in SQL keeps the wide rows out of Postgres's sort (and its temp files).
      rows.sort((a, b) => a.mentorId - b.mentorId);
      for (const row of rows) yield fromRow(row);
      if (rows.length < batchSize) return;
      after = rows[rows.length - 1]!.mentorId;
    }
  }

  /** Row ids of mentors with no embedding at all for `modelId`, ascending. */
  async missingForModel(modelId: string): Promise<number[]> {
    const rows = await this.db
      .selectFrom('mentors')
      .select('id')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('mentor_embeddings as e')
              .select(sql`1`.as('one'))
              .whereRef('e.mentorId', '=', 'mentors.id')
              .where('e.modelId', '=', modelId),
          ),
        ),
      )
      .orderBy('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Drops embeddings made by any other model; returns how many were dropped. */
  async deleteOtherModels(modelId: string): Promise<number> {
    const result = await this.db.deleteFrom('mentor_embeddings').where('modelId', '<>', modelId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * md5 over "mentorId:contentHash" of every embedding for `modelId`, in mentor-id order, and their
   * number: cheap to compare with what an index snapshot was built from. `embeddingChecksum` in
   * vector-codec.ts computes the same value in JS.
   */
  async checksum(modelId: string): Promise<EmbeddingChecksum> {
    const row = await this.db
      .selectFrom('mentor_embeddings')
      .select([
        sql<string>`coalesce(md5(string_agg(mentor_id::text || ':' || content_hash, ',' order by mentor_id)), md5(''))`.as(
          'checksum',
        ),
        (eb) => eb.fn.countAll<number>().as('count'),
      ])
      .where('modelId', '=', modelId)
      .executeTakeFirstOrThrow();
    return { checksum: row.checksum, count: Number(row.count) };
  }
}
