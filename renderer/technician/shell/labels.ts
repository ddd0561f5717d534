import type { AppInfo } from '../../../core/app/contract.js';

const HOSTS: Record<AppInfo['host'], string> = { electron: 'Electron', web: 'Web host', cli: 'Command line' };
const PLATFORMS: Record<string, string> = { win32: 'Windows', darwin: 'macOS', linux: 'Linux' };

export function hostLabel(host: AppInfo['host']): string {
  return HOSTS[host];
}

/** "Windows", "macOS", "Linux"; other platforms by their Node name. */
export function platformName(platform: string): string {
  return PLATFORMS[platform] ?? platform;
}

export function platformLabel(platform: string, arch: string): string {
  return `${platformName(platform)} (${arch})`;
}
