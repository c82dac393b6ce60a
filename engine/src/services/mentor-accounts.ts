import { type Actor, fieldChanges } from '../audit/audit-entry.js';
import type { Repositories } from '../db/repositories.js';
import type { User } from '../db/user-repository.js';
import { AppError } from '../errors.js';

/** A mentor row's email, to link a user to the mentor profile of the row (or create one). */
export interface MentorAccount {
  externalId: string;
  /** The mentor's name, the display name of a user made for them. */
  name: string;
  timeZone: string;
  email: string;
}

/** Why a row's account was left as it was; names mentor ids and user ids, never the email (personal data). */
export interface AccountConflict {
  externalId: string;
  message: string;
}

/** Loose on purpose: an address is the user's to prove by signing in; this only refuses what is plainly not one. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const EMAIL_MAX = 254;

export function isEmail(text: string): boolean {
  return text.length <= EMAIL_MAX && EMAIL.test(text);
}

const audited = (u: User) => ({
  email: u.email,
  name: u.name,
  roles: u.roles,
  timeZone: u.timeZone,
  mentorId: u.mentorId,
});

/**
 * Links each mentor profile to the user with its email (case-insensitive), giving them the mentor role, or creates
 * that user (no password: they sign in through single sign-on, or an admin sets one). Runs in the transaction of
 * the rows' write, so a row and its account commit together. A user already speaking for another profile, or a
 * profile already spoken for by another user, is a conflict: reported, and nothing of that account changes.
 */
export async function linkMentorAccounts(
  trx: Repositories,
  accounts: readonly MentorAccount[],
  actor: Actor | undefined,
): Promise<AccountConflict[]> {
  const conflicts: AccountConflict[] = [];
  if (accounts.length === 0) return conflicts;
  await trx.users.lockChanges();
  for (const account of accounts) {
    const holder = await trx.users.getByMentorId(account.externalId);
    const user = await trx.users.getByEmail(account.email);
    if (holder !== null && holder.id !== user?.id) {
      conflicts.push({
        externalId: account.externalId,
        message: `mentor ${account.externalId} is already linked to another user (user ${holder.id}); its email was not linked`,
      });
      continue;
    }
    if (user !== null && user.mentorId !== null && user.mentorId !== account.externalId) {
      conflicts.push({
        externalId: account.externalId,
        message: `the user with this email (user ${user.id}) is already linked to mentor ${user.mentorId}; they were not linked to mentor ${account.externalId}`,
      });
      continue;
    }
    if (user === null) {
      const created = await trx.users
        .create({
          email: account.email,
          name: account.name,
          timeZone: account.timeZone,
          passwordHash: null,
          roles: ['mentor'],
        })
        // An admin may add that user meanwhile (user creation does not take the lock); the error names the email,
        // which must not reach the import's report or the log. The insert did nothing, so the transaction goes on.
        .catch((err: unknown) => {
          if (err instanceof AppError && err.code === 'USER_ALREADY_EXISTS') return null;
          throw err;
        });
      if (created === null) {
        conflicts.push({
          externalId: account.externalId,
          message: `a user with this email was added while the file imported; import it again to link them to mentor ${account.externalId}`,
        });
        continue;
      }
      await trx.users.linkMentor(created.id, account.externalId);
      const after = (await trx.users.get(created.id))!;
      if (actor)
        await trx.audit.record(actor, {
          action: 'user.created',
          entity: 'user',
          entityId: String(after.id),
          changes: fieldChanges(null, audited(after)),
        });
      continue;
    }
    // Already linked and a mentor: a re-import changes nothing and records nothing.
    if (user.mentorId === account.externalId && user.roles.includes('mentor')) continue;
    if (!user.roles.includes('mentor')) await trx.users.setRoles(user.id, [...user.roles, 'mentor']);
    if (user.mentorId !== account.externalId) await trx.users.linkMentor(user.id, account.externalId);
    const after = (await trx.users.get(user.id))!;
    if (actor)
      await trx.audit.record(actor, {
        action: 'user.updated',
        entity: 'user',
        entityId: String(user.id),
        changes: fieldChanges(audited(user), audited(after)),
      });
  }
  return conflicts;
}
