import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cliActor } from '../../src/audit/audit-entry.js';
import { digestOf, newSecret } from '../../src/auth/secret-token.js';
import { UserService } from '../../src/auth/user-service.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { createRepositories, type Repositories } from '../../src/db/repositories.js';
import { backends } from './backends.js';

const lifetimes = { idleMinutes: 30, maxHours: 12 };

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`accounts on ${backend.name}`, () => {
    let handle: DatabaseHandle;
    let repos: Repositories;
    let users: UserService;
    beforeAll(async () => {
      handle = await backend.start();
      repos = createRepositories(handle.db, handle.textCipher);
      users = new UserService(repos);
    });
    afterAll(() => backend.stop());
    beforeEach(async () => {
      for (const table of ['sessions', 'api_tokens', 'mentor_users', 'user_roles', 'users', 'mentors'])
        await sql`delete from ${sql.table(table)}`.execute(handle.db);
    });

    const newUser = (email: string, roles: Array<'mentee' | 'mentor' | 'admin'> = ['mentee']) =>
      repos.users.create({ email, name: email, timeZone: 'UTC', passwordHash: null, roles });

    it('keeps one account per email whatever its case, also when two are created at once', async () => {
      await newUser('Ana@Example.org');
      await expect(newUser('ana@example.ORG')).rejects.toMatchObject({ code: 'USER_ALREADY_EXISTS' });
      const both = await Promise.allSettled([
        repos.transaction((trx) =>
          trx.users.create({ email: 'bo@x.org', name: 'a', timeZone: 'UTC', passwordHash: null, roles: [] }),
        ),
        repos.transaction((trx) =>
          trx.users.create({ email: 'BO@x.org', name: 'b', timeZone: 'UTC', passwordHash: null, roles: [] }),
        ),
      ]);
      expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect((await repos.users.getByEmail('bo@X.org'))?.email.toLowerCase()).toBe('bo@x.org');
    });

    it('refuses a role the check constraint does not name', async () => {
      const u = await newUser('ana@example.org');
      await expect(
        sql`insert into user_roles (user_id, role) values (${u.id}, 'superuser')`.execute(handle.db),
      ).rejects.toThrow(/check constraint/);
    });

    it('links a mentor profile to at most one user', async () => {
      await sql`insert into mentors (external_id, name, headline, bio, timezone, years_experience, capacity_per_month)
        values ('m-1', 'M', 'H', 'B', 'UTC', 1, 1)`.execute(handle.db);
      const a = await newUser('a@example.org', ['mentor']);
      const b = await newUser('b@example.org', ['mentor']);
      await repos.users.linkMentor(a.id, 'm-1');
      expect((await repos.users.get(a.id))?.mentorId).toBe('m-1');
      await expect(repos.users.linkMentor(b.id, 'm-1')).rejects.toMatchObject({ code: 'MENTOR_ALREADY_LINKED' });
      await expect(repos.users.linkMentor(b.id, 'm-404')).rejects.toMatchObject({ code: 'MENTOR_NOT_FOUND' });
      await repos.users.linkMentor(a.id, null);
      await repos.users.linkMentor(b.id, 'm-1');
      expect((await repos.users.get(b.id))?.mentorId).toBe('m-1');
    });

    it('finds a session by its digest until it is revoked or expires, by the database clock', async () => {
      const u = await newUser('ana@example.org');
      const token = newSecret('mms');
      const { id } = await repos.sessions.create(u.id, digestOf(token), lifetimes);
      expect(await repos.sessions.findActive(digestOf(token))).toMatchObject({ id, userId: u.id });
      expect(await repos.sessions.findActive(digestOf(`${token}x`))).toBeNull();
      const { rows } = await sql<{ idle: number; max: number }>`
        select extract(epoch from idle_expires_at - created_at)::int as idle,
               extract(epoch from expires_at - created_at)::int as max
        from sessions where id = ${id}`.execute(handle.db);
      expect(rows[0]).toEqual({ idle: 30 * 60, max: 12 * 3600 });
      // Touching never moves the idle expiry past the absolute one.
      await sql`update sessions set expires_at = now() + interval '5 minutes' where id = ${id}`.execute(handle.db);
      await repos.sessions.touch(id, 30);
      const after = await sql<{
        same: boolean;
      }>`select idle_expires_at = expires_at as same from sessions where id = ${id}`.execute(handle.db);
      expect(after.rows[0]?.same).toBe(true);
      expect(await repos.sessions.revoke(id)).toBe(true);
      expect(await repos.sessions.revoke(id)).toBe(false);
      expect(await repos.sessions.findActive(digestOf(token))).toBeNull();
    });

    it('two admins demoting each other at once leave one admin (LAST_ADMIN for the second)', async () => {
      const a = await newUser('a@example.org', ['admin']);
      const b = await newUser('b@example.org', ['admin']);
      const actor = cliActor();
      const results = await Promise.allSettled([
        users.update(a.id, { roles: ['mentee'] }, actor),
        users.update(b.id, { roles: ['mentee'] }, actor),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({
        code: 'LAST_ADMIN',
      });
      expect(await repos.users.countEnabledAdmins()).toBe(1);
    });

    it('keeps the audit log append-only', async () => {
      await repos.audit.record(cliActor(), { action: 'user.created', entity: 'user', entityId: '1', changes: {} });
      await expect(sql`update audit_log set action = 'x'`.execute(handle.db)).rejects.toThrow(/append-only/);
      await expect(sql`delete from audit_log`.execute(handle.db)).rejects.toThrow(/append-only/);
      await expect(sql`truncate audit_log`.execute(handle.db)).rejects.toThrow(/append-only/);
      const [entry] = await repos.audit.list({ limit: 10 });
      expect(entry).toMatchObject({ actor: { kind: 'cli', userId: null }, action: 'user.created', entityId: '1' });
    });
  });
}
