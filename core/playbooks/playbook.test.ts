import { describe, expect, it } from 'vitest';
import { locateJsonSyntaxError } from '../json-syntax.js';
import type { PlaybookInput } from './playbook.js';
import { formatPlaybookProblems, validatePlaybook, validatePlaybookText } from './playbook-validation.js';

/** The built-in playbook file itself is checked in main/playbooks (core may not read files). */
function samplePlaybook(): PlaybookInput {
  return {
    schemaVersion: 1,
    id: 'sample-incident',
    version: '1.0.0',
    title: 'Sample',
    incident: { summary: 'A bad update.', references: [{ title: 'Vendor', url: 'https://example.com/advisory' }] },
    appliesTo: ['Windows 11'],
    targets: [
      {
        id: 'bad-file',
        description: 'The bad file.',
        folder: '%SystemRoot%\\System32\\drivers\\Vendor',
        glob: 'V-0001*.sys',
        conditions: { modifiedUtc: { from: '2024-07-19T04:09:00Z', before: '2024-07-19T05:27:00Z' }, leadingBytesHex: 'aaaaaaaa01002301' },
      },
    ],
    walkthrough: {
      winpe: [{ title: 'Boot', detail: 'Boot the stick.' }],
      winre: [{ title: 'Prompt', detail: 'Open the command prompt.' }],
      safemode: [{ title: 'Safe Mode', detail: 'Start in Safe Mode.' }],
    },
  };
}

type Mutation = (playbook: PlaybookInput & Record<string, unknown>) => void;
const target = (p: PlaybookInput) => p.targets[0]!;

function problemsAfter(mutate: Mutation) {
  const playbook = samplePlaybook() as PlaybookInput & Record<string, unknown>;
  mutate(playbook);
  const result = validatePlaybook(playbook);
  if (result.ok) throw new Error('expected the playbook to be refused');
  return result.problems;
}

describe('PlaybookSchema', () => {
  it('accepts the sample and fills defaults', () => {
    const result = validatePlaybook(samplePlaybook());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.playbook.targets[0]).toMatchObject({ action: 'quarantine', conditions: { leadingBytesHex: 'AAAAAAAA01002301' } });
  });

  it.each<[string, Mutation, string, RegExp]>([
    ['a folder climbing out with ..', (p) => (target(p).folder = '%SystemRoot%\\..\\Users'), 'targets.0.folder', /\.\./],
    ['a folder with forward slashes', (p) => (target(p).folder = '%SystemRoot%/System32/drivers'), 'targets.0.folder', /backslashes/],
    ['a folder without a variable or root', (p) => (target(p).folder = 'C:\\Windows'), 'targets.0.folder', /must start with/],
    ['a glob with a backslash', (p) => (target(p).glob = 'drivers\\V-0001*.sys'), 'targets.0.glob', /without folders/],
    [
      'a window whose from is not before before',
      (p) => (target(p).conditions = { modifiedUtc: { from: '2024-07-19T05:27:00Z', before: '2024-07-19T05:27:00Z' } }),
      'targets.0.conditions.modifiedUtc.before',
      /earlier/,
    ],
    [
      'a window bound without a zone',
      (p) => (target(p).conditions = { modifiedUtc: { from: '2024-07-19T04:09:00Z', before: '2024-07-19 05:27' } }),
      'targets.0.conditions.modifiedUtc.before',
      /^must be an ISO 8601 time/,
    ],
    ['odd-length hex', (p) => (target(p).conditions = { leadingBytesHex: 'AAA' }), 'targets.0.conditions.leadingBytesHex', /pairs of hexadecimal/],
    ['non-hex magic', (p) => (target(p).conditions = { leadingBytesHex: 'ZZ' }), 'targets.0.conditions.leadingBytesHex', /hexadecimal/],
    ['a short sha256', (p) => (target(p).conditions = { sha256: { deny: ['abc'] } }), 'targets.0.conditions.sha256.deny.0', /64 hexadecimal/],
    ['duplicate target ids', (p) => p.targets.push({ ...target(p) }), 'targets.1.id', /used twice/],
    ['an unknown action', (p) => (target(p).action = 'erase' as never), 'targets.0.action', /quarantine/],
    ['an unknown extra key', (p) => ((target(p).conditions as Record<string, unknown>) = { modifiedUTC: {} }), 'targets.0.conditions.modifiedUTC', /not a playbook field/],
    ['an unknown top-level key', (p) => (p.author = 'me'), 'author', /not a playbook field/],
    ['a missing title', (p) => delete (p as Partial<PlaybookInput>).title, 'title', /^is required$/],
    ['a wrong schema version', (p) => (p.schemaVersion = 2 as never), 'schemaVersion', /expected 1/],
    ['an ftp reference', (p) => (p.incident.references = [{ title: 'x', url: 'ftp://example.com/x' }]), 'incident.references.0.url', /./],
    ['no targets', (p) => (p.targets = []), 'targets', /at least one target/],
  ])('names %s', (_name, mutate, at, message) => {
    const problems = problemsAfter(mutate);
    expect(problems).toContainEqual({ at, message: expect.stringMatching(message) });
  });

  // Attack strings from issue 13: in a glob or folder, cmd metacharacters become commands run
  // as SYSTEM once a child cmd (for /f, call) expands the value again.
  const INJECTION = 'x%BM_TRQ% & mkdir pwned & rem %BM_TRQ%';
  it.each<[string, string, RegExp]>([
    ['the injection from the issue', INJECTION, /^must not contain "%" and "&": a glob may hold only letters, digits, spaces, \. _ - and the wildcards \* \?$/],
    ...['%', '&', '^', '!', '(', ')', "'", ';', '|', '<', '>', '"', '`', ',', '=', '[', '~', '+', '$', '@', '#'].map(
      (char): [string, string, RegExp] => [`"${char}"`, `C-0${char}1*.sys`, new RegExp(`^must not contain "${char.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}":`)],
    ),
    ['a tab', 'C-1\t*.sys', /^must not contain a tab:/],
    ['a non-ASCII letter', 'Tr\u00e4ger*.sys', /^must not contain "\u00e4":/],
  ])('refuses a glob with %s, naming the character', (_name, glob, message) => {
    const problems = problemsAfter((p) => (target(p).glob = glob));
    expect(problems).toEqual([{ at: 'targets.0.glob', message: expect.stringMatching(message) }]);
  });

  it.each<[string, string, RegExp]>([
    ['the injection from the issue', `%SystemRoot%\\${INJECTION}`, /^must not contain "%" and "&": after its starting variable a folder may hold only letters, digits, spaces, \. _ - and \\$/],
    ['a second variable', '%SystemRoot%\\%TEMP%\\x', /^must not contain "%":/],
    ['"& ^ ! ( ) \' ;"', "\\Vendor & Co\\50 ^ off! (x86) it's; here", /^must not contain "&", "\^", "!", "\(", "\)", "'" and ";":/],
    ['a wildcard', '%ProgramData%\\Vendor*', /^must not contain "\*":/],
    ['"(x86)" spelled out instead of %ProgramFiles(x86)%', '\\Program Files (x86)\\Vendor', /^must not contain "\(" and "\)":/],
  ])('refuses a folder with %s, naming the characters', (_name, folder, message) => {
    const problems = problemsAfter((p) => (target(p).folder = folder));
    expect(problems).toEqual([{ at: 'targets.0.folder', message: expect.stringMatching(message) }]);
  });

  it.each([
    ['%SystemRoot%\\System32\\drivers\\CrowdStrike', 'C-00000291*.sys'],
    ['%ProgramFiles(x86)%\\Vendor Co\\Cache_2.0', 'cache-?.bin'],
    ['%windir%\\Temp', '*'],
    ['\\Vendor Data\\v1.2', 'file name.*'],
  ])('accepts folder %s with glob %s (letters, digits, space, . _ -, \\ after a known variable, * ? in a glob)', (folder, glob) => {
    const playbook = samplePlaybook();
    Object.assign(target(playbook), { folder, glob });
    expect(validatePlaybook(playbook).ok).toBe(true);
  });

  it('reports every problem, not only the first', () => {
    const problems = problemsAfter((p) => {
      target(p).glob = 'a\\b';
      p.version = 'one';
    });
    expect(problems.map((p) => p.at).sort()).toEqual(['targets.0.glob', 'version']);
  });
});

describe('playbook text', () => {
  it('formats each problem as file: field: reason', () => {
    const problems = problemsAfter((p) => {
      target(p).conditions = { modifiedUtc: { from: '2024-07-19T04:09:00Z', before: 'soon' } };
    });
    expect(formatPlaybookProblems('my.json', problems)).toBe(
      'my.json: targets.0.conditions.modifiedUtc.before: must be an ISO 8601 time with a zone, e.g. 2024-07-19T04:09:00Z',
    );
  });

  it('accepts a UTF-8 byte-order mark', () => {
    expect(validatePlaybookText(`\uFEFF${JSON.stringify(samplePlaybook())}`).ok).toBe(true);
  });

  it('gives line and column for broken JSON, and keeps the claimed id when the JSON is fine', () => {
    const text = JSON.stringify(samplePlaybook(), null, 2).replace('"version": "1.0.0",', '"version": "1.0.0",,');
    const result = validatePlaybookText(text);
    expect(result).toMatchObject({ ok: false, declaredId: null, problems: [{ at: 'line 4, column 22', message: expect.stringMatching(/^not valid JSON: /) }] });
    expect(validatePlaybookText(JSON.stringify({ ...samplePlaybook(), title: '' }))).toMatchObject({ ok: false, declaredId: 'sample-incident' });
  });
});

describe('locateJsonSyntaxError', () => {
  it.each([
    ['{\n  "a": 1,\n}', 3, 1, /comma before \}/],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, /"," or "\}"/],
    ['{"folder": "C:\\Windows"}', 1, 15, /backslash must be doubled/],
    ["{'a': 1}", 1, 2, /double quotes/],
    ['{"a": "x', 1, 7, /never closed/],
    ['[1, 2', 1, 6, /the end of the file/],
    ['{"a": tru}', 1, 7, /expected a value/],
    ['{} x', 1, 4, /after the end/],
    ['', 1, 1, /expected a value/],
  ])('%j -> line %d, column %d', (text, line, column, reason) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(locateJsonSyntaxError(text)).toMatchObject({ line, column, reason: expect.stringMatching(reason) });
  });

  it('finds nothing wrong in valid JSON', () => {
    expect(locateJsonSyntaxError('{"a": [1, -2.5e3, true, null, "\\u00e9\\n"]}')).toBeNull();
  });
});
