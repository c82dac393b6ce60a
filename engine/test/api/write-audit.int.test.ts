import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../../src/audit/audit-entry.js';
import type { AuditRecord } from '../../src/db/audit-repository.js';
import { createTestUser, type TestUser } from '../../../test/support/auth-helpers.js';
import { jsonLines, mentor, startTestApp, type TestApp } from '../../../test/support/app-harness.js';

let harness: TestApp;
let coordinator: TestUser;
beforeAll(async () => {
  harness = await startTestApp({ signedIn: false });
  coordinator = await createTestUser(harness.app, ['coordinator', 'researcher'], 'coord@example.org');
});
afterAll(() => harness?.close());

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const call = (method: Method, url: string, payload?: unknown, contentType?: string) =>
  harness.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${coordinator.token}`, ...(contentType && { 'content-type': contentType }) },
    ...(payload !== undefined && { payload: payload as string }),
  });

/** The newest entries of the audit log about this entity, newest first. */
const entries = (entity: string): Promise<AuditRecord[]> => harness.app.engine().audit.list({ entity, limit: 100 });

describe('every write through the API records its actor in the audit log', () => {
  it('mentors: created, updated (the fields changed), deleted (what was there)', async () => {
    expect((await call('POST', '/api/mentors', mentor('audited-1'))).statusCode).toBe(201);
    expect((await call('PATCH', '/api/mentors/audited-1', { headline: 'Staff engineer' })).statusCode).toBe(200);
    expect((await call('DELETE', '/api/mentors/audited-1')).statusCode).toBe(204);
    const log = (await entries('mentor')).filter((e) => e.entityId === 'audited-1');
    expect(log.map((e) => e.action)).toEqual(['mentor.deleted', 'mentor.updated', 'mentor.created']);
    for (const e of log) {
      expect(e.actor).toMatchObject({ kind: 'user', userId: coordinator.user.id, role: 'coordinator' });
      expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
    const [deleted, updated, created] = log as [AuditRecord, AuditRecord, AuditRecord];
    expect(created.changes.name).toEqual({ before: null, after: 'Mentor audited-1' });
    expect(updated.changes).toEqual({ headline: { before: 'Engineering manager', after: 'Staff engineer' } });
    expect(deleted.changes.headline).toEqual({ before: 'Staff engineer', after: null });
  });

  it('a write that fails records nothing (the entry is in its transaction)', async () => {
    await call('POST', '/api/mentors', mentor('audited-2'));
    const before = (await entries('mentor')).length;
    expect((await call('POST', '/api/mentors', mentor('audited-2'))).statusCode).toBe(409);
    expect((await call('DELETE', '/api/mentors/no-such-mentor')).statusCode).toBe(404);
    expect((await entries('mentor')).length).toBe(before);
  });

  it('imports, in the request and as a job: one entry per batch naming the mentors created and updated', async () => {
    const file = jsonLines([mentor('imp-1'), mentor('imp-2'), mentor('audited-2', { headline: 'Changed' })]);
    const res = await call('POST', '/api/mentors/import?format=jsonl', file, 'application/x-ndjson');
    expect(res.json()).toMatchObject({ created: 2, updated: 1 });
    const [imported] = await entries('mentor');
    expect(imported).toMatchObject({
      action: 'mentor.imported',
      entityId: null,
      actor: { userId: coordinator.user.id, role: 'coordinator' },
      changes: {
        created: { before: null, after: ['imp-1', 'imp-2'] },
        updated: { before: null, after: ['audited-2'] },
        unchanged: { before: null, after: 0 },
      },
    });
    const job = await call(
      'POST',
      '/api/jobs/import?format=jsonl',
      jsonLines([mentor('job-1')]),
      'application/x-ndjson',
    );
    expect(job.statusCode).toBe(202);
    const jobId = job.json().jobId as string;
    for (let i = 0; i < 100 && (await call('GET', `/api/jobs/${jobId}`)).json().state !== 'done'; i++)
      await new Promise((r) => setTimeout(r, 50));
    const [fromJob] = await entries('mentor');
    expect(fromJob).toMatchObject({ action: 'mentor.imported', actor: { userId: coordinator.user.id } });
    expect(fromJob!.changes.created).toEqual({ before: null, after: ['job-1'] });
  });

  it('weight configurations: the signed-in user is the actor, in the log and in the history', async () => {
    const active = (await call('GET', '/api/configs/active')).json() as { version: number };
    const created = await call('POST', '/api/configs', { name: 'audited', weights: { semantic: 1 } });
    expect(created.json().createdBy).toBe('coord@example.org');
    const version = created.json().version as number;
    await call('PATCH', `/api/configs/${version}`, { note: 'why' });
    await call('POST', `/api/configs/${version}/activate`);
    await call('POST', `/api/configs/${active.version}/rollback`);
    const log = await entries('weight-config');
    expect(log.slice(0, 4).map((e) => [e.action, e.entityId])).toEqual([
      ['config.rolled-back', String(version + 1)],
      ['config.activated', String(version)],
      ['config.updated', String(version)],
      ['config.created', String(version)],
    ]);
    expect(log[2]!.changes).toEqual({ note: { before: null, after: 'why' } });
    expect(log[1]!.changes).toEqual({ activeVersion: { before: active.version, after: version } });
    for (const e of log.slice(0, 4))
      expect(e.actor).toMatchObject({ userId: coordinator.user.id, role: 'coordinator' });
    const history = (await call('GET', `/api/configs/${version}`)).json();
    expect(history).toMatchObject({ updatedBy: 'coord@example.org', activatedBy: 'coord@example.org' });
  });

  it('a write by the command line names it and its operating-system user', async () => {
    const engine = harness.app.engine();
    const rows = await engine.imports.readRows(Readable.from([Buffer.from(jsonLines([mentor('cli-1')]))]), 'jsonl');
    await engine.imports.importRows(rows, undefined, undefined, cliActor());
    const [entry] = await entries('mentor');
    expect(entry).toMatchObject({ action: 'mentor.imported', actor: { kind: 'cli', userId: null, role: null } });
    expect(entry!.actor.osUser).toBeTruthy();
  });
});
