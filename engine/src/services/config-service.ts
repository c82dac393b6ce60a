import { AppError } from '../errors.js';
import { type Actor, type AuditEntry, fieldChanges } from '../audit/audit-entry.js';
import type { Repositories } from '../db/repositories.js';
import type { WeightConfig as StoredConfig, WeightConfigPatch } from '../db/weight-config-repository.js';
import { WeightConfigInput, type WeightConfigInputBody } from '../matching/weight-config-schema.js';
import { completeWeightConfig, DEFAULT_RULES, DEFAULT_WEIGHTS, type WeightConfig } from '../matching/weights.js';
import { createAjv, describeSchemaError } from '../validator-compiler.js';

// Request bodies are checked by their routes. What the database holds was checked when it was written, but an
// older engine may have written a rule this one no longer knows: read back, it is checked with the same schema.
const isConfigInput = createAjv(false).compile<WeightConfigInputBody>(WeightConfigInput);

export interface ActiveConfig extends WeightConfig {
  version: number;
  name: string;
}

/** Validates every configuration before it is stored, and serves the active one to the matcher. */
export class ConfigService {
  private active: ActiveConfig | null = null;
  private readonly repo: Repositories['weightConfigs'];

  constructor(private readonly repos: Repositories) {
    this.repo = repos.weightConfigs;
  }

  /** A fresh database gets the built-in defaults as version 1, so served matches always name a version. */
  async ensureActive(): Promise<void> {
    if (await this.repo.getActive()) return;
    const draft = await this.repo.createDraft(
      { name: 'default', weights: { ...DEFAULT_WEIGHTS }, rules: { ...DEFAULT_RULES }, note: 'built-in defaults' },
      'system',
    );
    await this.repo.activate(draft.version, 'system');
  }

  /** Completes a configuration its route's schema passed, or refuses what the schema cannot express. */
  validate(input: WeightConfigInputBody): WeightConfig {
    const result = completeWeightConfig(input);
    if (!result.ok)
      throw new AppError('CONFIG_INVALID', { detail: result.errors.join('; ') }, { problems: result.errors });
    return result.config;
  }

  /** A configuration as stored, or merged from stored parts: checked against the schema, then completed. */
  private fromStore(stored: { weights: unknown; rules: unknown }): WeightConfig {
    if (!isConfigInput(stored)) {
      const problems = (isConfigInput.errors ?? []).map((e) => describeSchemaError(e, ''));
      throw new AppError('CONFIG_INVALID', { detail: problems.join('; ') }, { problems });
    }
    return this.validate(stored);
  }

  async getActive(): Promise<ActiveConfig> {
    if (this.active) return this.active;
    const stored = await this.repo.getActive();
    if (!stored) throw new AppError('NOT_READY', { detail: 'no active weight configuration' });
    this.active = {
      version: stored.version,
      name: stored.name,
      ...this.fromStore({ weights: stored.weights, rules: stored.rules }),
    };
    return this.active;
  }

  async get(version: number): Promise<StoredConfig> {
    const stored = await this.repo.get(version);
    if (!stored) throw new AppError('CONFIG_NOT_FOUND', { version });
    return stored;
  }

  /** A stored version as a usable configuration (for previews and evaluations of drafts and old versions). */
  async resolve(version: number): Promise<ActiveConfig> {
    const stored = await this.get(version);
    return {
      version: stored.version,
      name: stored.name,
      ...this.fromStore({ weights: stored.weights, rules: stored.rules }),
    };
  }

  list() {
    return this.repo.list();
  }

  async createDraft(
    input: WeightConfigInputBody & { name: string; basedOn?: number | null; note?: string | null },
    actor: Actor,
  ) {
    const config = this.validate({
      weights: input.weights,
      ...(input.rules !== undefined ? { rules: input.rules } : {}),
    });
    if (input.basedOn != null) await this.get(input.basedOn);
    return this.write(
      actor,
      (trx, by) =>
        trx.weightConfigs.createDraft(
          {
            name: input.name,
            weights: config.weights,
            rules: { ...config.rules },
            basedOn: input.basedOn ?? null,
            note: input.note ?? null,
          },
          by,
        ),
      (created) => entry('config.created', created, fieldChanges(null, audited(created))),
    );
  }

  async updateDraft(
    version: number,
    patch: Partial<WeightConfigInputBody> & { name?: string; note?: string | null },
    actor: Actor,
  ) {
    const current = await this.get(version);
    if (current.status !== 'draft')
      throw new AppError('CONFIG_NOT_DRAFT', { version, status: current.status, action: 'edited' });
    const config = this.fromStore({ weights: patch.weights ?? current.weights, rules: patch.rules ?? current.rules });
    // Only what the patch names is written: two edits at once, one of the weights and one of the rules, both
    // land, and the history says what each changed.
    const change: WeightConfigPatch = {};
    if (patch.weights !== undefined) change.weights = config.weights;
    if (patch.rules !== undefined) change.rules = { ...config.rules };
    if (patch.name !== undefined) change.name = patch.name;
    if (patch.note !== undefined) change.note = patch.note;
    return this.write(
      actor,
      (trx, by) => trx.weightConfigs.updateDraft(version, change, by),
      (updated) => entry('config.updated', updated, fieldChanges(audited(current), audited(updated))),
    );
  }

  async activate(version: number, actor: Actor) {
    const stored = await this.get(version);
    this.fromStore({ weights: stored.weights, rules: stored.rules });
    const previous = await this.repo.getActive();
    const result = await this.write(
      actor,
      (trx, by) => trx.weightConfigs.activate(version, by),
      (active) =>
        entry('config.activated', active, { activeVersion: { before: previous?.version ?? null, after: version } }),
    );
    this.active = null;
    return result;
  }

  /** A new version copying `version` becomes the active one. */
  async rollback(version: number, actor: Actor) {
    await this.get(version);
    const previous = await this.repo.getActive();
    const result = await this.write(
      actor,
      (trx, by) => trx.weightConfigs.rollback(version, by),
      (copy) =>
        entry('config.rolled-back', copy, {
          ...fieldChanges(null, audited(copy)),
          activeVersion: { before: previous?.version ?? null, after: copy.version },
        }),
    );
    this.active = null;
    return result;
  }

  /**
   * Runs a write and records it in the audit log in one transaction. The configuration's own history keeps the
   * actor's name (an email, or the command line's user), as the dashboard shows it.
   */
  private write(
    actor: Actor,
    run: (trx: Repositories, by: string) => Promise<StoredConfig>,
    describe: (result: StoredConfig) => AuditEntry,
  ): Promise<StoredConfig> {
    return this.repos.transaction(async (trx) => {
      const by =
        actor.kind === 'cli'
          ? `${actor.osUser} (command line)`
          : actor.kind === 'engine-token'
            ? 'API_TOKEN'
            : ((await trx.users.get(actor.userId))?.email ?? `user ${actor.userId}`);
      const result = await run(trx, by);
      await trx.audit.record(actor, describe(result));
      return result;
    });
  }
}

/** What the audit log keeps of a configuration. */
function audited(c: StoredConfig) {
  return { name: c.name, status: c.status, weights: c.weights, rules: c.rules, basedOn: c.basedOn, note: c.note };
}

function entry(action: string, c: StoredConfig, changes: AuditEntry['changes']): AuditEntry {
  return { action, entity: 'weight-config', entityId: String(c.version), changes };
}
