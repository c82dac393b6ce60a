import { sql, type Kysely } from 'kysely';

// Vectors are bytea, not pgvector: the migration must run on servers without the extension.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mentors')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('external_id', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('headline', 'text', (c) => c.notNull())
    .addColumn('bio', 'text', (c) => c.notNull())
    .addColumn('skills', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('languages', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('location', 'text')
    .addColumn('years_experience', 'integer', (c) => c.notNull())
    .addColumn('capacity_per_month', 'integer', (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('mentors_skills_idx').on('mentors').using('gin').column('skills').execute();
  await db.schema.createIndex('mentors_languages_idx').on('mentors').using('gin').column('languages').execute();

  await db.schema
    .createTable('mentor_embeddings')
    .addColumn('mentor_id', 'bigint', (c) => c.notNull().references('mentors.id').onDelete('cascade'))
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('vector', 'bytea', (c) => c.notNull())
    .addColumn('passage_vectors', 'bytea', (c) => c.notNull())
    .addColumn('passage_spans', sql`integer[]`, (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('mentor_embeddings_pk', ['mentor_id', 'model_id'])
    .execute();

  await db.schema
    .createTable('weight_configs')
    .addColumn('version', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'active', 'archived')`))
    .addColumn('weights', 'jsonb', (c) => c.notNull())
    .addColumn('rules', 'jsonb', (c) => c.notNull())
    .addColumn('based_on', 'integer', (c) => c.references('weight_configs.version'))
    .addColumn('note', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('activated_by', 'text')
    .addColumn('activated_at', 'timestamptz')
    .execute();
  // At most one active configuration, enforced by the database rather than by care.
  await sql`create unique index weight_configs_one_active on weight_configs ((true)) where status = 'active'`.execute(
    db,
  );

  await db.schema
    .createTable('weight_config_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull().references('weight_configs.version'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('mentee_requests')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('filters', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('config_version', 'integer', (c) => c.references('weight_configs.version'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('served_matches')
    .addColumn('request_id', 'bigint', (c) => c.notNull().references('mentee_requests.id').onDelete('cascade'))
    // No foreign key to mentors: what was served stays on record after a mentor is deleted.
    .addColumn('mentor_id', 'bigint', (c) => c.notNull())
    .addColumn('rank', 'integer', (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('breakdown', 'jsonb', (c) => c.notNull())
    .addColumn('config_version', 'integer')
    .addPrimaryKeyConstraint('served_matches_pk', ['request_id', 'rank'])
    .execute();
  await db.schema
    .createIndex('served_matches_mentor_idx')
    .on('served_matches')
    .columns(['mentor_id', 'request_id'])
    .execute();

  await db.schema
    .createTable('session_requests')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('request_id', 'bigint', (c) => c.references('mentee_requests.id').onDelete('set null'))
    .addColumn('mentor_id', 'bigint', (c) => c.notNull().references('mentors.id').onDelete('cascade'))
    .addColumn('note', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'session_requests',
    'served_matches',
    'mentee_requests',
    'weight_config_events',
    'weight_configs',
    'mentor_embeddings',
    'mentors',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
