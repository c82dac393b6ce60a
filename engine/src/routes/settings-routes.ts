import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../auth/authorize-request.js';
import { errorResponses, Nullable } from './schemas.js';

const PrivacySettingsSchema = Type.Object({
  coordinatorsSeeQuestionTexts: Type.Boolean({
    description: "Coordinators read mentees' question texts (the Weights lab's recent questions); off by default",
  }),
});

const SessionSettingsSchema = Type.Object({
  lengthsOffered: Type.Array(Type.Union([Type.Literal(15), Type.Literal(30), Type.Literal(45)]), {
    minItems: 1,
    maxItems: 3,
    uniqueItems: true,
    description: 'Session lengths mentees may pick, in minutes',
  }),
  expiryHours: Type.Integer({ minimum: 1, maximum: 720, description: 'Hours a mentor has to answer a request' }),
  maxOpenRequests: Type.Integer({ minimum: 1, maximum: 50, description: "A mentee's requests waiting at once" }),
  requestsPerHour: Type.Integer({
    minimum: 1,
    maximum: 1000,
    description: 'Session requests a user may send per hour',
  }),
  videoLinkTemplate: Nullable(
    Type.String({
      maxLength: 500,
      pattern: '^https://',
      description: 'Meeting link for mentors without their own; {id} becomes the session id',
    }),
  ),
  reminderMinutesBefore: Type.Integer({ minimum: 5, maximum: 10_080 }),
});

/** The programme's settings that admins change; every change is audited. */
const settingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/settings/privacy',
    {
      schema: {
        tags: ['settings'],
        summary: "Who reads mentees' question texts",
        response: { 200: PrivacySettingsSchema, ...errorResponses() },
      },
    },
    async () => app.engine().settings.privacy(),
  );

  app.patch(
    '/settings/privacy',
    {
      schema: {
        tags: ['settings'],
        summary: "Changes who reads mentees' question texts (audited)",
        body: Type.Partial(PrivacySettingsSchema, { additionalProperties: false }),
        response: { 200: PrivacySettingsSchema, ...errorResponses() },
      },
    },
    async (request) => app.engine().settings.updatePrivacy(request.body, actorOf(request)),
  );

  app.get(
    '/settings/sessions',
    {
      schema: {
        tags: ['settings', 'sessions'],
        summary: 'How sessions run: lengths offered, expiry, caps, video link template, reminders',
        response: { 200: SessionSettingsSchema, ...errorResponses() },
      },
    },
    async () => app.engine().settings.sessions(),
  );

  app.put(
    '/settings/sessions',
    {
      schema: {
        tags: ['settings', 'sessions'],
        summary: 'Changes how sessions run (audited); fields left out keep their value',
        body: Type.Partial(SessionSettingsSchema, { additionalProperties: false }),
        response: { 200: SessionSettingsSchema, ...errorResponses() },
      },
    },
    async (request) => app.engine().settings.updateSessions(request.body, actorOf(request)),
  );
};

export default settingsRoutes;
