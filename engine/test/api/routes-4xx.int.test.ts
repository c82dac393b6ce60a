import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify';
import { makeErrorHandler } from '../../src/error-handler.js';
import { makeTempDir, mentor, removeDir, startTestApp, type TestApp } from '../../../test/support/app-harness.js';

let harness: TestApp;
let app: FastifyInstance;

beforeAll(async () => {
  harness = await startTestApp();
  app = harness.app;
  const res = await app.inject({ method: 'POST', url: '/api/mentors', payload: mentor('m1') });
  expect(res.statusCode).toBe(201);
  // Some tests read question texts back as a coordinator, which an admin must allow.
  const privacy = { coordinatorsSeeQuestionTexts: true };
  expect((await app.inject({ method: 'PATCH', url: '/api/settings/privacy', payload: privacy })).statusCode).toBe(200);
});
afterAll(() => harness?.close());

async function expectError(opts: InjectOptions, status: number, code: string, message?: RegExp) {
  const res = await app.inject(opts);
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json();
  expect(body.code).toBe(code);
  expect(body.statusCode).toBe(status);
  if (message) expect(body.message).toMatch(message);
  return body;
}

const json = { 'content-type': 'application/json' };

describe('malformed JSON', () => {
  for (const [method, url] of [
    ['POST', '/api/match'],
    ['POST', '/api/mentors'],
    ['PATCH', '/api/mentors/m1'],
    ['POST', '/api/configs'],
    ['POST', '/api/session-requests'],
    ['POST', '/api/match/preview'],
  ] as const) {
    it(`${method} ${url} answers 400 MALFORMED_JSON`, async () => {
      await expectError(
        { method, url, headers: json, payload: '{"text": "hi",' },
        400,
        'MALFORMED_JSON',
        /not valid JSON/,
      );
    });
  }

  it('an empty body with a JSON content type is MALFORMED_JSON', async () => {
    await expectError(
      { method: 'POST', url: '/api/match', headers: json, payload: '' },
      400,
      'MALFORMED_JSON',
      /empty/,
    );
  });
});

describe('wrong types are refused, not coerced', () => {
  it('k as a string in the match body', async () => {
    await expectError(
      { method: 'POST', url: '/api/match', payload: { text: 'salary', k: '5' } },
      400,
      'VALIDATION_FAILED',
      /body\.k must be integer/,
    );
  });

  it('text as a number', async () => {
    await expectError(
      { method: 'POST', url: '/api/match', payload: { text: 42 } },
      400,
      'VALIDATION_FAILED',
      /body\.text must be string/,
    );
  });

  it('yearsExperience as a string when creating a mentor', async () => {
    await expectError(
      { method: 'POST', url: '/api/mentors', payload: { ...mentor('m-types'), yearsExperience: '10' } },
      400,
      'VALIDATION_FAILED',
      /yearsExperience must be integer/,
    );
  });

  it('active as a string when patching', async () => {
    await expectError(
      { method: 'PATCH', url: '/api/mentors/m1', payload: { active: 'no' } },
      400,
      'VALIDATION_FAILED',
      /active must be boolean/,
    );
  });

  it('a query string that is not a number', async () => {
    await expectError(
      { method: 'GET', url: '/api/mentors?limit=lots' },
      400,
      'VALIDATION_FAILED',
      /limit must be integer/,
    );
  });

  it('k out of range and a missing text', async () => {
    await expectError(
      { method: 'POST', url: '/api/match', payload: { text: 'x', k: 51 } },
      400,
      'VALIDATION_FAILED',
      /k must be <= 50/,
    );
    await expectError(
      { method: 'POST', url: '/api/match', payload: { k: 3 } },
      400,
      'VALIDATION_FAILED',
      /must have property "text"/,
    );
  });

  it('a body that is a JSON array instead of an object', async () => {
    await expectError(
      { method: 'POST', url: '/api/match', payload: '[1,2]', headers: json },
      400,
      'VALIDATION_FAILED',
      /must be object/,
    );
  });
});

describe('text length', () => {
  it('5000 characters are accepted, 5001 are not', async () => {
    const ok = await app.inject({ method: 'POST', url: '/api/match', payload: { text: 'a'.repeat(5000), k: 1 } });
    expect(ok.statusCode).toBe(200);
    await expectError(
      { method: 'POST', url: '/api/match', payload: { text: 'a'.repeat(5001) } },
      400,
      'VALIDATION_FAILED',
      /5000 characters/,
    );
  });

  it('empty text is refused', async () => {
    await expectError(
      { method: 'POST', url: '/api/match', payload: { text: '' } },
      400,
      'VALIDATION_FAILED',
      /fewer than 1 characters/,
    );
  });

  it('a mentor bio above the limit is refused', async () => {
    await expectError(
      { method: 'POST', url: '/api/mentors', payload: mentor('m-long', { bio: 'b'.repeat(10_001) }) },
      400,
      'VALIDATION_FAILED',
      /bio/,
    );
  });
});

describe('unknown fields', () => {
  it('in the match body', async () => {
    await expectError(
      { method: 'POST', url: '/api/match', payload: { text: 'x', limit: 3 } },
      400,
      'VALIDATION_FAILED',
      /unknown property "limit"/,
    );
  });

  it('in match filters', async () => {
    await expectError(
      { method: 'POST', url: '/api/match', payload: { text: 'x', filters: { country: 'de' } } },
      400,
      'VALIDATION_FAILED',
      /filters has unknown property "country"/,
    );
  });

  it('in a new mentor', async () => {
    await expectError(
      { method: 'POST', url: '/api/mentors', payload: { ...mentor('m-unk'), email: 'a@b.c' } },
      400,
      'VALIDATION_FAILED',
      /unknown property "email"/,
    );
  });

  it('in a patch, and an empty patch', async () => {
    await expectError(
      { method: 'PATCH', url: '/api/mentors/m1', payload: { nickname: 'x' } },
      400,
      'VALIDATION_FAILED',
      /unknown property "nickname"/,
    );
    await expectError({ method: 'PATCH', url: '/api/mentors/m1', payload: {} }, 400, 'VALIDATION_FAILED');
  });

  it('in the list query', async () => {
    await expectError(
      { method: 'GET', url: '/api/mentors?sort=name' },
      400,
      'VALIDATION_FAILED',
      /unknown property "sort"/,
    );
  });

  it('in a config draft', async () => {
    await expectError(
      { method: 'POST', url: '/api/configs', payload: { name: 'x', weights: { semantic: 1 }, extra: 1 } },
      400,
      'VALIDATION_FAILED',
      /unknown property "extra"/,
    );
  });
});

describe('unknown ids', () => {
  it('mentors: GET, PATCH and DELETE answer MENTOR_NOT_FOUND', async () => {
    await expectError({ method: 'GET', url: '/api/mentors/nobody' }, 404, 'MENTOR_NOT_FOUND', /nobody/);
    await expectError(
      { method: 'PATCH', url: '/api/mentors/nobody', payload: { name: 'X' } },
      404,
      'MENTOR_NOT_FOUND',
      /nobody/,
    );
    await expectError({ method: 'DELETE', url: '/api/mentors/nobody' }, 404, 'MENTOR_NOT_FOUND', /nobody/);
  });

  it('a mentor id that is not a valid id is a 400', async () => {
    await expectError({ method: 'GET', url: '/api/mentors/%20bad%20id' }, 400, 'VALIDATION_FAILED', /params\.id/);
  });

  it('a session request for an unknown mentor', async () => {
    await expectError(
      { method: 'POST', url: '/api/session-requests', payload: { mentorId: 'nobody' } },
      404,
      'MENTOR_NOT_FOUND',
    );
  });

  it('configs: get, patch, activate, rollback and preview of an unknown version', async () => {
    await expectError({ method: 'GET', url: '/api/configs/9999' }, 404, 'CONFIG_NOT_FOUND', /9999/);
    await expectError({ method: 'PATCH', url: '/api/configs/9999', payload: { name: 'x' } }, 404, 'CONFIG_NOT_FOUND');
    await expectError({ method: 'POST', url: '/api/configs/9999/activate' }, 404, 'CONFIG_NOT_FOUND');
    await expectError({ method: 'POST', url: '/api/configs/9999/rollback' }, 404, 'CONFIG_NOT_FOUND');
    await expectError(
      { method: 'POST', url: '/api/match/preview', payload: { text: 'x', draftVersion: 9999 } },
      404,
      'CONFIG_NOT_FOUND',
    );
  });

  it('a config version that is not an integer', async () => {
    await expectError(
      { method: 'GET', url: '/api/configs/latest' },
      400,
      'VALIDATION_FAILED',
      /version must be integer/,
    );
  });

  it('numbers in a path or query written other than in decimal', async () => {
    // JavaScript reads these as 1 and 10; they are not how anyone writes a version or an offset.
    expect((await app.inject({ method: 'GET', url: '/api/configs/1' })).statusCode).toBe(200);
    await expectError({ method: 'GET', url: '/api/configs/0x1' }, 400, 'VALIDATION_FAILED', /version must be integer/);
    await expectError({ method: 'GET', url: '/api/configs/1e0' }, 400, 'VALIDATION_FAILED', /version must be integer/);
    await expectError({ method: 'GET', url: '/api/configs/%201' }, 400, 'VALIDATION_FAILED', /version must be integer/);
    await expectError(
      { method: 'GET', url: '/api/mentors?limit=1e1' },
      400,
      'VALIDATION_FAILED',
      /limit must be integer/,
    );
    const listed = await app.inject({ method: 'GET', url: '/api/mentors?limit=1&offset=0' });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items).toHaveLength(1);
  });

  it('jobs: a job id in capitals is the same job (UUIDs are case-insensitive)', async () => {
    const started = await app.inject({
      method: 'POST',
      url: '/api/jobs/import',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: JSON.stringify(mentor('job-case-1')),
    });
    const { jobId } = started.json();
    const upper = await app.inject({ method: 'GET', url: `/api/jobs/${jobId.toUpperCase()}` });
    expect(upper.statusCode, upper.body).toBe(200);
    expect(upper.json().id).toBe(jobId);
  });

  it('jobs: an unknown uuid is JOB_NOT_FOUND, a non-uuid is a 400', async () => {
    await expectError(
      { method: 'GET', url: '/api/jobs/00000000-0000-4000-8000-000000000000' },
      404,
      'JOB_NOT_FOUND',
      /00000000/,
    );
    await expectError({ method: 'GET', url: '/api/jobs/42' }, 400, 'VALIDATION_FAILED', /uuid/);
  });

  it('creating a mentor twice is a 409', async () => {
    await expectError(
      { method: 'POST', url: '/api/mentors', payload: mentor('m1') },
      409,
      'MENTOR_ALREADY_EXISTS',
      /m1/,
    );
  });
});

describe('media types', () => {
  it('a JSON route refuses text/xml with 415', async () => {
    const body = await expectError(
      { method: 'POST', url: '/api/match', headers: { 'content-type': 'text/xml' }, payload: '<text>x</text>' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      /application\/json/,
    );
    expect(body.message).toMatch(/text\/xml/);
  });

  it('the import route refuses an unknown content type', async () => {
    await expectError(
      { method: 'POST', url: '/api/mentors/import', headers: { 'content-type': 'image/png' }, payload: 'x' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('an unknown import format in the query is a 400', async () => {
    await expectError(
      {
        method: 'POST',
        url: '/api/mentors/import?format=xlsx',
        headers: { 'content-type': 'text/csv' },
        payload: 'id\n1\n',
      },
      400,
      'VALIDATION_FAILED',
      /format/,
    );
  });
});

describe('match filters', () => {
  it('an invalid time zone is a 400 that names the expected form', async () => {
    await expectError(
      { method: 'POST', url: '/api/match', payload: { text: 'x', filters: { timezone: 'Mars/Olympus' } } },
      400,
      'VALIDATION_FAILED',
      /IANA time zone.*Mars\/Olympus/,
    );
    await expectError(
      {
        method: 'POST',
        url: '/api/match/preview',
        payload: { text: 'x', draftVersion: 1, filters: { timezone: 'Not/AZone' } },
      },
      400,
      'VALIDATION_FAILED',
      /IANA/,
    );
  });

  it('a language code of the wrong form and an hour above 24', async () => {
    await expectError(
      { method: 'POST', url: '/api/match', payload: { text: 'x', filters: { languages: ['English'] } } },
      400,
      'VALIDATION_FAILED',
      /languages\.0 must match pattern/,
    );
    await expectError(
      {
        method: 'POST',
        url: '/api/match',
        payload: { text: 'x', filters: { availability: { startHour: 9, endHour: 25 } } },
      },
      400,
      'VALIDATION_FAILED',
      /endHour must be <= 24/,
    );
  });

  it('a mentor with an invalid time zone is refused', async () => {
    await expectError(
      { method: 'POST', url: '/api/mentors', payload: mentor('m-tz', { timezone: 'Mars/Olympus' }) },
      400,
      'VALIDATION_FAILED',
      /timezone/,
    );
  });
});

describe('weight configurations', () => {
  it('a negative weight, all-zero weights and an unknown factor are CONFIG_INVALID', async () => {
    const create = (weights: Record<string, number>) => ({
      method: 'POST' as const,
      url: '/api/configs',
      payload: { name: 'bad', weights },
    });
    await expectError(create({ semantic: -1 }), 422, 'CONFIG_INVALID', /semantic/);
    const zero = await expectError(create({ semantic: 0, lexical: 0 }), 422, 'CONFIG_INVALID');
    expect(zero.message).toMatch(/positive|zero|at least one/i);
    await expectError(create({ astrology: 1 }), 422, 'CONFIG_INVALID', /astrology/);
    await expectError(
      { method: 'POST', url: '/api/configs/validate', payload: { weights: { semantic: -0.5 } } },
      422,
      'CONFIG_INVALID',
    );
    await expectError(
      { method: 'POST', url: '/api/match/preview', payload: { text: 'x', draft: { weights: { nope: 1 } } } },
      422,
      'CONFIG_INVALID',
      /nope/,
    );
  });

  it('editing the active version is CONFIG_NOT_DRAFT', async () => {
    const active = (await app.inject({ method: 'GET', url: '/api/configs/active' })).json();
    const body = await expectError(
      { method: 'PATCH', url: `/api/configs/${active.version}`, payload: { name: 'renamed' } },
      409,
      'CONFIG_NOT_DRAFT',
      /active; only drafts can be edited/,
    );
    expect(body.message).toContain(String(active.version));
  });

  it('an actor named in the body is refused: the signed-in user is who makes the change', async () => {
    await expectError(
      { method: 'POST', url: '/api/configs', payload: { name: 'x', weights: { semantic: 1 }, actor: 'someone' } },
      400,
      'VALIDATION_FAILED',
      /unknown property "actor"/,
    );
  });

  it('a rule of the wrong type or out of range is CONFIG_INVALID naming the rule, inline or in a preview draft', async () => {
    await expectError(
      {
        method: 'POST',
        url: '/api/configs/validate',
        payload: { weights: { semantic: 1 }, rules: { activeOnly: 'yes' } },
      },
      422,
      'CONFIG_INVALID',
      /rules\.activeOnly must be boolean/,
    );
    await expectError(
      {
        method: 'PATCH',
        url: '/api/configs/1',
        payload: { rules: { mentorWorkingHours: { start: 9, end: 25 } } },
      },
      422,
      'CONFIG_INVALID',
      /rules\.mentorWorkingHours\.end must be <= 24/,
    );
    await expectError(
      {
        method: 'POST',
        url: '/api/match/preview',
        payload: { text: 'x', draft: { weights: { semantic: 1 }, rules: { friendliness: true } } },
      },
      422,
      'CONFIG_INVALID',
      /draft\.rules has unknown property "friendliness"/,
    );
  });
});

describe('routes and methods', () => {
  it('an unknown route is ROUTE_NOT_FOUND', async () => {
    await expectError({ method: 'GET', url: '/api/nothing-here' }, 404, 'ROUTE_NOT_FOUND', /GET \/api\/nothing-here/);
    await expectError({ method: 'PUT', url: '/api/mentors/m1', payload: {} }, 404, 'ROUTE_NOT_FOUND', /PUT/);
  });
});

describe('oversized bodies', () => {
  let small: TestApp;
  beforeAll(async () => {
    small = await startTestApp({ env: { BODY_LIMIT_BYTES: '2048' } });
  });
  afterAll(() => small?.close());

  it('a JSON body over the limit is 413 BODY_TOO_LARGE', async () => {
    const res = await small.app.inject({ method: 'POST', url: '/api/match', payload: { text: 'a'.repeat(3000) } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'BODY_TOO_LARGE' });
    expect(res.json().message).toContain('2048');
  });

  it('the streamed import route stops at the limit too', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => JSON.stringify(mentor(`big-${i}`))).join('\n');
    const res = await small.app.inject({
      method: 'POST',
      url: '/api/mentors/import',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: rows,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'BODY_TOO_LARGE' });
  });

  it('the import job route stops at the limit too', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => JSON.stringify(mentor(`big-${i}`))).join('\n');
    const res = await small.app.inject({
      method: 'POST',
      url: '/api/jobs/import',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: rows,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'BODY_TOO_LARGE' });
  });
});

describe('random bodies never cause a 5xx', () => {
  const KEYS = [
    'text',
    'k',
    'filters',
    'languages',
    'timezone',
    'availability',
    'startHour',
    'endHour',
    'minCapacity',
    'exclude',
    'id',
    'name',
    'bio',
    'skills',
    'yearsExperience',
    'active',
    'foo',
  ];
  // JSON values built from what the routes read; arrays and objects nest at most three deep.
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { maxDepth: 3 },
      fc.constant(null),
      fc.boolean(),
      fc.integer({ min: -100, max: 99 }),
      fc.double({ min: 0, max: 1e6, noNaN: true }),
      fc.constantFrom('', 'salary', 'Europe/Berlin', 'en', 'Mars/Olympus', '\u0000', '💥'.repeat(3)),
      fc.nat(6000).map((n) => 'x'.repeat(n)),
      fc.integer({ min: 0, max: 4 }).map((n) => `mentor-${n}`),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 5 }),
    ),
  }));

  it('POST /api/match and POST /api/mentors with 150 random bodies each', async () => {
    const statuses = new Set<number>();
    let n = 0;
    await fc.assert(
      // Half the objects get plausible fields first, so that the deeper validation paths are reached too.
      fc.asyncProperty(value, fc.boolean(), fc.boolean(), async (body, plausibleMatch, plausibleMentor) => {
        const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
        const matchBody = plausibleMatch && isObject ? { text: 'negotiate salary', ...body } : body;
        const mentorBody = plausibleMentor && isObject ? { ...mentor(`fz-${n++}`), ...body } : body;
        for (const [url, payload] of [
          ['/api/match', matchBody],
          ['/api/mentors', mentorBody],
        ] as const) {
          const res = await app.inject({
            method: 'POST',
            url,
            headers: json,
            payload: JSON.stringify(payload) ?? 'undefined',
          });
          statuses.add(res.statusCode);
          expect(res.statusCode, `${url} -> ${res.body.slice(0, 300)}`).toBeLessThan(500);
          if (res.statusCode >= 400) expect(typeof res.json().code).toBe('string');
        }
      }),
      // About 1 random body in 100 is acceptable (4,000 runs: 36 matches and 50 mentors accepted, no 5xx), so
      // a fresh seed could draw none and fail the check below by luck. Each run therefore starts with one body
      // each route must accept and one it must refuse; the random ones follow.
      {
        numRuns: 150,
        examples: [
          [{}, true, true],
          [{ foo: 1 }, false, false],
        ],
      },
    );
    // The bodies must have been both accepted and refused to mean anything: a route that refused every body
    // (or accepted every one) would pass the 5xx check without testing it.
    expect([...statuses].some((s) => s < 300)).toBe(true);
    expect([...statuses].some((s) => s >= 400)).toBe(true);
  });
});

describe('input the database could not store', () => {
  const recentTexts = async () =>
    (await app.inject({ method: 'GET', url: '/api/requests/recent?limit=100' }))
      .json()
      .map((r: { text: string }) => r.text);

  it('a NUL character anywhere in a JSON body or query is a 400 naming the field, and later questions are still logged', async () => {
    await expectError(
      { method: 'POST', url: '/api/match', payload: { text: 'career \u0000', k: 3 } },
      400,
      'VALIDATION_FAILED',
      /body\.text must not contain the NUL character/,
    );
    await expectError(
      { method: 'POST', url: '/api/match', payload: { text: 'career', exclude: ['x\u0000'] } },
      400,
      'VALIDATION_FAILED',
      /body\.exclude\[0\]/,
    );
    await expectError(
      { method: 'POST', url: '/api/mentors', payload: mentor('nul-1', { bio: 'a \u0000 bio' }) },
      400,
      'VALIDATION_FAILED',
      /body\.bio/,
    );
    await expectError(
      { method: 'PATCH', url: '/api/mentors/m1', payload: { skills: ['go\u0000'] } },
      400,
      'VALIDATION_FAILED',
      /body\.skills\[0\]/,
    );
    await expectError({ method: 'GET', url: '/api/mentors?q=%00' }, 400, 'VALIDATION_FAILED', /querystring\.q/);
    await expectError(
      { method: 'POST', url: '/api/configs', payload: { name: 'n\u0000', weights: { semantic: 1 } } },
      400,
      'VALIDATION_FAILED',
      /body\.name/,
    );
    await expectError(
      { method: 'POST', url: '/api/session-requests', payload: { mentorId: 'm1', note: 'a\u0000' } },
      400,
      'VALIDATION_FAILED',
      /body\.note/,
    );
    expect((await app.inject({ method: 'GET', url: '/api/mentors/nul-1' })).statusCode).toBe(404);

    const asked = await app.inject({
      method: 'POST',
      url: '/api/match',
      payload: { text: 'asked after the refused ones', k: 1 },
    });
    expect(asked.statusCode).toBe(200);
    expect(await recentTexts()).toContain('asked after the refused ones');
  });

  it('a lone UTF-16 surrogate is refused like NUL (jsonb cannot hold it), and the request log keeps later questions', async () => {
    await expectError(
      { method: 'POST', url: '/api/match', payload: { text: 'career', exclude: ['\ud800'] } },
      400,
      'VALIDATION_FAILED',
      /body\.exclude\[0\] must be well-formed Unicode/,
    );
    await expectError(
      { method: 'POST', url: '/api/mentors', payload: mentor('lone-1', { name: 'a\udc00b' }) },
      400,
      'VALIDATION_FAILED',
      /body\.name/,
    );
    const emoji = await app.inject({
      method: 'POST',
      url: '/api/mentors',
      payload: mentor('emoji-1', { name: '😀'.repeat(150) }),
    });
    expect(emoji.statusCode, emoji.body).toBe(201);
  });

  it('a JSON array import with a NUL row fails that row only, like the other formats', async () => {
    const rows = [mentor('arr-nul-1'), mentor('arr-nul-2', { bio: 'x\u0000' })];
    const res = await app.inject({ method: 'POST', url: '/api/mentors/import', payload: rows });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 1, failed: 1, errors: [{ row: 2, code: 'ROW_INVALID' }] });
  });

  it('an import row with a NUL character fails alone as ROW_INVALID; the rows around it are written', async () => {
    const rows = [mentor('nul-row-1'), mentor('nul-row-2', { name: 'x\u0000' }), mentor('nul-row-3')]
      .map((m) => JSON.stringify(m))
      .join('\n');
    const res = await app.inject({
      method: 'POST',
      url: '/api/mentors/import',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: rows,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      rows: 3,
      created: 2,
      failed: 1,
      errors: [{ row: 2, id: 'nul-row-2', code: 'ROW_INVALID' }],
    });
    expect(res.json().errors[0].message).toMatch(/name must not contain the NUL character/);
  });

  it('numbers beyond what the database stores are a 400, not a database error', async () => {
    await expectError(
      { method: 'GET', url: '/api/configs/3000000000' },
      400,
      'VALIDATION_FAILED',
      /params\.version must be <= 2147483647/,
    );
    await expectError({ method: 'POST', url: '/api/configs/3000000000/activate' }, 400, 'VALIDATION_FAILED');
    await expectError(
      { method: 'POST', url: '/api/match/preview', payload: { text: 'x', draftVersion: 3000000000 } },
      400,
      'VALIDATION_FAILED',
      /draftVersion/,
    );
    await expectError(
      { method: 'POST', url: '/api/evaluation/runs', payload: { dataset: 'demo', configs: [3000000000] } },
      400,
      'VALIDATION_FAILED',
    );
    await expectError(
      { method: 'POST', url: '/api/session-requests', payload: { mentorId: 'm1', requestId: 1e20 } },
      400,
      'VALIDATION_FAILED',
      /requestId/,
    );
    await expectError({ method: 'GET', url: '/api/mentors?offset=1e300' }, 400, 'VALIDATION_FAILED', /offset/);
  });

  it('a session request for an inactive mentor is MENTOR_INACTIVE', async () => {
    expect(
      (await app.inject({ method: 'POST', url: '/api/mentors', payload: mentor('resting', { active: false }) }))
        .statusCode,
    ).toBe(201);
    await expectError(
      { method: 'POST', url: '/api/session-requests', payload: { mentorId: 'resting' } },
      409,
      'MENTOR_INACTIVE',
      /not taking session requests/,
    );
  });

  it('a session request for a mentee request that does not exist is REQUEST_NOT_FOUND', async () => {
    await expectError(
      { method: 'POST', url: '/api/session-requests', payload: { mentorId: 'm1', requestId: 99999 } },
      404,
      'REQUEST_NOT_FOUND',
      /99999/,
    );
  });

  it('weights that overflow their sum are CONFIG_INVALID', async () => {
    await expectError(
      {
        method: 'POST',
        url: '/api/configs',
        payload: { name: 'huge', weights: { semantic: 1e308, lexical: 1e308 } },
      },
      422,
      'CONFIG_INVALID',
      /add up to a finite number/,
    );
  });

  it('blank text is refused as blank', async () => {
    await expectError(
      { method: 'POST', url: '/api/match', payload: { text: '   ' } },
      400,
      'VALIDATION_FAILED',
      /body\.text must not be blank/,
    );
    await expectError(
      { method: 'POST', url: '/api/match/preview', payload: { text: '\t\n ', draftVersion: 1 } },
      400,
      'VALIDATION_FAILED',
      /body\.text must not be blank/,
    );
  });

  it('a preview with both an inline draft and a stored one, and a run naming a configuration twice, are refused', async () => {
    await expectError(
      {
        method: 'POST',
        url: '/api/match/preview',
        payload: { text: 'x', draft: { weights: { semantic: 1 } }, draftVersion: 1 },
      },
      400,
      'VALIDATION_FAILED',
      /not both/,
    );
    await expectError(
      { method: 'POST', url: '/api/evaluation/runs', payload: { dataset: 'demo', configs: ['active', 'active'] } },
      400,
      'VALIDATION_FAILED',
      /duplicate/,
    );
  });

  it('a configuration name outside the allowed ones lists them', async () => {
    await expectError(
      { method: 'POST', url: '/api/evaluation/runs', payload: { dataset: 'demo', configs: ['Active'] } },
      400,
      'VALIDATION_FAILED',
      /must be one of "active", "research"/,
    );
  });
});

describe('ids and URLs', () => {
  it('a mentor whose id has the longest allowed length can be read, edited and deleted', async () => {
    const id = `long-${'x'.repeat(123)}`;
    expect(id).toHaveLength(128);
    expect((await app.inject({ method: 'POST', url: '/api/mentors', payload: mentor(id) })).statusCode).toBe(201);
    expect((await app.inject({ method: 'GET', url: `/api/mentors/${id}` })).statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'PATCH', url: `/api/mentors/${id}`, payload: { name: 'Renamed' } })).json().name,
    ).toBe('Renamed');
    expect((await app.inject({ method: 'DELETE', url: `/api/mentors/${id}` })).statusCode).toBe(204);
  });

  it('"export" is not a mentor id: GET /api/mentors/export is the export', async () => {
    await expectError(
      { method: 'POST', url: '/api/mentors', payload: mentor('export') },
      400,
      'VALIDATION_FAILED',
      /body\.id/,
    );
  });

  it('an overlong id is refused by its schema, bad percent-encoding is URL_INVALID', async () => {
    await expectError(
      { method: 'GET', url: `/api/mentors/${'y'.repeat(300)}` },
      400,
      'VALIDATION_FAILED',
      /params\.id/,
    );
    await expectError({ method: 'GET', url: '/api/mentors/%ZZ' }, 400, 'URL_INVALID', /percent-encoding/);
  });
});

describe('imports read the whole file before writing', () => {
  it('a CSV whose quoting breaks after many good rows is refused and writes nothing', async () => {
    const total = async () => (await app.inject({ method: 'GET', url: '/api/mentors?limit=1' })).json().total;
    const before = await total();
    const good = Array.from(
      { length: 140 },
      (_, i) => `csv-${i},Mentor ${i},I coach people on careers in engineering.,UTC,5`,
    );
    const csv = ['id,name,bio,timezone,yearsExperience', ...good, 'bad,"unclosed,x,UTC,5'].join('\n');
    await expectError(
      { method: 'POST', url: '/api/mentors/import', headers: { 'content-type': 'text/csv' }, payload: csv },
      400,
      'IMPORT_BAD_FORMAT',
      /line 142/,
    );
    expect(await total()).toBe(before);
  });

  it('a CSV header that names a column twice is IMPORT_BAD_FORMAT', async () => {
    await expectError(
      {
        method: 'POST',
        url: '/api/mentors/import',
        headers: { 'content-type': 'text/csv' },
        payload: 'id,name,bio,timezone,name\nx1,A,B,UTC,C\n',
      },
      400,
      'IMPORT_BAD_FORMAT',
      /names the column "name" twice/,
    );
  });

  it('an import without a body is IMPORT_EMPTY, and a JSON string is not read as a file', async () => {
    await expectError({ method: 'POST', url: '/api/mentors/import' }, 400, 'IMPORT_EMPTY');
    await expectError(
      {
        method: 'POST',
        url: '/api/mentors/import',
        headers: json,
        payload: JSON.stringify(JSON.stringify([mentor('str-1')])),
      },
      400,
      'IMPORT_BAD_FORMAT',
      /got a string/,
    );
    expect((await app.inject({ method: 'GET', url: '/api/mentors/str-1' })).statusCode).toBe(404);
  });

  it('a mentor stored as "export" before the id was reserved can still be edited and deleted', async () => {
    // Written below the API, as a mentor created before the reservation was.
    const legacy = {
      externalId: 'export',
      name: 'Legacy',
      headline: '',
      bio: 'Stored before the id was reserved.',
      skills: [],
      languages: ['en'],
      timezone: 'UTC',
      location: null,
      yearsExperience: 3,
      capacityPerMonth: 2,
      active: true,
    };
    const stored = await app.engine().mentors.upsertBatch([legacy]);
    expect(stored).toEqual([{ externalId: 'export', status: 'created' }]);
    expect(
      (await app.inject({ method: 'PATCH', url: '/api/mentors/export', payload: { name: 'Still here' } })).statusCode,
    ).toBe(200);
    expect((await app.inject({ method: 'DELETE', url: '/api/mentors/export' })).statusCode).toBe(204);
  });

  it('a JSON body that is not a list of mentors is IMPORT_BAD_FORMAT', async () => {
    await expectError(
      { method: 'POST', url: '/api/mentors/import', headers: json, payload: 'null' },
      400,
      'IMPORT_BAD_FORMAT',
      /array of mentors/,
    );
  });

  it('a JSON route refuses an import content type, and the import route names the types it reads', async () => {
    await expectError(
      { method: 'POST', url: '/api/mentors', headers: { 'content-type': 'text/csv' }, payload: 'x' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      /expected one of application\/json$/,
    );
    await expectError(
      { method: 'POST', url: '/api/mentors', headers: { 'content-type': 'text/plain' }, payload: 'x' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      /expected one of application\/json$/,
    );
    await expectError(
      { method: 'POST', url: '/api/match', headers: { 'content-type': 'text/plain' }, payload: 'career advice' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    await expectError(
      { method: 'POST', url: '/api/mentors/import', headers: { 'content-type': 'text/xml' }, payload: 'x' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      /text\/csv, application\/x-ndjson/,
    );
  });

  it('activating an archived version is a 409 that says to roll back', async () => {
    const create = async (name: string) =>
      (
        await app.inject({
          method: 'POST',
          url: '/api/configs',
          payload: { name, weights: { semantic: 1 } },
        })
      ).json().version;
    const first = await create('first');
    await app.inject({ method: 'POST', url: `/api/configs/${first}/activate` });
    const second = await create('second');
    await app.inject({ method: 'POST', url: `/api/configs/${second}/activate` });
    await expectError(
      { method: 'POST', url: `/api/configs/${first}/activate` },
      409,
      'CONFIG_NOT_DRAFT',
      /archived; only drafts can be activated \(roll back/,
    );
  });
});

describe('requests from web pages of other sites', () => {
  const change = { method: 'PATCH' as const, url: '/api/mentors/m1', payload: { headline: 'Changed from elsewhere' } };

  it('a change a page on another site sends is refused, and nothing is written', async () => {
    const before = (await app.inject({ method: 'GET', url: '/api/mentors/m1' })).json().headline;
    await expectError(
      { ...change, headers: { 'sec-fetch-site': 'cross-site' } },
      403,
      'CROSS_SITE_REQUEST',
      /PATCH from another site/,
    );
    await expectError(
      { ...change, headers: { origin: 'https://evil.example' } },
      403,
      'CROSS_SITE_REQUEST',
      /evil\.example/,
    );
    expect((await app.inject({ method: 'GET', url: '/api/mentors/m1' })).json().headline).toBe(before);
  });

  it('the dashboard (same origin) and clients outside browsers still write', async () => {
    const sameOrigin = await app.inject({
      ...change,
      headers: { 'sec-fetch-site': 'same-origin', origin: 'http://localhost:80', host: 'localhost:80' },
    });
    expect(sameOrigin.statusCode, sameOrigin.body).toBe(200);
    const noBrowser = await app.inject({ ...change, payload: { headline: 'Changed by a script' } });
    expect(noBrowser.json().headline).toBe('Changed by a script');
  });

  it('an import sent as text/plain (which a page may send without asking) is a 415', async () => {
    const row = JSON.stringify({ ...mentor('m1'), bio: 'Overwritten by a form on another site.' });
    await expectError(
      {
        method: 'POST',
        url: '/api/mentors/import?format=jsonl',
        headers: { 'content-type': 'text/plain' },
        payload: row,
      },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect((await app.inject({ method: 'GET', url: '/api/mentors/m1' })).json().bio).not.toContain('Overwritten');
  });

  it('an engine on loopback answers only to localhost names (a page re-pointed at 127.0.0.1 cannot read it)', async () => {
    await expectError(
      { method: 'GET', url: '/api/requests/recent', headers: { host: 'rebind.attacker.example:3000' } },
      403,
      'HOST_NOT_ALLOWED',
      /rebind\.attacker\.example/,
    );
    for (const host of ['localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'app.localhost']) {
      expect(
        (await app.inject({ method: 'GET', url: '/api/requests/recent', headers: { host } })).statusCode,
        host,
      ).toBe(200);
    }
  });
});

describe('answers to huge or deep bodies stay small', () => {
  it('120,000 wrong configurations in an evaluation run: a small 400', async () => {
    const body = await expectError(
      {
        method: 'POST',
        url: '/api/evaluation/runs',
        payload: { dataset: 'demo', configs: Array.from({ length: 120_000 }, () => 'nope') },
      },
      400,
      'VALIDATION_FAILED',
      /configs/,
    );
    expect(JSON.stringify(body).length).toBeLessThan(1000);
  });

  it('a body over the JSON limit is a 413 naming that limit', async () => {
    const body = await expectError(
      {
        method: 'POST',
        url: '/api/match',
        payload: { text: 'x', exclude: Array.from({ length: 300_000 }, () => 'mentor') },
      },
      413,
      'BODY_TOO_LARGE',
    );
    expect(body.message).toContain(String(1024 * 1024));
  });

  it('NUL characters in 100,000 items name 20 of them', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/match',
      payload: { text: 'x', stray: Array.from({ length: 100_000 }, () => '\u0000') },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details.problems).toHaveLength(20);
    expect(res.body.length).toBeLessThan(5000);
  });

  it('JSON nested 10,000 deep is a 400', async () => {
    const deep = `{"text":"x","k":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    await expectError(
      { method: 'POST', url: '/api/match', headers: json, payload: deep },
      400,
      'VALIDATION_FAILED',
      /k must be integer/,
    );
    const deepText = `{"text":"x","stray":${'['.repeat(10_000)}"\\u0000"${']'.repeat(10_000)}}`;
    await expectError(
      { method: 'POST', url: '/api/match', headers: json, payload: deepText },
      400,
      'VALIDATION_FAILED',
      /NUL/,
    );
  });

  it('an import announced as larger than the limit is refused before it is read', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/mentors/import',
      headers: { 'content-type': 'application/x-ndjson', 'content-length': String(60 * 1024 * 1024) },
      payload: '{}',
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'BODY_TOO_LARGE' });
  });
});

describe("Fastify's and its plugins' own refusals keep their status", () => {
  let dir: string;
  let served: TestApp;
  beforeAll(async () => {
    dir = makeTempDir('mm-4xx-dashboard-');
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><html><head></head><body></body></html>');
    fs.mkdirSync(path.join(dir, '_app'));
    fs.writeFileSync(path.join(dir, '_app', 'start.js'), 'export function start() {}');
    served = await startTestApp({ env: { DASHBOARD_DIR: dir } });
  });
  afterAll(async () => {
    await served?.close();
    removeDir(dir);
  });

  it('a range beyond a dashboard file is 416 RANGE_NOT_SATISFIABLE, not a 400', async () => {
    const res = await served.app.inject({
      method: 'GET',
      url: '/_app/start.js',
      headers: { range: 'bytes=5000-6000' },
    });
    expect(res.statusCode, res.body).toBe(416);
    expect(res.json()).toMatchObject({
      statusCode: 416,
      code: 'RANGE_NOT_SATISFIABLE',
      error: 'Range Not Satisfiable',
      message: expect.stringContaining('bytes=5000-6000'),
    });
  });

  it('a condition a dashboard file does not meet is 412 PRECONDITION_FAILED', async () => {
    const res = await served.app.inject({ method: 'GET', url: '/_app/start.js', headers: { 'if-match': '"other"' } });
    expect(res.statusCode, res.body).toBe(412);
    expect(res.json()).toMatchObject({ statusCode: 412, code: 'PRECONDITION_FAILED', message: /if-match/ });
  });

  it('a 4xx no code names keeps its status, with the status name as its code', async () => {
    const bare = Fastify();
    bare.setErrorHandler(makeErrorHandler());
    bare.get('/refused', async () => {
      throw Object.assign(new Error('Method Not Allowed'), { statusCode: 405 });
    });
    const res = await bare.inject({ method: 'GET', url: '/refused' });
    await bare.close();
    expect(res.statusCode).toBe(405);
    expect(res.json()).toEqual({
      statusCode: 405,
      code: 'METHOD_NOT_ALLOWED',
      error: 'Method Not Allowed',
      message: 'Method Not Allowed',
    });
  });

  it('a request the HTTP parser refuses is answered with the same error body', async () => {
    const address = await served.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = new URL(address);
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(request));
        let answer = '';
        socket.on('data', (chunk) => {
          answer += chunk;
        });
        socket.on('close', () => resolve(answer));
        socket.on('error', reject);
      });
    const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));

    const malformed = await raw('GET /api/health HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n');
    expect(malformed).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(malformed)).toMatchObject({ statusCode: 400, code: 'MALFORMED_REQUEST', error: 'Bad Request' });

    const huge = await raw(`GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(bodyOf(huge)).toMatchObject({ statusCode: 431, code: 'HEADERS_TOO_LARGE' });
  });
});
