import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { userOf } from '../auth/authorize-request.js';
import { NOTIFICATION_KINDS } from '../notifications/notification-kinds.js';
import type { InboxItem, OutboxItem } from '../notifications/notification-service.js';
import { errorResponses, Nullable, RowId, StringEnum } from './schemas.js';

const NotificationSchema = Type.Object(
  {
    id: Type.Integer(),
    kind: StringEnum(NOTIFICATION_KINDS),
    sessionRequestId: Nullable(Type.Integer()),
    title: Type.String(),
    body: Type.String({ description: "Plain text; times in the reader's time zone" }),
    createdAt: Type.String({ format: 'date-time' }),
    readAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'Notification', title: 'Notification' },
);

const OutboxEmailSchema = Type.Object(
  {
    id: Type.Integer(),
    to: Type.String(),
    subject: Type.String(),
    body: Type.String(),
    invite: Nullable(Type.String({ description: 'The attached iCalendar invite, when there is one' })),
    createdAt: Type.String({ format: 'date-time' }),
    sentAt: Nullable(Type.String({ format: 'date-time' })),
    attempts: Type.Integer({ description: 'Failed attempts to send it so far' }),
    lastError: Nullable(Type.String()),
  },
  { $id: 'OutboxEmail', title: 'OutboxEmail' },
);

const iso = (d: Date | null) => d?.toISOString() ?? null;
const notificationDto = (n: InboxItem) => ({
  ...n,
  kind: n.kind as (typeof NOTIFICATION_KINDS)[number],
  createdAt: n.createdAt.toISOString(),
  readAt: iso(n.readAt),
});
const outboxDto = (e: OutboxItem) => ({ ...e, createdAt: e.createdAt.toISOString(), sentAt: iso(e.sentAt) });

const Limit = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) },
  { additionalProperties: false },
);

/** Every user's in-app inbox, and the email outbox admins read while emails are kept, not sent. */
const notificationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const notifications = () => app.engine().notifications;

  app.get(
    '/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Your notifications, newest first, and how many are unread',
        querystring: Limit,
        response: {
          200: Type.Object({ items: Type.Array(NotificationSchema), unread: Type.Integer() }),
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const { items, unread } = await notifications().inbox(userOf(request).id, request.query.limit);
      return { items: items.map(notificationDto), unread };
    },
  );

  app.post(
    '/notifications/:id/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark one of your notifications read',
        params: Type.Object({ id: RowId() }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      await notifications().markRead(userOf(request).id, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/notifications/read-all',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark all your notifications read',
        response: { 200: Type.Object({ marked: Type.Integer() }), ...errorResponses() },
      },
    },
    async (request) => ({ marked: await notifications().markAllRead(userOf(request).id) }),
  );

  app.get(
    '/outbox',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Emails in the outbox, newest first (demo mode, or no SMTP_URL: emails are kept, not sent)',
        querystring: Limit,
        response: { 200: Type.Object({ items: Type.Array(OutboxEmailSchema) }), ...errorResponses(409) },
      },
    },
    async (request) => ({ items: (await notifications().outbox(request.query.limit)).map(outboxDto) }),
  );
};

export default notificationRoutes;
