import { sql, type Kysely } from 'kysely';

// Engines sharing one PostgreSQL server each hold the mentors in memory (the vector index, BM25, the skills
// vocabulary), so each must learn of the others' writes, and of the CLI's. Triggers log every mentor row written
// or deleted and every embedding written (an embedding is only deleted with its mentor or its model), by whatever
// wrote it; each engine reads the log (services/index-follower.ts).
// Statement-level triggers with transition tables: one insert per statement, not one per row.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table mentor_changes (
      seq bigserial primary key,
      mentor_id bigint not null,
      changed_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index mentor_changes_changed_at_idx on mentor_changes (changed_at)`.execute(db);
  for (const [name, rows] of [
    ['log_new_mentor_rows', 'select id from new_rows'],
    ['log_old_mentor_rows', 'select id from old_rows'],
    ['log_new_embedding_rows', 'select mentor_id from new_rows'],
  ]) {
    await sql`
      create function ${sql.raw(name!)}() returns trigger language plpgsql as $$
      begin
        insert into mentor_changes (mentor_id) ${sql.raw(rows!)};
        return null;
      end $$`.execute(db);
  }
  await sql`create trigger mentors_inserted after insert on mentors referencing new table as new_rows for each statement execute function log_new_mentor_rows()`.execute(
    db,
  );
  await sql`create trigger mentors_updated after update on mentors referencing new table as new_rows for each statement execute function log_new_mentor_rows()`.execute(
    db,
  );
  await sql`create trigger mentors_deleted after delete on mentors referencing old table as old_rows for each statement execute function log_old_mentor_rows()`.execute(
    db,
  );
  await sql`create trigger mentor_embeddings_inserted after insert on mentor_embeddings referencing new table as new_rows for each statement execute function log_new_embedding_rows()`.execute(
    db,
  );
  await sql`create trigger mentor_embeddings_updated after update on mentor_embeddings referencing new table as new_rows for each statement execute function log_new_embedding_rows()`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [trigger, table] of [
    ['mentors_inserted', 'mentors'],
    ['mentors_updated', 'mentors'],
    ['mentors_deleted', 'mentors'],
    ['mentor_embeddings_inserted', 'mentor_embeddings'],
    ['mentor_embeddings_updated', 'mentor_embeddings'],
  ] as const) {
    await sql`drop trigger ${sql.raw(trigger)} on ${sql.raw(table)}`.execute(db);
  }
  await sql`drop function log_new_mentor_rows, log_old_mentor_rows, log_new_embedding_rows`.execute(db);
  await sql`drop table mentor_changes`.execute(db);
}
