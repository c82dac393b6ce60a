import { createHash, randomBytes } from 'node:crypto';

/**
 * A new secret for a session cookie or an API token: 256 random bits, URL-safe. The prefix tells a leaked
 * secret's kind at a glance (and to secret scanners).
 */
export function newSecret(prefix: 'mms' | 'mmt'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/**
 * What the database stores of a secret. The secrets are random, so a plain SHA-256 cannot be reversed by
 * guessing, and one lookup by digest finds the row (a salted slow hash would need the row first).
 */
export function digestOf(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
