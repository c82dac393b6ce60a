import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { mentor } from '../../../test/support/app-harness.js';
import type { MentorInput } from '../../src/domain/mentor.js';
import { ImportService } from '../../src/services/import-service.js';
import type { BatchOutcome, MentorService, PreparedBatch } from '../../src/services/mentor-service.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** A MentorService stand-in that logs when each batch (named by its first id) is prepared and committed. */
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
      if (name === opts.failCommit) throw new Error('the transaction failed');
      events.push(`committed ${name}`);
      committed.push(...prepared.inputs.map((m) => m.externalId));
      return prepared.inputs.map((m) => ({ externalId: m.externalId, status: 'created' }));
    },
  };
  return { events, committed, service: new ImportService(stub as unknown as MentorService, 10_000_000) };
}

// 64 rows a batch: m-0, m-64 and m-128 start the three batches of 150 rows.
const rows = (n: number) => Array.from({ length: n }, (_, i) => mentor(`m-${i}`));

describe('import pipeline', () => {
  it('embeds the next batch while the previous one is written, and writes batches one at a time in file order', async () => {
    const { events, committed, service } = recordingMentors();
    const result = await service.importStream(rows(150), 'json');
    expect(result).toMatchObject({ rows: 150, created: 150, failed: 0 });
    expect(committed).toEqual(rows(150).map((m) => m.id));
    expect(events.indexOf('prepare m-64')).toBeLessThan(events.indexOf('commit m-0'));
    expect(events.indexOf('prepare m-128')).toBeLessThan(events.indexOf('commit m-64'));
    expect(events.filter((e) => e.startsWith('commit '))).toEqual(['commit m-0', 'commit m-64', 'commit m-128']);
    expect(events.indexOf('commit m-64')).toBeGreaterThan(events.indexOf('committed m-0'));
    expect(events.indexOf('commit m-128')).toBeGreaterThan(events.indexOf('committed m-64'));
  });

  it('a batch that fails to embed is reported row by row and the batches around it still land', async () => {
    const { committed, service } = recordingMentors({ failPrepare: 'm-64' });
    const result = await service.importStream(rows(150), 'json');
    expect(result).toMatchObject({ rows: 150, created: 86, failed: 64 });
    expect(result.errors).toHaveLength(64);
    expect(result.errors[0]).toEqual({ row: 65, id: 'm-64', code: 'BATCH_FAILED', message: 'the batch could not be written and was rolled back' });
    expect(committed).toEqual([...rows(64), ...rows(150).slice(128)].map((m) => m.id));
  });

  it('a batch whose write fails is reported and the next batch still lands', async () => {
    const { committed, service } = recordingMentors({ failCommit: 'm-0' });
    const result = await service.importStream(rows(100), 'json');
    expect(result).toMatchObject({ rows: 100, created: 36, failed: 64 });
    expect(committed).toEqual(rows(100).slice(64).map((m) => m.id));
  });

  it('when the file breaks off, the batches read before the break are written and the error is raised', async () => {
    const { committed, service } = recordingMentors();
    const lines = rows(100).map((m) => `${JSON.stringify(m)}\n`);
    const body = Readable.from(
      (async function* () {
        yield Buffer.from(lines.join(''));
        throw new Error('connection reset');
      })(),
    );
    await expect(service.importStream(body, 'jsonl')).rejects.toThrow('connection reset');
    expect(committed).toEqual(rows(64).map((m) => m.id));
  });
});
