import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { HashingEmbeddingProvider } from '../../../test/support/hashing-embedding-provider.js';
import { DEFAULT_RULES, DEFAULT_WEIGHTS } from '../../src/matching/weights.js';
import type { ConfigService } from '../../src/services/config-service.js';
import { EvaluationService } from '../../src/services/evaluation-service.js';
import { JobService, type JobView } from '../../src/services/job-service.js';
import { makeTempDir, removeDir } from '../../../test/support/app-harness.js';

let dir: string;
beforeAll(() => {
  dir = makeTempDir('mm-eval-turns-');
  const mentor = (id: string, bio: string) =>
    JSON.stringify({
      externalId: id,
      name: id,
      headline: '',
      bio,
      skills: [],
      languages: ['en'],
      timezone: 'UTC',
      yearsExperience: 8,
      capacityPerMonth: 3,
      active: true,
    });
  fs.writeFileSync(
    path.join(dir, 'mentors.jsonl'),
    [
      mentor('tax', 'I prepare tax returns for freelancers.'),
      mentor('cook', 'I coach people opening a restaurant.'),
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'queries.jsonl'),
    JSON.stringify({ query_id: 'q1', text: 'freelancer tax deductions' }),
  );
  fs.writeFileSync(path.join(dir, 'judgments.csv'), 'query_id,mentor_id,relevance\nq1,tax,3\nq1,cook,0\n');
});
afterAll(() => removeDir(dir));

/** A configuration service whose answers wait until released, so runs can be held mid-way. */
function heldConfigs() {
  const calls: number[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let running = 0;
  let most = 0;
  const configs = {
    getActive: async () => {
      calls.push(Date.now());
      running++;
      most = Math.max(most, running);
      await released;
      running--;
      return { version: 1, name: 'default', weights: { ...DEFAULT_WEIGHTS }, rules: { ...DEFAULT_RULES } };
    },
  };
  return { configs: configs as unknown as ConfigService, release, calls, most: () => most };
}

async function finished(jobs: JobService, id: string): Promise<JobView> {
  for (;;) {
    const job = jobs.get(id);
    if (job.state !== 'running') return job;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('evaluation runs take turns', () => {
  it('runs one at a time, lets two wait, refuses a fourth with EVALUATION_BUSY, and then accepts again', async () => {
    const held = heldConfigs();
    const jobs = new JobService({ error: () => undefined });
    const service = new EvaluationService(
      loadConfig({}, { demoEvalDir: dir }),
      new HashingEmbeddingProvider(64),
      held.configs,
      jobs,
    );
    const request = { dataset: 'demo', configs: ['active' as const], baselines: false, bootstrapSamples: 10 };
    const started = [service.start(request), service.start(request), service.start(request)];
    expect(() => service.start(request)).toThrow(expect.objectContaining({ code: 'EVALUATION_BUSY', status: 429 }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Only the first run has reached its configurations; the others wait, and say so.
    expect(held.calls).toHaveLength(1);
    expect(jobs.get(started[2]!.id).progress.stage).toMatch(/waiting/);
    held.release();
    const done = await Promise.all(started.map((j) => finished(jobs, j.id)));
    expect(done.map((j) => j.state)).toEqual(['done', 'done', 'done']);
    expect(held.most()).toBe(1);
    const runIds = done.map((j) => (j.result as { runId: string }).runId);
    expect(new Set(runIds).size).toBe(3);
    for (const id of runIds) expect(service.get(id).result.configs).toHaveLength(1);
    await expect(finished(jobs, service.start(request).id)).resolves.toMatchObject({ state: 'done' });
  });

  it('keeps the newest 20 finished runs', async () => {
    const held = heldConfigs();
    held.release();
    const jobs = new JobService({ error: () => undefined });
    const service = new EvaluationService(
      loadConfig({}, { demoEvalDir: dir }),
      new HashingEmbeddingProvider(64),
      held.configs,
      jobs,
    );
    const runIds: string[] = [];
    for (let i = 0; i < 22; i++) {
      const job = await finished(
        jobs,
        service.start({ dataset: 'demo', configs: ['active'], baselines: false, bootstrapSamples: 10 }).id,
      );
      runIds.push((job.result as { runId: string }).runId);
    }
    expect(() => service.get(runIds[0]!)).toThrow(expect.objectContaining({ code: 'EVALUATION_NOT_FOUND' }));
    expect(() => service.get(runIds[1]!)).toThrow(expect.objectContaining({ code: 'EVALUATION_NOT_FOUND' }));
    for (const id of runIds.slice(2)) expect(service.get(id).result.configs).toHaveLength(1);
  });
});
