import os from 'node:os';
import type { Role } from '../auth/roles.js';

/**
 * Who made a write: a signed-in user (with the role the route allowed them under), the deprecated engine-wide
 * API_TOKEN, or the command line with the operating-system user who ran it.
 */
export type Actor =
  | { kind: 'user'; userId: number; role: Role | null; requestId: string | null }
  | { kind: 'engine-token'; requestId: string | null }
  | { kind: 'cli'; osUser: string };

/** Each changed field's value before and after the write (null before a creation, after a deletion). */
export type FieldChanges = Record<string, { before: unknown; after: unknown }>;

export interface AuditEntry {
  /** What was done, as `<entity>.<verb>`: "user.created", "session.revoked-all". */
  action: string;
  entity: string;
  entityId: string | null;
  changes: FieldChanges;
}

/** The command line as an actor: the operating-system user who ran it. */
export function cliActor(): Actor {
  let osUser: string;
  try {
    osUser = os.userInfo().username;
  } catch {
    // A process whose uid has no passwd entry (some containers).
    osUser = process.env.USER ?? `uid ${process.getuid?.() ?? 'unknown'}`;
  }
  return { kind: 'cli', osUser };
}

/** Stands in for a secret's value, which the log never holds. */
export const SECRET = '(secret)';

/**
 * The fields that differ between `before` and `after` (compared as JSON, so arrays and dates compare by
 * value); fields named in `secrets` are recorded as changed without their values.
 */
export function fieldChanges(
  before: Readonly<Record<string, unknown>> | null,
  after: Readonly<Record<string, unknown>> | null,
  secrets: readonly string[] = [],
): FieldChanges {
  const out: FieldChanges = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of keys) {
    const was = before?.[key] ?? null;
    const is = after?.[key] ?? null;
    if (JSON.stringify(was) === JSON.stringify(is)) continue;
    out[key] = secrets.includes(key)
      ? { before: was === null ? null : SECRET, after: is === null ? null : SECRET }
      : { before: was, after: is };
  }
  return out;
}
