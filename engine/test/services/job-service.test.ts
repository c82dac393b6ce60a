import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { JobService, type JobView } from '../../src/services/job-service.js';

function recordingLog() {
  const entries: { obj: unknown; msg: string }[] = [];
  const error = (obj: unknown, msg?: string) => {
    entries.push({ obj, msg: msg ?? '' });
  };
  return { entries, log: { error } as Pick<FastifyBaseLogger, 'error'> };
}

async function settled(jobs: JobService, id: string): Promise<JobView> {
  await jobs.settle(1000);
  return jobs.get(id);
}

describe('JobService failures', () => {
  it('a job failing with an AppError reports it in the error body and logs nothing', async () => {
    const { entries, log } = recordingLog();
    const jobs = new JobService(log);
    const job = jobs.start('import', async () => {
      throw new AppError('IMPORT_EMPTY');
    });
    const view = await settled(jobs, job.id);
    expect(view.state).toBe('failed');
    expect(view.error).toEqual({
      statusCode: 400,
      code: 'IMPORT_EMPTY',
      error: 'Job failed',
      message: 'The import file holds no rows',
    });
    expect(entries).toEqual([]);
  });

  it('any other failure is INTERNAL to the client and logged with its type and stack, not its message', async () => {
    const { entries, log } = recordingLog();
    const jobs = new JobService(log);
    const job = jobs.start('import', async () => {
      const err = new TypeError('duplicate key: Key (external_id)=(jane.doe@example.org)') as TypeError & {
        code: string;
      };
      err.code = '23505';
      throw err;
    });
    const view = await settled(jobs, job.id);
    expect(view.error).toMatchObject({ statusCode: 500, code: 'INTERNAL', error: 'Job failed' });
    expect(entries).toHaveLength(1);
    expect(entries[0]!.msg).toBe('job failed');
    expect(entries[0]!.obj).toMatchObject({
      job: { id: job.id, kind: 'import' },
      fault: { type: 'TypeError', code: '23505' },
    });
    const logged = JSON.stringify(entries[0]!.obj);
    expect(logged).toMatch(/job-service\.test\.ts/);
    expect(logged).not.toMatch(/jane\.doe|external_id/);
  });

  it('a thrown value that is not an Error is logged by its type', async () => {
    const { entries, log } = recordingLog();
    const jobs = new JobService(log);
    const job = jobs.start('evaluation', () => Promise.reject('a secret string'));
    await settled(jobs, job.id);
    expect(entries[0]!.obj).toMatchObject({ fault: { type: 'string', frames: [] } });
    expect(JSON.stringify(entries[0]!.obj)).not.toMatch(/secret/);
  });
});
