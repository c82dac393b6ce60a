import { AppError } from '../errors.js';
import type {
  WeightConfigRepository,
  WeightConfig as StoredConfig,
  WeightConfigPatch,
} from '../db/weight-config-repository.js';
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

  constructor(private readonly repo: WeightConfigRepository) {}

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
    actor: string,
  ) {
    const config = this.validate({
      weights: input.weights,
      ...(input.rules !== undefined ? { rules: input.rules } : {}),
    });
    if (input.basedOn != null) await this.get(input.basedOn);
    return this.repo.createDraft(
      {
        name: input.name,
        weights: config.weights,
        rules: { ...config.rules },
        basedOn: input.basedOn ?? null,
        note: input.note ?? null,
      },
      actor,
    );
  }

  async updateDraft(
    version: number,
    patch: Partial<WeightConfigInputBody> & { name?: string; note?: string | null },
    actor: string,
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
    return this.repo.updateDraft(version, change, actor);
  }

  async activate(version: number, actor: string) {
    const stored = await this.get(version);
    this.fromStore({ weights: stored.weights, rules: stored.rules });
    const result = await this.repo.activate(version, actor);
    this.active = null;
    return result;
  }

  async rollback(version: number, actor: string) {
    await this.get(version);
    const result = await this.repo.rollback(version, actor);
    this.active = null;
    return result;
  }
}
