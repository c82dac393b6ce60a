import type { Kysely } from 'kysely';
import { EmbeddingRepository } from './embedding-repository.js';
import { MentorChangeRepository } from './mentor-change-repository.js';
import { MentorRepository } from './mentor-repository.js';
import { RequestRepository } from './request-repository.js';
import type { Database } from './schema.js';
import { withTransaction } from './transaction.js';
import { WeightConfigRepository } from './weight-config-repository.js';

/** The repositories over one database handle: what services are given instead of the handle itself. */
export interface Repositories {
  mentors: MentorRepository;
  mentorChanges: MentorChangeRepository;
  embeddings: EmbeddingRepository;
  requests: RequestRepository;
  weightConfigs: WeightConfigRepository;
  /**
   * Runs `fn` with repositories bound to one transaction: what it writes through them commits together or not
   * at all. Use only the repositories `fn` is given: on PGlite, a query through the outer ones waits for the
   * connection the transaction holds and never runs.
   */
  transaction<T>(fn: (trx: Repositories) => Promise<T>): Promise<T>;
}

export function createRepositories(db: Kysely<Database>): Repositories {
  return {
    mentors: new MentorRepository(db),
    mentorChanges: new MentorChangeRepository(db),
    embeddings: new EmbeddingRepository(db),
    requests: new RequestRepository(db),
    weightConfigs: new WeightConfigRepository(db),
    transaction: (fn) => withTransaction(db, (trx) => fn(createRepositories(trx))),
  };
}
