import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { pageHead } from '../page.config.js';

/**
 * The helpdesk dashboard's build: its own entry (index.html here), the same React code and
 * renderer/ui as the technician app, written to dist/helpdesk, which the server serves at `/`
 * (server/dashboard/static.ts). Assets under `assets/`, the only folder the server serves.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react(), pageHead({ faviconHref: '/favicon.svg' })],
  build: {
    outDir: '../../dist/helpdesk',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      onwarn(warning, warn) {
        // zod and some chart dependencies ship `@__PURE__` comments Rollup cannot place; harmless.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
        warn(warning);
      },
    },
  },
});
