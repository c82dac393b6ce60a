import { Readable } from 'node:stream';
import type { Actor } from '../audit/audit-entry.js';
import type { FastifyBaseLogger } from 'fastify';
import { parse as parseCsv } from 'csv-parse';
import { AppError } from '../errors.js';
import type { MentorInput } from '../domain/mentor.js';
import type { MentorService, PreparedBatch } from './mentor-service.js';
import { MENTOR_ROW_FIELDS, validateMentorRow } from './mentor-row-validator.js';
import { type AccountConflict, EMAIL_MAX, isEmail, linkMentorAccounts, type MentorAccount } from './mentor-accounts.js';
import type { Repositories } from '../db/repositories.js';
import type { ProgressReporter } from './job-service.js';
import { shorten } from '../shared/shorten.js';

export type ImportFormat = 'csv' | 'jsonl' | 'json';

export const IMPORT_ROW_ERROR_CODES = ['ROW_UNREADABLE', 'ROW_INVALID', 'DUPLICATE_ID', 'BATCH_FAILED'] as const;

export interface ImportRowError {
  row: number;
  id?: string;
  code: (typeof IMPORT_ROW_ERROR_CODES)[number];
  message: string;
}

export interface ImportResult {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: ImportRowError[];
  /**
   * Remarks that failed no row: a column that is not a mentor field, or a row whose mentor imported but whose
   * email could not be linked to that profile.
   */
  warnings: string[];
}

/** A row's field besides the mentor's own: the email of the user who speaks for that mentor. */
const EMAIL_FIELD = 'email';

interface BatchRow {
  row: number;
  input: MentorInput;
  email?: string;
}

/** The email of a row, or the reason it is not one; the message never repeats the value (personal data). */
function rowEmail(value: unknown): { email?: string; error?: string } {
  const given = (value as Record<string, unknown> | null)?.[EMAIL_FIELD];
  if (given === undefined || given === null || given === '') return {};
  const email = typeof given === 'string' ? given.trim() : '';
  if (email === '' && typeof given === 'string') return {};
  if (!isEmail(email)) return { error: `email must be an email address of up to ${EMAIL_MAX} characters` };
  return { email };
}

interface RawRow {
  row: number;
  value: unknown;
  error?: string;
}

// Small enough that one failed batch costs little to redo, large enough to batch embedding well.
const BATCH_SIZE = 64;
// A file of nothing but bad rows should not produce a multi-megabyte response.
const MAX_REPORTED_ERRORS = 1000;
/** Unknown fields named in warnings; a row may have any number of them, and any length. */
const MAX_FIELD_WARNINGS = 20;

function toChunks(body: Readable | Uint8Array): AsyncIterable<Uint8Array> {
  return body instanceof Readable ? body : Readable.from([body]);
}

/** Decodes strictly as UTF-8: a file in another encoding is refused before it can write garbled names. */
async function* decodeUtf8(chunks: AsyncIterable<Uint8Array>, limit: number): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  for await (const chunk of chunks) {
    if (
      offset === 0 &&
      chunk.length >= 2 &&
      ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))
    ) {
      throw new AppError('IMPORT_BAD_ENCODING', { offset: 0 }, { hint: 'the file is UTF-16; save it as UTF-8' });
    }
    try {
      yield decoder.decode(chunk, { stream: true });
    } catch {
      throw new AppError('IMPORT_BAD_ENCODING', { offset: offset + firstBadUtf8Byte(chunk) });
    }
    offset += chunk.length;
    if (offset > limit) throw new AppError('BODY_TOO_LARGE', { limit });
  }
  try {
    yield decoder.decode();
  } catch {
    throw new AppError('IMPORT_BAD_ENCODING', { offset });
  }
}

function firstBadUtf8Byte(chunk: Uint8Array): number {
  for (let i = 1; i <= chunk.length; i++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(chunk.subarray(0, i), { stream: true });
    } catch {
      return startOfBadSequence(chunk, i - 1);
    }
  }
  return chunk.length;
}

/**
 * The decoder notices an unfinished sequence only at the byte after it (a latin-1 "é" followed by a
 * space fails at the space); the byte to point the user at is the lead byte that started it.
 */
function startOfBadSequence(chunk: Uint8Array, failedAt: number): number {
  const isContinuation = (b: number) => (b & 0xc0) === 0x80;
  if (isContinuation(chunk[failedAt]!)) return failedAt;
  let lead = failedAt - 1;
  while (lead > 0 && isContinuation(chunk[lead]!)) lead--;
  if (lead < 0) return failedAt;
  const b = chunk[lead]!;
  const expected = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return failedAt - lead < expected ? lead : failedAt;
}

async function* jsonLines(text: AsyncIterable<string>): AsyncGenerator<RawRow> {
  let buffer = '';
  let row = 0;
  const emit = (line: string): RawRow | null => {
    row++;
    if (!line.trim()) return null;
    try {
      return { row, value: JSON.parse(line) };
    } catch (err) {
      return { row, value: null, error: `not valid JSON: ${(err as Error).message}` };
    }
  };
  for await (const piece of text) {
    buffer += piece;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const r = emit(buffer.slice(0, nl).replace(/^\uFEFF/, ''));
      buffer = buffer.slice(nl + 1);
      if (r) yield r;
    }
  }
  const last = emit(buffer);
  if (last) yield last;
}

/** The header's column names; a name given twice is ambiguous (which cell is the name?), so the file is refused. */
function csvColumns(header: string[]): string[] {
  const names = header.map((c) => c.trim());
  const twice = names.find((name, i) => name !== '' && names.indexOf(name) !== i);
  if (twice !== undefined)
    throw new AppError('IMPORT_BAD_FORMAT', { format: 'CSV', detail: `the header names the column "${twice}" twice` });
  return names;
}

async function* csvRows(text: AsyncIterable<string>): AsyncGenerator<RawRow> {
  const parser = parseCsv({
    columns: csvColumns,
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    info: true,
    trim: false,
  });
  const feeding = (async () => {
    try {
      for await (const piece of text) if (!parser.write(piece)) await new Promise((r) => parser.once('drain', r));
      parser.end();
    } catch (err) {
      parser.destroy(err as Error);
    }
  })();
  let row = 0;
  // csv-parse counts inconsistent records cumulatively, so a row is bad when the count just grew.
  let invalidSoFar = 0;
  try {
    for await (const record of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { invalid_field_length: number };
    }>) {
      row++;
      const invalid = record.info.invalid_field_length > invalidSoFar;
      invalidSoFar = record.info.invalid_field_length;
      yield invalid
        ? { row, value: null, error: 'has a different number of columns than the header' }
        : { row, value: record.record };
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('IMPORT_BAD_FORMAT', { format: 'CSV', detail: (err as Error).message });
  }
  await feeding;
}

async function* jsonArray(text: AsyncIterable<string>): AsyncGenerator<RawRow> {
  let all = '';
  for await (const piece of text) all += piece;
  let parsed: unknown;
  try {
    parsed = JSON.parse(all);
  } catch (err) {
    throw new AppError('IMPORT_BAD_FORMAT', { format: 'a JSON array', detail: (err as Error).message });
  }
  yield* arrayRows(parsed);
}

function* arrayRows(parsed: unknown): Generator<RawRow> {
  const items = Array.isArray(parsed) ? parsed : (parsed as { mentors?: unknown })?.mentors;
  if (!Array.isArray(items))
    throw new AppError('IMPORT_BAD_FORMAT', {
      format: 'JSON',
      detail: 'expected an array of mentors or { "mentors": [...] }',
    });
  for (let i = 0; i < items.length; i++) yield { row: i + 1, value: items[i] };
}

/** A file's rows as read, before validation; from ImportService.readRows. */
export type ImportRows = readonly RawRow[];

/**
 * Imports a file of mentors batch by batch. The whole file is read first, so a file that cannot be read
 * (bad encoding, broken CSV quoting, JSON that does not parse) is refused before anything is written.
 * Then each row is validated on its own: a bad row is reported and skipped. A batch the database refuses
 * is rolled back and its rows retried one by one, so only the rows at fault fail. Rerunning the same file
 * is idempotent (by id).
 */
export class ImportService {
  constructor(
    private readonly mentors: MentorService,
    private readonly bodyLimit: number,
    private readonly log: Pick<FastifyBaseLogger, 'error'>,
  ) {}

  /** Reads and parses the whole body: a stream, bytes, text, or an already parsed JSON value. */
  async readRows(body: unknown, format: ImportFormat): Promise<ImportRows> {
    if (body === undefined) throw new AppError('IMPORT_EMPTY');
    // The import routes hand text files over as streams: a string is a JSON body that was a JSON string.
    if (typeof body === 'string')
      throw new AppError('IMPORT_BAD_FORMAT', {
        format: 'JSON',
        detail: 'expected an array of mentors or { "mentors": [...] }, got a string',
      });
    const source =
      body instanceof Readable || body instanceof Uint8Array
        ? (format === 'csv' ? csvRows : format === 'json' ? jsonArray : jsonLines)(
            decodeUtf8(toChunks(body), this.bodyLimit),
          )
        : arrayRows(body);
    const rows: RawRow[] = [];
    for await (const row of source) rows.push(row);
    if (rows.length === 0) throw new AppError('IMPORT_EMPTY');
    return rows;
  }

  /**
   * Imports the rows; when `signal` aborts (the engine shuts down), the batches under way are written and the rest is
   * not. Each batch written names the actor in the audit log, in its own transaction.
   */
  async importRows(
    rows: ImportRows,
    report?: ProgressReporter,
    signal?: AbortSignal,
    actor?: Actor,
  ): Promise<ImportResult> {
    const audit = actor ? { actor } : {};
    const result: ImportResult = { rows: 0, created: 0, updated: 0, unchanged: 0, failed: 0, errors: [], warnings: [] };
    // A misspelt optional column ("yearsExperiance") would otherwise import every row with the default value.
    const unknownFields = new Map<string, number>();
    let moreUnknownFields = false;
    const fail = (e: ImportRowError) => {
      result.failed++;
      if (result.errors.length < MAX_REPORTED_ERRORS) result.errors.push(e);
    };
    const seen = new Map<string, number>();
    let batch: BatchRow[] = [];
    // One batch is embedded while the one before it is written, so the encoder does not wait for the
    // database and the index. Safe because an import never repeats an id (DUPLICATE_ID below): no
    // batch reads what the batch before it writes.
    let inFlight: { rows: typeof batch; prepared: Promise<PreparedBatch> } | null = null;

    const commit = async ({ rows: current, prepared }: NonNullable<typeof inFlight>) => {
      try {
        const accounts = withAccounts(current, actor);
        const outcomes = await this.mentors.commitBatch(await prepared, { ...audit, alsoWrite: accounts.write });
        for (const o of outcomes) result[o.status]++;
        accounts.report(result);
      } catch (err) {
        await this.commitOneByOne(current, prepared, err, result, fail, actor);
      }
      report?.({ done: result.rows, total: rows.length, stage: 'importing' });
    };

    const flush = async () => {
      if (batch.length === 0) return;
      if (signal?.aborted)
        throw new AppError('JOB_CANCELLED', {
          detail: `the valid rows before row ${batch[0]!.row} were imported; import the file again to finish (imports are idempotent by id)`,
        });
      const next = { rows: batch, prepared: this.mentors.prepareBatch(batch.map((b) => b.input)) };
      // A failure is reported when the batch's turn to commit comes; until then nobody awaits it.
      next.prepared.catch(() => {});
      batch = [];
      const previous = inFlight;
      inFlight = next;
      if (previous) await commit(previous);
    };

    try {
      for (const raw of rows) {
        result.rows++;
        if (raw.error) {
          fail({ row: raw.row, code: 'ROW_UNREADABLE', message: `row ${raw.row} ${raw.error}` });
          continue;
        }
        if (typeof raw.value === 'object' && raw.value !== null && !Array.isArray(raw.value)) {
          for (const field of Object.keys(raw.value)) {
            if (MENTOR_ROW_FIELDS.has(field) || field === EMAIL_FIELD || unknownFields.has(field)) continue;
            if (unknownFields.size < MAX_FIELD_WARNINGS) unknownFields.set(field, raw.row);
            else moreUnknownFields = true;
          }
        }
        const parsed = validateMentorRow(raw.value);
        const rawId = (raw.value as { id?: unknown } | null)?.id;
        const email = rowEmail(raw.value);
        if (!parsed.ok || email.error) {
          fail({
            row: raw.row,
            ...(typeof rawId === 'string' ? { id: rawId } : {}),
            code: 'ROW_INVALID',
            message: [...(parsed.ok ? [] : parsed.errors), ...(email.error ? [email.error] : [])].join('; '),
          });
          continue;
        }
        const firstRow = seen.get(parsed.value.externalId);
        if (firstRow !== undefined) {
          fail({
            row: raw.row,
            id: parsed.value.externalId,
            code: 'DUPLICATE_ID',
            message: `id ${parsed.value.externalId} already appeared in row ${firstRow} of this file`,
          });
          continue;
        }
        seen.set(parsed.value.externalId, raw.row);
        batch.push({ row: raw.row, input: parsed.value, ...(email.email !== undefined && { email: email.email }) });
        if (batch.length >= BATCH_SIZE) await flush();
      }
      await flush();
    } finally {
      // A batch being embedded is written even if a later one failed to prepare.
      if (inFlight) await commit(inFlight);
    }
    for (const [field, row] of unknownFields) {
      result.warnings.push(
        `"${shorten(field, 80)}" (first in row ${row}) is not a mentor field and was ignored; mentor fields are ${[...MENTOR_ROW_FIELDS].join(', ')}`,
      );
    }
    if (moreUnknownFields)
      result.warnings.push(
        `more fields that are not mentor fields were ignored; only the first ${MAX_FIELD_WARNINGS} are named`,
      );
    report?.({ done: result.rows, total: result.rows, stage: 'done' });
    return result;
  }

  /** After a batch failed as a whole: each of its rows alone, so that one bad row does not fail the others. */
  private async commitOneByOne(
    rows: readonly BatchRow[],
    preparing: Promise<PreparedBatch>,
    batchError: unknown,
    result: ImportResult,
    fail: (e: ImportRowError) => void,
    actor: Actor | undefined,
  ): Promise<void> {
    const audit = actor ? { actor } : {};
    let prepared: PreparedBatch;
    try {
      prepared = await preparing;
    } catch {
      const message =
        batchError instanceof AppError
          ? batchError.message
          : 'the batch could not be embedded; nothing of it was written (see the engine log)';
      for (const b of rows) fail({ row: b.row, id: b.input.externalId, code: 'BATCH_FAILED', message });
      this.log.error({ err: batchError, rows: rows.length }, 'an import batch could not be embedded');
      return;
    }
    for (const b of rows) {
      try {
        const accounts = withAccounts([b], actor);
        const [outcome] = await this.mentors.commitBatch(
          { ...prepared, inputs: [b.input] },
          { ...audit, alsoWrite: accounts.write },
        );
        result[outcome!.status]++;
        accounts.report(result);
      } catch (err) {
        const message =
          err instanceof AppError
            ? err.message
            : 'the row could not be written, also on its own; it was rolled back (see the engine log)';
        fail({ row: b.row, id: b.input.externalId, code: 'BATCH_FAILED', message });
        this.log.error({ err, row: b.row, id: b.input.externalId }, 'an import row could not be written');
      }
    }
  }
}

/**
 * The mentor accounts of a batch's rows with an email, written in the batch's transaction; their conflicts are
 * reported only once that transaction committed (a batch rolled back is retried row by row, and reports then).
 */
function withAccounts(rows: readonly BatchRow[], actor: Actor | undefined) {
  const accounts: MentorAccount[] = rows.flatMap((b) =>
    b.email === undefined
      ? []
      : [{ externalId: b.input.externalId, name: b.input.name, timeZone: b.input.timezone ?? 'UTC', email: b.email }],
  );
  let conflicts: AccountConflict[] = [];
  return {
    write: async (trx: Repositories) => {
      conflicts = await linkMentorAccounts(trx, accounts, actor);
    },
    report(result: ImportResult) {
      for (const c of conflicts) {
        if (result.warnings.length >= MAX_REPORTED_ERRORS) return;
        const row = rows.find((b) => b.input.externalId === c.externalId)!.row;
        result.warnings.push(`row ${row} (id ${c.externalId}): ${c.message}`);
      }
    },
  };
}
