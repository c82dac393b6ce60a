import { type Actor, fieldChanges, SECRET } from '../audit/audit-entry.js';
import type { Repositories } from '../db/repositories.js';
import { DEMO_ACCOUNTS, DEMO_MENTOR_ACCOUNT } from './demo-accounts.js';
import type { User, UserPatch } from '../db/user-repository.js';
import { AppError } from '../errors.js';
import { hashPassword } from './password-hasher.js';
import type { Role } from './roles.js';

export interface UserInput {
  email: string;
  name: string;
  roles: readonly Role[];
  /** IANA name; UTC when absent. */
  timeZone?: string | undefined;
  department?: string | null | undefined;
  careerStartYear?: number | null | undefined;
  /** Absent or null for users who sign in through single sign-on only. */
  password?: string | null | undefined;
  /** The external id of the mentor profile a mentor user speaks for. */
  mentorId?: string | null | undefined;
}

export type UserChange = Partial<Omit<UserInput, 'email'>> & { disabled?: boolean | undefined };

/** What the audit log records of a user: every field but secrets, whose change is noted without a value. */
function audited(u: User | null) {
  if (u === null) return null;
  return {
    email: u.email,
    name: u.name,
    roles: u.roles,
    timeZone: u.timeZone,
    department: u.department,
    careerStartYear: u.careerStartYear,
    disabled: u.disabled,
    mentorId: u.mentorId,
  };
}

/**
 * Users and their roles, for admins (routes), the command line and the demo accounts. Every write records its
 * actor in the audit log in the same transaction.
 */
export class UserService {
  constructor(private readonly repos: Repositories) {}

  get(id: number): Promise<User | null> {
    return this.repos.users.get(id);
  }

  getByEmail(email: string): Promise<User | null> {
    return this.repos.users.getByEmail(email);
  }

  list(opts: { offset: number; limit: number }): Promise<{ total: number; items: User[] }> {
    return this.repos.users.list(opts);
  }

  count(): Promise<number> {
    return this.repos.users.count();
  }

  /** The demo accounts that exist, for the sign-in page of an engine in demo mode. */
  async demoAccounts(): Promise<Array<{ email: string; roles: Role[] }>> {
    const found = await Promise.all(DEMO_ACCOUNTS.map((a) => this.repos.users.getByEmail(a.email)));
    return found.flatMap((u) => (u === null ? [] : [{ email: u.email, roles: u.roles }]));
  }

  /** Creates the demo accounts, one per role, all with this password. */
  async createDemoAccounts(password: string, actor: Actor): Promise<User[]> {
    const created: User[] = [];
    for (const account of DEMO_ACCOUNTS) created.push(await this.create({ ...account, password }, actor));
    return created;
  }

  /**
   * Links the demo mentor account to this mentor profile when it speaks for none yet (the demo mentors are
   * seeded after the accounts are made). Answers whether it linked.
   */
  async linkDemoMentor(mentorId: string, actor: Actor): Promise<boolean> {
    const user = await this.repos.users.getByEmail(DEMO_MENTOR_ACCOUNT);
    if (user === null || user.mentorId !== null) return false;
    await this.update(user.id, { mentorId }, actor);
    return true;
  }

  /** Throws USER_ALREADY_EXISTS, MENTOR_NOT_FOUND, MENTOR_ALREADY_LINKED. */
  async create(input: UserInput, actor: Actor): Promise<User> {
    // Hashed before the transaction: 45 ms of the thread pool that no lock needs to wait for.
    const passwordHash = input.password == null ? null : await hashPassword(input.password);
    return this.repos.transaction(async (trx) => {
      const created = await trx.users.create({
        email: input.email.trim(),
        name: input.name.trim(),
        timeZone: input.timeZone ?? 'UTC',
        department: input.department ?? null,
        careerStartYear: input.careerStartYear ?? null,
        passwordHash,
        roles: uniqueRoles(input.roles),
      });
      if (input.mentorId != null) await trx.users.linkMentor(created.id, input.mentorId);
      const user = (await trx.users.get(created.id))!;
      await trx.audit.record(actor, {
        action: 'user.created',
        entity: 'user',
        entityId: String(user.id),
        changes: fieldChanges(null, { ...audited(user), password: passwordHash }, ['password']),
      });
      return user;
    });
  }

  /**
   * Changes a user; disabling one also ends their sessions. Throws USER_NOT_FOUND, LAST_ADMIN when no enabled
   * admin would be left, MENTOR_NOT_FOUND, MENTOR_ALREADY_LINKED.
   */
  async update(id: number, change: UserChange, actor: Actor): Promise<User> {
    const passwordHash = change.password == null ? change.password : await hashPassword(change.password);
    return this.repos.transaction(async (trx) => {
      await trx.users.lockChanges();
      const before = await trx.users.get(id);
      if (!before) throw new AppError('USER_NOT_FOUND', { id });
      const patch: UserPatch = {
        ...(change.name !== undefined && { name: change.name.trim() }),
        ...(change.timeZone !== undefined && { timeZone: change.timeZone }),
        ...(change.department !== undefined && { department: change.department }),
        ...(change.careerStartYear !== undefined && { careerStartYear: change.careerStartYear }),
        ...(passwordHash !== undefined && { passwordHash }),
        ...(change.disabled !== undefined && { disabled: change.disabled }),
      };
      await trx.users.update(id, patch);
      if (change.roles !== undefined) await trx.users.setRoles(id, uniqueRoles(change.roles));
      if (change.mentorId !== undefined) await trx.users.linkMentor(id, change.mentorId);
      if (before.roles.includes('admin') && !before.disabled && (await trx.users.countEnabledAdmins()) === 0) {
        throw new AppError('LAST_ADMIN');
      }
      if (change.disabled === true && !before.disabled) await trx.sessions.revokeAll(id);
      const after = (await trx.users.get(id))!;
      await trx.audit.record(actor, {
        action: 'user.updated',
        entity: 'user',
        entityId: String(id),
        changes: {
          ...fieldChanges(audited(before), audited(after)),
          ...(passwordHash !== undefined && {
            password: { before: before.hasPassword ? SECRET : null, after: passwordHash === null ? null : SECRET },
          }),
        },
      });
      return after;
    });
  }
}

function uniqueRoles(roles: readonly Role[]): Role[] {
  return [...new Set(roles)];
}
