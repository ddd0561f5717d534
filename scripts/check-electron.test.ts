import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkElectron, decide, newestStable, parseRegistryAnswer, pinnedMajor, type RegistryAnswer } from './check-electron.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = JSON.parse(readFileSync(join(root, 'scripts', 'fixtures', 'electron-dist-tags.json'), 'utf8')) as Record<string, unknown>;
/** A recorded registry answer, as check-electron.mjs gets it from npm's stdout. */
const answer = (name: string): RegistryAnswer => parseRegistryAnswer(JSON.stringify(fixtures[name]));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { optionalDependencies: { electron: string }; scripts: Record<string, string> };

const work = mkdtempSync(join(tmpdir(), 'bootmend-check-electron-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs checkElectron against a package.json pinning `pinned` and a canned registry answer; returns what it printed. */
async function run(pinned: string, registry: () => Promise<RegistryAnswer>) {
  const dir = mkdtempSync(join(work, 'pkg-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', optionalDependencies: { electron: pinned } }));
  const logged: string[] = [];
  const warned: string[] = [];
  const code = await checkElectron({ root: dir, fetch: registry, log: (line) => logged.push(line), warn: (line) => warned.push(line) });
  return { code, logged, warned };
}

describe('check:electron decision on recorded registry answers', () => {
  it('pinned on the newest line (45.6.1 against the 2026-12-05 answer): supported, and says so', () => {
    expect(decide('45.6.1', answer('recorded-2026-12-05'))).toEqual({
      status: 'supported',
      supported: [45, 44, 43],
      message: "check:electron: Electron 45 (package.json pins 45.6.1) is supported: Electron's three newest major lines are 45, 44 and 43; 45 is the newest.",
    });
  });

  it('pinned on the third newest line: still supported, with when it falls out', () => {
    const result = decide('43.8.13', answer('recorded-2026-12-05'));
    expect(result.status).toBe('supported');
    expect(result.message).toBe(
      "check:electron: Electron 43 (package.json pins 43.8.13) is supported: Electron's three newest major lines are 45, 44 and 43; 43 is 2 lines behind the newest (45.6.1); it falls out of support when Electron 46 is released.",
    );
  });

  it('pinned on a line that fell out (41.7.1, and 42 just past the three): warns with the exact sentence', () => {
    expect(decide('41.7.1', answer('recorded-2026-12-05'))).toEqual({
      status: 'unsupported',
      supported: [45, 44, 43],
      message:
        'warning: Electron 41 (package.json pins 41.7.1) is out of support: Electron supports only its three newest major lines, now 45, 44 and 43. ' +
        'Move to 45.x (see "Electron here and elsewhere" in README.md).',
    });
    expect(decide('42.11.18', answer('recorded-2026-12-05')).status).toBe('unsupported');
  });

  it('ignores alpha, beta and nightly dist-tags: a 48 nightly or a 46 beta does not push 43 out', () => {
    const tags = answer('with-prereleases-2026-12-05');
    expect(tags.ok && newestStable(tags.distTags)).toBe('45.6.1');
    expect(decide('43.8.13', tags)).toMatchObject({ status: 'supported', supported: [45, 44, 43] });
    expect(decide('45.6.1', tags).message).toMatch(/45 is the newest\.$/);
    // The day before 45.0.0: the 45 alpha is not a release yet, so 42 was still supported and 41 not.
    const before45 = answer('before-45-2026-10-20');
    expect(decide('42.11.10', before45)).toMatchObject({ status: 'supported', supported: [44, 43, 42] });
    expect(decide('41.10.7', before45).message).toMatch(/^warning: Electron 41 .* now 44, 43 and 42\. Move to 44\.x/);
    // Pinning a prerelease ahead of the newest stable line is not a warning.
    expect(decide('46.0.0-beta.2', tags)).toMatchObject({ status: 'ahead' });
  });

  it('registry unreachable (npm\'s recorded ECONNREFUSED answer): one line saying so, no warning', () => {
    const unreachable = answer('unreachable-econnrefused');
    expect(unreachable).toEqual({ ok: false, reason: 'ECONNREFUSED' });
    expect(decide('45.6.1', unreachable)).toEqual({
      status: 'unknown',
      message: "check:electron: could not ask the npm registry for Electron's newest release (ECONNREFUSED); support of the pinned Electron 45.6.1 not checked.",
    });
    expect(parseRegistryAnswer('')).toEqual({ ok: false, reason: 'npm printed no JSON' });
  });

  it('reads exact pins and simple ranges; anything else is reported, not guessed', () => {
    expect(['45.6.1', '^45.6.1', '~45.6', '45.x', '=45.0.0', '46.0.0-beta.2'].map(pinnedMajor)).toEqual([45, 45, 45, 45, 45, 46]);
    expect(pinnedMajor('latest')).toBeNull();
    expect(decide('latest', answer('recorded-2026-12-05')).status).toBe('unknown');
    expect(decide(undefined, answer('recorded-2026-12-05')).message).toMatch(/pins no Electron version/);
  });
});

describe('npm run check:electron', () => {
  it('warns (on stderr, once) and still exits 0 when package.json pins a line that fell out', async () => {
    const { code, logged, warned } = await run('41.7.1', async () => answer('recorded-2026-12-05'));
    expect(code).toBe(0);
    expect(logged).toEqual([]);
    expect(warned).toEqual([expect.stringMatching(/^warning: Electron 41 \(package\.json pins 41\.7\.1\) is out of support/)]);
  });

  it('exits 0 with one line when the registry cannot be reached, or asking throws', async () => {
    for (const registry of [async () => answer('unreachable-econnrefused'), () => Promise.reject(new Error('spawn npm ENOENT'))]) {
      const { code, logged, warned } = await run('45.6.1', registry);
      expect(code).toBe(0);
      expect(warned).toEqual([]);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatch(/^check:electron: could not ask the npm registry .*not checked\.$/);
    }
  });

  it('as a process, with npm pointed at a closed port: prints one line and exits 0', async () => {
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
      execFile(process.execPath, [join(root, 'scripts', 'check-electron.mjs')], { cwd: root, env: { ...process.env, npm_config_registry: 'http://127.0.0.1:9/' }, timeout: 60_000 }, (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(result).toEqual({ code: 0, stdout: expect.stringMatching(/^check:electron: could not ask the npm registry for Electron's newest release \(ECONNREFUSED\)/), stderr: '' });
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toContain(`the pinned Electron ${pkg.optionalDependencies.electron} not checked`);
  }, 60_000);

  it('is wired: the package script, and a line of its own in .ci/run after npm install and before npm test', () => {
    expect(pkg.scripts['check:electron']).toBe('node scripts/check-electron.mjs');
    const ci = readFileSync(join(root, '.ci', 'run'), 'utf8').split('\n');
    const at = (pattern: RegExp) => ci.findIndex((line) => pattern.test(line));
    const check = at(/^npm run check:electron\b/);
    expect(check).toBeGreaterThan(-1);
    expect(at(/^npm install\b/)).toBeLessThan(check);
    expect(at(/^npm test\b/)).toBeGreaterThan(check);
  });

  it('renovate.json proposes electron, electron-builder and @electron/fuses as one update, majors included', () => {
    const renovate = JSON.parse(readFileSync(join(root, 'renovate.json'), 'utf8')) as { packageRules: { matchPackageNames?: string[]; groupName?: string; separateMajorMinor?: boolean }[] };
    const rules = renovate.packageRules.filter((rule) => rule.matchPackageNames?.includes('electron'));
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ groupName: expect.any(String), separateMajorMinor: false });
    expect(new Set(rules[0]!.matchPackageNames)).toEqual(new Set(['electron', 'electron-builder', '@electron/fuses']));
  });
});
