#!/usr/bin/env node
// Runs the CLI bundle (dist/cli, made by `npm run build`) while it is newer than every source
// it was made from; otherwise the TypeScript sources straight through tsx, so `npx bootmend`
// works right after `npm install` and an edited source never runs from a stale bundle.
// The bundle starts in ~0.3 s, the sources in 0.9–1.2 s. BOOTMEND_FROM_SOURCE=1 forces the sources.
import { freshBundle } from './fresh-bundle.mjs';

const bundle = process.env.BOOTMEND_FROM_SOURCE ? null : freshBundle(new URL('../', import.meta.url));
if (bundle) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../main/cli.ts');
}
