import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = path.dirname(fileURLToPath(import.meta.url));

// Component tests only: they need the Svelte compiler and a DOM, unlike the rest of the workspace.
export default defineConfig({
  root: here,
  plugins: [svelte(), svelteTesting()],
  resolve: { alias: { $lib: path.join(here, 'src/lib') } },
  test: {
    name: 'dashboard',
    include: ['src/**/*.test.ts'],
    environment: 'jsdom',
  },
});
