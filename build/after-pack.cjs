'use strict';
// electron-builder `afterPack` hook: flips Electron's fuses in the packaged binary, before
// electron-builder signs it. https://www.electronjs.org/docs/latest/tutorial/fuses
const path = require('node:path');

/** builder-util's Arch enum values for the arches whose macOS ad-hoc signature must be redone. */
const ARCH_ARM64 = 3;
const ARCH_UNIVERSAL = 4;

/**
 * The fuse wire for a packaged Bootmend. Anything not listed keeps Electron's default.
 * @param {{ platform: string, arch?: number | string }} target
 * @param {typeof import('@electron/fuses')} fuses
 * @returns {import('@electron/fuses').FuseV1Config}
 */
function fuseConfig(target, fuses = require('@electron/fuses')) {
  const { FuseVersion, FuseV1Options } = fuses;
  const mac = target.platform === 'darwin' || target.platform === 'mas';
  const armOrUniversal = target.arch === ARCH_ARM64 || target.arch === ARCH_UNIVERSAL || target.arch === 'arm64' || target.arch === 'universal';
  return {
    version: FuseVersion.V1,
    // Every fuse this @electron/fuses knows is decided below, and flipping fails on an Electron
    // whose fuse wire is longer than that: a fuse added by a new Electron is decided here (after
    // updating @electron/fuses), never silently left at its default.
    strictlyRequireAllFuses: true,
    // Flipping fuses breaks the ad-hoc signature arm64 macOS requires; redo it (a real
    // signature, when configured, is applied by electron-builder afterwards).
    resetAdHocDarwinSignature: mac && armOrUniversal,
    // The binary cannot be turned into a plain Node.js by ELECTRON_RUN_AS_NODE.
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    // NODE_OPTIONS and --inspect / --inspect-brk cannot inject code or a debugger.
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    // app.asar must match the hash electron-builder embeds (macOS Info.plist, Windows resource).
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    // Only resources/app.asar is loaded: no loose resources/app folder next to it.
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    // The app ships no custom V8 snapshot: the browser process uses Electron's default one.
    [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
    // The app never uses file:// (it is served as bootmend://app), so file: pages get no extra powers.
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    // Electron's default: V8 guards WebAssembly memory with trap handlers (the drive writer's xxhash-wasm).
    [FuseV1Options.WasmTrapHandlers]: true,
  };
}

/**
 * Where the fuse wire is, from electron-builder's afterPack context. For macOS the .app
 * bundle: @electron/fuses finds the Electron Framework inside it.
 * @param {{ electronPlatformName: string, appOutDir: string, packager: { appInfo: { productFilename: string }, executableName?: string } }} context
 */
function electronBinaryPath(context) {
  const { electronPlatformName, appOutDir, packager } = context;
  const productFilename = packager.appInfo.productFilename;
  switch (electronPlatformName) {
    case 'win32':
      return path.join(appOutDir, `${productFilename}.exe`);
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${productFilename}.app`);
    case 'linux':
      // electron-builder names the Linux executable packager.executableName (lower-case by default).
      return path.join(appOutDir, packager.executableName ?? productFilename.toLowerCase());
    default:
      throw new Error(`Bootmend does not package for ${electronPlatformName}`);
  }
}

/**
 * The hook, with @electron/fuses injectable for tests.
 * @param {{ flipFuses?: typeof import('@electron/fuses').flipFuses, fuses?: typeof import('@electron/fuses'), log?: (line: string) => void }} [deps]
 */
function createAfterPack(deps = {}) {
  return async function afterPack(context) {
    const fuses = deps.fuses ?? require('@electron/fuses');
    const flipFuses = deps.flipFuses ?? fuses.flipFuses;
    const binary = electronBinaryPath(context);
    const config = fuseConfig({ platform: context.electronPlatformName, arch: context.arch }, fuses);
    const sentinels = await flipFuses(binary, config);
    (deps.log ?? console.log)(`  • bootmend: flipped Electron fuses in ${binary} (${sentinels} fuse wire${sentinels === 1 ? '' : 's'})`);
  };
}

const afterPack = createAfterPack();

module.exports = { afterPack, createAfterPack, fuseConfig, electronBinaryPath };
