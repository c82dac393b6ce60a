import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    // In development the engine runs separately; production serves both from one origin.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
