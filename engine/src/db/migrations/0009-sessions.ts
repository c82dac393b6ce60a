import { sql, type Kysely } from 'kysely';

// Micromentoring sessions (issue 21): each session request now has a state, a length, a slot and the times
// the scheduler needs; mentors publish weekly availability; both sides rate a session; users have an inbox
// and emails go through a transactional outbox. Concurrency rules live here, in the database:
// - a mentee holds at most one open (requested) request with a mentor: a partial unique index;
// - a mentor's slot cannot be booked twice: every accepted session claims its 15-minute cells, which are a
//   primary key;
// - a mentor's accepted sessions in a month never exceed their capacity: one counter row per mentor and month,
//   raised only by a conditional upsert (see the session repository).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('session_requests')
    .addColumn('state', 'text', (c) =>
      c
        .notNull()
        .defaultTo('requested')
        .check(
          sql`state in ('requested', 'accepted', 'declined', 'expired', 'withdrawn', 'completed', 'no_show', 'cancelled')`,
        ),
    )
    .addColumn('length_minutes', 'integer', (c) => c.check(sql`length_minutes in (15, 30, 45)`))
    .addColumn('slot_start', 'timestamptz')
    .addColumn('mentee_time_zone', 'text')
    .addColumn('decline_reason', 'text')
    .addColumn('cancel_reason', 'text')
    .addColumn('cancelled_by', 'text', (c) => c.check(sql`cancelled_by in ('mentee', 'mentor', 'coordinator')`))
    .addColumn('video_link', 'text')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('answered_at', 'timestamptz')
    .addColumn('ended_at', 'timestamptz')
    .addColumn('capacity_month', 'date')
    .addColumn('expiry_warning_sent_at', 'timestamptz')
    .addColumn('reminder_sent_at', 'timestamptz')
    .addColumn('feedback_prompt_sent_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Requests made before sessions had states: the old ones are past answering, and of a mentee's several
  // requests to one mentor only the newest stays open (the unique index below needs it).
  await sql`update session_requests set expires_at = created_at + interval '72 hours'`.execute(db);
  await sql`update session_requests set state = 'expired' where expires_at <= now()`.execute(db);
  await sql`
    update session_requests s set state = 'withdrawn'
    where s.state = 'requested' and s.user_id is not null and exists (
      select 1 from session_requests t
      where t.user_id = s.user_id and t.mentor_id = s.mentor_id and t.state = 'requested' and t.id > s.id)`.execute(db);
  await sql`alter table session_requests alter column expires_at set not null`.execute(db);
  await sql`
    create unique index session_requests_one_open_idx on session_requests (user_id, mentor_id)
    where state = 'requested'`.execute(db);
  await db.schema
    .createIndex('session_requests_mentor_state_idx')
    .on('session_requests')
    .columns(['mentor_id', 'state'])
    .execute();
  await db.schema
    .createIndex('session_requests_state_idx')
    .on('session_requests')
    .columns(['state', 'expires_at'])
    .execute();

  // What the ranker served with the probability of showing each mentor there (issue 23's off-policy
  // evaluation); null for matches served before it was logged.
  await db.schema.alterTable('served_matches').addColumn('propensity', 'double precision').execute();

  await db.schema
    .createTable('mentor_month_load')
    .addColumn('mentor_id', 'bigint', (c) => c.notNull().references('mentors.id').onDelete('cascade'))
    .addColumn('month', 'date', (c) => c.notNull())
    .addColumn('accepted', 'integer', (c) => c.notNull().check(sql`accepted >= 0`))
    .addPrimaryKeyConstraint('mentor_month_load_pk', ['mentor_id', 'month'])
    .execute();

  await db.schema
    .createTable('mentor_booked_cells')
    .addColumn('mentor_id', 'bigint', (c) => c.notNull().references('mentors.id').onDelete('cascade'))
    .addColumn('cell_start', 'timestamptz', (c) => c.notNull())
    .addColumn('session_request_id', 'bigint', (c) => c.notNull().references('session_requests.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('mentor_booked_cells_pk', ['mentor_id', 'cell_start'])
    .execute();

  // Weekly availability in the mentor's own time zone; minutes from midnight, ISO weekday (1 = Monday).
  await db.schema
    .createTable('mentor_schedules')
    .addColumn('mentor_id', 'bigint', (c) => c.primaryKey().references('mentors.id').onDelete('cascade'))
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('away_until', 'date')
    .addColumn('video_link', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('mentor_availability')
    .addColumn('mentor_id', 'bigint', (c) => c.notNull().references('mentors.id').onDelete('cascade'))
    .addColumn('weekday', 'smallint', (c) => c.notNull().check(sql`weekday between 1 and 7`))
    .addColumn('start_minute', 'integer', (c) => c.notNull().check(sql`start_minute between 0 and 1439`))
    .addColumn('end_minute', 'integer', (c) => c.notNull().check(sql`end_minute between 1 and 1440`))
    .addCheckConstraint('mentor_availability_order', sql`start_minute < end_minute`)
    .addPrimaryKeyConstraint('mentor_availability_pk', ['mentor_id', 'weekday', 'start_minute'])
    .execute();

  await db.schema
    .createTable('session_feedback')
    .addColumn('session_request_id', 'bigint', (c) => c.notNull().references('session_requests.id').onDelete('cascade'))
    .addColumn('author_role', 'text', (c) => c.notNull().check(sql`author_role in ('mentee', 'mentor')`))
    .addColumn('helpfulness', 'smallint', (c) => c.notNull().check(sql`helpfulness between 1 and 5`))
    .addColumn('right_person', 'text', (c) => c.notNull().check(sql`right_person in ('yes', 'partly', 'no')`))
    .addColumn('comment', 'text')
    .addColumn('boundary_flag', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('session_feedback_pk', ['session_request_id', 'author_role'])
    .execute();

  // The in-app inbox.
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('session_request_id', 'bigint', (c) => c.references('session_requests.id').onDelete('cascade'))
    .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('read_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('notifications_user_idx').on('notifications').columns(['user_id', 'id']).execute();

  // Emails written in the same transaction as the change they tell of, sent later by a worker. The
  // idempotency key travels in the message's headers, so a resend after a crash can be recognised.
  await db.schema
    .createTable('email_outbox')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('notification_id', 'bigint', (c) => c.references('notifications.id').onDelete('set null'))
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('ics', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('claimed_until', 'timestamptz')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .execute();
  await sql`create index email_outbox_due_idx on email_outbox (next_attempt_at) where sent_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'email_outbox',
    'notifications',
    'session_feedback',
    'mentor_availability',
    'mentor_schedules',
    'mentor_booked_cells',
    'mentor_month_load',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable('served_matches').dropColumn('propensity').execute();
  await sql`drop index session_requests_one_open_idx`.execute(db);
  await db.schema.dropIndex('session_requests_mentor_state_idx').execute();
  await db.schema.dropIndex('session_requests_state_idx').execute();
  for (const column of [
    'state',
    'length_minutes',
    'slot_start',
    'mentee_time_zone',
    'decline_reason',
    'cancel_reason',
    'cancelled_by',
    'video_link',
    'expires_at',
    'answered_at',
    'ended_at',
    'capacity_month',
    'expiry_warning_sent_at',
    'reminder_sent_at',
    'feedback_prompt_sent_at',
    'updated_at',
  ]) {
    await db.schema.alterTable('session_requests').dropColumn(column).execute();
  }
}
