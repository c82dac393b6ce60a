import type { Engine } from '../../engine/src/services/engine.js';
import type { MentorInput } from '../../engine/src/domain/mentor.js';
import { DEMO_DEFAULTS, generateMentors } from '../demo-data/generate-mentors.js';
import { progressBar } from './progress.js';

/**
 * Seeds the demo mentors into an empty database, or finishes a seed that was interrupted (the database holds
 * some of this seed's demo mentors and nothing else: demo ids are the same on every run, and mentors already
 * stored are not embedded again). A database with any other mentor is left alone.
 */
export async function seedDemoMentors(engine: Engine, opts: { count?: number; seed?: number } = {}): Promise<number> {
  await engine.search.whenReady();
  const count = opts.count ?? engine.config.seedDemoMentors;
  if (count === 0) return 0;
  const status = await engine.status();
  const demo = () => generateMentors({ count, seed: opts.seed ?? DEMO_DEFAULTS.seed });
  if (status.mentors.total >= count) return 0;
  if (status.mentors.total > 0) {
    const ids = new Set<string>();
    for (const m of demo()) ids.add(m.externalId);
    // The index holds every stored mentor once it is ready.
    for (const m of engine.search.mentors.values()) if (!ids.has(m.externalId)) return 0;
  }
  const bar = progressBar('Seeding demo mentors');
  let batch: MentorInput[] = [];
  let done = 0;
  for (const mentor of demo()) {
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
