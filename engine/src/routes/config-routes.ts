import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { completed, FACTOR_NAMES, type MatchRules, type Weights } from '../matching/weights.js';
import {
  MatchRulesInput,
  MatchRulesSchema,
  WeightConfigInput,
  WeightsInput,
  WeightsSchema,
} from '../matching/weight-config-schema.js';
import { configSchemaErrors, Nullable, VersionNumber, errorResponses } from './schemas.js';
import type { WeightConfig } from '../db/weight-config-repository.js';
import { actorOf } from '../auth/authorize-request.js';
import { NOT_BLANK } from '../validator-compiler.js';

const VersionParams = Type.Object({ version: VersionNumber() });
const name = Type.String({ minLength: 1, maxLength: 100, pattern: NOT_BLANK });
const note = Nullable(Type.String({ maxLength: 1000 }));

function dto(
  c: WeightConfig & { events?: Array<{ id: number; action: string; actor: string; detail: unknown; at: Date }> },
) {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    ...c,
    // Complete, as the schema answers it: a version stored before a factor or rule existed shows its default.
    ...completed({ weights: c.weights as Partial<Weights>, rules: c.rules as Partial<MatchRules> }),
    createdAt: new Date(c.createdAt).toISOString(),
    updatedAt: new Date(c.updatedAt).toISOString(),
    activatedAt: iso(c.activatedAt),
    ...(c.events ? { events: c.events.map((e) => ({ ...e, at: new Date(e.at).toISOString() })) } : {}),
  };
}

const configRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const configs = () => app.engine().configs;

  /**
   * A configuration as the request's role may read it: a researcher reads the users who made and changed it as
   * stable pseudonyms (Pseudonymiser), never their emails; coordinators, who work with them, read the emails.
   */
  async function forReader(request: FastifyRequest, c: ReturnType<typeof dto>) {
    if (request.actingRole !== 'researcher') return c;
    const { pseudonyms } = app.engine();
    const name = (n: string) => pseudonyms.pseudonym(n);
    return {
      ...c,
      createdBy: await name(c.createdBy),
      updatedBy: await name(c.updatedBy),
      activatedBy: c.activatedBy === null ? null : await name(c.activatedBy),
      ...(c.events
        ? { events: await Promise.all(c.events.map(async (e) => ({ ...e, actor: await name(e.actor) }))) }
        : {}),
    };
  }

  app.get(
    '/configs',
    {
      schema: {
        tags: ['configs'],
        summary: 'All weight configuration versions with their history',
        response: { 200: Type.Array(Type.Ref('WeightConfig')), ...errorResponses() },
      },
    },
    async (request) => Promise.all((await configs().list()).map((c) => forReader(request, dto(c)))),
  );

  app.get(
    '/configs/active',
    {
      schema: {
        tags: ['configs'],
        summary: 'The active configuration, complete (every factor and rule)',
        response: {
          200: Type.Object({
            version: Type.Integer(),
            name: Type.String(),
            weights: WeightsSchema,
            rules: MatchRulesSchema,
            factors: Type.Array(Type.String()),
          }),
          ...errorResponses(),
        },
      },
    },
    async () => {
      const a = await configs().getActive();
      return {
        version: a.version,
        name: a.name,
        weights: a.weights,
        rules: a.rules,
        factors: [...FACTOR_NAMES],
      };
    },
  );

  app.get(
    '/configs/:version',
    {
      schema: {
        tags: ['configs'],
        summary: 'One configuration version',
        params: VersionParams,
        response: { 200: Type.Ref('WeightConfig'), ...errorResponses(404) },
      },
    },
    async (request) => forReader(request, dto(await configs().get(request.params.version))),
  );

  app.post(
    '/configs',
    {
      schemaErrorFormatter: configSchemaErrors,
      schema: {
        tags: ['configs'],
        summary: 'Create a draft configuration (validated: weights >= 0, at least one positive, known factors only)',
        body: Type.Object(
          {
            name,
            weights: WeightsInput,
            rules: Type.Optional(MatchRulesInput),
            basedOn: Type.Optional(Nullable(VersionNumber())),
            note: Type.Optional(note),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('WeightConfig'), ...errorResponses(404, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(dto(await configs().createDraft(request.body, actorOf(request)))),
  );

  app.post(
    '/configs/validate',
    {
      schemaErrorFormatter: configSchemaErrors,
      schema: {
        tags: ['configs'],
        summary: 'Validate a configuration without storing it; answers the completed configuration',
        body: WeightConfigInput,
        response: { 200: Type.Object({ weights: WeightsSchema, rules: MatchRulesSchema }), ...errorResponses(422) },
      },
    },
    async (request) => configs().validate(request.body),
  );

  app.patch(
    '/configs/:version',
    {
      schemaErrorFormatter: configSchemaErrors,
      schema: {
        tags: ['configs'],
        summary: 'Edit a draft',
        params: VersionParams,
        body: Type.Object(
          {
            name: Type.Optional(name),
            weights: Type.Optional(WeightsInput),
            rules: Type.Optional(MatchRulesInput),
            note: Type.Optional(note),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('WeightConfig'), ...errorResponses(404, 409, 422) },
      },
    },
    async (request) => dto(await configs().updateDraft(request.params.version, request.body, actorOf(request))),
  );

  // No body: the signed-in user is who activates (the history recorded a name the client typed before).
  app.post(
    '/configs/:version/activate',
    {
      schema: {
        tags: ['configs'],
        summary: 'Make this version the active one',
        params: VersionParams,
        response: { 200: Type.Ref('WeightConfig'), ...errorResponses(404, 409, 422) },
      },
    },
    async (request) => dto(await configs().activate(request.params.version, actorOf(request))),
  );

  app.post(
    '/configs/:version/rollback',
    {
      schema: {
        tags: ['configs'],
        summary: 'Roll back to this earlier version: a new version copying it becomes active',
        params: VersionParams,
        response: { 200: Type.Ref('WeightConfig'), ...errorResponses(404) },
      },
    },
    async (request) => dto(await configs().rollback(request.params.version, actorOf(request))),
  );
};

export default configRoutes;
