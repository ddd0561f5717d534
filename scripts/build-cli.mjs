#!/usr/bin/env node
// Bundles the command line: main/cli.ts -> dist/cli/bootmend.mjs, with the elevated drive
// writer beside it (dist/cli/elevated-worker.mjs) and the list of sources it was made from
// (dist/cli/inputs.json). bin/bootmend.mjs runs the bundle while no source is newer than it,
// else the sources through tsx.
//
// Why: from source, tsx transpiles and Node loads every module of the API before the first
// line of output: 0.9–1.2 s to start here, against ~0.3 s for the bundle (and the elevated
// writer the CLI starts for a non-root write starts in ~0.3 s instead of ~0.8 s).
//
// Decisions:
// - ESM, split at dynamic imports, so a command loads only what it runs (the drive list's
//   systeminformation, sudo-prompt).
// - `import.meta.url` in our sources becomes the source file's URL in the repo (the plugin the
//   Electron build uses), so package.json, assets/ and dist/renderer/ are found as from source.
// - A banner gives every output file a `require` (systeminformation is CommonJS) and
//   `__bootmendBundleDir`, the bundle's folder: elevate.ts starts elevated-worker.mjs from it.
//
// Usage: node scripts/build-cli.mjs [--outdir <dir>]   (default dist/cli)
import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { importMetaUrlPlugin } from './build-electron.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const toPosix = (path) => path.split(sep).join('/');

export async function buildCli({ outdir = join(root, 'dist', 'cli'), logLevel = 'info' } = {}) {
  const absOut = resolve(outdir);
  const rootFromBundle = JSON.stringify(`${toPosix(relative(absOut, root)) || '.'}/`);
  const result = await build({
    absWorkingDir: root,
    entryPoints: { bootmend: join(root, 'main', 'cli.ts'), 'elevated-worker': join(root, 'main', 'drives', 'write', 'elevated-worker.ts') },
    outdir: absOut,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel,
    // Only the Electron host has `electron`; the CLI never loads main/electron.
    external: ['electron', 'osx-temperature-sensor', 'macos-temperature-sensor'],
    plugins: [importMetaUrlPlugin()],
    banner: {
      js: [
        "import { createRequire as __bootmendCreateRequire } from 'node:module';",
        'const require = __bootmendCreateRequire(import.meta.url);',
        'const __bootmendBundleDir = new URL(".", import.meta.url);',
        `const __bootmendSourceUrl = (fromRoot) => new URL(fromRoot, new URL(${rootFromBundle}, import.meta.url)).href;`,
      ].join('\n'),
    },
    metafile: true,
  });
  // What bin/bootmend.mjs compares the bundle's age with: our sources, and the lock file for the dependencies.
  const inputs = Object.keys(result.metafile.inputs).filter((input) => !input.includes('node_modules/'));
  if (existsSync(join(root, 'package-lock.json'))) inputs.push('package-lock.json');
  await writeFile(join(absOut, 'inputs.json'), `${JSON.stringify(inputs.sort(), null, 1)}\n`);
  return { outdir: absOut, metafile: result.metafile };
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  const at = process.argv.indexOf('--outdir');
  const outdir = at > 0 ? process.argv[at + 1] : undefined;
  buildCli(outdir ? { outdir } : {}).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
