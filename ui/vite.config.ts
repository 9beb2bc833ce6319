import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  // The window loads files from the app bundle; nothing is fetched from a server.
  base: './',
  build: {
    target: 'safari15',
    outDir: 'dist',
    emptyOutDir: true,
    // Inline assets would need data: URLs, which the CSP forbids.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  test: {
    include: ['src/**/*.test.ts'],
  },
});
