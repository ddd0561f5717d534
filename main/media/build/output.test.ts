import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PlaybookSchema } from '../../../core/playbooks/playbook.js';
import { tempDir } from '../../../test/temp.js';
import { requireCommands, requireRoot } from '../../../test/tools.js';
import { createApi } from '../../api.js';
import { buildPayload } from '../../payload/build.js';
import { listTree, sha256File } from '../test-support.js';
import { buildMedium } from './build-medium.js';

const playbook = PlaybookSchema.parse(JSON.parse(readFileSync(new URL('../../../assets/playbooks/crowdstrike-cf291.json', import.meta.url), 'utf8')));
const BIN = fileURLToPath(new URL('../../../bin/bootmend.mjs', import.meta.url));

function put(root: string, relative: string, content: Buffer | string): void {
  mkdirSync(dirname(join(root, relative)), { recursive: true });
  writeFileSync(join(root, relative), content);
}

/** What a technician's home folder looks like to a build that was pointed at it by mistake. */
function homeLikeFolder(): string {
  const home = join(tempDir('home'), 'ana');
  put(home, '.bashrc', 'export PATH=$HOME/bin:$PATH\n');
  put(home, '.ssh/known_hosts', 'example.org ssh-ed25519 AAAA-not-a-real-key\n');
  put(home, 'Documents/incident report.odt', randomBytes(40_000));
  put(home, 'Pictures/rack.jpg', randomBytes(120_000));
  put(home, 'bootmend/notes.txt', 'my own notes, in a folder that happens to be called bootmend\n');
  mkdirSync(join(home, 'Downloads'));
  return home;
}

/** A stick that came back from the field: results and quarantined files written by fix.cmd at PCs. */
function useInField(stick: string): void {
  put(stick, 'bootmend/results/PC-0042-20240719T0655Z.json', '{"machine":"PC-0042","outcome":"fixed"}\r\n');
  put(stick, 'bootmend/results/PC-0043-20240719T0702Z.json', '{"machine":"PC-0043","outcome":"needs_attention"}\r\n');
  put(stick, 'bootmend/quarantine/PC-0042/20240719T0655Z/C-00000291-00000000-00000032.sys', Buffer.concat([Buffer.from('AAAAAAAA01002301', 'hex'), randomBytes(4000)]));
  put(stick, 'bootmend/quarantine/PC-0042/20240719T0655Z/manifest.txt', 'C:\\Windows\\System32\\drivers\\CrowdStrike\\C-00000291-00000000-00000032.sys\r\n');
  put(stick, 'bootmend/quarantine/PC-0042/20240719T0655Z/restore.cmd', '@echo off\r\nmove ...\r\n');
}

const kept = async (stick: string) => (await listTree(join(stick, 'bootmend'))).filter((e) => /^(results|quarantine)(\/|$)/.test(e.path));
const siblings = (path: string): string[] => readdirSync(dirname(path)).sort();

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, BOOTMEND_DATA_DIR: tempDir('cli-data') }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('what a rebuild deletes and what it keeps', () => {
  it('refuses a home-like folder as the target with a sentence, even with "Replace if it exists", and deletes nothing', async () => {
    const home = homeLikeFolder();
    const before = await listTree(home);
    for (const format of ['folder', 'iso', 'usb-image'] as const) {
      await expect(buildMedium({ playbook, format, out: home, overwrite: true })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'out' });
    }
    await expect(buildMedium({ playbook, format: 'folder', out: home, overwrite: true })).rejects.toThrow(/is not a medium Bootmend made \(it has no bootmend\/medium\.json\), so Bootmend will not replace it or anything in it/);
    // The payload's --overwrite replaces only a bootmend folder Bootmend made: this one is the user's.
    await expect(buildPayload({ playbook, outDir: home, overwrite: true })).rejects.toThrow(/bootmend was not made by Bootmend \(it has no bootmend\/medium\.json\), so it is not replaced/);
    expect(await listTree(home)).toEqual(before);
    expect(siblings(home)).toEqual(['ana']);
  });

  it('never replaces a whole folder where a payload build wrote only bootmend/ (a home folder, a stick with other files): refused with a sentence, nothing deleted', async () => {
    // `payload build --out ~ --overwrite` once: bootmend/ with its marker now sits among the user's own files.
    const home = homeLikeFolder();
    rmSync(join(home, 'bootmend'), { recursive: true });
    await buildPayload({ playbook, outDir: home, overwrite: true });
    useInField(home);
    const before = await listTree(home);
    for (const overwrite of [true, false]) {
      await expect(buildMedium({ playbook, format: 'folder', out: home, overwrite })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        field: 'out',
        message: expect.stringContaining('holds a Bootmend payload (bootmend/) beside other files, so Bootmend will not replace the whole folder'),
      });
    }
    expect(await listTree(home)).toEqual(before);
    expect(siblings(home)).toEqual(['ana']);
    // Its own payload may still be replaced, and only that: the user's files stay.
    await buildPayload({ playbook, outDir: home, overwrite: true });
    expect((await listTree(home)).filter((e) => !e.path.startsWith('bootmend'))).toEqual(before.filter((e) => !e.path.startsWith('bootmend')));
  });

  it('rebuilds in place a folder medium made before the marker said what Bootmend owns (no `owns`): it holds only a medium\'s entries; its results survive', async () => {
    const stick = join(tempDir('stick'), 'OLDSTICK');
    await buildMedium({ playbook, format: 'folder', out: stick, mediumId: 'bm-older001' });
    // The marker as builds before `owns` wrote it, and the Windows PE layout an older medium had around bootmend/.
    const marker = join(stick, 'bootmend', 'medium.json');
    const older = JSON.parse(readFileSync(marker, 'utf8')) as Record<string, unknown>;
    delete older.owns;
    writeFileSync(marker, `${JSON.stringify(older, null, 2)}\n`);
    for (const file of ['bootmgr', 'bootmgr.efi', 'Boot/BCD', 'EFI/Microsoft/Boot/BCD', 'sources/boot.wim', 'en-us/bootmgr.efi.mui']) put(stick, file, randomBytes(64));
    useInField(stick);
    const fieldResults = await kept(stick);
    const rebuilt = await buildMedium({ playbook, format: 'folder', out: stick, overwrite: true, mediumId: 'bm-newer001' });
    expect(rebuilt.mediumId).toBe('bm-newer001');
    expect(JSON.parse(readFileSync(marker, 'utf8'))).toMatchObject({ mediumId: 'bm-newer001', owns: 'folder' });
    expect(await kept(stick)).toEqual(fieldResults);
    // The same older marker beside one file of someone else's: refused as before, nothing deleted.
    const mixed = join(tempDir('stick'), 'MIXED');
    await buildMedium({ playbook, format: 'folder', out: mixed, mediumId: 'bm-older002' });
    writeFileSync(join(mixed, 'bootmend', 'medium.json'), `${JSON.stringify({ ...older, mediumId: 'bm-older002' }, null, 2)}\n`);
    put(mixed, 'tax return 2023.pdf', randomBytes(2000));
    const before = await listTree(mixed);
    await expect(buildMedium({ playbook, format: 'folder', out: mixed, overwrite: true })).rejects.toThrow(/holds a Bootmend payload \(bootmend\/\) beside other files/);
    expect(await listTree(mixed)).toEqual(before);
  }, 60_000);

  it('refuses to replace an image file that Bootmend did not make (a file called x.iso holding something else)', async () => {
    const out = join(tempDir('media'), 'x.iso');
    writeFileSync(out, 'precious');
    await expect(buildMedium({ playbook, format: 'iso', out, overwrite: true })).rejects.toThrow(/not a medium Bootmend made/);
    expect(readFileSync(out, 'utf8')).toBe('precious');
  });

  it('rebuilds a used stick folder: results/ and quarantine/ survive byte for byte, the rest is new (Media screen request, then the CLI flag)', async () => {
    const stick = join(tempDir('stick'), 'STICK');
    const first = await buildMedium({ playbook, format: 'folder', out: stick, mediumId: 'bm-first001' });
    expect(JSON.parse(readFileSync(join(stick, 'bootmend', 'medium.json'), 'utf8'))).toEqual({ kind: 'bootmend-medium', mediumId: first.mediumId, playbook: { id: 'crowdstrike-cf291', version: '1.0.0' }, owns: 'folder' });
    useInField(stick);
    const fieldResults = await kept(stick);
    expect(fieldResults.filter((e) => e.kind === 'file')).toHaveLength(5);

    // The Media screen's request, through the same dispatcher the app uses.
    const { dispatcher } = createApi({ host: 'cli', dataDir: tempDir('api') });
    const refused = await dispatcher.call('buildMedium', { playbook: 'crowdstrike-cf291', format: 'folder', out: stick }, { jobId: 'job-rebuild-refused' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('already exists') } });
    const rebuilt = await dispatcher.call('buildMedium', { playbook: 'crowdstrike-cf291', format: 'folder', out: stick, overwrite: true }, { jobId: 'job-rebuild-replace' });
    expect(rebuilt).toMatchObject({ ok: true });
    expect(await kept(stick)).toEqual(fieldResults);
    expect(readFileSync(join(stick, 'bootmend', 'medium.json'), 'utf8')).not.toContain('bm-first001');
    expect(siblings(stick)).toEqual(['STICK']);

    // The CLI flag, on the same stick: media build --overwrite.
    const viaCli = await cli(['media', 'build', '--playbook', 'crowdstrike-cf291', '--format', 'folder', '--out', stick, '--overwrite', '--json']);
    expect(viaCli.code).toBe(0);
    expect(await kept(stick)).toEqual(fieldResults);
    expect(readdirSync(stick).filter((name) => name.startsWith('.'))).toEqual([]);
  }, 60_000);

  it('payload build --overwrite keeps the results/ and quarantine/ of a stick back from the field (function and CLI)', async () => {
    const stick = tempDir('stick');
    await buildPayload({ playbook, outDir: stick, mediumId: 'bm-old00001' });
    put(stick, 'EFI/Boot/bootx64.efi', 'a loader the technician copied by hand');
    useInField(stick);
    const fieldResults = await kept(stick);
    await buildPayload({ playbook, outDir: stick, overwrite: true, mediumId: 'bm-new00001' });
    expect(await kept(stick)).toEqual(fieldResults);
    expect(readFileSync(join(stick, 'bootmend', 'fix.cmd'), 'latin1')).toContain('bm-new00001');
    expect(readFileSync(join(stick, 'EFI', 'Boot', 'bootx64.efi'), 'utf8')).toBe('a loader the technician copied by hand');

    const viaCli = await cli(['payload', 'build', '--playbook', 'crowdstrike-cf291', '--out', stick, '--overwrite', '--json']);
    expect(viaCli.code).toBe(0);
    expect(JSON.parse(viaCli.stdout).files).toContain('bootmend/medium.json');
    expect(await kept(stick)).toEqual(fieldResults);
    expect(readdirSync(stick).sort()).toEqual(['EFI', 'bootmend']);
  }, 60_000);

  it('keeps the storage drivers a technician copied into bootmend/drivers by hand (as the walkthrough says) when a rebuild brings none; --drivers replaces them', async () => {
    const handAdded = (stick: string): void => {
      put(stick, 'bootmend/drivers/vmd/iaStorVD.inf', '[Version]\r\nSignature="$WINDOWS NT$"\r\n');
      put(stick, 'bootmend/drivers/vmd/iaStorVD.sys', randomBytes(9000));
    };
    const drivers = async (stick: string) => (await listTree(join(stick, 'bootmend'))).filter((e) => /^drivers(\/|$)/.test(e.path));

    // A folder medium, rebuilt without --drivers.
    const stick = join(tempDir('stick'), 'STICK');
    await buildMedium({ playbook, format: 'folder', out: stick });
    handAdded(stick);
    useInField(stick);
    const before = await drivers(stick);
    const fieldResults = await kept(stick);
    const rebuilt = await buildMedium({ playbook, format: 'folder', out: stick, overwrite: true });
    expect(await drivers(stick)).toEqual(before);
    expect(await kept(stick)).toEqual(fieldResults);
    expect(rebuilt.driversOnMedium).toEqual({ folder: 'bootmend/drivers', infs: 1 });

    // --drivers DIR: the new set replaces the old one.
    const fresh = tempDir('drivers');
    put(fresh, 'raid/megasas.inf', '[Version]\r\n');
    const replaced = await buildMedium({ playbook, format: 'folder', out: stick, overwrite: true, drivers: fresh });
    expect((await drivers(stick)).filter((e) => e.kind === 'file').map((e) => e.path)).toEqual(['drivers/raid/megasas.inf']);
    expect(replaced.driversOnMedium).toEqual({ folder: 'bootmend/drivers', infs: 1 });
    expect(await kept(stick)).toEqual(fieldResults);

    // A payload-only stick: payload build --overwrite brings no drivers and keeps them.
    const payloadStick = tempDir('stick');
    await buildPayload({ playbook, outDir: payloadStick });
    handAdded(payloadStick);
    const payloadBefore = await drivers(payloadStick);
    await buildPayload({ playbook, outDir: payloadStick, overwrite: true });
    expect(await drivers(payloadStick)).toEqual(payloadBefore);
    expect(payloadBefore.filter((e) => e.kind === 'file')).toHaveLength(2);
  });

  it('recognises a stick built before the marker existed by its fix.cmd and playbook.json, and keeps its results', async () => {
    const stick = tempDir('stick');
    await buildPayload({ playbook, outDir: stick });
    useInField(stick);
    const legacy = join(stick, 'bootmend', 'medium.json');
    writeFileSync(legacy, '');
    await expect(buildPayload({ playbook, outDir: stick, overwrite: true })).rejects.toThrow(/was not made by Bootmend/); // an empty marker is not a marker
    const { rmSync } = await import('node:fs');
    rmSync(legacy);
    const fieldResults = await kept(stick);
    await buildPayload({ playbook, outDir: stick, overwrite: true });
    expect(await kept(stick)).toEqual(fieldResults);
  });

  it('a build that fails midway leaves the old folder output whole, and leaves nothing beside it', async () => {
    const stick = join(tempDir('stick'), 'STICK');
    await buildMedium({ playbook, format: 'folder', out: stick });
    useInField(stick);
    const before = await listTree(stick);
    const controller = new AbortController();
    await expect(
      buildMedium({ playbook, format: 'folder', out: stick, overwrite: true, signal: controller.signal, onProgress: (event) => event.phase === 'writing' && controller.abort() }),
    ).rejects.toBeDefined();
    expect(await listTree(stick)).toEqual(before);
    expect(siblings(stick)).toEqual(['STICK']);
  });

  requireCommands(['xorriso'], { for: 'reading the rebuilt ISO' }).it('replaces an earlier Bootmend ISO or USB image only after the new one is complete', async () => {
    const dir = tempDir('media');
    for (const [format, name] of [['iso', 'bootmend.iso'], ['usb-image', 'bootmend.img']] as const) {
      const out = join(dir, name);
      await buildMedium({ playbook, format, out, mediumId: 'bm-image001' });
      const old = await sha256File(out);
      const controller = new AbortController();
      const failing = buildMedium({ playbook, format, out, overwrite: true, signal: controller.signal, onProgress: (event) => event.phase === 'writing' && controller.abort() });
      await expect(failing).rejects.toBeDefined();
      expect(await sha256File(out)).toBe(old);
      const rebuilt = await buildMedium({ playbook, format, out, overwrite: true, mediumId: 'bm-image002' });
      expect(rebuilt.sha256).toBe(await sha256File(out));
      expect(rebuilt.sha256).not.toBe(old);
    }
    expect(readdirSync(dir).sort()).toEqual(['bootmend.img', 'bootmend.iso']);
  }, 60_000);

  requireRoot({ for: 'mounting a tmpfs as a whole stick' }).it('rebuilds a stick chosen as a whole (a mount point): staged inside it, results kept, nothing left beside or inside', async () => {
    const parent = tempDir('mnt');
    const stick = join(parent, 'STICK');
    mkdirSync(stick);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', stick]);
    try {
      await buildMedium({ playbook, format: 'folder', out: stick });
      useInField(stick);
      const fieldResults = await kept(stick);
      await buildMedium({ playbook, format: 'folder', out: stick, overwrite: true });
      expect(await kept(stick)).toEqual(fieldResults);
      expect(readdirSync(stick).filter((name) => name.startsWith('.'))).toEqual([]);
      expect(readdirSync(parent)).toEqual(['STICK']);
    } finally {
      execFileSync('umount', [stick]);
    }
  });
});
