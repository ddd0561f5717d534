// ESLint rule: the house plan's arrows (ARCHITECTURE.md), checked on every import.
// Which folder a file is in decides what it may import — the role Signal-Desktop's
// file suffixes and VS Code's layers play.
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Which part of the house a path belongs to. */
export function layerOf(absPath) {
  const parts = relative(ROOT, absPath).split(sep);
  if (parts[0] === '..' || parts.length === 0) return 'outside';
  if (parts[0] === 'main' && parts[1] === 'electron') return 'main/electron';
  return parts[0];
}

const RULES = {
  core: {
    npm: ['zod'],
    layers: ['core'],
    why: 'core/ is pure domain: it may import only zod and other core/ files',
  },
  renderer: {
    npm: null,
    layers: ['renderer', 'core'],
    electronTypesOnly: true,
    why: 'renderer/ runs in a sandboxed page: it reaches the privileged side only through the API contract in core/',
  },
  main: {
    npm: null,
    layers: ['main', 'core'],
    node: true,
    why: 'main/ (outside main/electron/) is plain Node, testable without Electron; it talks to server/ only over HTTP',
  },
  'main/electron': {
    npm: null,
    layers: ['main', 'main/electron', 'core'],
    node: true,
    electron: true,
    why: 'main/electron/ is the thin Electron host over main/ and core/',
  },
  server: {
    npm: null,
    layers: ['server', 'core'],
    node: true,
    why: 'server/ shares only core/ with the app',
  },
};

const TEST_FILE = /\.test\.tsx?$/;
const TEST_NPM = ['vitest', 'fast-check'];

function isTypeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true;
  if (node.type === 'ImportDeclaration' && node.specifiers.length > 0) {
    return node.specifiers.every((s) => s.importKind === 'type');
  }
  return false;
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
    const base = RULES[layer];
    if (!base) return {};
    // A test may also use the test runner, property testing and shared helpers in test/.
    const rule = TEST_FILE.test(file)
      ? { ...base, npm: base.npm && [...base.npm, ...TEST_NPM], layers: [...base.layers, 'test'] }
      : base;

    function check(node, sourceNode, typeOnly) {
      if (!sourceNode || typeof sourceNode.value !== 'string') return;
      const source = sourceNode.value;
      const report = () => context.report({ node: sourceNode, messageId: 'forbidden', data: { source, why: rule.why } });
      if (source.startsWith('.') || source.startsWith('/')) {
        const target = layerOf(resolve(dirname(file), source));
        const allowed = rule.layers.includes(target) || (target === 'main/electron' && layer === 'main/electron');
        if (!allowed) report();
        return;
      }
      if (BUILTINS.has(source) || BUILTINS.has(source.split('/')[0])) {
        if (!rule.node) report();
        return;
      }
      if (source === 'electron' || source.startsWith('electron/')) {
        if (rule.electron) return;
        if (rule.electronTypesOnly && typeOnly) return;
        report();
        return;
      }
      if (rule.npm && !rule.npm.some((allowed) => source === allowed || source.startsWith(`${allowed}/`))) report();
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
