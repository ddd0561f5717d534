#!/usr/bin/env node
// Rasterizes assets/icons/icon.svg to icon.png (512x512) and icon-256.png with Chromium through
// Playwright: `npx tsx build/render-icons.mjs`. The browser is found as the e2e finds it
// (scripts/find-browser.ts: BOOTMEND_CHROMIUM, a system Chromium or Chrome, Playwright's own).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { findBrowser, machineLookup } from '../scripts/find-browser.ts';

const icons = join(dirname(fileURLToPath(import.meta.url)), '..', 'assets', 'icons');
const svg = readFileSync(join(icons, 'icon.svg'), 'utf8');

const browser = await chromium.launch({
  executablePath: (await findBrowser(machineLookup({ playwrightExecutablePath: () => chromium.executablePath() }))).path,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  for (const [size, file] of [[512, 'icon.png'], [256, 'icon-256.png']]) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    const sized = svg.replace(/width="\d+" height="\d+"/, `width="${size}" height="${size}"`);
    await page.setContent(`<!doctype html><style>html,body{margin:0;background:transparent}svg{display:block}</style>${sized}`);
    await page.screenshot({ path: join(icons, file), omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    await page.close();
    console.log(`wrote assets/icons/${file} (${size}x${size})`);
  }
} finally {
  await browser.close();
}
