import type { Kysely } from 'kysely';
import { EmbeddingRepository } from './embedding-repository.js';
import { MentorRepository } from './mentor-repository.js';
import { RequestRepository } from './request-repository.js';
import type { Database } from './schema.js';
import { WeightConfigRepository } from './weight-config-repository.js';

export interface Repositories {
  mentors: MentorRepository;
  embeddings: EmbeddingRepository;
  requests: RequestRepository;
  weightConfigs: WeightConfigRepository;
}

/** All repositories over one handle; pass a transaction to make their writes atomic together. */
export function createRepositories(db: Kysely<Database>): Repositories {
  return {
    mentors: new MentorRepository(db),
    embeddings: new EmbeddingRepository(db),
    requests: new RequestRepository(db),
    weightConfigs: new WeightConfigRepository(db),
  };
}
