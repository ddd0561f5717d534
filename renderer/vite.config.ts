import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { pageHead } from './page.config.js';

/**
 * The renderer build. One output serves both hosts: the web host at `/` and Electron
 * from `bootmend://app/`, so every asset URL is relative (`base: './'`).
 */
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react(), pageHead({ faviconHref: './favicon.svg' })],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Keep every asset a file: `img-src 'self' data:` allows data URLs, but files are simpler to audit.
    assetsInlineLimit: 0,
    rollupOptions: {
      onwarn(warning, warn) {
        // zod ships `@__PURE__` comments Rollup cannot place; harmless, and not ours to fix.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
        warn(warning);
      },
    },
  },
});

