import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Lanes (docs/testing.md): a test that starts PGlite, a PostgreSQL server, the real model or an engine
// process is named *.int.test.ts (pnpm test:integration); every other *.test.ts is pure code (pnpm
// test:unit, with the dashboard's component tests); browser tests are *.e2e.test.ts (test/e2e, own config).
const everywhere = ['engine/test/**', 'scripts/**', 'test/**'];
const ignored = ['**/node_modules/**', 'test/e2e/**'];
// In the unit lane the database drivers are stand-ins that refuse to open anything.
const noDatabase = fileURLToPath(new URL('test/support/no-database.ts', import.meta.url));

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    projects: [
      {
        extends: true,
        resolve: {
          alias: [
            { find: /^@electric-sql\/pglite$/, replacement: noDatabase },
            { find: /^pg$/, replacement: noDatabase },
          ],
        },
        test: {
          name: 'unit',
          include: everywhere.map((dir) => `${dir}/*.test.ts`),
          exclude: [...ignored, '**/*.int.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: everywhere.map((dir) => `${dir}/*.int.test.ts`),
          exclude: ignored,
        },
      },
      // Component tests need the Svelte compiler and a DOM; they keep their own config (unit lane).
      'dashboard/vitest.config.ts',
    ],
  },
});
