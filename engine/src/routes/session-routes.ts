import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { userOf } from '../auth/authorize-request.js';
import { buildSessionInvite } from '../notifications/session-invite.js';
import type { SessionCaller, SessionRequestView } from '../sessions/session-service.js';
import { SESSION_STATES, type SessionAction } from '../sessions/session-state-machine.js';
import { errorResponses, Nullable, RowId, StringEnum } from './schemas.js';

const DateTime = Type.String({ format: 'date-time' });
const iso = (d: Date | null) => (d === null ? null : d.toISOString());

const SessionLength = Type.Union([Type.Literal(15), Type.Literal(30), Type.Literal(45)], {
  description: 'Minutes; the programme offers some of these (GET /api/settings/sessions)',
});

export const SlotSchema = Type.Object(
  {
    start: Type.String({ format: 'date-time', description: 'UTC or with an offset; on a quarter hour' }),
    lengthMinutes: SessionLength,
  },
  { additionalProperties: false },
);

const Reason = Type.String({ maxLength: 1000, description: 'Shown to the other side' });
const TimeZone = Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/London' });

const SessionRequestViewSchema = Type.Object(
  {
    id: Type.Integer(),
    state: StringEnum(SESSION_STATES),
    role: StringEnum(['mentee', 'mentor', 'coordinator'], {
      description: "The caller's side: the session's mentee or mentor, or a coordinator reading it",
    }),
    mentorId: Type.String({ description: "The mentor's public id" }),
    mentorName: Type.String(),
    menteeName: Nullable(Type.String({ description: 'Null once the mentee deleted their account' })),
    question: Nullable(
      Type.String({ description: 'The question sent with the request; only its two parties read it' }),
    ),
    note: Nullable(Type.String()),
    lengthMinutes: Nullable(Type.Integer()),
    slotStart: Nullable(DateTime),
    slotEnd: Nullable(DateTime),
    menteeTimeZone: Nullable(Type.String()),
    mentorTimeZone: Type.String(),
    videoLink: Nullable(Type.String({ description: 'While the session is accepted' })),
    declineReason: Nullable(Type.String()),
    cancelReason: Nullable(Type.String()),
    cancelledBy: Type.Union([Type.Literal('mentee'), Type.Literal('mentor'), Type.Literal('coordinator'), Type.Null()]),
    createdAt: DateTime,
    expiresAt: DateTime,
    answeredAt: Nullable(DateTime),
    endedAt: Nullable(DateTime),
    feedbackGiven: Type.Boolean({ description: 'The caller rated this session' }),
    canGiveFeedback: Type.Boolean({ description: 'The caller may rate it now' }),
  },
  { title: 'SessionRequestView' },
);

const IdParams = Type.Object({ id: RowId() }, { additionalProperties: false });

function callerOf(request: FastifyRequest): SessionCaller {
  const user = userOf(request);
  return {
    userId: user.id,
    mentorId: user.mentorId,
    staff: user.roles.includes('coordinator') || user.roles.includes('admin'),
  };
}

function toDto(v: SessionRequestView) {
  return {
    ...v,
    slotStart: iso(v.slotStart),
    slotEnd: iso(v.slotEnd),
    createdAt: v.createdAt.toISOString(),
    expiresAt: v.expiresAt.toISOString(),
    answeredAt: iso(v.answeredAt),
    endedAt: iso(v.endedAt),
  };
}

/** The transitions' routes: path, action, who, and the body each takes. */
const TRANSITION_ROUTES: ReadonlyArray<{
  path: string;
  action: SessionAction;
  summary: string;
  body: 'slot' | 'reason' | null;
}> = [
  {
    path: 'accept',
    action: 'accept',
    summary: "The mentor accepts: keeps the mentee's slot, proposes another (slot), or none (arranged outside)",
    body: 'slot',
  },
  {
    path: 'decline',
    action: 'decline',
    summary: 'The mentor declines, with a reason the mentee reads',
    body: 'reason',
  },
  { path: 'withdraw', action: 'withdraw', summary: 'The mentee withdraws a request not yet answered', body: null },
  {
    path: 'complete',
    action: 'complete',
    summary: 'The mentor marks the session held (once its slot has ended; any time without one)',
    body: null,
  },
  { path: 'no-show', action: 'no_show', summary: 'The mentor marks that the mentee did not come', body: null },
  {
    path: 'cancel',
    action: 'cancel',
    summary: 'Either side (or a coordinator) cancels an accepted session',
    body: 'reason',
  },
];

const sessionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/session-requests',
    {
      schema: {
        tags: ['sessions'],
        summary: 'A mentee asks a mentor for a session, optionally in one of their free slots',
        description:
          'The question (requestId) must be one of your own. 409 OPEN_REQUEST_EXISTS, TOO_MANY_OPEN_REQUESTS, SLOT_UNAVAILABLE; 429 REQUEST_RATE_LIMITED.',
        body: Type.Object(
          {
            mentorId: Type.String({ minLength: 1, maxLength: 128 }),
            requestId: Type.Optional(Nullable(RowId())),
            note: Type.Optional(Type.String({ maxLength: 2000 })),
            slot: Type.Optional(SlotSchema),
            timeZone: Type.Optional(TimeZone),
          },
          { additionalProperties: false },
        ),
        response: { 201: SessionRequestViewSchema, ...errorResponses(404, 409, 429) },
      },
    },
    async (request, reply) => {
      const { mentorId, requestId, note, slot, timeZone } = request.body;
      const view = await app.engine().sessions.create(callerOf(request), {
        mentorId,
        requestId: requestId ?? null,
        note: note?.trim() || null,
        slot: slot ?? null,
        timeZone: timeZone ?? null,
      });
      return reply.status(201).send(toDto(view));
    },
  );

  for (const t of TRANSITION_ROUTES) {
    const body =
      t.body === 'slot'
        ? Type.Object({ slot: Type.Optional(SlotSchema) }, { additionalProperties: false })
        : t.body === 'reason'
          ? Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false })
          : undefined;
    app.post(
      `/session-requests/:id/${t.path}`,
      {
        schema: {
          tags: ['sessions'],
          summary: t.summary,
          description: 'An illegal transition is 409 ILLEGAL_TRANSITION with the current state in details.state.',
          params: IdParams,
          ...(body ? { body: Type.Optional(body) } : {}),
          response: { 200: SessionRequestViewSchema, ...errorResponses(404, 409) },
        },
        // The body is optional: a POST without one means no slot or no reason.
        preValidation: async (request) => {
          request.body ??= {};
        },
      },
      async (request) => {
        const input = (request.body ?? {}) as { slot?: { start: string; lengthMinutes: number }; reason?: string };
        const view = await app.engine().sessions.act(callerOf(request), request.params.id, t.action, {
          slot: input.slot,
          reason: input.reason?.trim() || undefined,
        });
        return toDto(view);
      },
    );
  }

  app.post(
    '/session-requests/:id/feedback',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Rate a session that took place (each side once)',
        params: IdParams,
        body: Type.Object(
          {
            helpfulness: Type.Integer({ minimum: 1, maximum: 5 }),
            rightPerson: StringEnum(['yes', 'partly', 'no'], {
              description: 'Was this the right person for the question?',
            }),
            comment: Type.Optional(Type.String({ maxLength: 2000 })),
            boundaryFlag: Type.Optional(
              Type.Boolean({ description: 'The mentor only: the request crossed a boundary of what mentoring is for' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: SessionRequestViewSchema, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      const sessions = app.engine().sessions;
      const caller = callerOf(request);
      await sessions.feedback(caller, request.params.id, request.body);
      return reply.status(201).send(toDto(await sessions.get(caller, request.params.id)));
    },
  );

  app.get(
    '/session-requests',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Your session requests, newest first: sent as a mentee, received as a mentor, or both',
        querystring: Type.Object(
          {
            role: Type.Optional(StringEnum(['mentee', 'mentor'])),
            state: Type.Optional(StringEnum(SESSION_STATES)),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(SessionRequestViewSchema) }), ...errorResponses() },
      },
    },
    async (request) => {
      const items = await app.engine().sessions.list(callerOf(request), request.query);
      return { items: items.map(toDto) };
    },
  );

  app.get(
    '/session-requests/:id',
    {
      schema: {
        tags: ['sessions'],
        summary: 'One session request: its mentee, its mentor, coordinators and admins read it',
        params: IdParams,
        response: { 200: SessionRequestViewSchema, ...errorResponses(404) },
      },
    },
    async (request) => toDto(await app.engine().sessions.get(callerOf(request), request.params.id)),
  );

  app.get(
    '/session-requests/:id/invite.ics',
    {
      schema: {
        tags: ['sessions'],
        summary: "The session's calendar invite (iCalendar), for its two parties once it is accepted with a slot",
        params: IdParams,
        produces: ['text/calendar'],
        response: { 200: Type.String(), ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      const details = await app.engine().sessions.inviteDetails(callerOf(request), request.params.id);
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', `attachment; filename="session-${request.params.id}.ics"`)
        .send(buildSessionInvite(details));
    },
  );
};

export default sessionRoutes;
