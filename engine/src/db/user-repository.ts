import { sql, type Kysely, type Selectable } from 'kysely';
import type { Role } from '../auth/roles.js';
import { AppError } from '../errors.js';
import type { Database, UsersTable } from './schema.js';

export interface User {
  id: number;
  email: string;
  name: string;
  timeZone: string;
  department: string | null;
  careerStartYear: number | null;
  disabled: boolean;
  /** Whether the user has a local password (users of single sign-on only have none). */
  hasPassword: boolean;
  roles: Role[];
  /** The external id of the mentor profile a mentor user speaks for. */
  mentorId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewUser {
  email: string;
  name: string;
  timeZone: string;
  department?: string | null;
  careerStartYear?: number | null;
  passwordHash: string | null;
  roles: readonly Role[];
}

export type UserPatch = Partial<
  Pick<NewUser, 'name' | 'timeZone' | 'department' | 'careerStartYear' | 'passwordHash'> & { disabled: boolean }
>;

export interface Credentials {
  id: number;
  passwordHash: string | null;
  disabled: boolean;
}

/** Roles in the order of ROLES, so that lists compare and read the same everywhere. */
const roleOrder = sql<number>`array_position(array['mentee','mentor','coordinator','researcher','admin'], r.role)`;

const userChangesLockKey = 0x6d6d_7573; // "mmus"

export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Throws USER_ALREADY_EXISTS when the email is taken, whatever its case. */
  async create(user: NewUser): Promise<User> {
    const row = await this.db
      .insertInto('users')
      .values({
        email: user.email,
        name: user.name,
        time_zone: user.timeZone,
        department: user.department ?? null,
        career_start_year: user.careerStartYear ?? null,
        password_hash: user.passwordHash,
      })
      .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) throw new AppError('USER_ALREADY_EXISTS', { email: user.email });
    await this.setRoles(row.id, user.roles);
    return (await this.get(row.id))!;
  }

  async get(id: number): Promise<User | null> {
    return (await this.select((q) => q.where('u.id', '=', id)))[0] ?? null;
  }

  async getByEmail(email: string): Promise<User | null> {
    return (await this.select((q) => q.where(sql`lower(u.email)`, '=', email.toLowerCase())))[0] ?? null;
  }

  /** The user who speaks for the mentor profile with this external id, if any. */
  async getByMentorId(mentorExternalId: string): Promise<User | null> {
    return (await this.select((q) => q.where('m.external_id', '=', mentorExternalId)))[0] ?? null;
  }

  /** What signing in needs, and no more. */
  async credentials(email: string): Promise<Credentials | null> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'password_hash', 'disabled'])
      .where(sql`lower(email)`, '=', email.toLowerCase())
      .executeTakeFirst();
    return row ? { id: row.id, passwordHash: row.password_hash, disabled: row.disabled } : null;
  }

  /** By id. */
  async list(opts: { offset: number; limit: number }): Promise<{ total: number; items: User[] }> {
    const [items, total] = await Promise.all([
      this.select((q) => q.orderBy('u.id').offset(opts.offset).limit(opts.limit)),
      this.count(),
    ]);
    return { total, items };
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Enabled users holding the admin role: the engine keeps at least one. */
  async countEnabledAdmins(): Promise<number> {
    const row = await this.db
      .selectFrom('users as u')
      .innerJoin('user_roles as r', 'r.user_id', 'u.id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('r.role', '=', 'admin')
      .where('u.disabled', '=', false)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Throws USER_NOT_FOUND. Locks the row until the transaction ends, so concurrent changes queue. */
  async update(id: number, patch: UserPatch): Promise<User> {
    const set = {
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.timeZone !== undefined && { time_zone: patch.timeZone }),
      ...(patch.department !== undefined && { department: patch.department }),
      ...(patch.careerStartYear !== undefined && { career_start_year: patch.careerStartYear }),
      ...(patch.passwordHash !== undefined && { password_hash: patch.passwordHash }),
      ...(patch.disabled !== undefined && { disabled: patch.disabled }),
    };
    const row = await this.db
      .updateTable('users')
      .set({ ...set, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returning('id')
      .executeTakeFirst();
    if (!row) throw new AppError('USER_NOT_FOUND', { id });
    return (await this.get(id))!;
  }

  /**
   * Serialises changes to users until the transaction ends: two admins demoting each other at once would each
   * see the other still an admin, and leave none.
   */
  async lockChanges(): Promise<void> {
    await sql`select pg_advisory_xact_lock(${userChangesLockKey})`.execute(this.db);
  }

  /**
   * Deletes the user; their roles, mentor link, sessions, API tokens and single sign-on identities go with them
   * (cascades), their questions and session requests stay without them (set null, migration 0007).
   */
  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('users').where('id', '=', id).execute();
  }

  async setRoles(userId: number, roles: readonly Role[]): Promise<void> {
    await this.db.deleteFrom('user_roles').where('user_id', '=', userId).execute();
    if (roles.length > 0) {
      await this.db
        .insertInto('user_roles')
        .values(roles.map((role) => ({ user_id: userId, role })))
        .execute();
    }
  }

  /**
   * Links a mentor user to the profile with this external id (null unlinks). Throws MENTOR_NOT_FOUND, or
   * MENTOR_ALREADY_LINKED when another user speaks for that profile.
   */
  async linkMentor(userId: number, mentorExternalId: string | null): Promise<void> {
    await this.db.deleteFrom('mentor_users').where('user_id', '=', userId).execute();
    if (mentorExternalId === null) return;
    const mentor = await this.db
      .selectFrom('mentors')
      .select('id')
      .where('external_id', '=', mentorExternalId)
      .executeTakeFirst();
    if (!mentor) throw new AppError('MENTOR_NOT_FOUND', { id: mentorExternalId });
    const linked = await this.db
      .insertInto('mentor_users')
      .values({ user_id: userId, mentor_id: mentor.id })
      .onConflict((oc) => oc.column('mentor_id').doNothing())
      .returning('user_id')
      .executeTakeFirst();
    if (!linked) throw new AppError('MENTOR_ALREADY_LINKED', { id: mentorExternalId });
  }

  private async select(
    where: (q: ReturnType<UserRepository['base']>) => ReturnType<UserRepository['base']>,
  ): Promise<User[]> {
    const rows = await where(this.base()).execute();
    return rows.map(toUser);
  }

  private base() {
    return this.db
      .selectFrom('users as u')
      .leftJoin('mentor_users as mu', 'mu.user_id', 'u.id')
      .leftJoin('mentors as m', 'm.id', 'mu.mentor_id')
      .selectAll('u')
      .select('m.external_id as mentor_external_id')
      .select(
        sql<
          Role[]
        >`coalesce((select array_agg(r.role order by ${roleOrder}) from user_roles r where r.user_id = u.id), '{}')`.as(
          'roles',
        ),
      );
  }
}

function toUser(row: Selectable<UsersTable> & { mentor_external_id: string | null; roles: Role[] }): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    timeZone: row.time_zone,
    department: row.department,
    careerStartYear: row.career_start_year,
    disabled: row.disabled,
    hasPassword: row.password_hash !== null,
    roles: row.roles,
    mentorId: row.mentor_external_id,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}
