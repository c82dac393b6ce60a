import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { mentor, startTestApp, type TestApp } from '../../../test/support/app-harness.js';

const token = 'coordinator-token-0123456789';
let harness: TestApp;
beforeAll(async () => {
  harness = await startTestApp({ env: { API_TOKEN: token }, signedIn: false });
});
afterAll(() => harness?.close());

const call = (method: 'GET' | 'POST', url: string, opts: { auth?: string; payload?: object } = {}) =>
  harness.app.inject({
    method,
    url,
    ...(opts.payload ? { payload: opts.payload } : {}),
    headers: opts.auth ? { authorization: opts.auth } : {},
  });

describe('API_TOKEN', () => {
  it("mentees' and probes' routes answer without it", async () => {
    for (const url of ['/api/health', '/api/ready', '/api/status', '/api/openapi.json'])
      expect((await call('GET', url)).statusCode, url).toBe(200);
    expect((await call('POST', '/api/match', { payload: { text: 'how do I negotiate a raise' } })).statusCode).toBe(
      200,
    );
  });

  it('coordinator and researcher routes need it, compared exactly', async () => {
    for (const [method, url] of [
      ['GET', '/api/mentors'],
      ['GET', '/api/requests/recent'],
      ['GET', '/api/configs'],
      ['POST', '/api/evaluation/runs'],
      ['GET', '/api/mentors/export'],
    ] as const) {
      for (const auth of [undefined, `Bearer ${token}x`, token, `Bearer ${token.slice(0, -1)}`]) {
        const res = await call(method, url, { ...(auth ? { auth } : {}), payload: {} });
        expect(res.statusCode, `${method} ${url} with ${auth}`).toBe(401);
        // No credentials at all: sign in first; credentials that are wrong: this token is not valid.
        expect(res.json()).toMatchObject({ code: auth === undefined ? 'UNAUTHENTICATED' : 'UNAUTHORIZED' });
        expect(res.headers['x-content-type-options']).toBe('nosniff');
      }
    }
    const created = await call('POST', '/api/mentors', { auth: `Bearer ${token}`, payload: mentor('with-token') });
    expect(created.statusCode, created.body).toBe(201);
    const listed = await call('GET', '/api/mentors', { auth: `Bearer ${token}` });
    expect(listed.json().items.map((m: { id: string }) => m.id)).toEqual(['with-token']);
  });

  it('a route written another way the router accepts (percent-encoded, absolute form) needs it too', async () => {
    for (const url of [
      '/%61pi/mentors',
      '/api/%6Dentors',
      'http://localhost:80/api/mentors',
      '/api/requests/%72ecent',
    ]) {
      const res = await call('GET', url);
      expect(res.statusCode, url).toBe(401);
    }
    expect((await call('GET', '/%61pi/mentors', { auth: `bearer ${token}` })).statusCode).toBe(200);
  });

  it('a short token, or one with spaces, is refused at start', () => {
    expect(() => loadConfig({ API_TOKEN: 'short' })).toThrow(/API_TOKEN must be at least 16 characters/);
    expect(() => loadConfig({ API_TOKEN: 'has a space in it, long enough' })).toThrow(/API_TOKEN/);
    expect(loadConfig({}).apiToken).toBeNull();
  });
});
