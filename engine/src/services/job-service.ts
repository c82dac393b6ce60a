import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { AppError, type ErrorBody, errorBody } from '../errors.js';

export interface JobProgress {
  done: number;
  total: number | null;
  stage: string;
}

export type ProgressReporter = (progress: JobProgress) => void;

export interface JobView {
  id: string;
  kind: string;
  state: 'running' | 'done' | 'failed';
  progress: JobProgress;
  result?: unknown;
  error?: ErrorBody;
  startedAt: string;
  finishedAt: string | null;
}

/**
 * Long work (imports, evaluations) runs as in-process jobs that the dashboard polls for progress.
 * Jobs are not persisted: their effects are (an import's rows), their progress need not survive a restart.
 */
export class JobService {
  private readonly jobs = new Map<string, JobView>();
  private readonly running = new Set<Promise<unknown>>();
  /** One per running job: aborted when the engine shuts down, so work stops at its next safe point. */
  private readonly controllers = new Set<AbortController>();
  private readonly keep: number;

  constructor(
    private readonly log: Pick<FastifyBaseLogger, 'error'>,
    keep = 100,
  ) {
    this.keep = keep;
  }

  start(kind: string, work: (report: ProgressReporter, signal: AbortSignal) => Promise<unknown>): JobView {
    const job: JobView = {
      id: randomUUID(),
      kind,
      state: 'running',
      progress: { done: 0, total: null, stage: 'starting' },
      startedAt: new Date().toISOString(),
      finishedAt: null,
    };
    this.jobs.set(job.id, job);
    this.evictOld();
    const controller = new AbortController();
    this.controllers.add(controller);
    const settled = work((p) => {
      job.progress = { ...p };
    }, controller.signal).then(
      (result) => {
        job.state = 'done';
        job.result = result;
        job.finishedAt = new Date().toISOString();
      },
      (err: unknown) => {
        // An AppError is the job's answer; anything else is a fault, which the job's view names only as INTERNAL.
        if (!(err instanceof AppError))
          this.log.error({ job: { id: job.id, kind }, fault: faultOf(err) }, 'job failed');
        const e = err instanceof AppError ? err : new AppError('INTERNAL');
        job.state = 'failed';
        job.error = errorBody(e, 'Job failed');
        job.finishedAt = new Date().toISOString();
      },
    );
    this.running.add(settled);
    void settled.finally(() => {
      this.running.delete(settled);
      this.controllers.delete(controller);
    });
    return job;
  }

  /**
   * Asks running jobs to stop at their next safe point (an import after the batch it is writing) and waits for
   * them, at most `timeoutMs`, so a shutdown does not pull the model or the database from under them.
   */
  async settle(timeoutMs: number): Promise<void> {
    if (this.running.size === 0) return;
    for (const controller of this.controllers) controller.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  get(id: string): JobView {
    const job = this.jobs.get(id);
    if (!job) throw new AppError('JOB_NOT_FOUND', { id });
    return job;
  }

  private evictOld(): void {
    for (const [id, job] of this.jobs) {
      if (this.jobs.size <= this.keep) break;
      if (job.state !== 'running') this.jobs.delete(id);
    }
  }
}

/**
 * What a log may keep of an unexpected failure: its type, code and stack frames, not its message, which can
 * quote the rows being written (an import's names and bios, a database's "Key (external_id)=(...)").
 */
export function faultOf(err: unknown): { type: string; code?: string; frames: string[] } {
  if (!(err instanceof Error)) return { type: typeof err, frames: [] };
  const code = (err as NodeJS.ErrnoException).code;
  return {
    type: err.constructor.name,
    ...(typeof code === 'string' ? { code } : {}),
    frames: (err.stack ?? '')
      .split('\n')
      .filter((line) => /^\s+at /.test(line))
      .map((line) => line.trim()),
  };
}
