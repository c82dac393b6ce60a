import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf, SESSION_COOKIE, userOf } from '../auth/authorize-request.js';
import { AppError } from '../errors.js';
import { RoleSchema } from './auth-routes.js';
import { toMentorDto } from './mentor-dto.js';
import { errorResponses, Nullable } from './schemas.js';

const iso = (d: Date | null) => (d === null ? null : d.toISOString());
const DateTime = Type.String({ format: 'date-time' });

const PersonalDataSchema = Type.Object({
  exportedAt: DateTime,
  user: Type.Object({
    id: Type.Integer(),
    email: Type.String(),
    name: Type.String(),
    roles: Type.Array(RoleSchema),
    timeZone: Type.String(),
    department: Nullable(Type.String()),
    careerStartYear: Nullable(Type.Integer()),
    disabled: Type.Boolean(),
    hasPassword: Type.Boolean(),
    mentorId: Nullable(Type.String()),
    createdAt: DateTime,
    updatedAt: DateTime,
  }),
  mentorProfile: Type.Union([Type.Ref('Mentor'), Type.Null()], {
    description: 'The mentor profile you speak for, if any',
  }),
  questions: Type.Array(
    Type.Object({
      id: Type.Integer(),
      text: Nullable(Type.String({ description: 'Null once erased after QUESTION_RETENTION_DAYS' })),
      filters: Type.Record(Type.String(), Type.Unknown()),
      createdAt: DateTime,
    }),
  ),
  sessionRequests: Type.Array(
    Type.Object({
      id: Type.Integer(),
      requestId: Nullable(Type.Integer()),
      mentorId: Type.String(),
      note: Nullable(Type.String()),
      createdAt: DateTime,
      state: Type.String(),
      slotStart: Nullable(DateTime),
      lengthMinutes: Nullable(Type.Integer()),
      rating: Nullable(
        Type.Object({
          helpfulness: Type.Integer(),
          rightPerson: Type.String(),
          comment: Nullable(Type.String()),
        }),
      ),
    }),
  ),
  apiTokens: Type.Array(
    Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      createdAt: DateTime,
      lastUsedAt: Nullable(DateTime),
      revokedAt: Nullable(DateTime),
    }),
  ),
  conductAcceptances: Type.Array(Type.Object({ version: Type.String(), acceptedAt: DateTime })),
  reportsMade: Type.Array(
    Type.Object({
      id: Type.Integer(),
      reportedUserId: Nullable(Type.Integer()),
      sessionRequestId: Nullable(Type.Integer()),
      text: Type.String(),
      createdAt: DateTime,
      handledAt: Nullable(DateTime),
    }),
  ),
  notifications: Type.Array(
    Type.Object({
      id: Type.Integer(),
      kind: Type.String(),
      sessionRequestId: Nullable(Type.Integer()),
      data: Type.Record(Type.String(), Type.Unknown()),
      createdAt: DateTime,
      readAt: Nullable(DateTime),
    }),
  ),
  emails: Type.Array(
    Type.Object({ subject: Type.String(), body: Type.String(), createdAt: DateTime, sentAt: Nullable(DateTime) }),
  ),
});

/** The signed-in user's own data: take it away, or delete the account. */
const meRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/me/export',
    {
      schema: {
        tags: ['auth'],
        summary: 'Everything the engine holds about you, as JSON (audited)',
        response: { 200: PersonalDataSchema, ...errorResponses() },
      },
    },
    async (request, reply) => {
      const data = await app.engine().personalData.export(userOf(request).id, actorOf(request));
      reply.header('content-disposition', 'attachment; filename="my-data.json"');
      return {
        ...data,
        exportedAt: data.exportedAt.toISOString(),
        user: {
          ...data.user,
          createdAt: data.user.createdAt.toISOString(),
          updatedAt: data.user.updatedAt.toISOString(),
        },
        mentorProfile: data.mentorProfile === null ? null : toMentorDto(data.mentorProfile),
        questions: data.questions.map((q) => ({
          ...q,
          text: q.text === '' ? null : q.text,
          createdAt: iso(q.createdAt)!,
        })),
        sessionRequests: data.sessionRequests.map((r) => ({
          ...r,
          createdAt: iso(r.createdAt)!,
          slotStart: iso(r.slotStart),
        })),
        conductAcceptances: data.conductAcceptances.map((a) => ({ ...a, acceptedAt: a.acceptedAt.toISOString() })),
        // Who handled a report is the coordinators' business, not the reporter's.
        reportsMade: data.reportsMade.map((r) => ({
          id: r.id,
          reportedUserId: r.reported.id,
          sessionRequestId: r.sessionRequestId,
          text: r.text,
          createdAt: r.createdAt.toISOString(),
          handledAt: iso(r.handledAt),
        })),
        notifications: data.notifications.map((n) => ({
          id: n.id,
          kind: n.kind,
          sessionRequestId: n.sessionRequestId,
          data: n.data,
          createdAt: n.createdAt.toISOString(),
          readAt: iso(n.readAt),
        })),
        emails: data.emails.map((e) => ({
          subject: e.subject,
          body: e.textBody,
          createdAt: e.createdAt.toISOString(),
          sentAt: iso(e.sentAt),
        })),
        apiTokens: data.apiTokens.map((t) => ({
          ...t,
          createdAt: iso(t.createdAt)!,
          lastUsedAt: iso(t.lastUsedAt),
          revokedAt: iso(t.revokedAt),
        })),
      };
    },
  );

  app.get(
    '/me/session-requests',
    {
      schema: {
        tags: ['match'],
        summary: 'The session requests mentees sent you as a mentor, with the questions they sent them with',
        description:
          "A mentee's question is shown to a mentor only once they send that mentor a request with it; null without one, or once erased after QUESTION_RETENTION_DAYS.",
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.Integer(),
                requestId: Nullable(Type.Integer()),
                question: Nullable(Type.String()),
                note: Nullable(Type.String()),
                menteeName: Nullable(Type.String({ description: 'Null once the mentee deleted their account' })),
                createdAt: DateTime,
              }),
            ),
          }),
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const { mentorId } = userOf(request);
      // A mentor user not (or no longer) linked to a profile has been sent nothing.
      const items =
        mentorId === null ? [] : await app.engine().matcher.sessionRequestsFor(mentorId, request.query.limit);
      return { items: items.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })) };
    },
  );

  app.delete(
    '/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'Delete your account (audited)',
        body: Type.Object(
          {
            confirmEmail: Type.String({
              maxLength: 320,
              description: 'Your email, typed again: deleting cannot be undone',
            }),
          },
          { additionalProperties: false },
        ),
        description:
          'Your mentor profile is deactivated and anonymised; your questions and session requests are kept only as counts, without text, note or a link to you; your sessions and API tokens end. The last enabled admin cannot leave (409 LAST_ADMIN).',
        response: {
          200: Type.Object({
            anonymisedQuestions: Type.Integer(),
            anonymisedSessionRequests: Type.Integer(),
          }),
          ...errorResponses(409),
        },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      if (request.body.confirmEmail.trim().toLowerCase() !== user.email.toLowerCase()) {
        throw new AppError('VALIDATION_FAILED', { detail: 'confirmEmail must be your email, typed again' });
      }
      const kept = await app.engine().personalData.deleteAccount(user.id, actorOf(request));
      reply.clearCookie(SESSION_COOKIE, {
        httpOnly: true,
        sameSite: 'lax',
        secure: request.protocol === 'https',
        path: '/',
      });
      return { anonymisedQuestions: kept.questions, anonymisedSessionRequests: kept.sessionRequests };
    },
  );
};

export default meRoutes;
