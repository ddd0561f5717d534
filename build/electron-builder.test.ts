import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FuseV1Options, FuseVersion, type FuseConfig } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

interface Target {
  target: string[];
  icon: string;
  category?: string;
  maintainer?: string;
}
interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { output: string };
  files: string[];
  asar: boolean;
  beforeBuild: string;
  afterPack: string;
  win: Target;
  linux: Target;
  mac: Target;
}
interface AfterPackContext {
  electronPlatformName: string;
  appOutDir: string;
  arch: number;
  packager: { appInfo: { productFilename: string }; executableName?: string };
}
interface AfterPackModule {
  afterPack: (context: AfterPackContext) => Promise<void>;
  createAfterPack: (deps: { flipFuses?: (path: string, config: FuseConfig) => Promise<number>; log?: (line: string) => void }) => (context: AfterPackContext) => Promise<void>;
  fuseConfig: (target: { platform: string; arch?: number | string }) => FuseConfig;
  electronBinaryPath: (context: AfterPackContext) => string;
}

const config = parse(readFileSync(join(root, 'build', 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const hook = require('./after-pack.cjs') as AfterPackModule;
const beforeBuildHook = require('./before-build.cjs') as { beforeBuild: () => Promise<boolean> };
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };

describe('build/electron-builder.yml', () => {
  it('identifies the app as org.bootmend.app / Bootmend and writes to release/', () => {
    expect(config.appId).toBe('org.bootmend.app');
    expect(config.productName).toBe('Bootmend');
    expect(config.directories.output).toBe('release');
    expect(pkg.scripts.dist).toContain('--config build/electron-builder.yml');
  });

  it('builds NSIS + portable for Windows, AppImage + deb for Linux and a dmg for macOS', () => {
    expect(config.win.target).toEqual(['nsis', 'portable']);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.category).toBe('System');
    expect(config.linux.maintainer).toMatch(/<.+@.+>/);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.mac.category).toBe('public.app-category.utilities');
  });

  it('packs into an ASAR only the bundles, the renderer build, package.json and the run-time data (playbooks, payload templates)', () => {
    expect(config.asar).toBe(true);
    expect(config.files).toEqual(expect.arrayContaining(['dist/electron/**', 'dist/renderer/**', 'package.json', '!**/*.map']));
    expect(config.files).toEqual(expect.arrayContaining(['assets/playbooks/**', 'assets/payload/**']));
    const included = config.files.filter((pattern) => !pattern.startsWith('!'));
    expect(included.every((pattern) => pattern.startsWith('dist/') || pattern === 'package.json' || /^assets\/(playbooks|payload)\//.test(pattern))).toBe(true);
    expect(pkg.main).toBe('dist/electron/main.cjs');
  });

  it('points every platform icon at a file in assets/icons that exists', () => {
    for (const platform of [config.win, config.linux, config.mac]) {
      expect(platform.icon).toMatch(/^assets\/icons\//);
      expect(existsSync(join(root, platform.icon)), platform.icon).toBe(true);
    }
  });

  it('runs hooks that exist: beforeBuild (no node_modules copied) and afterPack (fuses)', async () => {
    expect(existsSync(join(root, config.beforeBuild))).toBe(true);
    expect(existsSync(join(root, config.afterPack))).toBe(true);
    expect(resolve(root, config.afterPack)).toBe(join(root, 'build', 'after-pack.cjs'));
    expect(await beforeBuildHook.beforeBuild()).toBe(false);
    expect(typeof hook.afterPack).toBe('function');
  });
});

describe('Electron fuses (build/after-pack.cjs)', () => {
  it('turns off RunAsNode, NODE_OPTIONS and --inspect, and turns on ASAR integrity and ASAR-only loading', () => {
    const fuses = hook.fuseConfig({ platform: 'win32', arch: 1 }) as Record<number | string, unknown>;
    expect(fuses.version).toBe(FuseVersion.V1);
    expect(fuses[FuseV1Options.RunAsNode]).toBe(false);
    expect(fuses[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(fuses[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(fuses[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(fuses[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(fuses[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(fuses[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
  });

  it('decides every fuse @electron/fuses knows (V8 snapshot: Electron\'s own; WebAssembly trap handlers: on) and asks for all of them strictly', () => {
    const fuses = hook.fuseConfig({ platform: 'linux', arch: 1 }) as Record<number | string, unknown>;
    expect(fuses.strictlyRequireAllFuses).toBe(true);
    const known = Object.values(FuseV1Options).filter((value): value is number => typeof value === 'number');
    expect(known.length).toBeGreaterThanOrEqual(9);
    for (const option of known) expect(typeof fuses[option], FuseV1Options[option]).toBe('boolean');
    expect(fuses[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]).toBe(false);
    expect(fuses[FuseV1Options.WasmTrapHandlers]).toBe(true);
  });

  it('with the real @electron/fuses: flips Electron\'s 9-fuse wire and refuses a wire with a fuse it has no decision for', async () => {
    // Sentinel @electron/fuses looks for, then wire version 1, wire length, one byte per fuse ('0' off, '1' on).
    const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
    const dir = mkdtempSync(join(tmpdir(), 'bootmend-fuses-'));
    const binaryWith = (defaults: string): string => {
      const binary = join(dir, 'bootmend');
      writeFileSync(binary, Buffer.concat([Buffer.from('ELF-ish\n'), Buffer.from(SENTINEL), Buffer.from([1, defaults.length]), Buffer.from(defaults), Buffer.alloc(32)]));
      chmodSync(binary, 0o755);
      return binary;
    };
    const wireOf = (binary: string, length: number): string => {
      const bytes = readFileSync(binary);
      const start = bytes.indexOf(SENTINEL) + SENTINEL.length + 2;
      return bytes.subarray(start, start + length).toString('latin1');
    };
    const context: AfterPackContext = { electronPlatformName: 'linux', appOutDir: dir, arch: 1, packager: { appInfo: { productFilename: 'Bootmend' }, executableName: 'bootmend' } };
    const afterPack = hook.createAfterPack({ log: () => undefined });
    try {
      // Electron's shipped defaults (build/fuses/fuses.json5 in electron/electron, 9 fuses as of Electron 45).
      const current = binaryWith('101100001');
      await afterPack(context);
      expect(wireOf(current, 9)).toBe('010011001');
      // A later Electron with a tenth fuse: the build stops instead of leaving it at its default.
      const later = binaryWith('1011000011');
      await expect(afterPack(context)).rejects.toThrow(/strictlyRequireAllFuses/);
      expect(wireOf(later, 10)).toBe('1011000011');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('redoes the ad-hoc signature only for arm64/universal macOS builds', () => {
    expect(hook.fuseConfig({ platform: 'darwin', arch: 3 }).resetAdHocDarwinSignature).toBe(true);
    expect(hook.fuseConfig({ platform: 'darwin', arch: 4 }).resetAdHocDarwinSignature).toBe(true);
    expect(hook.fuseConfig({ platform: 'darwin', arch: 1 }).resetAdHocDarwinSignature).toBe(false);
    expect(hook.fuseConfig({ platform: 'linux', arch: 3 }).resetAdHocDarwinSignature).toBe(false);
  });

  const contexts: [string, AfterPackContext, string][] = [
    ['win32', { electronPlatformName: 'win32', appOutDir: '/out/win-unpacked', arch: 1, packager: { appInfo: { productFilename: 'Bootmend' } } }, join('/out/win-unpacked', 'Bootmend.exe')],
    ['linux', { electronPlatformName: 'linux', appOutDir: '/out/linux-unpacked', arch: 1, packager: { appInfo: { productFilename: 'Bootmend' }, executableName: 'bootmend' } }, join('/out/linux-unpacked', 'bootmend')],
    ['darwin', { electronPlatformName: 'darwin', appOutDir: '/out/mac-arm64', arch: 3, packager: { appInfo: { productFilename: 'Bootmend' } } }, join('/out/mac-arm64', 'Bootmend.app')],
  ];

  it.each(contexts)('after-pack hook (flipFuses injected as a recording fake) flips the %s binary at the packaged path', async (_platform, context, expectedPath) => {
    const calls: [string, FuseConfig][] = [];
    const afterPack = hook.createAfterPack({
      flipFuses: async (path, fuses) => {
        calls.push([path, fuses]);
        return 1;
      },
      log: () => undefined,
    });
    await afterPack(context);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.[0]).toBe(expectedPath);
    expect(calls[0]?.[1]).toEqual(hook.fuseConfig({ platform: context.electronPlatformName, arch: context.arch }));
  });

  it('falls back to the lower-cased product name for the Linux executable', () => {
    expect(hook.electronBinaryPath({ electronPlatformName: 'linux', appOutDir: '/o', arch: 1, packager: { appInfo: { productFilename: 'Bootmend' } } })).toBe(join('/o', 'bootmend'));
  });
});
