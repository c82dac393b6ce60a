import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { generateApiClientFiles } from '../scripts/api-client/generate-api-client.js';

describe('generated dashboard API client', () => {
  it("is up to date with the engine's OpenAPI document (run pnpm generate:api when this fails)", async () => {
    const files = await generateApiClientFiles();
    expect(Object.keys(files)).toHaveLength(2);
    for (const [file, content] of Object.entries(files)) {
      expect(await fs.readFile(file, 'utf8'), file).toBe(content);
    }
  });

  it('describes the routes and schemas the dashboard calls', async () => {
    const doc = JSON.parse(
      await fs.readFile(new URL('../dashboard/src/lib/api/openapi.json', import.meta.url), 'utf8'),
    ) as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    };
    for (const [route, method] of [
      ['/api/status', 'get'],
      ['/api/mentors', 'get'],
      ['/api/mentors', 'post'],
      ['/api/mentors/{id}', 'patch'],
      ['/api/jobs/import', 'post'],
      ['/api/jobs/{id}', 'get'],
      ['/api/match', 'post'],
      ['/api/match/preview', 'post'],
      ['/api/session-requests', 'post'],
      ['/api/requests/recent', 'get'],
      ['/api/configs', 'get'],
      ['/api/configs', 'post'],
      ['/api/configs/active', 'get'],
      ['/api/configs/{version}/activate', 'post'],
      ['/api/configs/{version}/rollback', 'post'],
      ['/api/evaluation/datasets', 'get'],
      ['/api/evaluation/runs', 'post'],
      ['/api/evaluation/runs/{id}', 'get'],
      ['/api/evaluation/runs/{id}/export', 'get'],
    ] as const) {
      expect(doc.paths[route]?.[method], `${method.toUpperCase()} ${route}`).toBeDefined();
    }
    for (const schema of [
      'Mentor',
      'ImportResult',
      'Job',
      'Explanation',
      'Match',
      'WeightConfig',
      'ErrorResponse',
      'EvaluationResult',
    ]) {
      expect(doc.components.schemas[schema], schema).toBeDefined();
    }
  });
});
