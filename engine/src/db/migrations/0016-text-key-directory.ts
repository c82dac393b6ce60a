import { sql, type Kysely } from 'kysely';

// Issue 24: personal text is sealed with keys kept outside the database (docs/privacy.md). The database remembers
// which key directory its texts were sealed with, so that an engine pointed at another directory refuses to start
// instead of reading every text as erased and sealing new ones that the other engines cannot open.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('text_key_directory')
    .addColumn('singleton', 'boolean', (c) => c.primaryKey().defaultTo(true).check(sql`singleton`))
    .addColumn('directory_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('text_key_directory').execute();
}
