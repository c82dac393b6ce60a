import { cliActor } from '../../engine/src/audit/audit-entry.js';
import type { Engine } from '../../engine/src/services/engine.js';
import type { MentorInput } from '../../engine/src/domain/mentor.js';
import { DEMO_DEFAULTS, generateMentors } from '../demo-data/generate-mentors.js';
import { progressBar } from './progress.js';

/**
 * Seeds the demo mentors into an empty database, or finishes a seed that was interrupted: the database then holds
 * exactly the first demo mentors in the order they are seeded (demo ids are the same on every run), and only the
 * rest are written. Anything else (other mentors, demo mentors edited or deleted after a finished seed) is left alone.
 */
export async function seedDemoMentors(engine: Engine, opts: { count?: number; seed?: number } = {}): Promise<number> {
  await engine.search.whenReady();
  const count = opts.count ?? engine.config.seedDemoMentors;
  if (count === 0) return 0;
  const status = await engine.status();
  const demo = () => generateMentors({ count, seed: opts.seed ?? DEMO_DEFAULTS.seed });
  if (status.mentors.total >= count) return 0;
  const stored = status.mentors.total;
  if (stored > 0) {
    // The index holds every stored mentor once it is ready.
    let i = 0;
    for (const m of demo()) {
      if (i++ === stored) break;
      if (!engine.search.mentorByExternalId(m.externalId)) return 0;
    }
  }
  // The command line seeds (pnpm start, pnpm mm seed): each batch is one entry of the audit log.
  const actor = cliActor();
  const bar = progressBar('Seeding demo mentors');
  let batch: MentorInput[] = [];
  let done = stored;
  let skipped = 0;
  for (const mentor of demo()) {
    if (skipped++ < stored) continue;
    batch.push(mentor);
    if (batch.length === 64) {
      await engine.mentors.upsertBatch(batch, { actor });
      done += batch.length;
      batch = [];
      bar.update(done, count, 'embedding and indexing');
    }
  }
  if (batch.length) await engine.mentors.upsertBatch(batch, { actor });
  bar.update(count, count, 'done');
  bar.stop();
  await engine.search.saveSnapshot();
  return count;
}
