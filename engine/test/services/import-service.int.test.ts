import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { mentor } from '../../../test/support/app-harness.js';
import type { MentorInput } from '../../src/domain/mentor.js';
import { ImportService } from '../../src/services/import-service.js';
import type { BatchOutcome, MentorService, PreparedBatch } from '../../src/services/mentor-service.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/**
 * A MentorService stand-in that logs when each batch (named by its first id) is prepared and committed;
 * `failCommit` names a row whose every commit fails, as a row the database refuses would.
 */
function recordingMentors(opts: { failPrepare?: string; failCommit?: string } = {}) {
  const events: string[] = [];
  const committed: string[] = [];
  const stub = {
    async prepareBatch(inputs: readonly MentorInput[]): Promise<PreparedBatch> {
      const name = inputs[0]!.externalId;
      events.push(`prepare ${name}`);
      await tick();
      if (name === opts.failPrepare) throw new Error('the encoder failed');
      events.push(`prepared ${name}`);
      return { modelId: 'test', inputs, freshById: new Map() };
    },
    async commitBatch(prepared: PreparedBatch): Promise<BatchOutcome[]> {
      const name = prepared.inputs[0]!.externalId;
      events.push(`commit ${name}`);
      await tick();
      if (prepared.inputs.some((m) => m.externalId === opts.failCommit)) throw new Error('the transaction failed');
      events.push(`committed ${name}`);
      committed.push(...prepared.inputs.map((m) => m.externalId));
      return prepared.inputs.map((m) => ({ externalId: m.externalId, status: 'created' }));
    },
  };
  const errors: unknown[] = [];
  const log = { error: (fields: unknown) => void errors.push(fields) };
  return { events, committed, errors, service: new ImportService(stub as unknown as MentorService, 10_000_000, log) };
}

// 64 rows a batch: m-0, m-64 and m-128 start the three batches of 150 rows.
const rows = (n: number) => Array.from({ length: n }, (_, i) => mentor(`m-${i}`));

describe('import pipeline', () => {
  it('embeds the next batch while the previous one is written, and writes batches one at a time in file order', async () => {
    const { events, committed, service } = recordingMentors();
    const result = await service.importRows(await service.readRows(rows(150), 'json'));
    expect(result).toMatchObject({ rows: 150, created: 150, failed: 0 });
    expect(committed).toEqual(rows(150).map((m) => m.id));
    expect(events.indexOf('prepare m-64')).toBeLessThan(events.indexOf('commit m-0'));
    expect(events.indexOf('prepare m-128')).toBeLessThan(events.indexOf('commit m-64'));
    expect(events.filter((e) => e.startsWith('commit '))).toEqual(['commit m-0', 'commit m-64', 'commit m-128']);
    expect(events.indexOf('commit m-64')).toBeGreaterThan(events.indexOf('committed m-0'));
    expect(events.indexOf('commit m-128')).toBeGreaterThan(events.indexOf('committed m-64'));
  });

  it('a batch that fails to embed is reported row by row and the batches around it still land', async () => {
    const { committed, errors, service } = recordingMentors({ failPrepare: 'm-64' });
    const result = await service.importRows(await service.readRows(rows(150), 'json'));
    expect(result).toMatchObject({ rows: 150, created: 86, failed: 64 });
    expect(result.errors).toHaveLength(64);
    expect(result.errors[0]).toEqual({
      row: 65,
      id: 'm-64',
      code: 'BATCH_FAILED',
      message: 'the batch could not be embedded; nothing of it was written (see the engine log)',
    });
    expect(committed).toEqual([...rows(64), ...rows(150).slice(128)].map((m) => m.id));
    expect(errors).toEqual([
      expect.objectContaining({ rows: 64, err: expect.objectContaining({ message: 'the encoder failed' }) }),
    ]);
  });

  it('a batch whose write fails is retried row by row: only the row at fault fails, and the next batch still lands', async () => {
    const { events, committed, errors, service } = recordingMentors({ failCommit: 'm-5' });
    const result = await service.importRows(await service.readRows(rows(100), 'json'));
    expect(result).toMatchObject({ rows: 100, created: 99, failed: 1 });
    expect(result.errors).toEqual([
      {
        row: 6,
        id: 'm-5',
        code: 'BATCH_FAILED',
        message: 'the row could not be written, also on its own; it was rolled back (see the engine log)',
      },
    ]);
    expect(committed).toEqual(
      rows(100)
        .map((m) => m.id)
        .filter((id) => id !== 'm-5'),
    );
    // The whole batch first, then each of its rows alone, then the next batch.
    const commits = events.filter((e) => e.startsWith('commit '));
    expect(commits.slice(0, 3)).toEqual(['commit m-0', 'commit m-0', 'commit m-1']);
    expect(commits).toHaveLength(1 + 64 + 1);
    expect(errors).toEqual([expect.objectContaining({ row: 6, id: 'm-5' })]);
  });

  it('when the file breaks off, the error is raised before anything is written', async () => {
    const { events, service } = recordingMentors();
    const lines = rows(100).map((m) => `${JSON.stringify(m)}\n`);
    const body = Readable.from(
      (async function* () {
        yield Buffer.from(lines.join(''));
        throw new Error('connection reset');
      })(),
    );
    await expect(service.readRows(body, 'jsonl')).rejects.toThrow('connection reset');
    expect(events).toEqual([]);
  });

  it('refuses a CSV file whose quoting breaks after many good rows, naming the line, before writing any row', async () => {
    const { events, service } = recordingMentors();
    const good = rows(140).map((m) => `${m.id},${m.name},${m.bio},UTC`);
    const csv = ['id,name,bio,timezone', ...good, 'bad,"unclosed,x,UTC'].join('\n');
    await expect(service.readRows(Buffer.from(csv), 'csv')).rejects.toMatchObject({
      code: 'IMPORT_BAD_FORMAT',
      message: expect.stringContaining('line 142'),
    });
    expect(events).toEqual([]);
  });

  it('refuses a JSON body that is not a list of mentors with a format error', async () => {
    const { service } = recordingMentors();
    await expect(service.readRows(null, 'json')).rejects.toMatchObject({ code: 'IMPORT_BAD_FORMAT' });
    await expect(service.readRows([], 'json')).rejects.toMatchObject({ code: 'IMPORT_EMPTY' });
  });
});
