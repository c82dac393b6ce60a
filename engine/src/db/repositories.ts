import type { Kysely } from 'kysely';
import { ApiTokenRepository } from './api-token-repository.js';
import { ConductRepository } from './conduct-repository.js';
import { AuditRepository } from './audit-repository.js';
import { EmbeddingRepository } from './embedding-repository.js';
import { MentorChangeRepository } from './mentor-change-repository.js';
import { MentorOutcomeRepository } from './mentor-outcome-repository.js';
import { MentorRepository } from './mentor-repository.js';
import { ProgrammeRepository } from './programme-repository.js';
import { DirectoryRepository } from './directory-repository.js';
import { CohortRepository } from './cohort-repository.js';
import { NotificationRepository } from './notification-repository.js';
import { OutboxRepository } from './outbox-repository.js';
import { RequestRepository } from './request-repository.js';
import type { TextCipher } from '../privacy/text-cipher.js';
import type { Database } from './schema.js';
import { SessionRepository } from './session-repository.js';
import { SessionRequestRepository } from './session-request-repository.js';
import { AvailabilityRepository } from './availability-repository.js';
import { SettingsRepository } from './settings-repository.js';
import { SsoRepository } from './sso-repository.js';
import { withTransaction } from './transaction.js';
import { UserRepository } from './user-repository.js';
import { WeightConfigRepository } from './weight-config-repository.js';

/** The repositories over one database handle: what services are given instead of the handle itself. */
export interface Repositories {
  mentors: MentorRepository;
  mentorChanges: MentorChangeRepository;
  embeddings: EmbeddingRepository;
  requests: RequestRepository;
  weightConfigs: WeightConfigRepository;
  users: UserRepository;
  sessions: SessionRepository;
  apiTokens: ApiTokenRepository;
  /** Append-only; written in the transaction of the write it records. */
  audit: AuditRepository;
  sso: SsoRepository;
  /** The programme's settings that admins change (privacy). */
  settings: SettingsRepository;
  /** Acceptances of the code of conduct, and reports of conduct. */
  conduct: ConductRepository;
  /** What the programme view reads: requests, sessions and ratings, as counts and facts without names of mentees. */
  programme: ProgrammeRepository;
  /** Mentors' departments and weekly availability, for the mentor directory. */
  directory: DirectoryRepository;
  /** Mentees' open questions, a cohort to assign (assignment/). */
  cohorts: CohortRepository;
  /** Mentors' records of answers and ratings, and what followed each served match (reads only). */
  mentorOutcomes: MentorOutcomeRepository;
  /** Users' in-app inboxes. */
  notifications: NotificationRepository;
  /** Emails waiting to be sent, written in the transaction of the change they tell of. */
  outbox: OutboxRepository;
  /** Session requests and their lifecycle: transitions, capacity, booked slots, feedback. */
  sessionRequests: SessionRequestRepository;
  /** Mentors' weekly availability and scheduling preferences. */
  availability: AvailabilityRepository;
  /**
   * Runs `fn` with repositories bound to one transaction: what it writes through them commits together or not
   * at all. Use only the repositories `fn` is given: on PGlite, a query through the outer ones waits for the
   * connection the transaction holds and never runs.
   */
  transaction<T>(fn: (trx: Repositories) => Promise<T>): Promise<T>;
}

/** `cipher` seals and opens personal free text (questions, notes, comments): the handle's textCipher. */
export function createRepositories(db: Kysely<Database>, cipher: TextCipher): Repositories {
  return {
    mentors: new MentorRepository(db),
    mentorChanges: new MentorChangeRepository(db),
    embeddings: new EmbeddingRepository(db),
    requests: new RequestRepository(db, cipher),
    weightConfigs: new WeightConfigRepository(db),
    users: new UserRepository(db),
    sessions: new SessionRepository(db),
    apiTokens: new ApiTokenRepository(db),
    audit: new AuditRepository(db),
    sso: new SsoRepository(db),
    settings: new SettingsRepository(db),
    conduct: new ConductRepository(db),
    programme: new ProgrammeRepository(db),
    directory: new DirectoryRepository(db),
    cohorts: new CohortRepository(db, cipher),
    mentorOutcomes: new MentorOutcomeRepository(db),
    notifications: new NotificationRepository(db),
    outbox: new OutboxRepository(db),
    sessionRequests: new SessionRequestRepository(db, cipher),
    availability: new AvailabilityRepository(db),
    transaction: (fn) => withTransaction(db, (trx) => fn(createRepositories(trx, cipher))),
  };
}
