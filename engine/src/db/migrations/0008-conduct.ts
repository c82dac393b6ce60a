import { sql, type Kysely } from 'kysely';

// Guidelines (issue 20): which version of the code of conduct each user accepted and when, and the reports of
// users' conduct that coordinators handle.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('conduct_acceptances')
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('conduct_acceptances_pk', ['user_id', 'version'])
    .execute();

  // A report names the user it is about, the session request it comes from, or both. Reports outlive the
  // accounts they name (set null): a coordinator may still need to read one.
  await db.schema
    .createTable('conduct_reports')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('reporter_id', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('reported_user_id', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('session_request_id', 'bigint', (c) => c.references('session_requests.id').onDelete('set null'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('handled_at', 'timestamptz')
    .addColumn('handled_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('conduct_reports_open_idx').on('conduct_reports').columns(['handled_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('conduct_reports').execute();
  await db.schema.dropTable('conduct_acceptances').execute();
}
