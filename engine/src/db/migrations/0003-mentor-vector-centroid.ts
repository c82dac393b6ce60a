import { sql, type Kysely } from 'kysely';

// A mentor's vector became the centroid of its profile and passage vectors instead of its whole text
// embedded on its own (services/mentor-embedding.ts). Vectors are derived data and two kinds must not share
// one index, so both directions drop them all; the engine re-embeds every mentor at its next start, with
// progress in /health, and the stale index snapshot no longer matches the checksum and is rebuilt.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`delete from mentor_embeddings`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from mentor_embeddings`.execute(db);
}
