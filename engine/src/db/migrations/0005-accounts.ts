import { sql, type Kysely } from 'kysely';

// People (issue 20): users and their roles, the link of a mentor user to one mentor profile, server-side
// sessions and per-user API tokens (only digests of their secrets), and the audit log of every write.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('department', 'text')
    .addColumn('career_start_year', 'integer', (c) => c.check(sql`career_start_year between 1900 and 2200`))
    // Null for users who sign in through single sign-on only.
    .addColumn('password_hash', 'text')
    .addColumn('disabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One account per address, whatever its case: "Ana@Example.org" is ana@example.org.
  await sql`create unique index users_email_key on users (lower(email))`.execute(db);

  await db.schema
    .createTable('user_roles')
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('mentee', 'mentor', 'coordinator', 'researcher', 'admin')`),
    )
    .addPrimaryKeyConstraint('user_roles_pk', ['user_id', 'role'])
    .execute();

  // A mentor user speaks for exactly one profile, and a profile for at most one user.
  await db.schema
    .createTable('mentor_users')
    .addColumn('user_id', 'bigint', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('mentor_id', 'bigint', (c) => c.notNull().unique().references('mentors.id').onDelete('cascade'))
    .execute();

  // The cookie holds a random token; only its SHA-256 is stored, so a copy of the database signs nobody in.
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('idle_expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('sessions_user_id_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('api_tokens_user_id_idx').on('api_tokens').column('user_id').execute();

  // No foreign key to users: the log outlives what it names.
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor_kind', 'text', (c) => c.notNull().check(sql`actor_kind in ('user', 'cli', 'engine-token')`))
    .addColumn('actor_user_id', 'bigint')
    .addColumn('actor_role', 'text')
    .addColumn('actor_os_user', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('changes', 'jsonb', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addCheckConstraint('audit_log_user_actor', sql`(actor_kind = 'user') = (actor_user_id is not null)`)
    .execute();
  await db.schema.createIndex('audit_log_entity_idx').on('audit_log').columns(['entity', 'id']).execute();
  await db.schema.createIndex('audit_log_actor_idx').on('audit_log').columns(['actor_user_id', 'id']).execute();
  // Append-only for the application: an update, delete or truncate fails, whoever sends it.
  await sql`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only';
    end $$`.execute(db);
  await sql`create trigger audit_log_append_only before update or delete or truncate on audit_log for each statement execute function audit_log_append_only()`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger audit_log_append_only on audit_log`.execute(db);
  await sql`drop function audit_log_append_only`.execute(db);
  for (const table of ['audit_log', 'api_tokens', 'sessions', 'mentor_users', 'user_roles', 'users']) {
    await db.schema.dropTable(table).execute();
  }
}
