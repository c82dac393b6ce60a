import { sql, type Kysely } from 'kysely';

// A mentor's vector became the centroid of its profile and passage vectors instead of its whole text
// embedded on its own (services/mentor-embedding.ts). Vectors are derived data and two kinds must not share
// one index, so both directions drop them all; the engine re-embeds every mentor at its next start, with
// progress in GET /api/status, and the stale index snapshot no longer matches the checksum and is rebuilt.
// Content hashes stay as they were: they say whether a mentor's text changed, and no old vector survives this.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`delete from mentor_embeddings`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from mentor_embeddings`.execute(db);
}
