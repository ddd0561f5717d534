import type { AppInfo } from '../../../core/app/contract.js';

const HOSTS: Record<AppInfo['host'], string> = { electron: 'Electron', web: 'Web host', cli: 'Command line' };
const PLATFORMS: Record<string, string> = { win32: 'Windows', darwin: 'macOS', linux: 'Linux' };

export function hostLabel(host: AppInfo['host']): string {
  return HOSTS[host];
}

export function platformLabel(platform: string, arch: string): string {
  return `${PLATFORMS[platform] ?? platform} (${arch})`;
}
