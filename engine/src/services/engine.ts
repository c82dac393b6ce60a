import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../errors.js';
import { readFile } from 'node:fs/promises';
import { ConfigError, type AppConfig } from '../config.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { createRepositories, type Repositories } from '../db/repositories.js';
import type { EmbeddingProvider } from '../embedding/embedding-provider.js';
import { createEmbeddingProvider } from '../embedding/create-embedding-provider.js';
import { SearchIndex } from './search-index.js';
import { MentorService } from './mentor-service.js';
import { ImportService } from './import-service.js';
import { JobService, type JobProgress } from './job-service.js';
import { ConfigService } from './config-service.js';
import { MatchService } from './match-service.js';
import { MentorOutcomes } from './mentor-outcomes.js';
import { OutcomeLog } from './outcome-log.js';
import { OffPolicyEstimator } from './off-policy-estimate.js';
import { EvaluationService } from './evaluation-service.js';
import { QuestionRetention } from './question-retention.js';
import { ProgrammeSettings } from './programme-settings.js';
import { Pseudonymiser } from '../privacy/pseudonymiser.js';
import { PersonalDataService } from '../privacy/personal-data-service.js';
import { ConductService } from '../conduct/conduct-service.js';
import { IndexFollower } from './index-follower.js';
import { AuthService } from '../auth/auth-service.js';
import { UserService } from '../auth/user-service.js';
import { OidcService } from '../auth/oidc-service.js';
import { AuditService } from '../audit/audit-service.js';
import { Notifier } from '../notifications/notifier.js';
import { SessionService } from '../sessions/session-service.js';
import { CohortAssignmentService } from '../assignment/cohort-assignment-service.js';
import { AssignmentDrafts } from '../assignment/assignment-drafts.js';
import { SessionSweeper } from '../sessions/session-sweeper.js';
import { OutboxWorker } from '../notifications/outbox-worker.js';
import { NotificationService } from '../notifications/notification-service.js';
import type { MentorGenerator } from '../evaluation/generic-dataset.js';
import { ProgrammeService } from '../programme/programme-service.js';
import { DirectoryService } from '../directory/directory-service.js';

export interface EngineStatus {
  ready: boolean;
  model: { id: string; dimensions: number };
  database: { kind: string };
  mentors: { total: number; active: number; indexed: number };
  index: { kind: string; state: string; size: number; progress: JobProgress | null; loadedFrom: string | null };
}

export interface Engine {
  readonly config: Readonly<AppConfig>;
  readonly database: DatabaseHandle;
  readonly repositories: Repositories;
  readonly embedder: EmbeddingProvider;
  readonly search: SearchIndex;
  readonly mentors: MentorService;
  readonly imports: ImportService;
  readonly jobs: JobService;
  readonly configs: ConfigService;
  readonly matcher: MatchService;
  /** Mentors' records of answers and ratings for the ranker; sessions call `invalidate(mentor)` after a rating or an answer. */
  readonly outcomes: MentorOutcomes;
  readonly evaluation: EvaluationService;
  readonly auth: AuthService;
  readonly users: UserService;
  /** Single sign-on with an OpenID Connect provider (OIDC_ISSUER_URL). */
  readonly sso: OidcService;
  readonly audit: AuditService;
  /** Settings admins change through the API (privacy). */
  readonly settings: ProgrammeSettings;
  /** Stable salted pseudonyms for the users researchers would otherwise read by name. */
  readonly pseudonyms: Pseudonymiser;
  /** What the ranker served and what happened next, for researchers (pseudonymous). */
  readonly outcomeLog: OutcomeLog;
  /** A draft configuration's value estimated from the outcome log (off-policy). */
  readonly offPolicy: OffPolicyEstimator;
  /** A user's own data: export, account deletion. */
  readonly personalData: PersonalDataService;
  /** The code of conduct users accept, and reports of conduct. */
  readonly conduct: ConductService;
  /** The coordinators' programme view: funnel, rates, exposure and load of a period. */
  readonly programme: ProgrammeService;
  /** Mentees browse mentors directly, through the same index and ranking as a question. */
  readonly directory: DirectoryService;
  /** Writes inbox rows and outbox emails inside the transaction of the change they tell of. */
  readonly notifier: Notifier;
  /** The session loop: requests, answers, scheduling, feedback (sessions/). */
  readonly sessions: SessionService;
  /** Expires unanswered requests and sends reminders and rating prompts on a schedule. */
  readonly sessionSweeper: SessionSweeper;
  /** Sends the outbox's emails; null without SMTP_URL, when emails stay in the outbox (demo mode). */
  readonly outboxWorker: OutboxWorker | null;
  /** Users' inboxes, and the outbox admins read in demo mode. */
  readonly notifications: NotificationService;
  /** Cohort assignment: a whole cohort matched and assigned optimally (assignment/). */
  readonly assignments: CohortAssignmentService;
  /** Coordinators' assignment drafts: reviewed, re-solved, published as session requests. */
  readonly assignmentDrafts: AssignmentDrafts;
  status(): Promise<EngineStatus>;
  close(): Promise<void>;
}

export interface EngineOptions {
  embedder?: EmbeddingProvider | undefined;
  log: FastifyBaseLogger;
  onIndexProgress?: (p: JobProgress) => void;
  /** Mentor generators that generic datasets may name (the demo data generator lives in scripts/). */
  generators?: Readonly<Record<string, MentorGenerator>> | undefined;
  /** The clock sessions read; the system's by default. */
  now?: (() => Date) | undefined;
}

/**
 * Opens the database and the model, then loads the search index in the background so that the
 * server can answer /health (and say "not ready") while a large index is rebuilt.
 */
export async function createEngine(config: Readonly<AppConfig>, opts: EngineOptions): Promise<Engine> {
  // Read first: a missing file is a configuration error to stop at, before the slow work.
  const codeOfConduct = await readFile(config.codeOfConductFile, 'utf8').catch((err: unknown) => {
    throw new ConfigError(`CODE_OF_CONDUCT_FILE ${config.codeOfConductFile} cannot be read: ${(err as Error).message}`);
  });
  const embedder = opts.embedder ?? (await createEmbeddingProvider(config));
  const database = await openDatabase(config);
  const repositories = createRepositories(database.db, database.textCipher);
  const search = new SearchIndex(repositories, embedder, config, opts.log);
  const mentors = new MentorService(repositories, embedder, search);
  const jobs = new JobService(opts.log);
  const configs = new ConfigService(repositories);
  await configs.ensureActive();
  // PGlite has one writer, this process, whose shows are counted in memory as they happen: a refresh there
  // only lets old shows leave the window, and costs the event loop the whole aggregate. Engines sharing a
  // PostgreSQL server refresh often to see each other's shows.
  const exposureRefreshMs = database.kind === 'pglite' ? 15 * 60_000 : 60_000;
  const outcomes = new MentorOutcomes(repositories.mentorOutcomes, opts.log, exposureRefreshMs);
  const matcher = new MatchService(
    repositories.requests,
    embedder,
    search,
    configs,
    { log: opts.log, exposureRefreshMs },
    outcomes,
  );
  const evaluation = new EvaluationService(config, embedder, configs, jobs, opts.generators);
  const retention = new QuestionRetention(repositories.requests, config.questionRetentionDays, opts.log);
  retention.start();
  // Engines sharing a PostgreSQL server, and the CLI, write mentors this engine holds in memory; PGlite has one
  // process, this one, so there the follower only keeps the change log short.
  const shared = database.kind === 'postgres';
  const follower = new IndexFollower(repositories, search, embedder.id, opts.log, shared ? 2_000 : 10 * 60_000, shared);
  await follower.begin();
  const auth = new AuthService(repositories, config);
  const pseudonyms = new Pseudonymiser(repositories.settings);
  const notifier = new Notifier({ dashboardUrl: config.publicUrl });
  const settings = new ProgrammeSettings(repositories);
  const now = opts.now ?? (() => new Date());
  const sessions = new SessionService({
    repos: repositories,
    notifier,
    settings: (repos) => settings.sessions(repos),
    flushQuestions: () => matcher.flushRequests(),
    onLoadChange: (mentorRowId, month, delta) => matcher.exposure.recordSessions(mentorRowId, month, delta),
    onOutcomeChange: (mentorRowId) => outcomes.invalidate(mentorRowId),
    now,
  });
  const sessionSweeper = new SessionSweeper({
    repos: repositories,
    notifier,
    settings: (repos) => settings.sessions(repos),
    now,
    intervalMs: config.sessionSweepMs,
    log: opts.log,
  });
  sessionSweeper.start();
  const outboxWorker =
    config.smtpUrl === null
      ? null
      : new OutboxWorker(repositories.outbox, {
          smtpUrl: config.smtpUrl,
          from: config.smtpFrom,
          pollMs: config.outboxPollMs,
          leaseMs: config.outboxLeaseMs,
          log: opts.log,
        });
  const assignments = new CohortAssignmentService({
    matcher,
    embedder,
    search,
    configs,
    departments: () => repositories.directory.mentorDepartments(),
  });
  let closing = false;
  const loading = search.load(opts.onIndexProgress).then(
    () => {
      follower.start();
      return matcher
        .warm()
        .catch((err: unknown) =>
          opts.log.warn({ err }, 'the warm-up question failed; the first question will read what it would have'),
        );
    },
    (err: unknown) =>
      closing
        ? opts.log.info({ err }, 'index load stopped by the shutdown')
        : opts.log.error({ err }, 'index load failed'),
  );

  return {
    config,
    database,
    repositories,
    embedder,
    search,
    mentors,
    imports: new ImportService(mentors, config.bodyLimitBytes, opts.log),
    jobs,
    configs,
    matcher,
    outcomes,
    evaluation,
    auth,
    users: new UserService(repositories),
    sso: new OidcService(repositories, config.oidc, auth),
    audit: new AuditService(repositories),
    settings,
    pseudonyms,
    outcomeLog: new OutcomeLog(repositories.mentorOutcomes, pseudonyms),
    offPolicy: new OffPolicyEstimator({
      outcomes: repositories.mentorOutcomes,
      requests: repositories.requests,
      matcher,
    }),
    personalData: new PersonalDataService(
      repositories,
      mentors,
      () => matcher.flushRequests(),
      (trx, userId) => sessions.leave(trx, userId),
    ),
    conduct: new ConductService(repositories, codeOfConduct),
    programme: new ProgrammeService(repositories.programme),
    directory: new DirectoryService(
      repositories.directory,
      search,
      matcher,
      async () => (await settings.sessions()).lengthsOffered,
    ),
    notifier,
    sessions,
    sessionSweeper,
    outboxWorker,
    assignments,
    assignmentDrafts: new AssignmentDrafts({
      assignments,
      jobs,
      search,
      users: repositories.users,
      cohorts: repositories.cohorts,
      flushQuestions: () => matcher.flushRequests(),
      sessions,
      questionTextsVisible: async () => (await settings.privacy()).coordinatorsSeeQuestionTexts,
    }),
    notifications: new NotificationService(repositories, {
      dashboardUrl: config.publicUrl,
      outboxReadable: config.demoMode || config.smtpUrl === null,
    }),
    async status() {
      // The index answers from memory while the database is away; readiness and status say it is away.
      const counts = await repositories.mentors.counts().catch((err: unknown) => {
        // The cause stays in the log: status is public, and a database error names hosts and users.
        opts.log.warn({ err }, 'the database does not answer');
        throw new AppError('NOT_READY', { detail: 'the database does not answer' });
      });
      const index = search.status();
      return {
        ready: index.state === 'ready',
        model: { id: embedder.id, dimensions: embedder.dimensions },
        database: { kind: database.kind },
        mentors: { total: counts.total, active: counts.active, indexed: index.size },
        index,
      };
    },
    async close() {
      closing = true;
      search.stopLoading();
      await loading;
      await jobs.settle(10_000);
      await matcher.close();
      await retention.close();
      await follower.close();
      await sessionSweeper.close();
      await outboxWorker?.close();
      await search.close();
      await embedder.close?.();
      await database.close();
    },
  };
}
