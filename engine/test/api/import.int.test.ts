import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { bulkMentor, jsonLines, mentor, startTestApp, type TestApp } from '../../../test/support/app-harness.js';

let harness: TestApp;
let app: FastifyInstance;

beforeAll(async () => {
  harness = await startTestApp();
  app = harness.app;
});
afterAll(() => harness?.close());

const ndjson = { 'content-type': 'application/x-ndjson' };

async function importFile(payload: string | Buffer, headers: Record<string, string>, query = '') {
  return app.inject({ method: 'POST', url: `/api/mentors/import${query}`, headers, payload });
}

async function get(id: string) {
  return app.inject({ method: 'GET', url: `/api/mentors/${id}` });
}

describe('formats', () => {
  it('CSV with quoted cells, list cells and a header', async () => {
    const csv = [
      'id,name,headline,bio,skills,languages,timezone,yearsExperience,capacityPerMonth,active',
      'csv-1,"Ortega, Alma",Recruiter,"Negotiated offers; said ""no"" often.",negotiation;hiring,en|es,Europe/Madrid,12,3,true',
      'csv-2,Bert,Engineer,Builds pipelines.,python,de,Europe/Berlin,4,,no',
    ].join('\n');
    const res = await importFile(csv, { 'content-type': 'text/csv' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ rows: 2, created: 2, updated: 0, unchanged: 0, failed: 0, errors: [], warnings: [] });
    expect((await get('csv-1')).json()).toMatchObject({
      name: 'Ortega, Alma',
      bio: 'Negotiated offers; said "no" often.',
      skills: ['negotiation', 'hiring'],
      languages: ['en', 'es'],
      capacityPerMonth: 3,
    });
    expect((await get('csv-2')).json()).toMatchObject({ active: false, yearsExperience: 4 });
  });

  it('CSV list cells split on commas as the mentor form does, and a cell with another separator names the expected ones', async () => {
    const csv = [
      'id,name,bio,skills,languages,timezone,yearsExperience',
      'sep-1,Ana,Coaches designers.,"Figma, UX research, Hiring","en,es",UTC,5',
      'sep-2,Ben,Coaches writers.,Editing,en es,UTC,6',
    ].join('\n');
    const result = (await importFile(csv, { 'content-type': 'text/csv' })).json();
    expect(result).toMatchObject({ created: 1, failed: 1 });
    expect((await get('sep-1')).json()).toMatchObject({
      skills: ['Figma', 'UX research', 'Hiring'],
      languages: ['en', 'es'],
    });
    expect(result.errors[0]).toMatchObject({ row: 2, id: 'sep-2', code: 'ROW_INVALID' });
    expect(result.errors[0].message).toMatch(/separated by a comma \(,\), semicolon \(;\) or bar \(\|\).*got "en es"/);
  });

  it('JSON Lines (with blank lines and a BOM) and a JSON array, picked by content type or ?format=', async () => {
    const lines = `\uFEFF${JSON.stringify(mentor('jl-1'))}\n\n${JSON.stringify(mentor('jl-2'))}\n`;
    const res = await importFile(lines, ndjson);
    expect(res.json()).toMatchObject({ rows: 2, created: 2, failed: 0 });

    const array = JSON.stringify([mentor('arr-1'), mentor('arr-2'), mentor('arr-3')]);
    expect((await importFile(array, { 'content-type': 'application/json' })).json()).toMatchObject({
      rows: 3,
      created: 3,
    });
    const wrapped = JSON.stringify({ mentors: [mentor('arr-4')] });
    expect(
      (await importFile(wrapped, { 'content-type': 'application/octet-stream' }, '?format=json')).json(),
    ).toMatchObject({ rows: 1, created: 1 });
    expect((await get('arr-4')).statusCode).toBe(200);
  });

  it('a JSON body that is not an array is IMPORT_BAD_FORMAT', async () => {
    const res = await importFile(
      JSON.stringify({ id: 'x' }),
      { 'content-type': 'application/octet-stream' },
      '?format=json',
    );
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'IMPORT_BAD_FORMAT' });
    const broken = await importFile('[{"id":', { 'content-type': 'application/octet-stream' }, '?format=json');
    expect(broken.json()).toMatchObject({ code: 'IMPORT_BAD_FORMAT' });
  });
});

describe('bad rows', () => {
  it('reports duplicates, invalid and unreadable rows by row number while the good rows land', async () => {
    const rows = [
      JSON.stringify(mentor('bad-1')),
      JSON.stringify(mentor('bad-2', { timezone: 'Atlantis/Deep' })),
      '{"id": "bad-3", "name": ',
      JSON.stringify(mentor('bad-1', { name: 'Second copy' })),
      JSON.stringify({ ...mentor('bad-4'), yearsExperience: -2 }),
      JSON.stringify(mentor('bad-5')),
      JSON.stringify([1, 2]),
    ].join('\n');
    const res = await importFile(rows, ndjson);
    expect(res.statusCode, res.body).toBe(200);
    const result = res.json();
    expect(result).toMatchObject({ rows: 7, created: 2, failed: 5 });
    const byRow = Object.fromEntries(result.errors.map((e: { row: number }) => [e.row, e]));
    expect(byRow[2]).toMatchObject({ id: 'bad-2', code: 'ROW_INVALID' });
    expect(byRow[2].message).toMatch(/timezone/);
    expect(byRow[3]).toMatchObject({ code: 'ROW_UNREADABLE' });
    expect(byRow[3].message).toMatch(/row 3 .*JSON/);
    expect(byRow[4]).toMatchObject({ id: 'bad-1', code: 'DUPLICATE_ID' });
    expect(byRow[4].message).toMatch(/row 1/);
    expect(byRow[5]).toMatchObject({ id: 'bad-4', code: 'ROW_INVALID' });
    expect(byRow[5].message).toMatch(/yearsExperience/);
    expect(byRow[7]).toMatchObject({ code: 'ROW_INVALID' });

    expect((await get('bad-1')).json().name).toBe('Mentor bad-1');
    expect((await get('bad-5')).statusCode).toBe(200);
    for (const id of ['bad-2', 'bad-3', 'bad-4']) expect((await get(id)).statusCode).toBe(404);
  });

  it('a CSV row with the wrong number of columns is reported by row number (header excluded) and spoils no later row', async () => {
    const csv = [
      'id,name,bio,timezone,yearsExperience',
      'csvbad-1,Ann,Bio one.,UTC,3',
      'csvbad-2,Ben,Bio two.,UTC',
      'csvbad-3,Cy,Bio three.,UTC,x',
      'csvbad-4,Di,Bio four.,UTC,5',
    ].join('\n');
    const result = (await importFile(csv, { 'content-type': 'text/csv' })).json();
    expect(result).toMatchObject({ rows: 4, created: 2, failed: 2 });
    expect((await get('csvbad-4')).statusCode).toBe(200);
    expect(result.errors.map((e: { row: number; code: string }) => [e.row, e.code])).toEqual([
      [2, 'ROW_UNREADABLE'],
      [3, 'ROW_INVALID'],
    ]);
  });
});

describe('fields that are not mentor fields', () => {
  it('a misspelt column imports the rows with the default and warns once, naming the column and its first row', async () => {
    const csv = [
      'id,name,bio,timezone,yearsExperience,capacityPerMont',
      'typo-1,Ana,Coaches designers.,UTC,5,7',
      'typo-2,Ben,Coaches writers.,UTC,6,8',
    ].join('\n');
    const res = await importFile(csv, { 'content-type': 'text/csv' });
    expect(res.json()).toMatchObject({ created: 2, failed: 0 });
    expect(res.json().warnings).toHaveLength(1);
    expect(res.json().warnings[0]).toMatch(
      /^"capacityPerMont" \(first in row 1\) is not a mentor field and was ignored; mentor fields are id, /,
    );
    expect((await get('typo-1')).json().capacityPerMonth).toBe(2);
  });

  it('a row with 100,000 unknown fields names 20 of them, each clipped, and says there are more', async () => {
    const row: Record<string, unknown> = { ...mentor('many-fields') };
    for (let i = 0; i < 100_000; i++) row[`extra${i}${'x'.repeat(i === 0 ? 500 : 0)}`] = i;
    const res = await importFile(JSON.stringify(row), ndjson);
    expect(res.json()).toMatchObject({ created: 1, failed: 0 });
    const warnings: string[] = res.json().warnings;
    expect(warnings).toHaveLength(21);
    expect(warnings[0]).toMatch(/^"extra0x{74}…" \(first in row 1\)/);
    expect(warnings[20]).toMatch(/only the first 20 are named/);
    expect(res.body.length).toBeLessThan(20_000);
  });

  it("an export, or mentors as the API lists them (createdAt and updatedAt are the store's), import back without warnings", async () => {
    const exported = (await app.inject({ method: 'GET', url: '/api/mentors/export' })).body;
    expect((await importFile(exported, ndjson)).json()).toMatchObject({ failed: 0, warnings: [] });
    const listed = (await app.inject({ method: 'GET', url: '/api/mentors?limit=5' })).json().items;
    expect(Object.keys(listed[0])).toContain('createdAt');
    const res = await app.inject({ method: 'POST', url: '/api/mentors/import', payload: listed });
    expect(res.json()).toMatchObject({ failed: 0, unchanged: listed.length, warnings: [] });
  });
});

describe('empty and badly encoded files', () => {
  it('an empty file, whitespace only, a header only and an empty array are IMPORT_EMPTY', async () => {
    for (const [payload, headers] of [
      ['', ndjson],
      ['\n\n  \n', ndjson],
      ['id,name,bio,timezone,yearsExperience\n', { 'content-type': 'text/csv' }],
      ['[]', { 'content-type': 'application/json' }],
    ] as const) {
      const res = await importFile(payload, headers);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json()).toMatchObject({ code: 'IMPORT_EMPTY' });
    }
  });

  it('latin-1 bytes are IMPORT_BAD_ENCODING with the offset, and nothing is written', async () => {
    const good = Buffer.from(`${JSON.stringify(mentor('enc-1'))}\n`);
    const latin1 = Buffer.from(`${JSON.stringify(mentor('enc-2', { name: 'José Müller' }))}\n`, 'latin1');
    const res = await importFile(Buffer.concat([good, latin1]), ndjson);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('IMPORT_BAD_ENCODING');
    expect(body.message).toContain(`offset ${good.length + latin1.indexOf(0xe9)}`);
    expect((await get('enc-2')).statusCode).toBe(404);

    const csv = Buffer.from('id,name,bio,timezone,yearsExperience\nenc-3,Zoë,Bio.,UTC,3\n', 'latin1');
    expect((await importFile(csv, { 'content-type': 'text/csv' })).json()).toMatchObject({
      code: 'IMPORT_BAD_ENCODING',
    });
  });

  it('UTF-16 files (either byte order) are IMPORT_BAD_ENCODING', async () => {
    const text = `${JSON.stringify(mentor('enc-16'))}\n`;
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const payload of [le, be]) {
      const res = await importFile(payload, ndjson);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'IMPORT_BAD_ENCODING',
        details: { hint: expect.stringMatching(/UTF-16/) },
      });
    }
    expect((await get('enc-16')).statusCode).toBe(404);
  });

  it('UTF-8 names survive', async () => {
    const res = await importFile(`${JSON.stringify(mentor('enc-ok', { name: 'José Müller 李' }))}\n`, ndjson);
    expect(res.json()).toMatchObject({ created: 1 });
    expect((await get('enc-ok')).json().name).toBe('José Müller 李');
  });
});

describe('idempotence', () => {
  it('rerunning a file changes nothing; editing one row updates only that row', async () => {
    const rows = Array.from({ length: 150 }, (_, i) => bulkMentor(i, 'idem'));
    const first = (await importFile(jsonLines(rows), ndjson)).json();
    expect(first).toMatchObject({ rows: 150, created: 150, updated: 0, unchanged: 0, failed: 0 });
    const second = (await importFile(jsonLines(rows), ndjson)).json();
    expect(second).toMatchObject({ rows: 150, created: 0, updated: 0, unchanged: 150, failed: 0 });

    rows[7] = { ...rows[7]!, bio: 'Completely new story about sailing across the Atlantic.' };
    const third = (await importFile(jsonLines(rows), ndjson)).json();
    expect(third).toMatchObject({ rows: 150, created: 0, updated: 1, unchanged: 149 });
    expect((await get('idem-7')).json().bio).toMatch(/sailing/);
  });
});

describe('10k rows', () => {
  it('imports 10,000 JSON Lines rows, all stored, embedded and indexed', async () => {
    const before = (await app.inject({ method: 'GET', url: '/api/status' })).json().mentors.total;
    const rows = Array.from({ length: 10_000 }, (_, i) => bulkMentor(i, 'tenk'));
    const res = await importFile(jsonLines(rows), ndjson);
    expect(res.statusCode, res.body.slice(0, 500)).toBe(200);
    expect(res.json()).toMatchObject({ rows: 10_000, created: 10_000, failed: 0, errors: [] });

    const status = (await app.inject({ method: 'GET', url: '/api/status' })).json();
    expect(status.mentors.total).toBe(before + 10_000);
    expect(status.mentors.indexed).toBe(status.mentors.total);
    const { count } = await app.engine().repositories.embeddings.checksum(app.engine().embedder.id);
    expect(count).toBe(status.mentors.total);
    expect((await get('tenk-9999')).json().name).toBe('Person 9999');
  }, 300_000);
});

describe('import job', () => {
  it('POST /api/jobs/import answers 202 and the job reports progress until done', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => bulkMentor(i, 'job'));
    rows.push(mentor('job-0'));
    const res = await app.inject({
      method: 'POST',
      url: '/api/jobs/import',
      headers: ndjson,
      payload: jsonLines(rows),
    });
    expect(res.statusCode, res.body).toBe(202);
    const { jobId } = res.json();
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);

    const readJob = async () => (await app.inject({ method: 'GET', url: `/api/jobs/${jobId}` })).json();
    let job = await readJob();
    const seen: Array<{ done: number; total: number | null }> = [job.progress];
    for (let i = 1; i < 600 && job.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      job = await readJob();
      seen.push(job.progress);
    }
    expect(job.state).toBe('done');
    expect(job.kind).toBe('import');
    expect(job.finishedAt).not.toBeNull();
    expect(job.progress).toMatchObject({ done: 301, total: 301, stage: 'done' });
    expect(job.result).toMatchObject({
      rows: 301,
      created: 300,
      failed: 1,
      errors: [{ row: 301, code: 'DUPLICATE_ID', id: 'job-0' }],
    });
    const dones = seen.map((p) => p.done);
    expect([...dones].sort((a, b) => a - b)).toEqual(dones);
    expect((await get('job-299')).statusCode).toBe(200);
  });

  it('an empty file or one that cannot be read is refused before a job starts', async () => {
    const empty = await app.inject({ method: 'POST', url: '/api/jobs/import', headers: ndjson, payload: '\n' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ code: 'IMPORT_EMPTY' });
    const broken = await app.inject({
      method: 'POST',
      url: '/api/jobs/import?format=csv',
      headers: { 'content-type': 'text/csv' },
      payload: 'id,name\n"a,b\n',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ code: 'IMPORT_BAD_FORMAT' });
  });
});
