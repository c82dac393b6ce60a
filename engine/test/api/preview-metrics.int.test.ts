import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, mentor, removeDir, startTestApp, type TestApp } from '../../../test/support/app-harness.js';

// A labelled dataset small enough to reason about: each question has one ideal mentor whose bio shares its words.
function writeDataset(dir: string): void {
  const mentors = [
    {
      id: 'd-neg',
      headline: 'Recruiting lead',
      bio: 'I negotiated salary offers and coach people on compensation and pay.',
    },
    {
      id: 'd-k8s',
      headline: 'Platform engineer',
      bio: 'I run Kubernetes clusters and teach container orchestration to teams.',
    },
    {
      id: 'd-ivf',
      headline: 'HR partner',
      bio: 'I went through IVF while working and advise on telling your manager.',
    },
  ];
  fs.writeFileSync(
    path.join(dir, 'mentors.jsonl'),
    mentors
      .map((m) =>
        JSON.stringify({
          externalId: m.id,
          name: m.id,
          headline: m.headline,
          bio: m.bio,
          skills: [],
          languages: ['en'],
          timezone: 'UTC',
          yearsExperience: 10,
          capacityPerMonth: 2,
          active: true,
        }),
      )
      .join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'queries.jsonl'),
    [
      { query_id: 'q1', text: 'how do I negotiate my salary offer' },
      { query_id: 'q2', text: 'learning kubernetes clusters for my team' },
      { query_id: 'q3', text: 'going through IVF, how to tell my manager' },
    ]
      .map((q) => JSON.stringify(q))
      .join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'judgments.csv'),
    'query_id,mentor_id,relevance\nq1,d-neg,3\nq2,d-k8s,3\nq3,d-ivf,3\n',
  );
}

let app: TestApp;
let datasetDir: string;

beforeAll(async () => {
  datasetDir = makeTempDir('mm-preview-dataset-');
  writeDataset(datasetDir);
  app = await startTestApp({ env: { DEMO_EVAL_DIR: datasetDir } });
  await app.app.inject({
    method: 'POST',
    url: '/api/mentors',
    payload: mentor('live-1', { bio: 'I negotiated salary offers for many candidates.' }),
  });
});

afterAll(async () => {
  await app?.close();
  removeDir(datasetDir);
});

describe('POST /api/match/preview with a labelled dataset', () => {
  it('scores the active configuration and the draft on the dataset, with intervals', async () => {
    const res = await app.app.inject({
      method: 'POST',
      url: '/api/match/preview',
      payload: { text: 'salary negotiation', k: 3, draft: { weights: { lexical: 1 } }, dataset: 'demo' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const { metrics } = res.json() as {
      metrics: {
        dataset: string;
        active: Array<{ name: string; value: number; ci: [number, number] }>;
        draft: typeof metrics.active;
      };
    };
    expect(metrics.dataset).toBe('demo');
    const mrr = (list: typeof metrics.active) => list.find((m) => m.name === 'mrr')!;
    // Lexical-only ranks each question's mentor first: every question shares its key word with exactly one bio.
    expect(mrr(metrics.draft).value).toBe(1);
    for (const list of [metrics.active, metrics.draft]) {
      const m = mrr(list);
      expect(m.value).toBeGreaterThan(0);
      expect(m.ci[0]).toBeLessThanOrEqual(m.value);
      expect(m.ci[1]).toBeGreaterThanOrEqual(m.value);
    }
  });

  it('answers without metrics when no dataset is named', async () => {
    const res = await app.app.inject({
      method: 'POST',
      url: '/api/match/preview',
      payload: { text: 'salary negotiation', draft: { weights: { lexical: 1 } } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().metrics).toBeUndefined();
  });

  it('refuses an unknown dataset and a preview without a draft', async () => {
    const unknown = await app.app.inject({
      method: 'POST',
      url: '/api/match/preview',
      payload: { text: 'x', draft: { weights: { lexical: 1 } }, dataset: 'nope' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('DATASET_NOT_FOUND');
    const noDraft = await app.app.inject({ method: 'POST', url: '/api/match/preview', payload: { text: 'x' } });
    expect(noDraft.statusCode).toBe(400);
    expect(noDraft.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(noDraft.json().message).toMatch(/draftVersion/);
  });
});
