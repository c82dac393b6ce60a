import type { Actor } from '../audit/audit-entry.js';
import { fieldChanges } from '../audit/audit-entry.js';
import type { Repositories } from '../db/repositories.js';
import { SESSION_SETTINGS_DEFAULTS, type SessionSettings } from '../sessions/session-settings.js';

/** What admins decide about who reads mentees' words. */
export interface PrivacySettings {
  /**
   * Coordinators read question texts (the Weights lab's recent questions). Off by default: mentees describe
   * personal problems, and coordinators need aggregates to run a programme, not the words.
   */
  coordinatorsSeeQuestionTexts: boolean;
}

const PRIVACY_KEY = 'privacy';
const PRIVACY_DEFAULTS: PrivacySettings = { coordinatorsSeeQuestionTexts: false };
const SESSIONS_KEY = 'sessions';

/** The programme's settings, stored in the database so that every engine sharing it applies the same ones. */
export class ProgrammeSettings {
  constructor(private readonly repos: Repositories) {}

  async privacy(): Promise<PrivacySettings> {
    return { ...PRIVACY_DEFAULTS, ...((await this.repos.settings.get(PRIVACY_KEY)) as Partial<PrivacySettings>) };
  }

  /** Changes the given settings, recording who changed what in the audit log in the same transaction. */
  async updatePrivacy(patch: Partial<PrivacySettings>, actor: Actor): Promise<PrivacySettings> {
    return this.repos.transaction(async (trx) => {
      const before = { ...PRIVACY_DEFAULTS, ...((await trx.settings.get(PRIVACY_KEY)) as Partial<PrivacySettings>) };
      const after = { ...before, ...patch };
      const changes = fieldChanges({ ...before }, { ...after });
      if (Object.keys(changes).length === 0) return after;
      await trx.settings.set(PRIVACY_KEY, after);
      await trx.audit.record(actor, { action: 'settings.updated', entity: 'settings', entityId: PRIVACY_KEY, changes });
      return after;
    });
  }

  /** How sessions run (lengths, expiry, caps, video links, reminders); the defaults where an admin set nothing. */
  async sessions(repos: Repositories = this.repos): Promise<SessionSettings> {
    return { ...SESSION_SETTINGS_DEFAULTS, ...((await repos.settings.get(SESSIONS_KEY)) as Partial<SessionSettings>) };
  }

  /** Changes the session settings, audited in the same transaction. */
  async updateSessions(patch: Partial<SessionSettings>, actor: Actor): Promise<SessionSettings> {
    return this.repos.transaction(async (trx) => {
      const before = await this.sessions(trx);
      const after = { ...before, ...patch };
      const changes = fieldChanges({ ...before }, { ...after });
      if (Object.keys(changes).length === 0) return after;
      await trx.settings.set(SESSIONS_KEY, after);
      await trx.audit.record(actor, {
        action: 'settings.updated',
        entity: 'settings',
        entityId: SESSIONS_KEY,
        changes,
      });
      return after;
    });
  }
}
