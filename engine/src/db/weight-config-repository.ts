import { sql, type Kysely, type Selectable } from 'kysely';
import { AppError } from '../errors.js';
import { type CamelCaseColumns, type CamelCaseDatabase, withCamelCase } from './camel-case.js';
import type { Database, WeightConfigEventsTable, WeightConfigStatus, WeightConfigsTable } from './schema.js';
import { withTransaction } from './transaction.js';

export interface WeightConfig {
  version: number;
  name: string;
  status: WeightConfigStatus;
  weights: Record<string, number>;
  rules: Record<string, unknown>;
  basedOn: number | null;
  note: string | null;
  createdBy: string;
  createdAt: Date;
  updatedBy: string;
  updatedAt: Date;
  activatedBy: string | null;
  activatedAt: Date | null;
}

export type WeightConfigAction = WeightConfigEventsTable['action'];

export interface WeightConfigEvent {
  id: number;
  version: number;
  action: WeightConfigAction;
  actor: string;
  detail: Record<string, unknown>;
  at: Date;
}

export interface WeightConfigDraft {
  name: string;
  weights: Record<string, number>;
  rules: Record<string, unknown>;
  basedOn?: number | null;
  note?: string | null;
}

export type WeightConfigPatch = Partial<Pick<WeightConfigDraft, 'name' | 'weights' | 'rules' | 'note'>>;

// Serialises activations: two at once would each archive the same predecessor and then collide on
// the one-active index; with the lock the second simply archives the first.
const activationLockKey = 0x6d6d_7763; // "mmwc"

/**
 * Versioned weight configurations with an audit trail. Only drafts change; activation archives the
 * previous active version in the same transaction; a rollback is a new version copying an old one.
 */
export class WeightConfigRepository {
  private readonly db: Kysely<CamelCaseDatabase>;

  constructor(db: Kysely<Database>) {
    this.db = withCamelCase(db);
  }

  async createDraft(draft: WeightConfigDraft, actor: string): Promise<WeightConfig> {
    return withTransaction(this.db, async (trx) => {
      if (draft.basedOn != null) await requireConfig(trx, draft.basedOn);
      const row = await trx
        .insertInto('weight_configs')
        .values({
          name: draft.name,
          status: 'draft',
          weights: JSON.stringify(draft.weights),
          rules: JSON.stringify(draft.rules),
          basedOn: draft.basedOn ?? null,
          note: draft.note ?? null,
          createdBy: actor,
          updatedBy: actor,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordEvent(trx, row.version, 'created', actor, { basedOn: row.basedOn });
      return toConfig(row);
    });
  }

  /** Throws CONFIG_NOT_FOUND, or CONFIG_NOT_DRAFT for active and archived versions. */
  async updateDraft(version: number, patch: WeightConfigPatch, actor: string): Promise<WeightConfig> {
    return withTransaction(this.db, async (trx) => {
      const current = await requireConfig(trx, version, true);
      if (current.status !== 'draft')
        throw new AppError('CONFIG_NOT_DRAFT', { version, status: current.status, action: 'edited' });
      const row = await trx
        .updateTable('weight_configs')
        .set({
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.weights !== undefined && { weights: JSON.stringify(patch.weights) }),
          ...(patch.rules !== undefined && { rules: JSON.stringify(patch.rules) }),
          ...(patch.note !== undefined && { note: patch.note }),
          updatedBy: actor,
          updatedAt: sql<Date>`now()`,
        })
        .where('version', '=', version)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordEvent(trx, version, 'edited', actor, {
        changed: Object.keys(patch).filter((k) => patch[k as keyof WeightConfigPatch] !== undefined),
      });
      return toConfig(row);
    });
  }

  async get(version: number): Promise<WeightConfig | null> {
    const row = await this.db
      .selectFrom('weight_configs')
      .selectAll()
      .where('version', '=', version)
      .executeTakeFirst();
    return row ? toConfig(row) : null;
  }

  async getActive(): Promise<WeightConfig | null> {
    const row = await this.db
      .selectFrom('weight_configs')
      .selectAll()
      .where('status', '=', 'active')
      .executeTakeFirst();
    return row ? toConfig(row) : null;
  }

  /** Every version, newest first, each with its events in order. */
  async list(): Promise<Array<WeightConfig & { events: WeightConfigEvent[] }>> {
    const [configs, events] = await Promise.all([
      this.db.selectFrom('weight_configs').selectAll().orderBy('version', 'desc').execute(),
      this.db.selectFrom('weight_config_events').selectAll().orderBy('id').execute(),
    ]);
    const byVersion = new Map<number, WeightConfigEvent[]>();
    for (const e of events) {
      const list = byVersion.get(e.version) ?? [];
      list.push(e);
      byVersion.set(e.version, list);
    }
    return configs.map((c) => ({ ...toConfig(c), events: byVersion.get(c.version) ?? [] }));
  }

  async events(version: number): Promise<WeightConfigEvent[]> {
    const rows = await this.db
      .selectFrom('weight_config_events')
      .selectAll()
      .where('version', '=', version)
      .orderBy('id')
      .execute();
    return rows;
  }

  /**
   * Makes a draft the active configuration and archives the one it replaces. Activating the active
   * version again changes nothing. Throws CONFIG_NOT_FOUND, or CONFIG_NOT_DRAFT for archived versions.
   */
  async activate(version: number, actor: string): Promise<WeightConfig> {
    return withTransaction(this.db, async (trx) => {
      await sql`select pg_advisory_xact_lock(${activationLockKey})`.execute(trx);
      const target = await requireConfig(trx, version, true);
      if (target.status === 'active') return toConfig(target);
      if (target.status !== 'draft') {
        throw new AppError('CONFIG_NOT_DRAFT', {
          version,
          status: target.status,
          action: 'activated (roll back to an archived version instead)',
        });
      }
      return toConfig(await activateLocked(trx, version, actor));
    });
  }

  /**
   * Brings back an earlier configuration as a new version (based on it, same name, weights and
   * rules) and activates it, so history is never rewritten. Throws CONFIG_NOT_FOUND.
   */
  async rollback(toVersion: number, actor: string): Promise<WeightConfig> {
    return withTransaction(this.db, async (trx) => {
      await sql`select pg_advisory_xact_lock(${activationLockKey})`.execute(trx);
      const source = await requireConfig(trx, toVersion);
      const previous = await trx
        .selectFrom('weight_configs')
        .select('version')
        .where('status', '=', 'active')
        .executeTakeFirst();
      const copy = await trx
        .insertInto('weight_configs')
        .values({
          name: source.name,
          status: 'draft',
          weights: JSON.stringify(source.weights),
          rules: JSON.stringify(source.rules),
          basedOn: toVersion,
          note: `Rollback to version ${toVersion}`,
          createdBy: actor,
          updatedBy: actor,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordEvent(trx, copy.version, 'created', actor, { basedOn: toVersion });
      await recordEvent(trx, copy.version, 'rolled_back', actor, { toVersion, from: previous?.version ?? null });
      return toConfig(await activateLocked(trx, copy.version, actor));
    });
  }
}

async function activateLocked(trx: Kysely<CamelCaseDatabase>, version: number, actor: string) {
  const archived = await trx
    .updateTable('weight_configs')
    .set({ status: 'archived', updatedBy: actor, updatedAt: sql<Date>`now()` })
    .where('status', '=', 'active')
    .returning('version')
    .execute();
  for (const { version: old } of archived) await recordEvent(trx, old, 'archived', actor, { replacedBy: version });
  const row = await trx
    .updateTable('weight_configs')
    .set({
      status: 'active',
      activatedBy: actor,
      activatedAt: sql<Date>`now()`,
      updatedBy: actor,
      updatedAt: sql<Date>`now()`,
    })
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEvent(trx, version, 'activated', actor, { replaced: archived[0]?.version ?? null });
  return row;
}

async function requireConfig(trx: Kysely<CamelCaseDatabase>, version: number, forUpdate = false) {
  let query = trx.selectFrom('weight_configs').selectAll().where('version', '=', version);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw new AppError('CONFIG_NOT_FOUND', { version });
  return row;
}

async function recordEvent(
  trx: Kysely<CamelCaseDatabase>,
  version: number,
  action: WeightConfigAction,
  actor: string,
  detail: Record<string, unknown>,
): Promise<void> {
  await trx
    .insertInto('weight_config_events')
    .values({ version, action, actor, detail: JSON.stringify(detail) })
    .execute();
}

// activated_at is typed for writing (a string is accepted there); what the drivers read is a Date or null.
function toConfig(row: Selectable<CamelCaseColumns<WeightConfigsTable>>): WeightConfig {
  return { ...row, activatedAt: row.activatedAt === null ? null : new Date(row.activatedAt) };
}
