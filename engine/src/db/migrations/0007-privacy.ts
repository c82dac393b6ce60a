import { sql, type Kysely } from 'kysely';

// Privacy (issue 20): who asked each question and who requested each session (null: asked anonymously, or the
// user deleted), and the programme's settings that admins change (whether coordinators read question texts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('mentee_requests')
    .addColumn('user_id', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('mentee_requests_user_id_idx').on('mentee_requests').column('user_id').execute();
  await db.schema
    .alterTable('session_requests')
    .addColumn('user_id', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('session_requests_user_id_idx').on('session_requests').column('user_id').execute();

  await db.schema
    .createTable('programme_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('programme_settings').execute();
  await db.schema.alterTable('session_requests').dropColumn('user_id').execute();
  await db.schema.alterTable('mentee_requests').dropColumn('user_id').execute();
}
