import { afterEach, describe, expect, it } from 'vitest';
import { seedDemoMentors } from '../../scripts/cli/seed.js';
import { DEMO_DEFAULTS, generateMentors } from '../../scripts/demo-data/generate-mentors.js';
import { mentor, startTestApp, type TestApp } from '../support/app-harness.js';

let harness: TestApp | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

describe('seedDemoMentors', () => {
  it('finishes a seed that was interrupted, embedding only the mentors it had not written', async () => {
    harness = await startTestApp();
    const engine = harness.app.engine();
    const first = [...generateMentors({ count: 40, seed: DEMO_DEFAULTS.seed })].slice(0, 13);
    await engine.mentors.upsertBatch(first);
    expect(await seedDemoMentors(engine, { count: 40 })).toBe(40);
    expect((await engine.status()).mentors).toMatchObject({ total: 40, indexed: 40 });
    expect(await seedDemoMentors(engine, { count: 40 })).toBe(0);
  });

  it('after a finished seed, leaves demo mentors edited or deleted since as they are', async () => {
    harness = await startTestApp();
    const engine = harness.app.engine();
    expect(await seedDemoMentors(engine, { count: 40 })).toBe(40);
    const [first, second] = [...generateMentors({ count: 40, seed: DEMO_DEFAULTS.seed })];
    await engine.mentors.delete(first!.externalId);
    await engine.mentors.update(second!.externalId, { headline: 'Edited by a coordinator' });
    expect(await seedDemoMentors(engine, { count: 40 })).toBe(0);
    expect((await engine.status()).mentors.total).toBe(39);
    expect((await engine.mentors.get(second!.externalId)).headline).toBe('Edited by a coordinator');
  });

  it('leaves a database with any other mentor alone', async () => {
    harness = await startTestApp();
    const engine = harness.app.engine();
    await engine.mentors.create(mentor('not-demo'));
    expect(await seedDemoMentors(engine, { count: 40 })).toBe(0);
    expect((await engine.status()).mentors.total).toBe(1);
  });
});
