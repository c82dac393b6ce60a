import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { userOf } from '../auth/authorize-request.js';
import { MentorId } from '../domain/mentor-schema.js';
import { errorResponses, Nullable } from './schemas.js';

const Time = Type.String({ pattern: '^([01][0-9]|2[0-4]):[0-5][0-9]$', description: 'HH:MM on a quarter hour' });

const AvailabilitySchema = Type.Object(
  {
    timeZone: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'IANA time zone the windows are read in, e.g. Europe/Berlin',
    }),
    awayUntil: Nullable(Type.String({ format: 'date', description: 'No sessions up to and including this day' })),
    videoLink: Nullable(
      Type.String({
        maxLength: 500,
        pattern: '^https://',
        description: "Your meeting link; the programme's template is used without one",
      }),
    ),
    windows: Type.Array(
      Type.Object(
        { weekday: Type.Integer({ minimum: 1, maximum: 7, description: '1 = Monday' }), start: Time, end: Time },
        { additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
  },
  { additionalProperties: false },
);

/** Mentors publish when they can meet; mentees read the free slots that leaves. */
const availabilityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const caller = (request: Parameters<typeof userOf>[0]) => {
    const user = userOf(request);
    return { userId: user.id, mentorId: user.mentorId, staff: false };
  };

  app.get(
    '/me/availability',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Your weekly availability as a mentor, in your time zone',
        response: { 200: AvailabilitySchema, ...errorResponses(409) },
      },
    },
    async (request) => app.engine().sessions.availability(caller(request)),
  );

  app.put(
    '/me/availability',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Replaces your weekly availability, days away and meeting link',
        body: AvailabilitySchema,
        response: { 200: AvailabilitySchema, ...errorResponses(409) },
      },
    },
    async (request) => app.engine().sessions.setAvailability(caller(request), request.body),
  );

  app.get(
    '/mentors/:id/slots',
    {
      schema: {
        tags: ['sessions'],
        summary: "A mentor's free slots, labelled in your time zone, and the session lengths the programme offers",
        params: Type.Object({ id: MentorId }, { additionalProperties: false }),
        querystring: Type.Object(
          {
            from: Type.Optional(Type.String({ format: 'date-time', description: 'Now by default' })),
            days: Type.Integer({ minimum: 1, maximum: 28, default: 7 }),
            lengthMinutes: Type.Union([Type.Literal(15), Type.Literal(30), Type.Literal(45)], { default: 30 }),
            timeZone: Type.String({ minLength: 1, maxLength: 64, default: 'UTC' }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            slots: Type.Array(
              Type.Object({
                start: Type.String({ format: 'date-time' }),
                end: Type.String({ format: 'date-time' }),
                label: Type.String({ description: 'In the given time zone, e.g. "Tue 10 Mar, 14:00–14:30"' }),
              }),
            ),
            lengthsOffered: Type.Array(Type.Union([Type.Literal(15), Type.Literal(30), Type.Literal(45)]), {
              description: 'The session lengths (minutes) a request may ask for; the request form offers these',
            }),
          }),
          ...errorResponses(404),
        },
      },
    },
    async (request) => {
      const { from, days, lengthMinutes, timeZone } = request.query;
      const slots = await app.engine().sessions.slots({
        mentorId: request.params.id,
        from: from === undefined ? null : new Date(from),
        days,
        lengthMinutes,
        timeZone,
      });
      // Mentees may not read the session settings, yet their request form must offer the programme's lengths.
      const { lengthsOffered } = await app.engine().settings.sessions();
      return {
        slots: slots.map((s) => ({ start: s.start.toISOString(), end: s.end.toISOString(), label: s.label })),
        lengthsOffered,
      };
    },
  );
};

export default availabilityRoutes;
