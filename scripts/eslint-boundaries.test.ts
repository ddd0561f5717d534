import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

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
    ['core/x.test.ts', "import { it } from 'vitest';\nimport { z } from 'zod';"],
    ['main/web/x.test.ts', "import { recordingDispatcher } from '../../test/recording-dispatcher.js';"],
  ])('allows in %s: %s', async (file, code) => {
    expect(await boundaryErrors(file, `${code}\nexport {};\n`)).toEqual([]);
  });

  it('names the rule the import breaks', async () => {
    const [message] = await boundaryErrors('core/x.ts', "import { readFileSync } from 'node:fs';\n");
    expect(message).toContain('core/ is pure domain');
  });
});
