import { existsSync, readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { npmSentence, RULES, ZOD_FREE } from './eslint-boundaries.js';

const ROOT = new URL('..', import.meta.url).pathname;
const eslint = new ESLint({ cwd: ROOT });

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'bootmend/boundaries').map((m) => m.message);
}

describe('folder boundaries fail the lint (and so npm test)', () => {
  it.each([
    ['renderer/technician/x.tsx', "import { readFile } from 'node:fs';"],
    ['renderer/technician/x.tsx', "import fs from 'fs';"],
    ['renderer/technician/x.tsx', "import { ipcRenderer } from 'electron';"],
    ['renderer/technician/x.tsx', "import { createApi } from '../../main/api.js';"],
    ['renderer/technician/x.tsx', "import { x } from '../../server/anything.js';"],
    ['renderer/technician/x.tsx', "const m = await import('../../main/api.js');"],
    ['core/x.ts', "import { readFileSync } from 'node:fs';"],
    ['core/x.ts', "import si from 'systeminformation';"],
    ['core/x.ts', "import { connect } from '../renderer/api/client.js';"],
    ['core/api/x.ts', "import { createApi } from '../../main/api.js';"],
    ['core/x.ts', "export * from '../main/api.js';"],
    ['main/x.ts', "import { app } from 'electron';"],
    ['main/x.ts', "import { App } from '../renderer/App.js';"],
    ['main/journal/x.ts', "import { db } from '../../server/db.js';"],
    ['server/x.ts', "import { createApi } from '../main/api.js';"],
    ['core/x.test.ts', "import { readFileSync } from 'node:fs';"],
    ['core/x.ts', "import { it } from 'vitest';"],
    // renderer/ui/: React and core/ only — no store, no client, no screen, no other npm package.
    ['renderer/ui/x.tsx', "import { create } from 'zustand';"],
    ['renderer/ui/x.tsx', "import { useNavigation } from '../state/navigation.js';"],
    ['renderer/ui/x.tsx', "import { describeError } from '../state/errors.js';"],
    ['renderer/ui/x.tsx', "import { connect } from '../api/client.js';"],
    ['renderer/ui/x.tsx', "import { KeysScreen } from '../technician/keys/KeysScreen.js';"],
    ['renderer/ui/x.tsx', "import type { BrowserWindow } from 'electron';"],
    // npm packages: only those the folder's README lists.
    ['renderer/technician/x.tsx', "import QRCode from 'qrcode';"],
    ['renderer/technician/x.tsx', "import { z } from 'zod';"],
    ['renderer/technician/x.tsx', "import { defineConfig } from 'vite';"],
    ['renderer/state/x.ts', "import { produce } from 'immer';"],
    ['main/x.ts', "import express from 'express';"],
    ['main/x.ts', "import { build } from 'esbuild';"],
    ['main/electron/x.ts', "import si from 'systeminformation';"],
    ['server/x.ts', "import express from 'express';"],
    ['server/x.ts', "import { create } from 'zustand';"],
    // core/node/: Node built-ins for main/ and server/ only; pure core/ and pages may not import it.
    ['renderer/technician/x.tsx', "import { defaultDataDir } from '../../core/node/data-folder.js';"],
    ['core/x.ts', "import { defaultDataDir } from './node/data-folder.js';"],
    ['core/node/x.ts', "import { z } from 'zod';"],
    ['core/node/x.ts', "import { createApi } from '../../main/api.js';"],
    // The zod-free core modules take zod, and modules that load it, as types only.
    ['core/errors.ts', "import { z } from 'zod';"],
    ['core/drives/write-rules.ts', "import { DriveEntrySchema } from './drives.js';"],
    ['core/drives/write-error.ts', "import { ErrorSchema } from '../error-schema.js';"],
    ['core/progress-meter.ts', "export { formatBytes } from './progress.js';"],
    ['core/drives/confirmation.ts', "const { z } = await import('zod');"],
  ])('refuses in %s: %s', async (file, code) => {
    expect(await boundaryErrors(file, `${code}\nexport {};\n`)).toHaveLength(1);
  });

  it.each([
    ['renderer/technician/x.tsx', "import type { BrowserWindow } from 'electron';"],
    ['renderer/technician/x.tsx', "import { contract } from '../../core/api/contract.js';"],
    ['core/api/x.ts', "import { z } from 'zod';\nimport { BootmendError } from '../errors.js';"],
    ['main/x.ts', "import { readFile } from 'node:fs/promises';\nimport { contract } from '../core/api/contract.js';"],
    ['main/electron/x.ts', "import { app } from 'electron';\nimport { createApi } from '../api.js';"],
    ['server/x.ts', "import { createServer } from 'node:http';\nimport { contract } from '../core/api/contract.js';"],
    ['server/x.ts', "import Fastify from 'fastify';\nimport { Kysely } from 'kysely';\nimport pg from 'pg';\nimport Database from 'better-sqlite3';"],
    ['core/x.test.ts', "import { it } from 'vitest';\nimport { z } from 'zod';"],
    ['main/web/x.test.ts', "import { recordingDispatcher } from '../../test/recording-dispatcher.js';"],
    ['renderer/ui/x.tsx', "import { createPortal } from 'react-dom';\nimport { formatBytes } from '../../core/progress.js';\nimport { Button } from './Button.js';"],
    ['renderer/technician/keys/x.tsx', "import { create } from 'zustand';\nimport { Button } from '../../ui/Button.js';\nimport { useNavigation } from '../../state/navigation.js';"],
    ['renderer/vite.config.ts', "import react from '@vitejs/plugin-react';\nimport { defineConfig } from 'vite';"],
    ['renderer/technician/x.test.ts', "import { describe } from 'vitest';"],
    ['main/x.ts', "import QRCode from 'qrcode';\nimport bwipjs from 'bwip-js/node';\nimport sudo from '@vscode/sudo-prompt';"],
    ['main/x.test.ts', "import { build } from 'esbuild';"],
    ['core/errors.ts', "import type { z } from 'zod';"],
    ['core/drives/write-rules.ts', "import { confirmationMatches } from './confirmation.js';\nimport type { DriveEntry } from './drives.js';\nimport { formatBytes } from '../progress-meter.js';"],
    ['core/drives/drives.ts', "import { z } from 'zod';\nimport { BootmendError } from '../errors.js';"],
    ['core/node/x.ts', "import { homedir } from 'node:os';\nimport { BootmendError } from '../errors.js';"],
    ['server/x.ts', "import { defaultDataDir } from '../core/node/data-folder.js';"],
    ['main/x.ts', "import { defaultDataDir } from '../core/node/data-folder.js';"],
  ])('allows in %s: %s', async (file, code) => {
    expect(await boundaryErrors(file, `${code}\nexport {};\n`)).toEqual([]);
  });

  it('says why a zod-free module may not load zod', async () => {
    const [message] = await boundaryErrors('core/progress-meter.ts', "import { z } from 'zod';\nexport {};\n");
    expect(message).toContain('loads no zod at run time');
  });

  it('names the rule the import breaks', async () => {
    const [message] = await boundaryErrors('core/x.ts', "import { readFileSync } from 'node:fs';\n");
    expect(message).toContain('core/ is pure domain');
  });
});

describe('the lists the rule enforces are the ones the READMEs name', () => {
  it.each(Object.keys(RULES))("%s's README quotes its npm packages word for word", (layer) => {
    const readme = RULES[layer as keyof typeof RULES].readme;
    expect(readFileSync(`${ROOT}${readme}`, 'utf8'), `${readme} should say:\n${npmSentence(layer)}`).toContain(npmSentence(layer));
  });

  it('every package a list names is one package.json installs', () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as Record<string, Record<string, string> | undefined>;
    const installed = new Set(['dependencies', 'optionalDependencies', 'devDependencies'].flatMap((field) => Object.keys(pkg[field] ?? {})));
    const named = Object.values(RULES).flatMap((rule) => [...rule.npm, ...(rule.testNpm ?? []), ...(rule.configNpm ?? []), ...(rule.typesOnlyNpm ?? [])]);
    expect(named.filter((name) => !installed.has(name))).toEqual([]);
  });

  it('core/README.md names every zod-free module by its path, and each exists', () => {
    const readme = readFileSync(`${ROOT}core/README.md`, 'utf8');
    for (const path of ZOD_FREE) {
      expect(existsSync(`${ROOT}${path}`), path).toBe(true);
      expect(readme, path).toContain(`\`${path.replace(/^core\//, '')}\``);
    }
  });
});
