import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, startTestApp, type TestApp } from '../../../test/support/app-harness.js';

const startScript =
  '\n\t\t\t{ __sveltekit_x = { base: "" }; Promise.all([import("/_app/start.js")]).then(([kit]) => kit.start()); }\n\t\t';
const indexHtml = `<!doctype html><html><head><script type="module" src="/_app/start.js"></script></head><body><div>${'<script>'}${startScript}</script></div></body></html>`;

let dir: string;
let harness: TestApp;
beforeAll(async () => {
  dir = makeTempDir('mm-dashboard-');
  fs.writeFileSync(path.join(dir, 'index.html'), indexHtml);
  fs.mkdirSync(path.join(dir, '_app'));
  fs.writeFileSync(path.join(dir, '_app', 'start.js'), 'export function start() {}');
  harness = await startTestApp({ env: { DASHBOARD_DIR: dir } });
});
afterAll(async () => {
  await harness?.close();
  removeDir(dir);
});

describe('the dashboard as the engine serves it', () => {
  it('its page and client-side routes carry a script policy that allows exactly its inline start-up script', async () => {
    const hash = createHash('sha256').update(startScript).digest('base64');
    for (const url of ['/', '/mentors', '/evaluation?run=abc']) {
      const res = await harness.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain(`script-src 'self' 'sha256-${hash}'`);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("connect-src 'self'");
    }
  });

  it('a missing asset is a 404, not the page', async () => {
    expect((await harness.app.inject({ method: 'GET', url: '/_app/start.js' })).statusCode).toBe(200);
    for (const url of ['/_app/immutable/gone.js', '/favicon.png']) {
      const res = await harness.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().code).toBe('ROUTE_NOT_FOUND');
    }
  });

  it('every answer forbids sniffing and framing; API answers carry no page policy', async () => {
    for (const url of ['/api/health', '/_app/start.js', '/api/nothing']) {
      const res = await harness.app.inject({ method: 'GET', url });
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      expect(res.headers['referrer-policy'], url).toBe('no-referrer');
    }
    expect(
      (await harness.app.inject({ method: 'GET', url: '/api/health' })).headers['content-security-policy'],
    ).toBeUndefined();
  });

  it('a 404 names at most 200 characters of the path', async () => {
    const res = await harness.app.inject({ method: 'GET', url: `/api/${'x'.repeat(5000)}` });
    expect(res.statusCode).toBe(404);
    expect(res.json().message.length).toBeLessThan(300);
  });
});
