import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type FullConfig } from '@playwright/test';
import { CHOSEN_BROWSER_ENV, findBrowser, machineLookup, npmChromiumIn } from '../scripts/find-browser.js';
import { findElectronBinary } from './electron-binary.js';

/** Where step 4 of scripts/find-browser.ts keeps the npm registry's Chromium: it goes with node_modules. */
export const NPM_CHROMIUM_CACHE = join(fileURLToPath(new URL('..', import.meta.url)), 'node_modules', '.cache', 'bootmend-chromium');

/** False only when the command line names projects (--project) and none of them can be "web". */
function webProjectWanted(argv: readonly string[]): boolean {
  const named: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--project=')) named.push(arg.slice('--project='.length));
    else if (arg === '--project') for (let j = i + 1; j < argv.length && !argv[j]!.startsWith('-'); j++) named.push(argv[j]!);
  }
  return named.length === 0 || named.some((name) => name.toLowerCase() === 'web' || name.includes('*'));
}

export default async function globalSetup(config: FullConfig): Promise<void> {
  const electron = findElectronBinary();
  const wantsElectron = config.projects.some((p) => p.name === 'electron');
  if (wantsElectron && 'missing' in electron) {
    console.log(`e2e: the "electron" project is skipped: ${electron.missing}. Install Electron with network access (npm install) to run it.`);
  }

  // The web project's browser is chosen once here (fetching the npm Chromium if nothing else is
  // there) and handed to the test workers through the environment, which they inherit.
  Reflect.deleteProperty(process.env, CHOSEN_BROWSER_ENV);
  if (!config.projects.some((p) => p.name === 'web') || !webProjectWanted(process.argv)) return;
  const browser = await findBrowser(
    machineLookup({
      playwrightExecutablePath: () => chromium.executablePath(),
      npmChromium: npmChromiumIn(NPM_CHROMIUM_CACHE, { fetch: true, log: (line) => console.log(line) }),
    }),
  );
  process.env[CHOSEN_BROWSER_ENV] = browser.path;
  console.log(`e2e: browser: ${browser.path} (${browser.from})`);
}
