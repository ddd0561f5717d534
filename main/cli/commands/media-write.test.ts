import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type BootmendApi } from '../../api.js';
import { blankFile, randomFile, removeDir, workDir } from '../../drives/write/testing/loop.js';
import { UsageError, type Command, type OptionValues } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { makeMediaVerify, makeMediaWrite } from './media-write.js';

const MiB = 1 << 20;
const asRoot = process.getuid?.() === 0;

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
    expect(err).toContain(`This erases everything on:\n  ${target} (image file, 4.19 MB)`);
    expect(err).toContain('Nothing was written.');
    expect(questions).toHaveLength(1);
    expect((await readFile(target)).equals(Buffer.alloc(4 * MiB, 0x13))).toBe(true);
  });

  it('needs an image and at least one --drive', async () => {
    const write = makeMediaWrite();
    await expect(runCommand(write, [], { drive: ['/dev/x'], yes: true })).rejects.toThrow(/needs the image file/);
    await expect(runCommand(write, [image], { yes: true })).rejects.toThrow(/needs --drive DEVICE/);
  });

  it.skipIf(!asRoot)('--yes --json writes two targets and prints one JSON result; exit 0', async () => {
    const a = path.join(dir, 'a.img');
    const b = path.join(dir, 'b.img');
    await blankFile(a, 4 * MiB);
    await blankFile(b, 4 * MiB);
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

  it.skipIf(!asRoot)('a too-small target fails with its sentence and exit 1', async () => {
    const small = path.join(dir, 'small.img');
    await blankFile(small, MiB);
    const { code, out } = await runCommand(makeMediaWrite(), [image], { drive: [small], yes: true });
    expect(code).toBe(EXIT.FAILED);
    expect(out).toContain(`${small}: failed — The drive ${small} holds 1.05 MB`);
    expect(out).toContain('Untouched: nothing was written to it.');
  });

  it.skipIf(!asRoot)('media verify exits 0 when every byte matches and 1 naming the offset when one differs', async () => {
    const target = path.join(dir, 'verify.img');
    const copy = await readFile(image);
    await writeFile(target, Buffer.concat([copy, Buffer.alloc(MiB)]));
    const ok = await runCommand(makeMediaVerify(), [image], { drive: [target] });
    expect(ok).toMatchObject({ code: EXIT.OK });
    expect(ok.out).toContain(`every byte is the same (SHA-256 ${sha})`);
    copy[2 * MiB + 3] = copy[2 * MiB + 3]! ^ 0x80;
    await writeFile(target, copy);
    const bad = await runCommand(makeMediaVerify(), [image], { drive: [target] }, true);
    expect(bad.code).toBe(EXIT.FAILED);
    expect(JSON.parse(bad.out)).toMatchObject({ match: false, firstMismatchOffset: 2 * MiB + 3 });
    const missing = await runCommand(makeMediaVerify(), [image], { drive: [path.join(dir, 'gone.img')] });
    expect(missing.code).toBe(EXIT.FAILED);
    expect(missing.err).toContain('is no longer connected');
  });
});
