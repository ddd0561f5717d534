import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Tool } from '../../core/settings/contract.js';

export interface ToolDefinition {
  id: string;
  name: string;
  purpose: string;
  /** Executable names to look for on PATH, in order. */
  commands: string[];
  versionArgs: string[];
}

/** Optional helpers media building can use; Bootmend works without each, with less. */
export const KNOWN_TOOLS: ToolDefinition[] = [
  { id: 'wimlib', name: 'wimlib-imagex', purpose: 'Injects the Bootmend launcher into a WinPE boot.wim on Linux and macOS.', commands: ['wimlib-imagex'], versionArgs: ['--version'] },
  { id: 'dism', name: 'DISM', purpose: 'Injects the launcher and drivers into boot.wim on Windows.', commands: ['dism.exe'], versionArgs: ['/?'] },
  { id: '7z', name: '7-Zip', purpose: 'Reads UDF-only Windows install ISOs used as a base.', commands: ['7z', '7zz', '7z.exe'], versionArgs: [] },
  { id: 'xorriso', name: 'xorriso', purpose: 'Independent check of the ISO images Bootmend writes.', commands: ['xorriso'], versionArgs: ['-version'] },
  { id: 'fsck-fat', name: 'fsck.fat', purpose: 'Independent check of the USB images Bootmend writes.', commands: ['fsck.fat'], versionArgs: ['--help'] },
  { id: 'qemu', name: 'QEMU', purpose: 'Test-boots a built medium before it goes to the field.', commands: ['qemu-system-x86_64', 'qemu-system-x86_64.exe'], versionArgs: ['--version'] },
];

export async function findOnPath(command: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const dirs = (env.PATH ?? env.Path ?? '').split(delimiter).filter(Boolean);
  for (const dir of dirs) {
    const candidate = join(dir, command);
    try {
      await access(candidate, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return null;
}

export async function probeTool(def: ToolDefinition, signal: AbortSignal): Promise<Tool> {
  for (const command of def.commands) {
    const path = await findOnPath(command);
    if (path) return { id: def.id, name: def.name, purpose: def.purpose, found: true, path, version: await readVersion(path, def.versionArgs, signal) };
  }
  return { id: def.id, name: def.name, purpose: def.purpose, found: false, path: null, version: null };
}

function readVersion(path: string, args: string[], signal: AbortSignal): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(path, args, { timeout: 5000, signal, windowsHide: true }, (_error, stdout, stderr) => {
      const line = `${stdout}\n${stderr}`.split(/\r?\n/).find((l) => /\d+\.\d+/.test(l));
      const match = line ? /(\d+\.\d+(?:\.\d+)*)/.exec(line) : null;
      resolve(match ? match[1]! : null);
    });
  });
}
