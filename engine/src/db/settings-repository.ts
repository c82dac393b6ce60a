import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/** The programme's settings (migration 0007): one JSON value per key; a key never set reads as undefined. */
export class SettingsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(key: string): Promise<unknown> {
    const row = await this.db
      .selectFrom('programme_settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.value;
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.db
      .insertInto('programme_settings')
      .values({ key, value: JSON.stringify(value) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: sql`now()` }))
      .execute();
  }

  /**
   * The key's value, storing `initial` first when it has none: engines sharing a database that ask at once all
   * read the one value stored first.
   */
  async getOrInit(key: string, initial: unknown): Promise<unknown> {
    await this.db
      .insertInto('programme_settings')
      .values({ key, value: JSON.stringify(initial) })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return this.get(key);
  }
}
