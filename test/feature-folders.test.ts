import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;

/** Every feature of the local API: a folder of core/ with its slice of the contract. */
const FEATURES = readdirSync(`${ROOT}core`, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(`${ROOT}core/${entry.name}/contract.ts`))
  .map((entry) => entry.name)
  .filter((name) => name !== 'api');

/** Features whose views live in another folder of renderer/technician/, as the README says. */
const VIEWS_ELSEWHERE: Record<string, string> = { app: 'shell', playbooks: 'media' };

describe('feature folders (the shape of keys)', () => {
  it('finds the features the app is made of', () => {
    expect(FEATURES).toEqual(expect.arrayContaining(['keys', 'journal', 'recover', 'sync', 'media', 'drives', 'settings', 'this-laptop']));
  });

  it.each(FEATURES)('%s has its handlers in main/ and its views in renderer/technician/', (feature) => {
    expect(existsSync(`${ROOT}main/${feature}/handlers.ts`), `main/${feature}/handlers.ts`).toBe(true);
    const views = VIEWS_ELSEWHERE[feature] ?? feature;
    expect(existsSync(`${ROOT}renderer/technician/${views}/README.md`), `renderer/technician/${views}/README.md`).toBe(true);
  });

  it("main/api.ts joins every feature's handler slice", () => {
    const api = readFileSync(`${ROOT}main/api.ts`, 'utf8');
    for (const feature of FEATURES) expect(api, feature).toContain(`from './${feature}/handlers.js'`);
  });

  it('the README\'s "Where things live" names every feature, and no feature as still to come', () => {
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    const section = readme.slice(readme.indexOf('## Where things live'), readme.indexOf('## The local API contract'));
    for (const feature of FEATURES) expect(section, feature).toContain(`**${feature}**`);
    expect(section).not.toMatch(/comes next|later|to come/);
  });
});

describe('renderer stores hold state, not wording or views', () => {
  const stores = [
    ...readdirSync(`${ROOT}renderer/technician`, { recursive: true, encoding: 'utf8' }).filter((file) => /(^|\/)([a-z-]+-)?store\.ts$/.test(file)).map((file) => `renderer/technician/${file}`),
    ...readdirSync(`${ROOT}renderer/state`, { encoding: 'utf8' }).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts')).map((file) => `renderer/state/${file}`),
  ];

  it('finds the stores', () => {
    expect(stores).toEqual(expect.arrayContaining(['renderer/technician/keys/store.ts', 'renderer/technician/recover/store.ts', 'renderer/state/job.ts']));
  });

  it.each(stores)('%s imports no component, no renderer/ui/ and no words module', (store) => {
    const imports = [...readFileSync(`${ROOT}${store}`, 'utf8').matchAll(/^import .* from '([^']+)';$/gm)].map((match) => match[1]!);
    expect(imports.filter((from) => /\/ui\/|\.tsx$|[A-Z][A-Za-z]+\.js$|words\.js$/.test(from))).toEqual([]);
  });
});
