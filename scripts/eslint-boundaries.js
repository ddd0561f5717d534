// ESLint rule: the house plan's arrows (ARCHITECTURE.md), checked on every import.
// Which folder a file is in decides what it may import — the role Signal-Desktop's
// file suffixes and VS Code's layers play.
//
// The npm packages each folder may import are written once, here (RULES). Each folder's
// README quotes them in the sentence npmSentence() builds; scripts/eslint-boundaries.test.ts
// fails when a README says something else.
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Which part of the house a path belongs to. */
export function layerOf(absPath) {
  const parts = relative(ROOT, absPath).split(sep);
  if (parts[0] === '..' || parts.length === 0) return 'outside';
  if (parts[0] === 'main' && parts[1] === 'electron') return 'main/electron';
  if (parts[0] === 'core' && parts[1] === 'node') return 'core/node';
  if (parts[0] === 'renderer' && parts[1] === 'ui') return 'renderer/ui';
  return parts[0];
}

/** Every test may also use the test runner and property testing (and the shared helpers in test/). */
const TEST_NPM = ['vitest', 'fast-check'];
const TEST_FILE = /\.test\.tsx?$/;
/** A build tool's config file (renderer/vite.config.ts): it runs in the build, not in the app. */
const CONFIG_FILE = /\.config\.[cm]?[jt]s$/;

/**
 * Per layer: `npm` the packages its code may import (a package's subpaths included),
 * `typesOnlyNpm` packages it may import types from, `testNpm` / `configNpm` what its
 * tests / build configs may add, `layers` the folders it may import from, `node` whether
 * Node's built-in modules are allowed, `readme` the README that names the npm list.
 */
export const RULES = {
  core: {
    readme: 'core/README.md',
    npm: ['zod'],
    layers: ['core'],
    why: 'core/ is pure domain: it may import only zod and other core/ files',
  },
  'core/node': {
    readme: 'core/README.md',
    npm: [],
    layers: ['core', 'core/node'],
    node: true,
    why: 'core/node/ is what main/ and server/ share that needs Node (no npm package); nothing in core/ outside it, and no page, may import it',
  },
  renderer: {
    readme: 'renderer/README.md',
    npm: ['react', 'react-dom', 'zustand', 'recharts', '@tanstack/react-virtual'],
    typesOnlyNpm: ['electron'],
    configNpm: ['vite', '@vitejs/plugin-react'],
    layers: ['renderer', 'renderer/ui', 'core'],
    why: 'renderer/ runs in a sandboxed page: React, react-dom, zustand and @tanstack/react-virtual (the Journal table) from npm; it reaches the privileged side only through the API contract in core/',
  },
  'renderer/ui': {
    readme: 'renderer/README.md',
    npm: ['react', 'react-dom'],
    layers: ['renderer/ui', 'core'],
    why: 'renderer/ui/ holds shared components: it may import only React and core/ (no stores, client or screens; the app passes those in)',
  },
  main: {
    readme: 'main/README.md',
    npm: ['zod', 'systeminformation', 'xxhash-wasm', 'qrcode', 'bwip-js', '@vscode/sudo-prompt'],
    testNpm: ['esbuild'],
    layers: ['main', 'core', 'core/node'],
    node: true,
    why: 'main/ (outside main/electron/) is plain Node with the packages main/README.md lists, testable without Electron; it talks to server/ only over HTTP',
  },
  'main/electron': {
    readme: 'main/electron/README.md',
    npm: ['electron'],
    layers: ['main', 'main/electron', 'core', 'core/node'],
    node: true,
    why: 'main/electron/ is the thin Electron host over main/ and core/: from npm only electron',
  },
  server: {
    readme: 'server/README.md',
    npm: ['zod', 'fastify', 'kysely', 'pg', 'better-sqlite3'],
    layers: ['server', 'core', 'core/node'],
    node: true,
    why: 'server/ shares only core/ with the app (never main/ or renderer/); from npm the HTTP framework, the query layer and the two database drivers server/README.md lists',
  },
};

/**
 * Core modules with no zod at run time: the engines that run as their own process (the
 * elevated drive writer, the media writers) load only these, and zod would cost each start
 * ~0.1 s (core/README.md). They may take zod, and modules that load it, as types only.
 */
export const ZOD_FREE = ['core/errors.ts', 'core/drives/write-error.ts', 'core/progress-meter.ts', 'core/drives/confirmation.ts', 'core/drives/write-rules.ts'];
const ZOD_FREE_WHY =
  'this core module loads no zod at run time (the writer engines start without it; core/README.md): import zod, and core modules that load it, as types only';

/** The README sentence that names a layer's npm packages, word for word. */
export function npmSentence(layer) {
  const rule = RULES[layer];
  const names = (list) => list.map((name) => `\`${name}\``).join(', ');
  const parts = [rule.npm.length > 0 ? names(rule.npm) : 'none'];
  if (rule.typesOnlyNpm) parts.push(`types only from ${names(rule.typesOnlyNpm)}`);
  parts.push(`tests also ${names([...TEST_NPM, ...(rule.testNpm ?? [])])}`);
  if (rule.configNpm) parts.push(`build configs (\`*.config.ts\`) also ${names(rule.configNpm)}`);
  return `npm packages for ${layer}/ (checked by ESLint): ${parts.join('; ')}.`;
}

function packageName(source) {
  const [first, second] = source.split('/');
  return first.startsWith('@') && second ? `${first}/${second}` : first;
}

function isTypeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true;
  if (node.type === 'ImportDeclaration' && node.specifiers.length > 0) {
    return node.specifiers.every((s) => s.importKind === 'type');
  }
  return false;
}

function repoPath(absPath) {
  return relative(ROOT, absPath).split(sep).join('/');
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the Bootmend folder boundaries from ARCHITECTURE.md' },
    schema: [],
    messages: { forbidden: '{{source}} may not be imported here: {{why}}.' },
  },
  create(context) {
    const file = resolve(context.filename);
    const layer = layerOf(file);
    const rule = RULES[layer];
    if (!rule) return {};
    const isTest = TEST_FILE.test(file);
    const npm = [...rule.npm, ...(isTest ? [...TEST_NPM, ...(rule.testNpm ?? [])] : []), ...(CONFIG_FILE.test(file) ? (rule.configNpm ?? []) : [])];
    // A test may also use the shared helpers in test/.
    const layers = isTest ? [...rule.layers, 'test'] : rule.layers;
    const zodFree = ZOD_FREE.includes(repoPath(file));

    function check(node, sourceNode, typeOnly) {
      if (!sourceNode || typeof sourceNode.value !== 'string') return;
      const source = sourceNode.value;
      const report = (why = rule.why) => context.report({ node: sourceNode, messageId: 'forbidden', data: { source, why } });
      if (source.startsWith('.') || source.startsWith('/')) {
        const target = resolve(dirname(file), source);
        if (!layers.includes(layerOf(target))) report();
        else if (zodFree && !typeOnly && !ZOD_FREE.includes(repoPath(target).replace(/\.js$/, '.ts'))) report(ZOD_FREE_WHY);
        return;
      }
      if (BUILTINS.has(source) || BUILTINS.has(source.split('/')[0])) {
        if (!rule.node) report();
        return;
      }
      const name = packageName(source);
      if (npm.includes(name)) {
        if (zodFree && name === 'zod' && !typeOnly) report(ZOD_FREE_WHY);
        return;
      }
      if (typeOnly && rule.typesOnlyNpm?.includes(name)) return;
      report();
    }

    return {
      ImportDeclaration: (node) => check(node, node.source, isTypeOnly(node)),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source, isTypeOnly(node)),
      ExportAllDeclaration: (node) => check(node, node.source, isTypeOnly(node)),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source, false),
      TSImportType: (node) => {
        const arg = node.argument?.literal ?? node.argument;
        if (arg && arg.type === 'Literal') check(node, arg, true);
      },
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          check(node, node.arguments[0], false);
        }
      },
    };
  },
};
