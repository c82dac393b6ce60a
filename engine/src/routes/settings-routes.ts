import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../auth/authorize-request.js';
import { errorResponses } from './schemas.js';

const PrivacySettingsSchema = Type.Object({
  coordinatorsSeeQuestionTexts: Type.Boolean({
    description: "Coordinators read mentees' question texts (the Weights lab's recent questions); off by default",
  }),
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
};

export default settingsRoutes;
