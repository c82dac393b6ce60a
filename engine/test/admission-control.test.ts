import { describe, expect, it } from 'vitest';
import { AdmissionGate } from '../src/admission-control.js';
import { AppError } from '../src/errors.js';

/** Work that finishes when the test says so. */
function held() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return { work: () => done, finish };
}

describe('AdmissionGate', () => {
  it('works on maxInFlight at once, queues maxQueued, refuses the rest at once with OVERLOADED', async () => {
    const gate = new AdmissionGate({ maxInFlight: 2, maxQueued: 1 });
    const jobs = [held(), held(), held()];
    const started: number[] = [];
    const runs = jobs.map((job, i) =>
      gate.run(async () => {
        started.push(i);
        await job.work();
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(gate.load()).toEqual({ inFlight: 2, queued: 1 });
    const refused = await gate.run(async () => 'never').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('OVERLOADED');
    expect((refused as AppError).status).toBe(503);

    jobs[0]!.finish();
    await runs[0];
    await Promise.resolve();
    // The queued question took the place the first one left, first come first served.
    expect(started).toEqual([0, 1, 2]);
    expect(gate.load()).toEqual({ inFlight: 2, queued: 0 });
    jobs[1]!.finish();
    jobs[2]!.finish();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(gate.load()).toEqual({ inFlight: 0, queued: 0 });
  });

  it('gives the place back when the work fails', async () => {
    const gate = new AdmissionGate({ maxInFlight: 1, maxQueued: 0 });
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(async () => 'next')).toBe('next');
    expect(gate.load()).toEqual({ inFlight: 0, queued: 0 });
  });

  it('with maxInFlight 0 admits everything', async () => {
    const gate = new AdmissionGate({ maxInFlight: 0, maxQueued: 0 });
    const jobs = Array.from({ length: 50 }, () => held());
    const runs = jobs.map((job) => gate.run(job.work));
    for (const job of jobs) job.finish();
    await expect(Promise.all(runs)).resolves.toHaveLength(50);
  });
});
