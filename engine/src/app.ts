import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import cookie from '@fastify/cookie';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { isLoopbackHost, loadConfig, type AppConfig } from './config.js';
import { AppError } from './errors.js';
import { clientErrorHandler, makeErrorHandler, frameworkErrorHandler, validationFailed } from './error-handler.js';
import { sharedSchemas } from './routes/schemas.js';
import { makeValidatorCompiler } from './validator-compiler.js';
import { describeUnstorable, unstorableText } from './shared/unstorable-text.js';
import { makeRequestGuard } from './request-guard.js';
import { logSerializers } from './log-serializers.js';
import { limitConnections } from './connection-limits.js';
import { AdmissionGate } from './admission-control.js';
import { makeAuthorizeRequest } from './auth/authorize-request.js';
import { addSecurityHeaders, dashboardCsp } from './security-headers.js';
import { createEngine, type Engine } from './services/engine.js';
import type { EmbeddingProvider } from './embedding/embedding-provider.js';
import type { MentorGenerator } from './evaluation/generic-dataset.js';
import healthRoutes from './routes/health-routes.js';
import mentorRoutes from './routes/mentor-routes.js';
import matchRoutes from './routes/match-routes.js';
import configRoutes from './routes/config-routes.js';
import jobRoutes from './routes/job-routes.js';
import evaluationRoutes from './routes/evaluation-routes.js';
import authRoutes from './routes/auth-routes.js';
import userRoutes from './routes/user-routes.js';
import auditRoutes from './routes/audit-routes.js';
import ssoRoutes from './routes/sso-routes.js';
import settingsRoutes from './routes/settings-routes.js';
import meRoutes from './routes/me-routes.js';
import conductRoutes from './routes/conduct-routes.js';
import sessionRoutes from './routes/session-routes.js';
import availabilityRoutes from './routes/availability-routes.js';
import programmeRoutes from './routes/programme-routes.js';
import directoryRoutes from './routes/directory-routes.js';
import assignmentRoutes from './routes/assignment-routes.js';
import outcomeRoutes from './routes/outcome-routes.js';
import notificationRoutes from './routes/notification-routes.js';
import { makeConductGate } from './conduct/conduct-gate.js';
import { shorten } from './shared/shorten.js';

export interface AppOptions {
  config: Readonly<AppConfig>;
  /** Replaces the configured model; tests pass a fast fake. */
  embedder?: EmbeddingProvider;
  /** Mentor generators generic evaluation datasets may name ("demo"). */
  generators?: Readonly<Record<string, MentorGenerator>>;
  /** Registers routes and schemas only (no database, no model): for generating the OpenAPI document. */
  openApiOnly?: boolean;
  /** The engine's clock for sessions (expiry, reminders, what may be done when); tests pass a fake one. */
  now?: () => Date;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The wired engine; throws NOT_READY in openApiOnly mode. */
    engine: () => Engine;
  }
}

/** Composition root: wires adapters into services and services into routes. */
const mentormatch: FastifyPluginAsync<AppOptions> = async (app, opts) => {
  const { config } = opts;
  for (const schema of sharedSchemas) app.addSchema(schema);
  app.setValidatorCompiler(makeValidatorCompiler(sharedSchemas));
  app.setErrorHandler(makeErrorHandler());
  const dashboard = config.dashboardDir;
  const indexHtml = dashboard === null ? null : readIfExists(path.join(dashboard, 'index.html'));
  // Before the guard, so that its refusals carry the headers too.
  addSecurityHeaders(app, indexHtml === null ? null : dashboardCsp(indexHtml));
  app.addHook('onRequest', makeRequestGuard(config.host));
  // Before the access check, which reads the session cookie.
  await app.register(cookie);
  app.decorateRequest('principal', null);
  app.decorateRequest('actingRole', null);
  app.addHook(
    'onRequest',
    makeAuthorizeRequest(() => app.engine().auth, { anonymousQuestions: config.anonymousQuestions }),
  );
  // After the access check, which names the user.
  app.addHook(
    'onRequest',
    makeConductGate(() => app.engine().conduct),
  );
  if (config.apiToken !== null) {
    app.log.warn('API_TOKEN is deprecated: give each script its own user and API token (POST /api/auth/tokens)');
  }
  if (config.anonymousQuestions && !isLoopbackHost(config.host)) {
    app.log.warn(
      { host: config.host },
      'ANONYMOUS_QUESTIONS is on beyond this machine: anyone who can reach the engine can ask questions',
    );
  }
  // JSON routes take no text/plain body: without this Fastify parses one into a string and the schema says
  // "body must be object" instead of a 415. The import routes add it back for their files.
  app.removeContentTypeParser('text/plain');
  app.addHook('preValidation', async (request) => {
    const found = [
      ...unstorableText(request.params, 'params'),
      ...unstorableText(request.query, 'querystring'),
      // An import's rows are checked one by one, so that one bad row fails alone.
      ...(request.routeOptions.config.importFile ? [] : unstorableText(request.body, 'body')),
    ];
    if (found.length > 0) throw validationFailed(found.map(describeUnstorable));
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'mentormatch engine', version: '0.1.0', description: 'Micromentoring matching engine' },
      servers: [{ url: '/' }],
    },
    refResolver: {
      buildLocalReference: (json, _base, _frag, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  let engine: Engine | null = null;
  if (!opts.openApiOnly) {
    engine = await createEngine(config, {
      embedder: opts.embedder,
      log: app.log,
      generators: opts.generators,
      now: opts.now,
    });
    app.addHook('onClose', async () => engine?.close());
    // Emails go out once the server is up; engine.close() stops the worker before the database closes.
    app.addHook('onReady', async () => engine?.outboxWorker?.start());
  }
  app.decorate('engine', () => {
    if (!engine) throw new AppError('NOT_READY', { detail: 'the engine was built without services' });
    return engine;
  });

  await app.register(
    async (api) => {
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
      await api.register(healthRoutes);
      await api.register(mentorRoutes, { importBodyLimit: config.bodyLimitBytes });
      await api.register(matchRoutes, {
        admission: new AdmissionGate({ maxInFlight: config.matchMaxInFlight, maxQueued: config.matchMaxQueued }),
      });
      await api.register(configRoutes);
      await api.register(jobRoutes);
      await api.register(evaluationRoutes);
      await api.register(authRoutes);
      await api.register(userRoutes);
      await api.register(auditRoutes);
      await api.register(ssoRoutes);
      await api.register(settingsRoutes);
      await api.register(meRoutes);
      await api.register(conductRoutes);
      await api.register(sessionRoutes);
      await api.register(availabilityRoutes);
      await api.register(programmeRoutes);
      await api.register(directoryRoutes);
      await api.register(assignmentRoutes, { cohortBodyLimit: config.bodyLimitBytes });
      await api.register(outcomeRoutes);
      await api.register(notificationRoutes);
    },
    { prefix: '/api' },
  );

  if (indexHtml !== null) {
    await app.register(fastifyStatic, { root: dashboard!, wildcard: false, index: ['index.html'] });
  }
  app.setNotFoundHandler(async (request, reply) => {
    const url = request.url.split('?')[0] ?? '/';
    // Client-side routes of the single-page dashboard all load its shell; a missing asset (a file name) is a 404.
    if (
      indexHtml !== null &&
      request.method === 'GET' &&
      !url.startsWith('/api/') &&
      !url.startsWith('/_app/') &&
      !/\.[a-z0-9]+$/i.test(url)
    ) {
      return reply.type('text/html').sendFile('index.html');
    }
    throw new AppError('ROUTE_NOT_FOUND', { method: request.method, url: shorten(url, 200) });
  });
};

function readIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Bodies other than import files: the largest valid one (a mentor with a full bio) is about 50 KB, and a body that
 * size can still hold hundreds of thousands of array items for the validator to report on.
 */
const JSON_BODY_LIMIT = 1024 * 1024;

const mentormatchPlugin = fp(mentormatch, { name: 'mentormatch', fastify: '5.x' });

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      opts.config.logLevel === 'silent'
        ? false
        : { level: opts.config.logLevel, serializers: logSerializers(opts.config.logLevel) },
    bodyLimit: Math.min(JSON_BODY_LIMIT, opts.config.bodyLimitBytes),
    // Longer than any valid id, so that an overlong one reaches its schema and gets that 400 message.
    routerOptions: { maxParamLength: 1000 },
    frameworkErrors: frameworkErrorHandler,
    // Unique across engines and restarts: the audit log names the request each write came in.
    genReqId: () => randomUUID(),
    clientErrorHandler,
    // Fastify's default of 0 lets a body that never ends hold its socket for ever (docs/resilience.md).
    requestTimeout: opts.config.requestTimeoutMs,
    // Node checks these timeouts every connectionsCheckingInterval (30 s by default): once a second closes a slow
    // socket at most a second late, and a pass over a few thousand connections costs microseconds.
    http: { headersTimeout: opts.config.headersTimeoutMs, connectionsCheckingInterval: 1000 },
    // Opening PGlite and loading the model take seconds on a cold start.
    pluginTimeout: 120_000,
  }).withTypeProvider<TypeBoxTypeProvider>();
  limitConnections(app.server, {
    total: opts.config.maxConnections,
    perAddress: opts.config.maxConnectionsPerAddress,
  });
  await app.register(mentormatchPlugin, opts);
  return app;
}

/** The engine's OpenAPI document, built without a database or model; the dashboard's client is generated from it. */
export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent', DASHBOARD_DIR: '' }), openApiOnly: true });
  await app.ready();
  const doc = app.swagger() as unknown as Record<string, unknown>;
  await app.close();
  return doc;
}
