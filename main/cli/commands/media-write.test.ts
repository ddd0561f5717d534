import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type BootmendApi } from '../../api.js';
import { requireAll, requireRoot, requireTools } from '../../../test/tools.js';
import { blankFile, LOOP_TOOLS, LoopDevices, randomFile, removeDir, workDir } from '../../drives/write/testing/loop.js';
import { UsageError, type Command, type OptionValues } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { makeMediaVerify, makeMediaWrite } from './media-write.js';

const MiB = 1 << 20;
/** Writes go to loop devices: root and losetup (skipped with the summary line outside CI, failing in CI, as every tool-dependent proof). */
const loopWrite = requireAll([requireRoot({ for: 'bootmend media write/verify on loop devices' }), requireTools(LOOP_TOOLS, { for: 'bootmend media write/verify on loop devices' })]);

/** The commands call the local API (writeDrives, verifyDrive, listDrives) as the CLI builds it. */
let api: BootmendApi;

function runCommand(command: Command, args: string[], options: OptionValues, json = false): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t), tty: false };
  return command.run({ api, io, args, options, json, dataDir: api.dataDir }).then((code) => ({ code, out, err }));
}

describe('bootmend media write / media verify', () => {
  let dir = '';
  let image = '';
  let sha = '';
  beforeAll(async () => {
    dir = await workDir('cli-write');
    api = createApi({ host: 'cli', dataDir: path.join(dir, 'data') });
    image = path.join(dir, 'image.img');
    sha = await randomFile(image, 3 * MiB);
  });
  afterAll(() => removeDir(dir));
  const loops = new LoopDevices();
  afterEach(() => loops.detachAll());

  /** A loop device over a fresh file (root only): a drive the guard lists. */
  async function stick(name: string, bytes: number, fill?: number): Promise<{ file: string; device: string }> {
    const file = path.join(dir, name);
    await blankFile(file, bytes, fill);
    return { file, device: loops.attach(file) };
  }

  it('without --yes and not on a terminal, refuses as a usage error and writes nothing', async () => {
    const target = path.join(dir, 'untouched.img');
    await blankFile(target, 4 * MiB, 0x12);
    const write = makeMediaWrite({ interactive: () => false, ask: () => Promise.reject(new Error('must not ask')) });
    await expect(runCommand(write, [image], { drive: [target] })).rejects.toThrow(UsageError);
    await expect(runCommand(write, [image], { drive: [target] })).rejects.toThrow(/add --yes/);
    expect((await readFile(target)).equals(Buffer.alloc(4 * MiB, 0x12))).toBe(true);
  });

  it('on a terminal, names what will be erased and stops unless the answer is yes', async () => {
    const target = path.join(dir, 'asked.img');
    await blankFile(target, 4 * MiB, 0x13);
    const questions: string[] = [];
    const write = makeMediaWrite({ interactive: () => true, ask: async (q) => (questions.push(q), 'no') });
    const { code, err } = await runCommand(write, [image], { drive: [target] });
    expect(code).toBe(EXIT.CANCELLED);
    expect(err).toContain(`This erases everything on:\n  ${target} (a file, not a drive: the writer will refuse it)`);
    expect(err).toContain('Nothing was written.');
    expect(questions).toHaveLength(1);
    expect((await readFile(target)).equals(Buffer.alloc(4 * MiB, 0x13))).toBe(true);
  });

  it('needs an image and at least one --drive', async () => {
    const write = makeMediaWrite();
    await expect(runCommand(write, [], { drive: ['/dev/x'], yes: true })).rejects.toThrow(/needs the image file/);
    await expect(runCommand(write, [image], { yes: true })).rejects.toThrow(/needs --drive DEVICE/);
  });

  loopWrite.it('--yes --json writes two drives and prints one JSON result; exit 0', async () => {
    const a = (await stick('a.img', 4 * MiB)).device;
    const b = (await stick('b.img', 4 * MiB)).device;
    const { code, out, err } = await runCommand(makeMediaWrite(), [image], { drive: [a, b], yes: true }, true);
    expect(code).toBe(EXIT.OK);
    const result = JSON.parse(out) as { sha256: string; results: { outcome: string; sha256: string }[] };
    expect(result.sha256).toBe(sha);
    expect(result.results.map((r) => [r.outcome, r.sha256])).toEqual([
      ['verified', sha],
      ['verified', sha],
    ]);
    for (const line of err.trim().split('\n').filter(Boolean)) expect(JSON.parse(line)).toMatchObject({ type: 'progress' });
  });

  loopWrite.it('a too-small drive and a plain file fail with their sentences and exit 1', async () => {
    const small = (await stick('small.img', MiB)).device;
    const { code, out } = await runCommand(makeMediaWrite(), [image], { drive: [small], yes: true });
    expect(code).toBe(EXIT.FAILED);
    expect(out).toContain(`${small}: failed — The drive ${small} holds 1.05 MB`);
    expect(out).toContain('Untouched: nothing was written to it.');
    const file = path.join(dir, 'plain.img');
    await blankFile(file, 4 * MiB, 0x31);
    const refused = await runCommand(makeMediaWrite(), [image], { drive: [file], yes: true });
    expect(refused.code).toBe(EXIT.FAILED);
    expect(refused.out).toContain(`${file}: failed — Bootmend will not write to ${file}: it is a file, not a drive.`);
    expect((await readFile(file)).equals(Buffer.alloc(4 * MiB, 0x31))).toBe(true);
  });

  loopWrite.it('media verify exits 0 when every byte matches and 1 naming the offset when one differs', async () => {
    const { file, device: target } = await stick('verify.img', 4 * MiB);
    const copy = await readFile(image);
    await writeFile(file, Buffer.concat([copy, Buffer.alloc(MiB)]));
    const ok = await runCommand(makeMediaVerify(), [image], { drive: [target] });
    expect(ok).toMatchObject({ code: EXIT.OK });
    expect(ok.out).toContain(`every byte is the same (SHA-256 ${sha})`);
    copy[2 * MiB + 3] = copy[2 * MiB + 3]! ^ 0x80;
    await writeFile(file, copy, { flag: 'r+' });
    const bad = await runCommand(makeMediaVerify(), [image], { drive: [target] }, true);
    expect(bad.code).toBe(EXIT.FAILED);
    expect(JSON.parse(bad.out)).toMatchObject({ match: false, firstMismatchOffset: 2 * MiB + 3 });
    const missing = await runCommand(makeMediaVerify(), [image], { drive: ['/dev/bootmend-gone'] });
    expect(missing.code).toBe(EXIT.FAILED);
    expect(missing.err).toContain('is no longer connected');
  });
});
