/**
 * The engine as a separate process for the notification crash test: the product's server with the fast hashing
 * embedder, on DATA_DIR and an ephemeral port (SMTP_URL and the outbox settings from the environment), with one
 * mentor user linked to the mentor profile `crash-mentor` and CRASH_MENTEES mentee users, made on the first start
 * and found again on a restart. Prints `{"port": N, "mentor": token, "mentees": [token, ...]}` once it listens.
 */
import type { AddressInfo } from 'node:net';
import { startServer } from '../../engine/src/server.js';
import { AppError } from '../../engine/src/errors.js';
import { mentor } from '../support/app-harness.js';
import { createTestUser } from '../support/auth-helpers.js';
import { HashingEmbeddingProvider } from '../support/hashing-embedding-provider.js';

const MENTEES = Number(process.env.CRASH_MENTEES ?? '20');
const app = await startServer(
  { port: 0, logLevel: 'warn', dashboardDir: null },
  { embedder: new HashingEmbeddingProvider(64) },
);
await app.engine().search.whenReady();
const engine = app.engine();
const mentorUser = await createTestUser(app, ['mentor'], 'crash-mentor@test.local');
const created = await engine.mentors.create(mentor('crash-mentor', { capacityPerMonth: 100 })).then(
  () => true,
  (err: unknown) => {
    if (err instanceof AppError && err.code === 'MENTOR_ALREADY_EXISTS') return false;
    throw err;
  },
);
if (created) await engine.repositories.users.linkMentor(mentorUser.user.id, 'crash-mentor');
const mentees: string[] = [];
for (let i = 0; i < MENTEES; i++) {
  mentees.push((await createTestUser(app, ['mentee'], `crash-mentee-${i}@test.local`)).token);
}
console.log(JSON.stringify({ port: (app.server.address() as AddressInfo).port, mentor: mentorUser.token, mentees }));
