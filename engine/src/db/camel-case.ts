import { CamelCasePlugin, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/** `external_id` as `externalId`: the renaming CamelCasePlugin does, at the type level. */
type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/** A table's columns under their camelCase names, their types unchanged. */
export type CamelCaseColumns<Table> = { [Column in keyof Table as CamelCase<Column & string>]: Table[Column] };

/**
 * The database as repositories query it: tables under their SQL names, columns in camelCase. Derived from
 * schema.ts, which keeps the names migrations and raw SQL use, so the two cannot drift apart.
 */
export type CamelCaseDatabase = { [Table in keyof Database]: CamelCaseColumns<Database[Table]> };

class RepositoryCamelCase extends CamelCasePlugin {
  /**
   * A row that arrived as JSON text, renamed as the plugin renames result rows: the plugin renames the columns of
   * a raw query's result, not the keys inside a JSON value.
   */
  renameRow<Row>(row: Record<string, unknown>): Row {
    return this.mapRow(row) as Row;
  }
}

// Only column names are renamed: jsonb values (weights, rules, filters, breakdowns) keep their keys as stored.
export const camelCase = new RepositoryCamelCase({ maintainNestedObjectKeys: true });

/**
 * `db` with camelCase column names in queries and results, so rows map onto domain objects without hand-written
 * mappers. The plugin renames identifiers in query builders and `sql.ref`, and result columns, but not the text
 * of raw `sql` fragments, which keep the SQL names. Migrations run on the handle without it.
 */
export function withCamelCase(db: Kysely<Database>): Kysely<CamelCaseDatabase> {
  // The plugin changes the names, not the data; Kysely's types cannot follow that on their own.
  return db.withPlugin(camelCase) as unknown as Kysely<CamelCaseDatabase>;
}
