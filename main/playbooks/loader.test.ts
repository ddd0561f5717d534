import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/temp.js';
import { evaluateTargetFile } from '../../core/playbooks/conditions.js';
import { BootmendError } from '../../core/errors.js';
import type { PlaybookInput } from '../../core/playbooks/playbook.js';
import { dataFiles } from '../services/data-folder.js';
import { BUILT_IN_PLAYBOOK_DIR, listPlaybooks, MAX_PLAYBOOK_BYTES, resolvePlaybook, validatePlaybookFile } from './loader.js';

const BUILT_IN_FILE = join(BUILT_IN_PLAYBOOK_DIR, 'crowdstrike-cf291.json');
const builtInJson = () => JSON.parse(readFileSync(BUILT_IN_FILE, 'utf8')) as PlaybookInput;
const userPlaybook = (id: string): PlaybookInput => ({ ...builtInJson(), id, title: `User playbook ${id}` });

let dataDir: string;
let userDir: string;

beforeEach(() => {
  dataDir = tempDir('playbooks');
  userDir = dataFiles(dataDir).playbooks;
  mkdirSync(userDir, { recursive: true });
});

function writeUser(name: string, content: unknown): string {
  const file = join(userDir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

async function rejection(promise: Promise<unknown>): Promise<BootmendError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BootmendError);
  return error as BootmendError;
}

describe('built-in playbooks', () => {
  it('every file in assets/playbooks validates', async () => {
    const files = readdirSync(BUILT_IN_PLAYBOOK_DIR).filter((name) => name.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    const catalog = await listPlaybooks({ userDir: null });
    expect(catalog.refused).toEqual([]);
    expect(catalog.playbooks.map((p) => p.source)).toEqual(files.map(() => 'built-in'));
  });

  it('crowdstrike-cf291 names exactly the faulty file', async () => {
    const { playbook } = await resolvePlaybook('crowdstrike-cf291', { userDir: null });
    expect(playbook).toMatchObject({ id: 'crowdstrike-cf291', version: '1.0.0' });
    expect(playbook.appliesTo).toEqual(['Windows 10', 'Windows 11', 'Windows Server 2016', 'Windows Server 2019', 'Windows Server 2022']);
    expect(playbook.targets).toHaveLength(1);
    const target = playbook.targets[0]!;
    expect(target).toMatchObject({
      folder: '%SystemRoot%\\System32\\drivers\\CrowdStrike',
      glob: 'C-00000291*.sys',
      action: 'quarantine',
      conditions: { modifiedUtc: { from: '2024-07-19T04:09:00Z', before: '2024-07-19T05:27:00Z' }, leadingBytesHex: 'AAAAAAAA01002301' },
    });
    const magic = Uint8Array.from([0xaa, 0xaa, 0xaa, 0xaa, 0x01, 0x00, 0x23, 0x01]);
    const file = (time: string) => ({ name: 'C-00000291-00000000-00000032.sys', sizeBytes: 40_000, modifiedUtc: new Date(time), leadingBytes: magic, sha256: null });
    expect(evaluateTargetFile(target, file('2024-07-19T04:09:00Z'))?.verdict).toBe('remove');
    expect(evaluateTargetFile(target, file('2024-07-19T05:27:00Z'))?.verdict).toBe('keep');
    for (const route of ['winpe', 'winre', 'safemode'] as const) expect(playbook.walkthrough[route].length).toBeGreaterThanOrEqual(3);
    expect(playbook.incident.references.map((r) => new URL(r.url).hostname)).toEqual(['www.crowdstrike.com', 'www.crowdstrike.com', 'support.microsoft.com']);
  });
});

describe('user playbooks', () => {
  it('are listed after the built-ins', async () => {
    writeUser('vendor-x.json', userPlaybook('vendor-x-2025'));
    const catalog = await listPlaybooks({ userDir });
    expect(catalog.playbooks.map((p) => [p.playbook.id, p.source])).toEqual([
      ['crowdstrike-cf291', 'built-in'],
      ['vendor-x-2025', 'user'],
    ]);
    expect(catalog.refused).toEqual([]);
  });

  it('an invalid one is refused with file, field and reason, and the rest still load', async () => {
    const bad = userPlaybook('broken-one');
    bad.targets[0]!.conditions!.modifiedUtc!.before = '2024-07-19 05:27';
    const file = writeUser('my.json', bad);
    writeUser('fine.json', userPlaybook('fine-one'));
    writeUser('notes.txt', 'not a playbook, ignored');
    const catalog = await listPlaybooks({ userDir });
    expect(catalog.playbooks.map((p) => p.playbook.id)).toEqual(['crowdstrike-cf291', 'fine-one']);
    expect(catalog.refused).toHaveLength(1);
    expect(catalog.refused[0]!.message).toBe(`${file}: targets.0.conditions.modifiedUtc.before: must be an ISO 8601 time with a zone, e.g. 2024-07-19T04:09:00Z`);
  });

  it('broken JSON is refused with line and column', async () => {
    const file = writeUser('typo.json', '{\n  "schemaVersion": 1,\n  "id": "typo"\n  "version": "1.0.0"\n}');
    const { refused } = await listPlaybooks({ userDir });
    expect(refused[0]!.message).toBe(`${file}: line 4, column 3: not valid JSON: expected "," or "}", found """`);
  });

  it('one taking a built-in id is refused, clearly', async () => {
    const file = writeUser('copy.json', userPlaybook('crowdstrike-cf291'));
    const catalog = await listPlaybooks({ userDir });
    expect(catalog.playbooks.filter((p) => p.playbook.id === 'crowdstrike-cf291').map((p) => p.source)).toEqual(['built-in']);
    expect(catalog.refused[0]).toMatchObject({ file, declaredId: 'crowdstrike-cf291' });
    expect(catalog.refused[0]!.message).toMatch(/id: "crowdstrike-cf291" is the id of a built-in playbook/);
    // The built-in still resolves by id.
    expect((await resolvePlaybook('crowdstrike-cf291', { userDir })).source).toBe('built-in');
  });

  it('two user files with one id are both refused', async () => {
    writeUser('a.json', userPlaybook('same-id'));
    writeUser('b.json', userPlaybook('same-id'));
    const catalog = await listPlaybooks({ userDir });
    expect(catalog.refused.map((r) => r.message)).toEqual([expect.stringMatching(/also the id of b\.json/), expect.stringMatching(/also the id of a\.json/)]);
    const error = await rejection(resolvePlaybook('same-id', { userDir }));
    expect(error.code).toBe('INVALID_INPUT');
  });

  it('UTF-16, oversized and non-UTF-8 files are refused with a way out', async () => {
    writeFileSync(join(userDir, 'unicode.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(userPlaybook('u16')), 'utf16le')]));
    writeFileSync(join(userDir, 'huge.json'), Buffer.alloc(MAX_PLAYBOOK_BYTES + 1, 0x20));
    writeFileSync(join(userDir, 'latin1.json'), Buffer.from([0x7b, 0xe9, 0x7d]));
    const messages = (await listPlaybooks({ userDir })).refused.map((r) => r.message).join('\n');
    expect(messages).toMatch(/unicode\.json: is saved as UTF-16/);
    expect(messages).toMatch(/huge\.json: is \d+ bytes; a playbook is at most/);
    expect(messages).toMatch(/latin1\.json: is not UTF-8 text/);
  });

  it('a missing user folder is simply empty', async () => {
    const catalog = await listPlaybooks({ userDir: join(dataDir, 'nowhere') });
    expect(catalog.refused).toEqual([]);
    expect(catalog.playbooks).toHaveLength(1);
  });
});

describe('resolvePlaybook', () => {
  it('NOT_FOUND lists the available ids', async () => {
    writeUser('x.json', userPlaybook('vendor-x-2025'));
    const error = await rejection(resolvePlaybook('no-such-playbook', { userDir }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe('There is no playbook "no-such-playbook". Available: crowdstrike-cf291, vendor-x-2025.');
  });

  it('an id whose file was refused explains the refusal instead of NOT_FOUND', async () => {
    writeUser('half.json', { ...userPlaybook('half-done'), targets: [] });
    const error = await rejection(resolvePlaybook('half-done', { userDir }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/half\.json: targets: must have at least one target/);
  });

  it('accepts a file path', async () => {
    const file = join(dataDir, 'elsewhere.json');
    writeFileSync(file, JSON.stringify(userPlaybook('from-a-file')));
    expect(await resolvePlaybook(file, { userDir })).toMatchObject({ source: 'file', file, playbook: { id: 'from-a-file' } });
  });

  it('a file path to the built-in file is the built-in; a copy elsewhere is refused', async () => {
    expect((await resolvePlaybook(BUILT_IN_FILE)).source).toBe('built-in');
    const copy = join(dataDir, 'copy.json');
    writeFileSync(copy, readFileSync(BUILT_IN_FILE));
    const error = await rejection(validatePlaybookFile(copy));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^.*copy\.json: id: "crowdstrike-cf291" is the id of a built-in playbook/) });
  });

  it('a missing file is NOT_FOUND; an invalid one lists every problem', async () => {
    expect((await rejection(resolvePlaybook(join(dataDir, 'missing.json')))).code).toBe('NOT_FOUND');
    const file = join(dataDir, 'two-problems.json');
    writeFileSync(file, JSON.stringify({ ...userPlaybook('two-problems'), version: 'v1', extra: true }));
    const error = await rejection(resolvePlaybook(file));
    expect(error.message.split('\n')).toEqual([`${file}: version: must look like 1.0.0`, `${file}: extra: is not a playbook field (check its spelling and where it is placed)`]);
  });
});
