import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const API_DOC = path.join(repoRoot, 'docs/api.md');

/** Served but deliberately absent from the OpenAPI document: the document itself and Swagger UI. */
const UNDOCUMENTED = [/^\/api\/openapi\.json$/, /^\/api\/docs(\/|$)/];

/**
 * Every method and path Fastify registered, from `printRoutes`' tree: each line is a path segment (appended to its
 * parent's) and its methods; HEAD is Fastify's automatic twin of each GET.
 */
function registeredRoutes(tree: string): string[] {
  const routes: string[] = [];
  const parents: string[] = [];
  for (const line of tree.split('\n')) {
    const node = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line.trimEnd());
    if (!node) continue;
    const depth = node[1]!.length / 4;
    const url = (parents[depth - 1] ?? '') + node[2]!;
    parents[depth] = url;
    parents.length = depth + 1;
    for (const method of (node[3] ?? '').split(', ').filter((m) => m && m !== 'HEAD')) routes.push(`${method} ${url}`);
  }
  return routes.sort();
}

/** `METHOD /path` pairs of an OpenAPI document, with Fastify's `:param` for `{param}`. */
function openApiRoutes(doc: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(doc.paths)
    .flatMap(([url, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${url.replace(/\{(\w+)\}/g, ':$1')}`),
    )
    .sort();
}

describe('OpenAPI document and docs/api.md against the routes the engine serves', () => {
  let app: FastifyInstance;
  let registered: string[];
  let documented: string[];

  beforeAll(async () => {
    // The routes without a database or model, as `pnpm generate:api` builds the document.
    app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent', DASHBOARD_DIR: '' }), openApiOnly: true });
    await app.ready();
    registered = registeredRoutes(app.printRoutes({ commonPrefix: false }));
    documented = openApiRoutes(app.swagger() as unknown as { paths: Record<string, Record<string, unknown>> });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('reads the route tree: nested segments joined, each method once', () => {
    expect(registered).toEqual(
      expect.arrayContaining([
        'GET /api/mentors',
        'POST /api/mentors',
        'PATCH /api/mentors/:id',
        'POST /api/configs/:version/activate',
        'GET /api/evaluation/runs/:id/export',
      ]),
    );
    expect(registered).not.toContain('HEAD /api/mentors');
  });

  it('documents every route in OpenAPI, and nothing OpenAPI names is missing', () => {
    const served = registered.filter((r) => !UNDOCUMENTED.some((re) => re.test(r.split(' ')[1]!)));
    expect(served.length).toBeGreaterThan(20);
    expect(documented).toEqual(served);
  });

  it('names in docs/api.md only routes that exist', () => {
    const text = fs.readFileSync(API_DOC, 'utf8');
    const paths = new Set(registered.map((r) => r.split(' ')[1]!));
    const named = [...text.matchAll(/`(?:(GET|POST|PUT|PATCH|DELETE) )?(\/api\/[^\s`?]*)/g)];
    expect(named.length).toBeGreaterThan(5);
    for (const [, method, url] of named) {
      const route = url!.replace(/\{(\w+)\}/g, ':$1');
      if (method) expect(registered, `${method} ${url}`).toContain(`${method} ${route}`);
      else
        expect(
          [...paths].some((p) => p === route || p.startsWith(`${route}/`)),
          url,
        ).toBe(true);
    }
  });
});
