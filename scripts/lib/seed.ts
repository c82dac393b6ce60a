import type { Engine } from '../../engine/src/services/engine.js';
import type { MentorInput } from '../../engine/src/domain/mentor.js';
import { DEMO_DEFAULTS, generateMentors } from '../demo-data/generate-mentors.js';
import { progressBar } from './progress.js';

/** Seeds the demo mentors into an empty database; a database with any mentor is left alone. */
export async function seedDemoMentors(engine: Engine, opts: { count?: number; seed?: number } = {}): Promise<number> {
  await engine.search.whenReady();
  const status = await engine.status();
  if (status.mentors.total > 0) return 0;
  const count = opts.count ?? engine.config.seedDemoMentors;
  if (count === 0) return 0;
  const bar = progressBar('Seeding demo mentors');
  let batch: MentorInput[] = [];
  let done = 0;
  for (const mentor of generateMentors({ count, seed: opts.seed ?? DEMO_DEFAULTS.seed })) {
    batch.push(mentor);
    if (batch.length === 64) {
      await engine.mentors.upsertBatch(batch);
      done += batch.length;
      batch = [];
      bar.update(done, count, 'embedding and indexing');
    }
  }
  if (batch.length) await engine.mentors.upsertBatch(batch);
  bar.update(count, count, 'done');
  bar.stop();
  await engine.search.saveSnapshot();
  return count;
}
