import { describe, expect, it } from 'vitest';
import { evaluateConditions, evaluateTargetFile, type FileFacts } from './conditions.js';
import { ConditionsSchema, TargetSchema, type Conditions } from './playbook.js';

const MAGIC = [0xaa, 0xaa, 0xaa, 0xaa, 0x01, 0x00, 0x23, 0x01];
const GOOD_HASH = 'a'.repeat(64);
const BAD_HASH = 'b'.repeat(64);

const cf291 = TargetSchema.parse({
  id: 'channel-file-291',
  description: 'test',
  folder: '%SystemRoot%\\System32\\drivers\\CrowdStrike',
  glob: 'C-00000291*.sys',
  conditions: { modifiedUtc: { from: '2024-07-19T04:09:00Z', before: '2024-07-19T05:27:00Z' }, leadingBytesHex: 'AAAAAAAA01002301' },
});

function facts(overrides: Partial<FileFacts> = {}): FileFacts {
  return {
    name: 'C-00000291-00000000-00000032.sys',
    sizeBytes: 40_000,
    modifiedUtc: new Date('2024-07-19T04:09:00Z'),
    leadingBytes: Uint8Array.from([...MAGIC, 0, 0]),
    sha256: BAD_HASH,
    ...overrides,
  };
}

const conditions = (value: unknown): Conditions => ConditionsSchema.parse(value);

describe('the 04:09 / 05:27 window', () => {
  it.each([
    ['2024-07-19T04:08:59Z', 'keep'],
    ['2024-07-19T04:09:00Z', 'remove'],
    ['2024-07-19T05:26:59Z', 'remove'],
    ['2024-07-19T05:27:00Z', 'keep'],
    ['2024-07-20T05:27:00Z', 'keep'],
  ])('modified %s -> %s', (time, verdict) => {
    expect(evaluateConditions(cf291.conditions, facts({ modifiedUtc: new Date(time) })).verdict).toBe(verdict);
  });

  it('with cmd minute precision the same boundaries hold', () => {
    const minute = (time: string) => evaluateConditions(cf291.conditions, facts({ modifiedUtc: new Date(time), modifiedUtcPrecision: 'minute' }));
    expect(minute('2024-07-19T04:08:00Z').verdict).toBe('keep');
    expect(minute('2024-07-19T04:09:00Z').verdict).toBe('remove');
    expect(minute('2024-07-19T05:26:00Z').verdict).toBe('remove');
    expect(minute('2024-07-19T05:27:00Z').verdict).toBe('keep');
  });

  it('an unreadable time leaves the file unverified and says why', () => {
    const result = evaluateConditions(cf291.conditions, facts({ modifiedUtc: null }));
    expect(result).toMatchObject({ verdict: 'unverified', checks: { modifiedUtc: 'unknown', leadingBytes: 'pass', sizeBytes: 'not-required', sha256: 'not-required' } });
    expect(result.reasons).toEqual(['Its modified time could not be read.']);
  });
});

describe('size, magic and hashes', () => {
  it('size bounds are inclusive', () => {
    const sized = conditions({ sizeBytes: { min: 100, max: 200 } });
    expect(evaluateConditions(sized, facts({ sizeBytes: 99 })).checks.sizeBytes).toBe('fail');
    expect(evaluateConditions(sized, facts({ sizeBytes: 100 })).checks.sizeBytes).toBe('pass');
    expect(evaluateConditions(sized, facts({ sizeBytes: 200 })).checks.sizeBytes).toBe('pass');
    expect(evaluateConditions(sized, facts({ sizeBytes: 201 })).verdict).toBe('keep');
    expect(evaluateConditions(sized, facts({ sizeBytes: null })).verdict).toBe('unverified');
    expect(evaluateConditions(conditions({ sizeBytes: { max: 10 } }), facts({ sizeBytes: 11 })).reasons[0]).toMatch(/above 10/);
  });

  it('a magic mismatch keeps the file, even inside the window', () => {
    const zeros = evaluateConditions(cf291.conditions, facts({ leadingBytes: new Uint8Array(16) }));
    expect(zeros).toMatchObject({ verdict: 'keep', checks: { modifiedUtc: 'pass', leadingBytes: 'fail' } });
  });

  it('too few bytes: a short file fails, a short read is unknown', () => {
    const head = Uint8Array.from(MAGIC.slice(0, 4));
    expect(evaluateConditions(cf291.conditions, facts({ leadingBytes: head, sizeBytes: 4 })).checks.leadingBytes).toBe('fail');
    expect(evaluateConditions(cf291.conditions, facts({ leadingBytes: head, sizeBytes: 40_000 })).checks.leadingBytes).toBe('unknown');
    expect(evaluateConditions(cf291.conditions, facts({ leadingBytes: null })).verdict).toBe('unverified');
  });

  it('a known-good hash wins over everything', () => {
    const lists = conditions({ ...cf291.conditions, sha256: { allow: [GOOD_HASH], deny: [GOOD_HASH, BAD_HASH] } });
    const result = evaluateConditions(lists, facts({ sha256: GOOD_HASH.toUpperCase() }));
    expect(result).toMatchObject({ verdict: 'keep', knownGood: true, checks: { modifiedUtc: 'pass', leadingBytes: 'pass', sha256: 'fail' } });
    expect(evaluateConditions(lists, facts({ sha256: GOOD_HASH, modifiedUtc: null })).verdict).toBe('keep');
  });

  it('a deny list: only listed hashes are removed; no hash means unverified', () => {
    const deny = conditions({ sha256: { deny: [BAD_HASH] } });
    expect(evaluateConditions(deny, facts({ sha256: BAD_HASH })).verdict).toBe('remove');
    expect(evaluateConditions(deny, facts({ sha256: 'c'.repeat(64) })).verdict).toBe('keep');
    expect(evaluateConditions(deny, facts({ sha256: null }))).toMatchObject({ verdict: 'unverified', checks: { sha256: 'unknown' } });
  });

  it('an allow list alone: a hash not on it passes, no hash is unknown', () => {
    const allow = conditions({ sha256: { allow: [GOOD_HASH] } });
    expect(evaluateConditions(allow, facts({ sha256: BAD_HASH })).checks.sha256).toBe('pass');
    expect(evaluateConditions(allow, facts({ sha256: null })).verdict).toBe('unverified');
  });

  it('no conditions at all: every check is not required and the file matches by name only', () => {
    expect(evaluateConditions(conditions({}), facts({ sizeBytes: null, modifiedUtc: null, leadingBytes: null, sha256: null }))).toMatchObject({
      verdict: 'remove',
      checks: { modifiedUtc: 'not-required', sizeBytes: 'not-required', leadingBytes: 'not-required', sha256: 'not-required' },
      reasons: [],
    });
  });
});

describe('evaluateTargetFile', () => {
  it('is null for a name the glob does not match', () => {
    expect(evaluateTargetFile(cf291, facts({ name: 'C-00000290-00000000-00000001.sys' }))).toBeNull();
    expect(evaluateTargetFile(cf291, facts({ name: 'c-00000291-00000000-00000032.SYS' }))?.verdict).toBe('remove');
  });
});

describe('whenAvailable conditions and zero-filled copies (issue 13, items 3 and 4)', () => {
  const window = { from: '2024-07-19T04:09:00Z', before: '2024-07-19T05:27:00Z' };
  const inWindow = { name: 'C-00000291-1.sys', sizeBytes: 8, modifiedUtc: new Date('2024-07-19T04:20:00Z'), sha256: null };

  it('an unreadable "whenAvailable" leading-bytes check does not hold the file back; a "required" one does', () => {
    const optional = ConditionsSchema.parse({ modifiedUtc: window, leadingBytesHex: 'AAAAAAAA', requirement: { modifiedUtc: 'required', leadingBytesHex: 'whenAvailable' } });
    const required = ConditionsSchema.parse({ modifiedUtc: window, leadingBytesHex: 'AAAAAAAA' });
    expect(evaluateConditions(optional, { ...inWindow, leadingBytes: null })).toMatchObject({ verdict: 'remove', removeReason: 'conditions-met', checks: { leadingBytes: 'unknown' } });
    expect(evaluateConditions(required, { ...inWindow, leadingBytes: null }).verdict).toBe('unverified');
    // A check that could be made and failed still keeps the file.
    expect(evaluateConditions(optional, { ...inWindow, leadingBytes: Uint8Array.from([1, 2, 3, 4]) }).verdict).toBe('keep');
  });

  it('refuses a requirement for a condition the target does not set, and all conditions "whenAvailable"', () => {
    expect(ConditionsSchema.safeParse({ modifiedUtc: window, requirement: { sha256: 'whenAvailable' } }).success).toBe(false);
    expect(ConditionsSchema.safeParse({ leadingBytesHex: 'AA', requirement: { leadingBytesHex: 'whenAvailable' } }).success).toBe(false);
    expect(ConditionsSchema.safeParse({ modifiedUtc: window, requirement: { name: 'whenAvailable' } }).success).toBe(false);
  });

  it('removes an all-zero copy inside the time window for its own reason, never one outside it', () => {
    const c = ConditionsSchema.parse({ modifiedUtc: window, leadingBytesHex: 'AAAAAAAA' });
    const zeros = { ...inWindow, leadingBytes: new Uint8Array(4), allZero: true };
    expect(evaluateConditions(c, zeros)).toMatchObject({ verdict: 'remove', removeReason: 'zero-filled', checks: { leadingBytes: 'fail' } });
    expect(evaluateConditions(c, { ...zeros, modifiedUtc: new Date('2024-07-19T05:30:00Z') }).verdict).toBe('keep');
    expect(evaluateConditions(c, { ...zeros, allZero: false }).verdict).toBe('keep');
  });
});
