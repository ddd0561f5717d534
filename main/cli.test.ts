import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/bootmend.mjs', import.meta.url));

function bootmend(args: string[], dataDir = mkdtempSync(join(tmpdir(), 'bootmend-cli-'))) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, BOOTMEND_DATA_DIR: dataDir }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('bootmend CLI (runs from source, no build step)', () => {
  it('prints help with the commands and exit codes', async () => {
    const { code, stdout } = await bootmend(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Usage: bootmend <command>/);
    expect(stdout).toMatch(/Exit codes: 0 success, 1 the operation failed, 64 wrong usage/);
  });

  it('prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect((await bootmend(['--version'])).stdout.trim()).toBe(pkg.version);
  });

  it('answers --json with one JSON document on stdout', async () => {
    const { code, stdout } = await bootmend(['info', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ name: 'Bootmend', host: 'cli' });
  });

  it('reads this machine through systeminformation and marks the system disk', async () => {
    const { code, stdout } = await bootmend(['machine', '--json']);
    expect(code).toBe(0);
    const machine = JSON.parse(stdout) as { hostname: string; disks: { isSystem: boolean }[] };
    expect(machine.hostname.length).toBeGreaterThan(0);
    expect(machine.disks.filter((d) => d.isSystem)).toHaveLength(1);
  });

  it('streams progress as JSON lines on stderr, keeping stdout for the result', async () => {
    const { code, stdout, stderr } = await bootmend(['tools', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).tools.length).toBeGreaterThan(0);
    const lines = stderr.trim().split('\n').map((l) => JSON.parse(l) as { type: string; fraction: number });
    expect(lines.every((l) => l.type === 'progress')).toBe(true);
    expect(lines.at(-1)?.fraction).toBe(1);
  });

  it('saves settings and refuses a bad value with exit 64, naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bootmend-cli-'));
    expect((await bootmend(['settings', 'set', 'technicianName=Ana Lopez'], dir)).code).toBe(0);
    const bad = await bootmend(['settings', 'set', 'backendUrl=helpdesk', '--json'], dir);
    expect(bad.code).toBe(64);
    expect(JSON.parse(bad.stdout)).toMatchObject({ error: { code: 'INVALID_INPUT', field: 'backendUrl' } });
    expect(JSON.parse((await bootmend(['settings', '--json'], dir)).stdout)).toMatchObject({ technicianName: 'Ana Lopez', backendUrl: '' });
  });

  it('exits 64 on an unknown command or flag, saying what to do', async () => {
    const unknown = await bootmend(['frobnicate']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toMatch(/"frobnicate" is not a bootmend command[\s\S]*bootmend --help/);
    expect((await bootmend(['info', '--colour'])).code).toBe(64);
  });
});
