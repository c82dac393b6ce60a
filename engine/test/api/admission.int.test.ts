import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkMentor, ModelPacedEmbedder, startTestApp, type TestApp } from '../../../test/support/app-harness.js';

/** Asks `count` questions at once and returns their answers. */
async function burst(harness: TestApp, count: number) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      harness.app.inject({ method: 'POST', url: '/api/match', payload: { text: `How do I negotiate salary ${i}?` } }),
    ),
  );
}

describe('admission control on POST /api/match', () => {
  let limited: TestApp;
  let unlimited: TestApp;

  beforeAll(async () => {
    // The embedder takes 40 ms a call, so 20 questions sent at once overlap as they do at c = 20.
    limited = await startTestApp({
      embedder: new ModelPacedEmbedder(),
      env: { MATCH_MAX_IN_FLIGHT: '2', MATCH_MAX_QUEUED: '3' },
    });
    unlimited = await startTestApp({ embedder: new ModelPacedEmbedder(), env: { MATCH_MAX_IN_FLIGHT: '0' } });
    for (const harness of [limited, unlimited]) {
      const rows = Array.from({ length: 20 }, (_, i) => bulkMentor(i));
      for (const row of rows) {
        const res = await harness.app.inject({ method: 'POST', url: '/api/mentors', payload: row });
        expect(res.statusCode).toBe(201);
      }
    }
  });

  afterAll(async () => {
    await limited?.close();
    await unlimited?.close();
  });

  it('answers in-flight + queued questions and refuses the rest with 503 OVERLOADED and Retry-After', async () => {
    const answers = await burst(limited, 20);
    const ok = answers.filter((r) => r.statusCode === 200);
    const refused = answers.filter((r) => r.statusCode === 503);
    expect(ok).toHaveLength(5);
    expect(refused).toHaveLength(15);
    for (const r of refused) {
      expect(r.json()).toMatchObject({ code: 'OVERLOADED' });
      expect(r.headers['retry-after']).toBe('1');
    }
    // Once the burst has drained, the engine takes questions again.
    expect((await burst(limited, 2)).map((r) => r.statusCode)).toEqual([200, 200]);
  });

  it('with MATCH_MAX_IN_FLIGHT=0 answers every question, however many wait', async () => {
    const answers = await burst(unlimited, 20);
    expect(answers.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
  });
});
