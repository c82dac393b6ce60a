import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ROLE_MAP, parseRoleMap, type RoleMap } from './auth/oidc-roles.js';
import { isRole, ROLES, type Role } from './auth/roles.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface AppConfig {
  port: number;
  host: string;
  /** Embedded database and index snapshot live here. */
  dataDir: string;
  /** PostgreSQL server URL; null means the embedded PGlite database in dataDir. */
  databaseUrl: string | null;
  /**
   * The keys of personal free text, one file per day (privacy/key-directory.ts); null: `<dataDir>/text-keys`.
   * Engines sharing one PostgreSQL server must share this directory, or each reads only the texts it wrote.
   */
  textKeyDir: string | null;
  modelsDir: string;
  /** Folder name under modelsDir. */
  model: string;
  embeddingBatchSize: number;
  /**
   * onnxruntime intra-op threads; 0 lets it use every core. On a host whose cores are busy with other work, two
   * threads stall on each other and one thread embedded up to twice as fast (bench/embedding.md notes).
   */
  embeddingThreads: number;
  /**
   * Threads of a second onnxruntime session, on a worker thread, that embeds single texts (mentees'
   * questions) while the event loop goes on; 0 embeds them in the batch session on the event loop. On the
   * 2-core machine one thread embedded a question in p50 2.4 / p99 11 ms with the other core busy, two
   * threads in 6.5 / 21 ms (bench/query-embedding.md).
   */
  embeddingQueryThreads: number;
  /**
   * Worker threads, one single-threaded onnxruntime session each, that embed mentor texts side by side
   * (imports, edits, re-embedding at start), so the event loop keeps answering questions meanwhile; 0 embeds
   * them on the event loop with `embeddingThreads`. Defaults to the number of cores, at most 4: each holds
   * about 225 MiB while it runs (they stop after a minute without batches). On the 2-core machine two
   * one-thread sessions embedded mentor texts 1.1-1.2x as fast as one two-thread session.
   */
  embeddingWorkers: number;
  /** Below this many mentors the exact scan answers queries instead of HNSW. */
  exactScanBelow: number;
  hnsw: { m: number; efConstruction: number; efSearch: number };
  /** How many demo mentors the start command seeds into an empty database; 0 disables seeding. */
  seedDemoMentors: number;
  /**
   * Deprecated: an engine-wide token that signs its bearer in as coordinator, researcher and admin at once.
   * Per-user API tokens (POST /api/auth/tokens) replace it.
   */
  apiToken: string | null;
  /**
   * Listening on loopback with demo mentors to seed (the README's start command): `pnpm start` creates one demo
   * account per role, and questions may be asked without signing in unless ANONYMOUS_QUESTIONS says otherwise.
   */
  demoMode: boolean;
  /** Whether `POST /api/match` answers without a session. Defaults to demoMode. */
  anonymousQuestions: boolean;
  /** A session unused this long ends. */
  sessionIdleMinutes: number;
  /** A session ends this long after sign-in, however busy. */
  sessionMaxHours: number;
  /** The demo accounts' password; null makes `pnpm start` generate one and print it. */
  demoPassword: string | null;
  /** Single sign-on with an OpenID Connect provider; null when OIDC_ISSUER_URL is unset. */
  oidc: OidcSettings | null;
  /** Days a mentee's question text and request note are kept; 0 keeps them. What was served is kept either way. */
  questionRetentionDays: number;
  /** The code of conduct every user accepts (Markdown); its version is a digest of the text. */
  codeOfConductFile: string;
  /** The dashboard's address as users reach it, for the links in emails; defaults to http://HOST:PORT. */
  publicUrl: string;
  /** SMTP server emails are sent through (smtp:// or smtps://); null keeps them in the outbox unsent (demo mode). */
  smtpUrl: string | null;
  /** The From address of emails. */
  smtpFrom: string;
  /** How often the outbox worker looks for emails to send. */
  outboxPollMs: number;
  /** How long a worker holds the emails it claimed; another engine takes over the rows of one that died. */
  outboxLeaseMs: number;
  /** How often requests are expired and reminders and rating prompts sent (sessions/session-sweeper.ts). */
  sessionSweepMs: number;
  bodyLimitBytes: number;
  /**
   * A connection must deliver a request's headers within `headersTimeoutMs` and its whole body within
   * `requestTimeoutMs` of connecting (or of its previous response), or it gets a 408 and is closed: a client that
   * sends part of a body and stops holds a socket only that long (docs/resilience.md).
   */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Open connections at most, in total and from one address (an IPv4 address or an IPv6 /64); more are closed at once. */
  maxConnections: number;
  maxConnectionsPerAddress: number;
  /** POST /api/match: questions worked on at once (0: no admission control) and waiting; more get 503 OVERLOADED. */
  matchMaxInFlight: number;
  matchMaxQueued: number;
  logLevel: string;
  /** Built dashboard to serve at `/`; null serves the API only. */
  dashboardDir: string | null;
  /** Labelled demo questions (generic dataset format). */
  demoEvalDir: string;
  /** The reviewer-expertise gold standard, read at run time (never copied into the repository). */
  reviewerExpertiseDir: string;
}

export class ConfigError extends Error {}

/** Names that reach only this machine; the engine's Host check and demo mode use the same rule. */
export function isLoopbackHost(hostname: string): boolean {
  const name = hostname.toLowerCase();
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '[::1]' ||
    name === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(name)
  );
}

/** pino's levels: Fastify refuses any other at start with a message that does not name the variable. */
const LOG_LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

type Env = Record<string, string | undefined>;

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** Reads and validates configuration once; the only place that reads process.env. */
export function loadConfig(env: Env = process.env, overrides: Partial<AppConfig> = {}): Readonly<AppConfig> {
  const dashboardDefault = path.join(repoRoot, 'dashboard/build');
  const host = env.HOST || '127.0.0.1';
  const seedDemoMentors = int(env, 'SEED_DEMO_MENTORS', 2000, 0, 10_000_000);
  const demoMode = isLoopbackHost(host) && seedDemoMentors > 0;
  const config: AppConfig = {
    port: int(env, 'PORT', 3000, 0, 65535),
    host,
    dataDir: path.resolve(env.DATA_DIR || path.join(repoRoot, '.data')),
    databaseUrl: env.DATABASE_URL || null,
    textKeyDir: env.TEXT_KEY_DIR ? path.resolve(env.TEXT_KEY_DIR) : null,
    modelsDir: path.resolve(env.MODELS_DIR || path.join(repoRoot, 'models')),
    model: env.EMBEDDING_MODEL || 'use-lite',
    embeddingBatchSize: int(env, 'EMBEDDING_BATCH_SIZE', 32, 1, 1024),
    embeddingThreads: int(env, 'EMBEDDING_THREADS', 0, 0, 256),
    embeddingQueryThreads: int(env, 'EMBEDDING_QUERY_THREADS', 1, 0, 256),
    // More threads than cores embed no faster and each holds a model session (about 225 MiB): 100 took 5 GiB.
    embeddingWorkers: int(
      env,
      'EMBEDDING_WORKERS',
      Math.min(os.availableParallelism(), 4),
      0,
      os.availableParallelism(),
    ),
    exactScanBelow: int(env, 'EXACT_SCAN_BELOW', 2000, 0, 10_000_000),
    // bench/index.md, 100k mentor vectors of the templated demo bios (near-duplicates, flat neighbourhoods):
    // m 32 / efConstruction 400 / ef 300 gives recall@10 0.994 (p5 1, worst query 0.4) at p50 1.3 ms, the only
    // grid point at ef 300 or less with p5 1 (16 / 400 / 300 is 0.2 ms faster at 0.992, p5 0.9); the old
    // 16 / 200 / 200 gave 0.961 (p5 0.8). The build costs twice 16 / 200's. Above 100k vectors the index raises
    // ef with the graph's size (searchEf in vector-index/hnsw-vector-index.ts; bench/index-25k.md, index-50k.md, index-1m.md).
    hnsw: {
      m: int(env, 'HNSW_M', 32, 4, 128),
      efConstruction: int(env, 'HNSW_EF_CONSTRUCTION', 400, 10, 2000),
      efSearch: int(env, 'HNSW_EF_SEARCH', 300, 10, 5000),
    },
    seedDemoMentors,
    questionRetentionDays: int(env, 'QUESTION_RETENTION_DAYS', 90, 0, 36_500),
    codeOfConductFile: path.resolve(env.CODE_OF_CONDUCT_FILE || path.join(repoRoot, 'docs/code-of-conduct.md')),
    publicUrl: env.PUBLIC_URL || `http://${host.includes(':') ? `[${host}]` : host}:${env.PORT || 3000}`,
    smtpUrl: env.SMTP_URL || null,
    smtpFrom: env.SMTP_FROM || 'mentormatch <no-reply@localhost>',
    outboxPollMs: int(env, 'OUTBOX_POLL_MS', 2000, 50, 3_600_000),
    outboxLeaseMs: int(env, 'OUTBOX_LEASE_MS', 60_000, 1000, 3_600_000),
    sessionSweepMs: int(env, 'SESSION_SWEEP_MS', 60_000, 100, 3_600_000),
    apiToken: env.API_TOKEN || null,
    demoMode,
    anonymousQuestions: bool(env, 'ANONYMOUS_QUESTIONS', demoMode),
    sessionIdleMinutes: int(env, 'SESSION_IDLE_MINUTES', 120, 1, 525_600),
    sessionMaxHours: int(env, 'SESSION_MAX_HOURS', 24, 1, 8760),
    demoPassword: env.DEMO_PASSWORD || null,
    oidc: oidcSettings(env),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 50 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    // docs/resilience.md says how these were chosen.
    headersTimeoutMs: int(env, 'HEADERS_TIMEOUT_MS', 10_000, 1000, 600_000),
    requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 60_000, 1000, 3_600_000),
    maxConnections: int(env, 'MAX_CONNECTIONS', 4096, 1, 1_000_000),
    maxConnectionsPerAddress: int(env, 'MAX_CONNECTIONS_PER_ADDRESS', 256, 1, 1_000_000),
    matchMaxInFlight: int(env, 'MATCH_MAX_IN_FLIGHT', 8, 0, 10_000),
    matchMaxQueued: int(env, 'MATCH_MAX_QUEUED', 16, 0, 100_000),
    logLevel: env.LOG_LEVEL || 'info',
    dashboardDir: env.DASHBOARD_DIR === '' ? null : path.resolve(env.DASHBOARD_DIR || dashboardDefault),
    demoEvalDir: path.resolve(env.DEMO_EVAL_DIR || path.join(repoRoot, 'test/fixtures/demo-eval')),
    reviewerExpertiseDir: path.resolve(
      env.REVIEWER_EXPERTISE_DIR || path.join(repoRoot, '../shared/data/reviewer-expertise-goldstandard'),
    ),
    ...overrides,
  };
  if (config.databaseUrl !== null && !/^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  if (config.smtpUrl !== null && !/^smtps?:\/\/[^/]/.test(config.smtpUrl)) {
    throw new ConfigError(
      'SMTP_URL must start with smtp:// or smtps://, e.g. smtp://user:password@mail.example.org:587',
    );
  }
  absoluteUrl(config.publicUrl, 'PUBLIC_URL');
  if (!/^[\w.-]+$/.test(config.model) || /^\.+$/.test(config.model))
    throw new ConfigError(`EMBEDDING_MODEL must be a folder name under ${config.modelsDir}`);
  if (config.apiToken !== null && (config.apiToken.length < 16 || /\s/.test(config.apiToken))) {
    throw new ConfigError(
      'API_TOKEN must be at least 16 characters without spaces (for example: openssl rand -hex 24)',
    );
  }
  if (config.demoPassword !== null && config.demoPassword.length < 8) {
    throw new ConfigError('DEMO_PASSWORD must be at least 8 characters');
  }
  if (config.headersTimeoutMs > config.requestTimeoutMs) {
    throw new ConfigError(
      `HEADERS_TIMEOUT_MS (${config.headersTimeoutMs}) must not exceed REQUEST_TIMEOUT_MS (${config.requestTimeoutMs}): the headers are part of the request`,
    );
  }
  if (!LOG_LEVELS.includes(config.logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${config.logLevel}"`);
  }
  return Object.freeze({ ...config, hnsw: Object.freeze({ ...config.hnsw }) });
}

/** Single sign-on (docs/single-sign-on.md). */
export interface OidcSettings {
  /** The provider's issuer identifier; its settings are read from `<issuer>/.well-known/openid-configuration`. */
  issuerUrl: string;
  clientId: string;
  /** Sent with HTTP Basic (client_secret_basic, the registrations' default); null for a public client. */
  clientSecret: string | null;
  /** The sign-in page's button says "Sign in with <name>". */
  name: string;
  scopes: string;
  /** The claim whose values give roles (a dotted path reads nested objects), mapped by roleMap. */
  rolesClaim: string;
  roleMap: RoleMap;
  /** The roles of a user whose claim maps to none; empty refuses their sign-in. */
  defaultRoles: readonly Role[];
  /** The callback URL registered at the provider; null derives it from each request's protocol and Host. */
  redirectUrl: string | null;
}

function oidcSettings(env: Env): OidcSettings | null {
  if (!env.OIDC_ISSUER_URL) {
    const stray = ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URL'].find((name) => env[name]);
    if (stray) throw new ConfigError(`${stray} is set but OIDC_ISSUER_URL is not: single sign-on needs the issuer`);
    return null;
  }
  const issuer = absoluteUrl(env.OIDC_ISSUER_URL, 'OIDC_ISSUER_URL');
  // The ID token and the codes travel from the provider: only a provider on this machine may skip TLS.
  if (issuer.protocol !== 'https:' && !isLoopbackHost(issuer.hostname)) {
    throw new ConfigError(`OIDC_ISSUER_URL must be an https URL (plain http only on loopback), got "${issuer.href}"`);
  }
  if (!env.OIDC_CLIENT_ID) {
    throw new ConfigError('OIDC_CLIENT_ID must be set with OIDC_ISSUER_URL: the client id registered at the provider');
  }
  const roleMap = env.OIDC_ROLE_MAP ? parseRoleMap(env.OIDC_ROLE_MAP) : DEFAULT_ROLE_MAP;
  if (typeof roleMap === 'string') throw new ConfigError(`OIDC_ROLE_MAP ${roleMap}`);
  const defaultRoles = (env.OIDC_DEFAULT_ROLES || 'mentee').split(',').map((r) => r.trim());
  const refuse = defaultRoles.length === 1 && defaultRoles[0] === 'none';
  if (!refuse && !defaultRoles.every(isRole)) {
    throw new ConfigError(
      `OIDC_DEFAULT_ROLES must be "none" or roles separated by commas (${ROLES.join(', ')}), got "${env.OIDC_DEFAULT_ROLES}"`,
    );
  }
  const scopes = env.OIDC_SCOPES || 'openid email profile';
  if (!scopes.split(/\s+/).includes('openid')) throw new ConfigError('OIDC_SCOPES must include openid');
  return {
    // The issuer as given: the provider's discovery document must name exactly this issuer.
    issuerUrl: env.OIDC_ISSUER_URL,
    clientId: env.OIDC_CLIENT_ID,
    clientSecret: env.OIDC_CLIENT_SECRET || null,
    name: env.OIDC_NAME || issuer.hostname,
    scopes,
    rolesClaim: env.OIDC_ROLES_CLAIM || 'roles',
    roleMap,
    defaultRoles: refuse ? [] : (defaultRoles as Role[]),
    redirectUrl: env.OIDC_REDIRECT_URL ? absoluteUrl(env.OIDC_REDIRECT_URL, 'OIDC_REDIRECT_URL').href : null,
  };
}

function absoluteUrl(raw: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`${name} must be an absolute http(s) URL, got "${raw}"`);
  }
  return url;
}
