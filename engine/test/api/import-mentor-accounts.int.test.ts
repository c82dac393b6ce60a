import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { jsonLines, mentor, startTestApp, type TestApp } from '../../../test/support/app-harness.js';
import { createTestUser } from '../../../test/support/auth-helpers.js';
import { cliActor } from '../../src/audit/audit-entry.js';

let harness: TestApp;
let app: FastifyInstance;

beforeAll(async () => {
  harness = await startTestApp();
  app = harness.app;
});
afterAll(() => harness?.close());

async function importCsv(lines: string[]) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/mentors/import',
    headers: { 'content-type': 'text/csv' },
    payload: lines.join('\n'),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function importJsonLines(rows: object[]) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/mentors/import',
    headers: { 'content-type': 'application/x-ndjson' },
    payload: jsonLines(rows),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const users = () => app.engine().repositories.users;
const header = 'id,name,bio,skills,languages,timezone,yearsExperience,email';

describe('a mentor row with an email', () => {
  it('creates a mentor user without a password, linked to the profile, and a re-import makes no other', async () => {
    const row = 'acc-1,Ana Lima,Coaches designers.,Figma,en,Europe/Lisbon,7,Ana.Lima@Example.org';
    const first = await importCsv([header, row]);
    expect(first).toMatchObject({ created: 1, failed: 0, warnings: [] });
    const user = (await users().getByEmail('ana.lima@example.org'))!;
    expect(user).toMatchObject({
      name: 'Ana Lima',
      roles: ['mentor'],
      mentorId: 'acc-1',
      hasPassword: false,
      timeZone: 'Europe/Lisbon',
    });
    const audit = (await app.inject({ method: 'GET', url: `/api/audit?entity=user&limit=200` })).json();
    const created = audit.items.filter(
      (e: { action: string; entityId: string }) => e.action === 'user.created' && e.entityId === String(user.id),
    );
    expect(created).toHaveLength(1);
    expect(created[0].actor).toMatchObject({ userId: harness.harnessUser!.user.id });
    expect(created[0].changes.mentorId).toEqual({ before: null, after: 'acc-1' });

    const countBefore = await users().count();
    const again = await importCsv([header, row.replace('Ana.Lima@Example.org', 'ANA.LIMA@example.org')]);
    expect(again).toMatchObject({ unchanged: 1, failed: 0, warnings: [] });
    expect(await users().count()).toBe(countBefore);
    const auditAfter = (await app.inject({ method: 'GET', url: `/api/audit?entity=user&limit=200` })).json();
    expect(auditAfter.items.filter((e: { entityId: string }) => e.entityId === String(user.id))).toHaveLength(
      audit.items.filter((e: { entityId: string }) => e.entityId === String(user.id)).length,
    );
  });

  it('links an existing user (any case) and gives them the mentor role, keeping their other roles', async () => {
    const mentee = await createTestUser(app, ['mentee'], 'Bea.Existing@test.local');
    const result = await importJsonLines([{ ...mentor('acc-2'), email: 'bea.existing@TEST.local' }]);
    expect(result).toMatchObject({ created: 1, failed: 0, warnings: [] });
    const after = (await users().get(mentee.user.id))!;
    expect(after).toMatchObject({ roles: ['mentee', 'mentor'], mentorId: 'acc-2', hasPassword: true });
    expect(after.email).toBe('Bea.Existing@test.local');
  });

  it('a user linked to another profile: the mentor imports, the link is refused with a warning', async () => {
    await importJsonLines([{ ...mentor('acc-3a'), email: 'cleo@test.local' }]);
    const cleo = (await users().getByEmail('cleo@test.local'))!;
    const result = await importJsonLines([{ ...mentor('acc-3b'), email: 'cleo@test.local' }]);
    expect(result).toMatchObject({ created: 1, failed: 0 });
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/row 1 \(id acc-3b\).*already linked to mentor acc-3a/);
    // The email is personal data: the warning names the user by id, not by address.
    expect(result.warnings[0]).not.toContain('cleo@');
    expect((await users().get(cleo.id))!).toMatchObject({ mentorId: 'acc-3a' });
    expect(await users().getByMentorId('acc-3b')).toBeNull();
    expect((await app.inject({ method: 'GET', url: '/api/mentors/acc-3b' })).statusCode).toBe(200);
  });

  it('a profile linked to another user: the mentor updates, no user is made or linked', async () => {
    await importJsonLines([{ ...mentor('acc-4'), email: 'dan@test.local' }]);
    const countBefore = await users().count();
    const result = await importJsonLines([{ ...mentor('acc-4', { headline: 'New' }), email: 'eve@test.local' }]);
    expect(result).toMatchObject({ updated: 1, failed: 0 });
    expect(result.warnings[0]).toMatch(/row 1 \(id acc-4\).*mentor acc-4 is already linked to another user/);
    expect(await users().count()).toBe(countBefore);
    expect(await users().getByEmail('eve@test.local')).toBeNull();
    expect((await users().getByMentorId('acc-4'))!.email).toBe('dan@test.local');

    const existing = await createTestUser(app, ['mentee'], 'fay@test.local');
    const refused = await importJsonLines([{ ...mentor('acc-4'), email: 'fay@test.local' }]);
    expect(refused.warnings[0]).toMatch(/already linked to another user/);
    expect((await users().get(existing.user.id))!).toMatchObject({ roles: ['mentee'], mentorId: null });
  });

  it('one email on two rows of a file links the first and warns on the second', async () => {
    const result = await importJsonLines([
      { ...mentor('acc-5a'), email: 'gus@test.local' },
      { ...mentor('acc-5b'), email: 'gus@test.local' },
    ]);
    expect(result).toMatchObject({ created: 2, failed: 0 });
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/row 2 \(id acc-5b\).*already linked to mentor acc-5a/);
  });

  it('a malformed email fails the row without echoing it; an empty cell is no email', async () => {
    const result = await importCsv([
      header,
      'acc-6a,Hal,Coaches.,Go,en,UTC,3,not-an-address',
      'acc-6b,Ida,Coaches.,Go,en,UTC,3,',
    ]);
    expect(result).toMatchObject({ created: 1, failed: 1, warnings: [] });
    expect(result.errors[0]).toMatchObject({ row: 1, id: 'acc-6a', code: 'ROW_INVALID' });
    expect(result.errors[0].message).toMatch(/email must be an email address/);
    expect(result.errors[0].message).not.toContain('not-an-address');
    expect(await users().getByMentorId('acc-6b')).toBeNull();
  });

  it('the email stays out of the mentor answers and the export', async () => {
    await importJsonLines([{ ...mentor('acc-7'), email: 'private.person@test.local' }]);
    const one = await app.inject({ method: 'GET', url: '/api/mentors/acc-7' });
    expect(one.body).not.toContain('private.person');
    const exported = await app.inject({ method: 'GET', url: '/api/mentors/export' });
    expect(exported.statusCode).toBe(200);
    expect(exported.body).toContain('acc-7');
    expect(exported.body).not.toContain('private.person');
  });

  it('through the command line (as `pnpm mm import` runs it), the CLI is the audited actor', async () => {
    const { imports } = app.engine();
    const rows = await imports.readRows(
      Buffer.from(jsonLines([{ ...mentor('acc-8'), email: 'cli@test.local' }])),
      'jsonl',
    );
    const result = await imports.importRows(rows, undefined, undefined, cliActor());
    expect(result).toMatchObject({ created: 1, warnings: [] });
    const user = (await users().getByEmail('cli@test.local'))!;
    expect(user).toMatchObject({ mentorId: 'acc-8', roles: ['mentor'] });
    const audit = (await app.inject({ method: 'GET', url: '/api/audit?entity=user&limit=200' })).json();
    const entry = audit.items.find((e: { entityId: string }) => e.entityId === String(user.id));
    expect(entry).toMatchObject({ action: 'user.created', actor: { kind: 'cli' } });
  });
});
