import type { Kysely } from 'kysely';

// Exposure counts and the dashboard's recent requests both select requests by time.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('mentee_requests_created_at_idx').on('mentee_requests').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('mentee_requests_created_at_idx').execute();
}
