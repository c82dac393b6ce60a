import { createHmac, randomBytes } from 'node:crypto';
import type { SettingsRepository } from '../db/settings-repository.js';

const SALT_KEY = 'pseudonym-salt';

/**
 * Researchers study what the engine does, not who did it: where a user would appear in what they read, they get
 * a pseudonym instead, the same for the same user every time (so that their analyses can group by it) and
 * useless for finding the person without the salt. The salt is a secret made once, at random, and kept in the
 * database, so that every engine sharing it gives a user the same pseudonym; the API never answers it.
 */
export class Pseudonymiser {
  private salt: Promise<string> | null = null;

  constructor(private readonly settings: Pick<SettingsRepository, 'getOrInit'>) {}

  /** A stable pseudonym ("user-" and 12 hex digits) for a user named by email, or for another actor's name. */
  async pseudonym(name: string): Promise<string> {
    const salt = await this.loadSalt();
    return `user-${createHmac('sha256', salt).update(name.trim().toLowerCase()).digest('hex').slice(0, 12)}`;
  }

  /**
   * A stable pseudonym ("mentor-" and 12 hex digits) for a mentor profile, by its public id: researchers
   * compare mentors' outcomes without reading whose they are. Hashed apart from users' names, so that a mentor's
   * pseudonym never equals a user's.
   */
  async mentorPseudonym(externalId: string): Promise<string> {
    const salt = await this.loadSalt();
    return `mentor-${createHmac('sha256', salt).update(`mentor:${externalId}`).digest('hex').slice(0, 12)}`;
  }

  private loadSalt(): Promise<string> {
    this.salt ??= this.settings.getOrInit(SALT_KEY, randomBytes(32).toString('hex')).then((v) => String(v));
    // A failed read is tried again next time instead of being remembered.
    this.salt.catch(() => {
      this.salt = null;
    });
    return this.salt;
  }
}
