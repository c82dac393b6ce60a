import type { Kysely } from 'kysely';
import { AppError } from '../errors.js';
import type { Mentor, MentorInput } from '../domain/mentor.js';
import { parseMentorInput } from '../domain/mentor-validation.js';
import type { EmbeddingProvider } from '../embedding/embedding-provider.js';
import type { Database } from '../db/schema.js';
import { withTransaction } from '../db/transaction.js';
import { MentorRepository, type MentorListQuery, type UpsertStatus } from '../db/mentor-repository.js';
import { EmbeddingRepository, type StoredEmbedding } from '../db/embedding-repository.js';
import { contentHash, embedMentors } from './mentor-embedding.js';
import type { SearchIndex } from './search-index.js';

export interface BatchOutcome {
  externalId: string;
  status: UpsertStatus;
}

/** A batch read and embedded by `prepareBatch`, not yet written. */
export interface PreparedBatch {
  modelId: string;
  inputs: readonly MentorInput[];
  freshById: ReadonlyMap<string, StoredEmbedding>;
}

/**
 * The write path for mentors. A mentor's row and its embedding are written in one transaction, and
 * the in-memory index only changes after that commit, so a crash at any point leaves each mentor
 * either fully present or absent (the index is rebuilt from the database at start).
 */
export class MentorService {
  private readonly mentors: MentorRepository;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly embedder: EmbeddingProvider,
    private readonly search: SearchIndex,
  ) {
    this.mentors = new MentorRepository(db);
  }

  async get(externalId: string): Promise<Mentor> {
    const mentor = await this.mentors.getByExternalId(externalId);
    if (!mentor) throw new AppError('MENTOR_NOT_FOUND', { id: externalId });
    return mentor;
  }

  list(query: MentorListQuery): Promise<{ items: Mentor[]; total: number }> {
    return this.mentors.list(query);
  }

  async create(raw: unknown): Promise<Mentor> {
    const input = validated(raw, false) as MentorInput;
    if (await this.mentors.getByExternalId(input.externalId)) throw new AppError('MENTOR_ALREADY_EXISTS', { id: input.externalId });
    await this.upsertBatch([input], { failIfExists: true });
    return this.get(input.externalId);
  }

  async update(externalId: string, rawPatch: unknown): Promise<Mentor> {
    const patch = validated(rawPatch, true);
    const current = await this.get(externalId);
    const { rowId: _rowId, createdAt: _c, updatedAt: _u, ...base } = current;
    await this.upsertBatch([{ ...base, ...patch, externalId }]);
    return this.get(externalId);
  }

  async delete(externalId: string): Promise<void> {
    const rowId = await this.mentors.delete(externalId);
    if (rowId === null) throw new AppError('MENTOR_NOT_FOUND', { id: externalId });
    this.search.remove(rowId);
  }

  /**
   * Creates or updates these mentors (ids unique within the call), re-embedding only those whose
   * embedded text changed. All or nothing: on any failure nothing of the batch is written.
   */
  async upsertBatch(inputs: readonly MentorInput[], opts: { failIfExists?: boolean } = {}): Promise<BatchOutcome[]> {
    return this.commitBatch(await this.prepareBatch(inputs), opts);
  }

  /**
   * The first half of `upsertBatch`: reads which mentors exist and embeds those whose text changed.
   * It writes nothing, so an import can prepare one batch while the previous one commits.
   */
  async prepareBatch(inputs: readonly MentorInput[]): Promise<PreparedBatch> {
    await this.search.whenReady();
    const modelId = this.embedder.id;
    const existing = await this.mentors.getRowIdsByExternalIds(inputs.map((m) => m.externalId));
    const hashes = await new EmbeddingRepository(this.db).getHashes(modelId, [...existing.values()]);
    const needsEmbedding = inputs.filter((m) => {
      const rowId = existing.get(m.externalId);
      return rowId === undefined || hashes.get(rowId) !== contentHash(modelId, m);
    });
    // Embedding happens before the transaction: it is slow and must not hold the connection.
    const fresh = await embedMentors(this.embedder, needsEmbedding.map((input) => ({ rowId: 0, input })));
    return { modelId, inputs, freshById: new Map(needsEmbedding.map((m, i) => [m.externalId, fresh[i]!])) };
  }

  /** The second half of `upsertBatch`: writes a prepared batch in one transaction, then updates the index. */
  async commitBatch(prepared: PreparedBatch, opts: { failIfExists?: boolean } = {}): Promise<BatchOutcome[]> {
    const { modelId, inputs, freshById } = prepared;
    const { results, embeddings } = await withTransaction(this.db, async (trx) => {
      const results = await new MentorRepository(trx).upsertMany(inputs);
      if (opts.failIfExists && results.some((r) => r.status !== 'created')) {
        throw new AppError('MENTOR_ALREADY_EXISTS', { id: results.find((r) => r.status !== 'created')!.externalId });
      }
      const embeddings = results.flatMap((r) => {
        const e = freshById.get(r.externalId);
        return e ? [{ ...e, mentorId: r.rowId }] : [];
      });
      await new EmbeddingRepository(trx).upsertMany(modelId, embeddings);
      return { results, embeddings };
    });

    const changed = results.filter((r) => r.status !== 'unchanged').map((r) => r.rowId);
    if (changed.length > 0) {
      const mentors = await this.mentors.getByRowIds(changed);
      this.search.apply([...mentors.values()], embeddings);
    }
    return results.map((r) => ({ externalId: r.externalId, status: r.status }));
  }

  async *exportJsonLines(): AsyncGenerator<string> {
    for await (const m of this.mentors.streamAll(1000)) {
      const { rowId: _r, createdAt: _c, updatedAt: _u, externalId, ...rest } = m;
      yield `${JSON.stringify({ id: externalId, ...rest })}\n`;
    }
  }
}

function validated(raw: unknown, partial: boolean): Partial<MentorInput> {
  const parsed = parseMentorInput(raw, partial);
  if (!parsed.ok) throw new AppError('VALIDATION_FAILED', { detail: parsed.errors.join('; ') }, { problems: parsed.errors });
  return parsed.value;
}
