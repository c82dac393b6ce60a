import { sql, type Kysely } from 'kysely';

// Single sign-on with OpenID Connect (issue 20): which user an identity provider's account is, and the sign-ins
// under way between the redirect to the provider and its answer.
export async function up(db: Kysely<unknown>): Promise<void> {
  // An account at a provider is named by its issuer and subject; the email can change there, these cannot.
  await db.schema
    .createTable('sso_identities')
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_sign_in_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('sso_identities_pk', ['issuer', 'subject'])
    .execute();
  await db.schema.createIndex('sso_identities_user_id_idx').on('sso_identities').column('user_id').execute();

  // Kept in the database rather than in one engine's memory, so that the provider's answer may reach any engine
  // sharing it, or one restarted meanwhile. Found by the SHA-256 of a random value in the browser's cookie, which
  // ties the answer to the browser that asked; each row is used once.
  await db.schema
    .createTable('sso_logins')
    .addColumn('token_hash', 'bytea', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('return_to', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sso_logins').execute();
  await db.schema.dropTable('sso_identities').execute();
}
