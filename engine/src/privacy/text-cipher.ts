import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Where the keys of personal free text live, one per period (a UTC day). Destroying a period's key is what
 * erases, for good, every text written in that period, including the copies PostgreSQL keeps in old row
 * versions and in its write-ahead log (crypto-shredding, docs/privacy.md).
 */
export interface PeriodKeyStore {
  /** The 32-byte key of `period`, made now if it has none yet. */
  keyFor(period: string): Buffer;
  /** The key of `period`, or null once it was destroyed (or never made). */
  existingKey(period: string): Buffer | null;
  /** Destroys the keys of every period before `period` (strings compare as dates); returns how many. */
  destroyBefore(period: string): number;
}

/** How the columns of personal free text are stored and read back. */
export interface TextCipher {
  /** The stored form of `plain`, written at `at`: sealed under the key of that day. */
  seal(plain: string, at: Date): string;
  /** The plain text of a stored value; null once its day's key was destroyed. Rows from before encryption pass. */
  open(stored: string): string | null;
  /** Destroys the keys of every day that ended at or before `cutoff`; returns how many. */
  shredBefore(cutoff: Date): number;
}

const PREFIX = 'mmx1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PERIOD = /^\d{4}-\d{2}-\d{2}$/;

/** The period a moment falls in: its UTC day. */
export function periodOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * AES-256-GCM from node:crypto: authenticated encryption is all this needs, and Node ships it (OpenSSL), so a
 * library would add a dependency and no security. Each value gets a random 96-bit nonce; the period is bound as
 * additional data, so a value cannot be made to claim another day's key. Stored as
 * `mmx1:<period>:<base64 of nonce, tag, ciphertext>` in the same text column, so no column changes type and the
 * plain rows written before encryption stay readable until the retention erases them.
 */
export class AesGcmTextCipher implements TextCipher {
  constructor(private readonly keys: PeriodKeyStore) {}

  seal(plain: string, at: Date): string {
    const period = periodOf(at);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.keyFor(period), iv);
    cipher.setAAD(Buffer.from(period));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${PREFIX}${period}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  open(stored: string): string | null {
    if (!stored.startsWith(PREFIX)) return stored;
    const period = stored.slice(PREFIX.length, PREFIX.length + 10);
    if (!PERIOD.test(period)) return null;
    const key = this.keys.existingKey(period);
    if (key === null) return null;
    const raw = Buffer.from(stored.slice(PREFIX.length + 11), 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(period));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      // A value that fails authentication was altered on disk: it is no longer the person's words.
      return null;
    }
  }

  shredBefore(cutoff: Date): number {
    // A day's key goes only once the whole day is older than the cutoff: texts from its later hours still count.
    return this.keys.destroyBefore(periodOf(cutoff));
  }
}
