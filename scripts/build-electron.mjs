#!/usr/bin/env node
// Bundles the Electron host: main/electron/main.ts -> dist/electron/main.cjs (package.json
// "main") and main/electron/preload.ts -> dist/electron/preload.cjs.
//
// Decisions:
// - main: platform node, CJS, everything bundled except `electron` (provided by the
//   runtime) and two optional macOS sensor modules systeminformation requires inside
//   try/catch. With no other runtime require, the packaged app needs no node_modules
//   (build/before-build.cjs tells electron-builder not to copy any).
// - preload: a sandboxed preload cannot require files, so it is one self-contained CJS
//   file; only `electron` stays external (the sandbox's require provides it).
// - `import.meta.url` does not exist in CJS. Each bundled module's `import.meta.url` is
//   rewritten to the URL its source file has in the app root (main/api.ts ->
//   <app>/main/api.ts), computed at run time from the bundle's own location, so
//   `new URL('../package.json', import.meta.url)` still finds the app's package.json —
//   in the repo and inside app.asar alike.
//
// Usage: node scripts/build-electron.mjs [--outdir <dir>]   (default dist/electron)
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Modules left to the runtime in main.cjs. Anything else must be bundled. */
export const MAIN_EXTERNALS = ['electron', 'osx-temperature-sensor', 'macos-temperature-sensor'];
export const PRELOAD_EXTERNALS = ['electron'];

const toPosix = (path) => path.split(sep).join('/');

/** esbuild plugin: per-module `import.meta.url` -> where that source sits under the app root (also used by build-cli.mjs). */
export function importMetaUrlPlugin() {
  return {
    name: 'bootmend-import-meta-url',
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const fromRoot = JSON.stringify(toPosix(relative(root, args.path)));
        const loader = args.path.endsWith('x') ? 'tsx' : args.path.match(/\.[cm]?ts$/) ? 'ts' : 'js';
        return { contents: source.replaceAll('import.meta.url', `__bootmendSourceUrl(${fromRoot})`), loader };
      });
    },
  };
}

export async function buildElectron({ outdir = join(root, 'dist', 'electron'), logLevel = 'info' } = {}) {
  const absOut = resolve(outdir);
  const bundleToRoot = JSON.stringify(toPosix(relative(absOut, root)) || '.');
  const common = {
    bundle: true,
    format: 'cjs',
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel,
    absWorkingDir: root,
  };
  const [main, preload] = await Promise.all([
    build({
      ...common,
      entryPoints: [join(root, 'main', 'electron', 'main.ts')],
      outfile: join(absOut, 'main.cjs'),
      platform: 'node',
      target: 'node20',
      external: MAIN_EXTERNALS,
      plugins: [importMetaUrlPlugin()],
      banner: {
        js: [
          "'use strict';",
          `const __bootmendSourceUrl = (fromRoot) => require('node:url').pathToFileURL(require('node:path').join(__dirname, ${bundleToRoot}, fromRoot)).href;`,
        ].join('\n'),
      },
      metafile: true,
    }),
    build({
      ...common,
      entryPoints: [join(root, 'main', 'electron', 'preload.ts')],
      outfile: join(absOut, 'preload.cjs'),
      platform: 'browser',
      target: 'chrome120',
      external: PRELOAD_EXTERNALS,
      minify: true,
      metafile: true,
    }),
  ]);
  return { outdir: absOut, main: main.metafile, preload: preload.metafile };
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  const at = process.argv.indexOf('--outdir');
  const outdir = at > 0 ? process.argv[at + 1] : undefined;
  buildElectron(outdir ? { outdir } : {}).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
