import { AppError } from '../errors.js';
import type { Mentor, MentorInput } from '../domain/mentor.js';
import { type Checked, mentorFromBody, mentorPatchFromBody } from '../domain/mentor-validation.js';
import type { MentorCreateBody, MentorPatchBody } from '../domain/mentor-schema.js';
import type { EmbeddingProvider } from '../embedding/embedding-provider.js';
import type { MentorListQuery, UpsertStatus } from '../db/mentor-repository.js';
import type { EmbeddingRepository, StoredEmbedding } from '../db/embedding-repository.js';
import type { Repositories } from '../db/repositories.js';
import { type Actor, type AuditEntry, fieldChanges } from '../audit/audit-entry.js';
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
  private readonly mentors: Repositories['mentors'];
  /** The last write queued for each mentor id (see `serially`). */
  private readonly writes = new Map<string, Promise<void>>();

  constructor(
    private readonly repositories: Repositories,
    private readonly embedder: EmbeddingProvider,
    private readonly search: SearchIndex,
  ) {
    this.mentors = repositories.mentors;
  }

  async get(externalId: string): Promise<Mentor> {
    const mentor = await this.mentors.getByExternalId(externalId);
    if (!mentor) throw new AppError('MENTOR_NOT_FOUND', { id: externalId });
    return mentor;
  }

  list(query: MentorListQuery): Promise<{ items: Mentor[]; total: number }> {
    return this.mentors.list(query);
  }

  /** Creates a mentor from a body the `MentorCreate` schema passed; the actor's write goes to the audit log. */
  async create(body: MentorCreateBody, actor?: Actor): Promise<Mentor> {
    const input = valid(mentorFromBody(body));
    if (await this.mentors.getByExternalId(input.externalId))
      throw new AppError('MENTOR_ALREADY_EXISTS', { id: input.externalId });
    await this.upsertBatch([input], { failIfExists: true, ...(actor && { actor }) });
    return this.get(input.externalId);
  }

  /**
   * Applies a partial change to the mentor as it is when the change is written. The merged record is
   * embedded outside the transaction (slow), so the transaction checks, with the row locked, that the
   * mentor is still the one the change was merged onto: if another write changed it meanwhile (another
   * engine on the same server), the change is merged again onto that; if it was deleted, this is a 404 and
   * nothing is written (an upsert would bring it back).
   */
  async update(externalId: string, body: MentorPatchBody, actor?: Actor): Promise<Mentor> {
    const patch = valid(mentorPatchFromBody(body));
    return this.serially(externalId, async () => {
      for (let attempt = 1; ; attempt++) {
        const current = await this.get(externalId);
        const prepared = await this.prepareBatch([{ ...fieldsOf(current), ...patch, externalId }]);
        try {
          await this.commitBatch(prepared, { onlyIfUnchanged: current, ...(actor && { actor }) });
          return this.get(externalId);
        } catch (err) {
          if (!(err instanceof MentorChanged) || attempt === MAX_UPDATE_ATTEMPTS)
            throw err instanceof MentorChanged ? err.appError() : err;
        }
      }
    });
  }

  async delete(externalId: string, actor?: Actor): Promise<void> {
    await this.serially(externalId, async () => {
      const rowId = await this.repositories.transaction(async (trx) => {
        const before = actor ? await trx.mentors.getByExternalId(externalId) : null;
        const deleted = await trx.mentors.delete(externalId);
        if (deleted === null) throw new AppError('MENTOR_NOT_FOUND', { id: externalId });
        if (actor && before) {
          await trx.audit.record(actor, {
            action: 'mentor.deleted',
            entity: 'mentor',
            entityId: externalId,
            changes: fieldChanges(auditedFields(fieldsOf(before)), null),
          });
        }
        return deleted;
      });
      this.search.remove(rowId);
    });
  }

  /** Runs writes to one mentor one after another within this engine, so they do not merge onto stale copies. */
  private serially<T>(externalId: string, write: () => Promise<T>): Promise<T> {
    // The queue holds settled promises only, so the next write starts whether the previous one failed or not.
    const before = this.writes.get(externalId) ?? Promise.resolve();
    const result = before.then(write);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.writes.set(externalId, settled);
    void settled.then(() => {
      if (this.writes.get(externalId) === settled) this.writes.delete(externalId);
    });
    return result;
  }

  /**
   * Creates or updates these mentors (ids unique within the call), re-embedding only those whose
   * embedded text changed. All or nothing: on any failure nothing of the batch is written.
   */
  async upsertBatch(
    inputs: readonly MentorInput[],
    opts: { failIfExists?: boolean; actor?: Actor } = {},
  ): Promise<BatchOutcome[]> {
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
    const needsEmbedding = await withoutCurrentEmbedding(this.repositories.embeddings, modelId, inputs, existing);
    // Embedding happens before the transaction: it is slow and must not hold the connection.
    const fresh = await embedMentors(
      this.embedder,
      needsEmbedding.map((input) => ({ rowId: 0, input })),
    );
    return { modelId, inputs, freshById: new Map(needsEmbedding.map((m, i) => [m.externalId, fresh[i]!])) };
  }

  /**
   * The second half of `upsertBatch`: writes a prepared batch in one transaction, then updates the index. With an
   * actor, the same transaction writes the audit log: a change to one mentor with the fields it changed, a batch
   * (an import, a seed) as one entry naming the mentors it created and updated.
   */
  async commitBatch(
    prepared: PreparedBatch,
    opts: {
      failIfExists?: boolean;
      onlyIfUnchanged?: Mentor;
      actor?: Actor;
      /** More writes of the caller's (an import's mentor accounts), in the batch's transaction after its rows. */
      alsoWrite?: (trx: Repositories) => Promise<void>;
    } = {},
  ): Promise<BatchOutcome[]> {
    const { modelId, inputs, freshById } = prepared;
    const { results, embeddings, mentors } = await this.repositories.transaction(async (trx) => {
      const repository = trx.mentors;
      const expected = opts.onlyIfUnchanged;
      if (expected) {
        const now = await repository.getForUpdate(expected.externalId);
        if (!now) throw new AppError('MENTOR_NOT_FOUND', { id: expected.externalId });
        if (JSON.stringify(fieldsOf(now)) !== JSON.stringify(fieldsOf(expected)))
          throw new MentorChanged(expected.externalId);
      }
      const results = await repository.upsertMany(inputs);
      if (opts.failIfExists && results.some((r) => r.status !== 'created')) {
        throw new AppError('MENTOR_ALREADY_EXISTS', { id: results.find((r) => r.status !== 'created')!.externalId });
      }
      if (opts.alsoWrite) await opts.alsoWrite(trx);
      const fresh = new Map(freshById);
      const embeddingRepository = trx.embeddings;
      // A row prepared as "already embedded" may have been changed by another write since (a PATCH while an import
      // re-imports the same text): its stored embedding is then of other text. Rare, so it is embedded here, with
      // the rows this statement wrote locked, rather than failing the batch.
      const kept = inputs.filter((m) => !fresh.has(m.externalId));
      if (kept.length > 0) {
        const rowIds = new Map(results.map((r) => [r.externalId, r.rowId]));
        const stale = await withoutCurrentEmbedding(embeddingRepository, modelId, kept, rowIds);
        if (stale.length > 0) {
          const vectors = await embedMentors(
            this.embedder,
            stale.map((input) => ({ rowId: 0, input })),
          );
          stale.forEach((m, i) => {
            fresh.set(m.externalId, vectors[i]!);
          });
        }
      }
      const embeddings = results.flatMap((r) => {
        const e = fresh.get(r.externalId);
        return e ? [{ ...e, mentorId: r.rowId }] : [];
      });
      await embeddingRepository.upsertMany(modelId, embeddings);
      if (opts.actor) await trx.audit.record(opts.actor, auditEntry(inputs, results, opts));
      // Read in the transaction, so that the rows go to the index with the vectors written beside them: read after
      // the commit, another engine's write in between would pair its row with these vectors.
      const reembedded = new Set(embeddings.map((e) => e.mentorId));
      const changed = results.filter((r) => r.status !== 'unchanged' || reembedded.has(r.rowId)).map((r) => r.rowId);
      const mentors = changed.length > 0 ? await trx.mentors.getByRowIds(changed) : new Map<number, Mentor>();
      return { results, embeddings, mentors };
    });

    if (mentors.size > 0) this.search.apply([...mentors.values()], embeddings);
    return results.map((r) => ({ externalId: r.externalId, status: r.status }));
  }

  async *exportJsonLines(): AsyncGenerator<string> {
    for await (const m of this.mentors.streamAll(1000)) {
      const { externalId, ...rest } = fieldsOf(m);
      yield `${JSON.stringify({ id: externalId, ...rest })}\n`;
    }
  }
}

const MAX_UPDATE_ATTEMPTS = 5;

/** What the audit log keeps of a mentor: every field, with the mentor's id as the entry's entity id. */
function auditedFields(input: MentorInput): Record<string, unknown> {
  const { externalId: _id, ...fields } = input;
  return fields;
}

function auditEntry(
  inputs: readonly MentorInput[],
  results: ReadonlyArray<{ externalId: string; status: UpsertStatus }>,
  opts: { failIfExists?: boolean; onlyIfUnchanged?: Mentor },
): AuditEntry {
  const [input] = inputs;
  if (opts.onlyIfUnchanged && input) {
    return {
      action: 'mentor.updated',
      entity: 'mentor',
      entityId: input.externalId,
      changes: fieldChanges(auditedFields(fieldsOf(opts.onlyIfUnchanged)), auditedFields(input)),
    };
  }
  if (opts.failIfExists && inputs.length === 1 && input) {
    return {
      action: 'mentor.created',
      entity: 'mentor',
      entityId: input.externalId,
      changes: fieldChanges(null, auditedFields(input)),
    };
  }
  // Field by field, an import of 100,000 mentors would write their profiles again into the log.
  const ids = (status: UpsertStatus) => results.filter((r) => r.status === status).map((r) => r.externalId);
  return {
    action: 'mentor.imported',
    entity: 'mentor',
    entityId: null,
    changes: {
      created: { before: null, after: ids('created') },
      updated: { before: null, after: ids('updated') },
      unchanged: { before: null, after: ids('unchanged').length },
    },
  };
}

/** The inputs with no stored embedding of their current text (by content hash): new mentors and changed ones. */
async function withoutCurrentEmbedding(
  embeddings: EmbeddingRepository,
  modelId: string,
  inputs: readonly MentorInput[],
  rowIds: ReadonlyMap<string, number>,
): Promise<MentorInput[]> {
  const hashes = await embeddings.getHashes(
    modelId,
    inputs.flatMap((m) => rowIds.get(m.externalId) ?? []),
  );
  return inputs.filter((m) => {
    const rowId = rowIds.get(m.externalId);
    return rowId === undefined || hashes.get(rowId) !== contentHash(modelId, m);
  });
}

/** The mentor changed between the read a change was merged onto and the write: merge again. */
class MentorChanged extends Error {
  constructor(readonly externalId: string) {
    super(`mentor ${externalId} changed while a change to it was being written`);
  }

  appError(): AppError {
    return new AppError('MENTOR_CHANGED', { id: this.externalId });
  }
}

/** What a mentor is, without what the store keeps about the row. */
function fieldsOf(mentor: Mentor): MentorInput {
  const { rowId: _rowId, createdAt: _createdAt, updatedAt: _updatedAt, ...fields } = mentor;
  return fields;
}

function valid<T>(checked: Checked<T>): T {
  if (!checked.ok)
    throw new AppError('VALIDATION_FAILED', { detail: checked.errors.join('; ') }, { problems: checked.errors });
  return checked.value;
}
