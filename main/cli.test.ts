import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/temp.js';

const BIN = fileURLToPath(new URL('../bin/bootmend.mjs', import.meta.url));

function bootmend(args: string[], dataDir = tempDir('cli')) {
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

  it('reads this laptop through systeminformation: its name and disks, at most one of them the system disk', async () => {
    // How the system disk is found is proven on recorded snapshots (core/this-laptop, core/drives);
    // a container may show no system disk at all, so this live run asserts only what holds everywhere.
    const { code, stdout, stderr } = await bootmend(['this-laptop', '--json']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const laptop = JSON.parse(stdout) as { hostname: string; disks: { isSystem: boolean }[] };
    expect(laptop.hostname.length).toBeGreaterThan(0);
    expect(laptop.disks.every((d) => typeof d.isSystem === 'boolean')).toBe(true);
    expect(laptop.disks.filter((d) => d.isSystem).length).toBeLessThanOrEqual(1);
  });

  it('keeps "machine" working as the old name of this-laptop, with a one-line note on stderr', async () => {
    const { code, stdout, stderr } = await bootmend(['machine', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ hostname: expect.any(String) });
    expect(stderr).toBe('bootmend: "machine" is now "this-laptop" (a machine is the PC being recovered); the old name still works.\n');
    const help = (await bootmend(['--help'])).stdout;
    expect(help).toMatch(/^ {2}this-laptop +this laptop's system/m);
    expect(help).not.toMatch(/^ {2}machine /m);
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
    const dir = tempDir('cli');
    expect((await bootmend(['settings', 'set', 'technicianName=Ana Lopez'], dir)).code).toBe(0);
    const bad = await bootmend(['settings', 'set', 'backendUrl=helpdesk', '--json'], dir);
    expect(bad.code).toBe(64);
    expect(JSON.parse(bad.stdout)).toMatchObject({ error: { code: 'INVALID_INPUT', field: 'backendUrl' } });
    expect(JSON.parse((await bootmend(['settings', '--json'], dir)).stdout)).toMatchObject({ technicianName: 'Ana Lopez', backendUrl: '' });
  });

  it('sets up Microsoft Graph as graph.tenantId and graph.clientId (one can change alone), shows them, refuses a bad one naming it, and graph=off removes it', async () => {
    const dir = tempDir('cli');
    const client = '11111111-2222-3333-4444-555555555555';
    const partial = await bootmend(['settings', 'set', 'graph.tenantId=contoso.onmicrosoft.com'], dir);
    expect(partial.code).toBe(64);
    expect(partial.stderr).toContain('graph.clientId is needed too');
    expect((await bootmend(['settings', 'set', 'technicianName=Ana Lopez', 'graph.tenantId=contoso.onmicrosoft.com', `graph.clientId=${client}`], dir)).code).toBe(0);
    expect((await bootmend(['settings', 'set', 'graph.tenantId=fabrikam.onmicrosoft.com'], dir)).code).toBe(0);
    expect(JSON.parse((await bootmend(['settings', '--json'], dir)).stdout)).toMatchObject({ technicianName: 'Ana Lopez', graph: { tenantId: 'fabrikam.onmicrosoft.com', clientId: client } });
    expect((await bootmend(['settings'], dir)).stdout).toMatch(/graph\.tenantId\s+fabrikam\.onmicrosoft\.com/);
    const bad = await bootmend(['settings', 'set', 'graph.clientId=bootmend-app', '--json'], dir);
    expect(bad.code).toBe(64);
    expect(JSON.parse(bad.stdout)).toMatchObject({ error: { code: 'INVALID_INPUT', field: 'graph.clientId', message: expect.stringMatching(/^The application \(client\) ID must be a GUID/) as unknown } });
    expect((await bootmend(['settings', 'set', 'graph=off'], dir)).code).toBe(0);
    const off = JSON.parse((await bootmend(['settings', '--json'], dir)).stdout) as Record<string, unknown>;
    expect(off).toMatchObject({ technicianName: 'Ana Lopez' });
    expect(off).not.toHaveProperty('graph');
    expect((await bootmend(['settings'], dir)).stdout).toMatch(/graph\s+off/);
    // Nine runs of the CLI from source (each compiles under tsx): 20 s is not enough on a busy CI machine.
  }, 120_000);

  it('takes global options before the command, values included', async () => {
    const dir = tempDir('cli');
    const { code, stdout } = await bootmend(['--data-dir', dir, 'info', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ dataDir: dir });
  });

  it('exits 64 on an unknown command or flag, saying what to do', async () => {
    const unknown = await bootmend(['frobnicate']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toMatch(/"frobnicate" is not a bootmend command[\s\S]*bootmend --help/);
    expect((await bootmend(['info', '--colour'])).code).toBe(64);
  });
});

describe('bootmend drives list / drives snapshot (writing: main/cli/commands/media-write.test.ts)', () => {
  const fixture = (name: string) => fileURLToPath(new URL(`../core/drives/fixtures/${name}.json`, import.meta.url));

  it('lists a saved Windows laptop snapshot as a JSON array a script can filter', async () => {
    const { code, stdout } = await bootmend(['drives', 'list', '--json', '--from-snapshot', fixture('windows-laptop')]);
    expect(code).toBe(0);
    const drives = JSON.parse(stdout) as { device: string; size: number; kind: string; selectable: boolean; reasons: { code: string; message: string }[] }[];
    expect(drives.find((d) => d.kind === 'system')).toMatchObject({ selectable: false, reasons: [expect.objectContaining({ code: 'SYSTEM_DISK' })] });
    expect(drives.filter((d) => d.selectable).map((d) => d.kind).sort()).toEqual(['sd-card', 'usb-stick']);
    expect(drives.find((d) => d.kind === 'usb-hdd')?.selectable).toBe(false);
  });

  it('offers the USB hard disk only when asked', async () => {
    const { stdout } = await bootmend(['drives', 'list', '--json', '--include-usb-hdd', '--from-snapshot', fixture('windows-laptop')]);
    const drives = JSON.parse(stdout) as { kind: string; selectable: boolean }[];
    expect(drives.find((d) => d.kind === 'usb-hdd')?.selectable).toBe(true);
  });

  it.each(['linux-laptop', 'vm-virtio', 'macos-laptop', 'windows-desktop'])('never offers the disk a computer runs from (%s snapshot)', async (name) => {
    const { code, stdout } = await bootmend(['drives', 'list', '--json', '--from-snapshot', fixture(name)]);
    expect(code).toBe(0);
    const drives = JSON.parse(stdout) as { kind: string; selectable: boolean }[];
    expect(drives.filter((d) => d.kind === 'system')).not.toHaveLength(0);
    expect(drives.filter((d) => d.kind === 'system' && d.selectable)).toEqual([]);
  });

  it('never offers a system disk on this computer either (when it shows one)', async () => {
    const { code, stdout } = await bootmend(['drives', 'list', '--json']);
    expect(code).toBe(0);
    const drives = JSON.parse(stdout) as { kind: string; selectable: boolean }[];
    expect(drives.filter((d) => d.kind === 'system' && d.selectable)).toEqual([]);
  });

  it("saves this laptop's snapshot (said so: a machine is the PC being recovered), and it lists the same drives when read back", async () => {
    const out = join(tempDir('snap'), 'snap.json');
    const saved = await bootmend(['drives', 'snapshot', '--out', out]);
    expect(saved.code).toBe(0);
    expect(saved.stdout).toBe(`Saved this laptop's drive snapshot to ${out}.\n`);
    const snapshot = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(snapshot)).toEqual(expect.arrayContaining(['platform', 'osInfo', 'blockDevices', 'diskLayout', 'fsSize']));
    const live = JSON.parse((await bootmend(['drives', 'list', '--json'])).stdout) as { device: string; kind: string }[];
    const replayed = JSON.parse((await bootmend(['drives', 'list', '--json', '--from-snapshot', out])).stdout) as { device: string; kind: string }[];
    expect(replayed.map((d) => [d.device, d.kind])).toEqual(live.map((d) => [d.device, d.kind]));
  });

  it('says what is wrong with a snapshot file that is not one', async () => {
    const bad = join(tempDir('snap'), 'bad.json');
    writeFileSync(bad, '{"platform": "linux"}');
    const { code, stderr } = await bootmend(['drives', 'list', '--from-snapshot', bad]);
    expect(code).not.toBe(0);
    expect(stderr).toContain('bad.json');
  });

  it('asks for --out and names the subcommands of a group', async () => {
    expect((await bootmend(['drives', 'snapshot'])).code).toBe(64);
    const group = await bootmend(['drives']);
    expect(group.code).toBe(64);
    expect(group.stderr).toMatch(/"drives list" or "drives snapshot"/);
  });
});

describe('bootmend playbooks', () => {
  it('lists the built-in CrowdStrike playbook and where your own go', async () => {
    const dir = tempDir('cli');
    const { code, stdout } = await bootmend(['playbooks', 'list', '--json'], dir);
    expect(code).toBe(0);
    const catalog = JSON.parse(stdout) as { playbooks: { playbook: { id: string }; source: string }[]; userFolder: string };
    expect(catalog.playbooks).toEqual([expect.objectContaining({ source: 'built-in', playbook: expect.objectContaining({ id: 'crowdstrike-cf291' }) })]);
    expect(catalog.userFolder).toBe(join(dir, 'playbooks'));
  });

  it('refuses an invalid playbook naming each field, with exit 1', async () => {
    const file = join(tempDir('pb'), 'mine.json');
    writeFileSync(file, JSON.stringify({ schemaVersion: 1, id: 'mine', version: '1.0', title: 'Mine' }));
    const { code, stdout } = await bootmend(['playbooks', 'validate', file, '--json']);
    expect(code).toBe(1);
    const answer = JSON.parse(stdout) as { valid: boolean; problems: string[] };
    expect(answer.valid).toBe(false);
    expect(answer.problems).toEqual(expect.arrayContaining([expect.stringMatching(/mine\.json: version: must look like 1\.0\.0/), expect.stringMatching(/targets: is required/)]));
  });

  it('lists a broken user playbook as refused, keeps the good ones, and exits 1', async () => {
    const dir = tempDir('cli');
    mkdirSync(join(dir, 'playbooks'));
    writeFileSync(join(dir, 'playbooks', 'broken.json'), '{ "id": ');
    const { code, stdout } = await bootmend(['playbooks', 'list', '--json'], dir);
    expect(code).toBe(1);
    const catalog = JSON.parse(stdout) as { playbooks: unknown[]; refused: { file: string; message: string }[] };
    expect(catalog.playbooks).toHaveLength(1);
    expect(catalog.refused[0]?.message).toMatch(/broken\.json/);
  });
});

describe('bootmend payload build and media build', () => {
  it('writes the payload folder for a playbook id, and refuses a non-empty folder', async () => {
    const out = join(tempDir('payload'), 'stick');
    const { code, stdout } = await bootmend(['payload', 'build', '--playbook', 'crowdstrike-cf291', '--out', out, '--json']);
    expect(code).toBe(0);
    const built = JSON.parse(stdout) as { payloadDir: string; files: string[]; playbook: { id: string } };
    expect(built.playbook.id).toBe('crowdstrike-cf291');
    expect(built.files).toEqual(expect.arrayContaining(['bootmend/fix.cmd', 'bootmend/README.txt', 'bootmend/playbook.json']));
    expect(readFileSync(join(out, 'bootmend', 'fix.cmd'), 'latin1')).toContain('\r\n');
    const again = await bootmend(['payload', 'build', '--playbook', 'crowdstrike-cf291', '--out', out]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/is not empty/);
  });

  it('builds a payload-only ISO and prints its SHA-256', async () => {
    const out = join(tempDir('media'), 'fix.iso');
    const { code, stdout } = await bootmend(['media', 'build', '--playbook', 'crowdstrike-cf291', '--format', 'iso', '--out', out, '--json']);
    expect(code).toBe(0);
    const built = JSON.parse(stdout) as { sha256: string; bytes: number };
    expect(built.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(built.bytes).toBe(readFileSync(out).length);
  });

  it('names the missing flag', async () => {
    const { code, stderr } = await bootmend(['media', 'build', '--playbook', 'crowdstrike-cf291', '--out', '/tmp/x.iso']);
    expect(code).toBe(64);
    expect(stderr).toContain('--format iso|usb-image|folder');
  });
});
