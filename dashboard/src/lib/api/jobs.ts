import { api, unwrap, type Schemas } from './client.js';

export type Job = Schemas['Job'];

const POLL_MS = 400;

/**
 * Polls a background job until it finishes, reporting each state; resolves with the finished job
 * (done or failed) so callers decide how to present a failure.
 */
export async function waitForJob(id: string, onUpdate: (job: Job) => void, signal?: AbortSignal): Promise<Job> {
  for (;;) {
    const job = await unwrap(api.GET('/api/jobs/{id}', { params: { path: { id } }, signal }));
    onUpdate(job);
    if (job.state !== 'running') return job;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    signal?.throwIfAborted();
  }
}
