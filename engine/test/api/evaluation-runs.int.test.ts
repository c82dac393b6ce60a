import fs from 'node:fs';
import path from 'node:path';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvaluationRunResult } from '../../src/evaluation/run-evaluation.js';
import { ErrorResponse, EvaluationResult } from '../../src/routes/schemas.js';
import { makeTempDir, removeDir, startTestApp, type TestApp } from '../../../test/support/app-harness.js';

// Two questions over three mentors: enough for every metric to exist, small enough to run in a moment.
const mentors = [
  ['r-tax', 'I prepare tax returns for freelancers and explain deductions.'],
  ['r-ux', 'I run usability studies and teach interview techniques for product research.'],
  ['r-cook', 'I trained as a chef and now coach people opening a small restaurant.'],
];
const questions = [
  ['t1', 'which deductions can a freelancer claim on a tax return'],
  ['t2', 'planning to open a restaurant after culinary school'],
];

function writeDataset(dir: string): void {
  const mentorLine = ([id, bio]: string[]) =>
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
  fs.writeFileSync(path.join(dir, 'mentors.jsonl'), mentors.map(mentorLine).join('\n'));
  fs.writeFileSync(
    path.join(dir, 'queries.jsonl'),
    questions.map(([id, text]) => JSON.stringify({ query_id: id, text })).join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'judgments.csv'),
    'query_id,mentor_id,relevance\nt1,r-tax,3\nt1,r-ux,0\nt2,r-cook,3\nt2,r-tax,1\n',
  );
}

let app: TestApp;
let datasetDir: string;
/** The gold standard's folder on this engine: empty, as on a fresh clone without the data beside it. */
let goldDir: string;

beforeAll(async () => {
  datasetDir = makeTempDir('mm-eval-runs-dataset-');
  goldDir = makeTempDir('mm-eval-runs-gold-');
  writeDataset(datasetDir);
  app = await startTestApp({ env: { DEMO_EVAL_DIR: datasetDir, REVIEWER_EXPERTISE_DIR: goldDir } });
});

afterAll(async () => {
  await app?.close();
  removeDir(datasetDir);
  removeDir(goldDir);
});

interface DatasetListing {
  name: string;
  kind: string;
  available: boolean;
  howToGet: string | null;
}

async function listDatasets(): Promise<DatasetListing[]> {
  const res = await app.app.inject({ method: 'GET', url: '/api/evaluation/datasets' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as DatasetListing[];
}

describe('GET /api/evaluation/datasets', () => {
  it('lists a present dataset as available and a missing one as unavailable, saying how to get it', async () => {
    const [demo, gold] = await listDatasets();
    expect(demo).toEqual({ name: 'demo', kind: 'generic', available: true, howToGet: null });
    expect(gold).toMatchObject({ name: 'reviewer-expertise', kind: 'reviewer-expertise', available: false });
    // The setting, the files, where they come from; never the server's own path.
    expect(gold!.howToGet).toContain('REVIEWER_EXPERTISE_DIR');
    expect(gold!.howToGet).toContain('experts.jsonl, queries.jsonl and judgments.csv');
    expect(gold!.howToGet).toContain('niharshah/goldstandard-reviewer-paper-match');
    expect(gold!.howToGet).not.toContain(goldDir);
  });

  it('names only the files still missing, and lists the dataset once they are all there', async () => {
    fs.writeFileSync(path.join(goldDir, 'experts.jsonl'), '');
    try {
      const partial = (await listDatasets())[1]!;
      expect(partial.available).toBe(false);
      expect(partial.howToGet).toContain('queries.jsonl and judgments.csv are not there');
      fs.writeFileSync(path.join(goldDir, 'queries.jsonl'), '');
      fs.writeFileSync(path.join(goldDir, 'judgments.csv'), '');
      expect((await listDatasets())[1]).toMatchObject({ available: true, howToGet: null });
    } finally {
      for (const file of fs.readdirSync(goldDir)) fs.rmSync(path.join(goldDir, file));
    }
  });
});

describe('POST /api/evaluation/runs on a missing dataset', () => {
  it('answers 404 DATASET_UNAVAILABLE at once, saying how to get the data', async () => {
    const res = await app.app.inject({
      method: 'POST',
      url: '/api/evaluation/runs',
      payload: { dataset: 'reviewer-expertise', configs: ['active'] },
    });
    expect(res.statusCode, res.body).toBe(404);
    const body: unknown = res.json();
    expect(Value.Errors(ErrorResponse, body)).toEqual([]);
    expect(body).toMatchObject({ code: 'DATASET_UNAVAILABLE', statusCode: 404 });
    const { message } = body as { message: string };
    expect(message).toMatch(/^Dataset reviewer-expertise is not on this engine\. It needs experts\.jsonl/);
    expect(message).toContain('REVIEWER_EXPERTISE_DIR');
    expect(message).not.toContain(goldDir);
  });

  it('answers the same for a preview scored on it, and 404 DATASET_NOT_FOUND for a name it does not know', async () => {
    const preview = await app.app.inject({
      method: 'POST',
      url: '/api/match/preview',
      payload: { text: 'tax returns', draft: { weights: { lexical: 1 } }, dataset: 'reviewer-expertise' },
    });
    expect(preview.statusCode, preview.body).toBe(404);
    expect(preview.json().code).toBe('DATASET_UNAVAILABLE');
    const unknown = await app.app.inject({
      method: 'POST',
      url: '/api/evaluation/runs',
      payload: { dataset: 'no-such-dataset', configs: ['active'] },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'DATASET_NOT_FOUND', message: 'No dataset no-such-dataset' });
  });
});

interface FinishedJob {
  state: 'running' | 'done' | 'failed';
  result?: { runId: string };
}

async function finishedEvaluation(): Promise<FinishedJob> {
  const started = await app.app.inject({
    method: 'POST',
    url: '/api/evaluation/runs',
    payload: { dataset: 'demo', configs: ['active'], bootstrapSamples: 20 },
  });
  expect(started.statusCode, started.body).toBe(202);
  const { jobId } = started.json() as { jobId: string };
  for (;;) {
    const job = (await app.app.inject({ method: 'GET', url: `/api/jobs/${jobId}` })).json() as FinishedJob;
    if (job.state !== 'running') return job;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('GET /api/evaluation/runs/{id}', () => {
  it('answers a finished run with a schema-valid body equal to what its job holds', async () => {
    const job = await finishedEvaluation();
    expect(job.state).toBe('done');
    const runId = job.result!.runId;

    const res = await app.app.inject({ method: 'GET', url: `/api/evaluation/runs/${runId}` });
    expect(res.statusCode, res.body).toBe(200);
    const body: unknown = res.json();
    expect(Value.Errors(EvaluationResult, body)).toEqual([]);
    // The serializer keeps only what the schema names: equality with the job's untyped copy shows nothing was dropped.
    expect(body).toEqual(job.result);
    const result = body as EvaluationRunResult;
    expect(result.runId).toBe(runId);
    expect(result.counts).toMatchObject({ mentors: 3, queries: 2 });
    // The baselines run after the active configuration, so each is compared with it.
    const [active, ...baselines] = result.configs;
    expect(active!.versusBaseline).toBeUndefined();
    expect(baselines.length).toBeGreaterThan(0);
    for (const c of baselines) expect(c.versusBaseline?.baseline).toBe(active!.name);
  });

  it('answers 404 with the stable code for an unknown run', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/api/evaluation/runs/no-such-run' });
    expect(res.statusCode).toBe(404);
    const body: unknown = res.json();
    expect(Value.Errors(ErrorResponse, body)).toEqual([]);
    expect(body).toMatchObject({ code: 'EVALUATION_NOT_FOUND', statusCode: 404 });
  });
});

describe('GET /api/evaluation/runs/{id}/export?format=predictions', () => {
  it("exports the named configuration's scores, and answers 404 naming the run's configurations for one it does not hold", async () => {
    const job = await finishedEvaluation();
    const runId = job.result!.runId;
    const names = (job.result as unknown as EvaluationRunResult).configs.map((c) => c.name);
    const ok = await app.app.inject({
      method: 'GET',
      url: `/api/evaluation/runs/${runId}/export?format=predictions&config=${encodeURIComponent(names[1]!)}`,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(Object.keys(ok.json()).sort()).toEqual(['r-cook', 'r-tax', 'r-ux']);

    const res = await app.app.inject({
      method: 'GET',
      url: `/api/evaluation/runs/${runId}/export?format=predictions&config=doesnotexist`,
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'EVALUATION_CONFIG_NOT_FOUND' });
    expect(res.json().message).toBe(
      `Evaluation run ${runId} has no configuration doesnotexist; it has ${names.join(', ')}`,
    );
  });
});
