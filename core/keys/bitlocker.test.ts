import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  findKeyIdsInManageBdeOutput,
  findProtectorsInManageBdeOutput,
  keyIdMatches,
  normalizeKeyId,
  parseRecoveryPassword,
  RECOVERY_PASSWORD_BLOCK_LIMIT,
} from './bitlocker.js';
import {
  MANAGE_BDE_DE_LOCKED,
  MANAGE_BDE_DE_UNLOCKED,
  MANAGE_BDE_EN_DATA_VOLUME,
  MANAGE_BDE_EN_LOCKED,
  MANAGE_BDE_EN_LOCKED_RECOVERY_ONLY,
  MANAGE_BDE_EN_UNLOCKED,
  MANAGE_BDE_UNLISTED_LANGUAGE_LOCKED,
  SAMPLE_EXTERNAL_KEY_ID,
  SAMPLE_NUMERICAL_PASSWORD_ID,
  SAMPLE_RECOVERY_PASSWORD,
  SAMPLE_TPM_ID,
} from './bitlocker-samples.js';

const validBlock = fc.integer({ min: 0, max: 65_535 }).map((k) => String(k * 11).padStart(6, '0'));
const validBlocks = fc.array(validBlock, { minLength: 8, maxLength: 8 });
const separator = fc.constantFrom('-', ' ', '  ', ' - ', '\t');

describe('parseRecoveryPassword', () => {
  it('accepts dashes, spaces or nothing and returns the dashed form', () => {
    const spaced = SAMPLE_RECOVERY_PASSWORD.replaceAll('-', ' ');
    const bare = SAMPLE_RECOVERY_PASSWORD.replaceAll('-', '');
    for (const typed of [SAMPLE_RECOVERY_PASSWORD, spaced, bare, `  ${spaced}\r\n`]) {
      expect(parseRecoveryPassword(typed)).toEqual({ ok: true, password: SAMPLE_RECOVERY_PASSWORD });
    }
  });

  it('names the block that is not a multiple of 11, without echoing digits', () => {
    const blocks = SAMPLE_RECOVERY_PASSWORD.split('-');
    blocks[2] = '594177';
    const result = parseRecoveryPassword(blocks.join('-'));
    expect(result).toMatchObject({ ok: false, block: 3 });
    expect(JSON.stringify(result)).not.toMatch(/\d{4}/);
  });

  it('names a block at or above 720896', () => {
    const blocks = SAMPLE_RECOVERY_PASSWORD.split('-');
    blocks[7] = String(65_536 * 11);
    expect(parseRecoveryPassword(blocks.join(' '))).toMatchObject({ ok: false, block: 8, reason: expect.stringMatching(/too large/) });
  });

  it('names a short block, a missing block and a stray letter', () => {
    const blocks = SAMPLE_RECOVERY_PASSWORD.split('-');
    expect(parseRecoveryPassword([...blocks.slice(0, 4), '12345', ...blocks.slice(5)].join('-'))).toMatchObject({ block: 5, reason: expect.stringMatching(/5 digits/) });
    expect(parseRecoveryPassword(blocks.slice(0, 7).join('-'))).toMatchObject({ block: 8, reason: expect.stringMatching(/missing/) });
    expect(parseRecoveryPassword([blocks[0], 'l23456', ...blocks.slice(2)].join('-'))).toMatchObject({ block: 2, reason: expect.stringMatching(/not a digit/) });
    expect(parseRecoveryPassword(`${SAMPLE_RECOVERY_PASSWORD}-000000`)).toMatchObject({ block: null, reason: expect.stringMatching(/54 digits/) });
    expect(parseRecoveryPassword('   ')).toMatchObject({ ok: false, block: null });
  });

  it('property: every valid password parses, whatever the separators', () => {
    fc.assert(
      fc.property(validBlocks, fc.array(fc.option(separator, { nil: '' }), { minLength: 7, maxLength: 7 }), (blocks, seps) => {
        const typed = blocks.map((block, i) => block + (seps[i] ?? '')).join('');
        expect(parseRecoveryPassword(typed)).toEqual({ ok: true, password: blocks.join('-') });
      }),
    );
  });

  it('property: any single-digit change is reported on the block it is in', () => {
    fc.assert(
      fc.property(validBlocks, fc.nat({ max: 47 }), fc.integer({ min: 1, max: 9 }), separator, (blocks, position, delta, sep) => {
        const digits = blocks.join('').split('');
        digits[position] = String((Number(digits[position]) + delta) % 10);
        const changed = digits.join('').match(/\d{6}/g)!;
        const result = parseRecoveryPassword(changed.join(sep));
        expect(result).toMatchObject({ ok: false, block: Math.floor(position / 6) + 1 });
        if (!result.ok) expect(result.reason).not.toContain(changed[Math.floor(position / 6)]);
      }),
    );
  });

  it('property: never throws on arbitrary text and rejects what is not 8 valid blocks', () => {
    const digitsAndSeparators = fc.string({ unit: fc.constantFrom('0', '1', '3', '5', '7', '9', '-', ' '), maxLength: 70 });
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), digitsAndSeparators), (text) => {
        const result = parseRecoveryPassword(text);
        if (result.ok) expect(result.password).toMatch(/^\d{6}(-\d{6}){7}$/);
        else expect(result.block === null || (result.block >= 1 && result.block <= 8)).toBe(true);
      }),
    );
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (text) => void parseRecoveryPassword(text)));
  });

  it('block limit is 65536 x 11', () => {
    expect(RECOVERY_PASSWORD_BLOCK_LIMIT).toBe(65_536 * 11);
  });
});

describe('normalizeKeyId', () => {
  const full = SAMPLE_NUMERICAL_PASSWORD_ID;

  it('accepts any case, braces and missing hyphens', () => {
    for (const typed of [full, full.toLowerCase(), `{${full}}`, full.replaceAll('-', ''), ` {${full.toLowerCase()}} `]) {
      expect(normalizeKeyId(typed)).toEqual({ ok: true, full });
    }
  });

  it('turns 8 to 31 hex digits into a canonical prefix that matches the full ID', () => {
    expect(normalizeKeyId('8a1c3e5f')).toEqual({ ok: true, prefix: '8A1C3E5F' });
    expect(normalizeKeyId('8A1C3E5F2B')).toEqual({ ok: true, prefix: '8A1C3E5F-2B' });
    expect(keyIdMatches(full, normalizeKeyId('8a1c 3e5f'))).toBe(true);
    expect(keyIdMatches(full, normalizeKeyId('8A1C3E5E'))).toBe(false);
    expect(keyIdMatches(`{${full.toLowerCase()}}`, normalizeKeyId(full))).toBe(true);
  });

  it('refuses too short, too long and non-hex input', () => {
    expect(normalizeKeyId('8A1C3E5')).toMatchObject({ ok: false, reason: expect.stringMatching(/first 8/) });
    expect(normalizeKeyId(`${full}0`)).toMatchObject({ ok: false });
    expect(normalizeKeyId('8A1C3E5G')).toMatchObject({ ok: false });
  });

  it('property: a normalised full ID normalises to itself', () => {
    fc.assert(
      fc.property(fc.uuid(), (uuid) => {
        const once = normalizeKeyId(uuid);
        expect(once.ok && 'full' in once && normalizeKeyId(once.full)).toEqual(once);
      }),
    );
  });
});

describe('findKeyIdsInManageBdeOutput', () => {
  it.each([
    ['English, unlocked', MANAGE_BDE_EN_UNLOCKED, 'password-line'],
    ['German, unlocked', MANAGE_BDE_DE_UNLOCKED, 'password-line'],
    ['English, locked', MANAGE_BDE_EN_LOCKED, 'heading'],
    ['German, locked', MANAGE_BDE_DE_LOCKED, 'heading'],
    ['-Type RecoveryPassword, locked', MANAGE_BDE_EN_LOCKED_RECOVERY_ONLY, 'heading'],
    ['a language without a known heading, locked', MANAGE_BDE_UNLISTED_LANGUAGE_LOCKED, 'elimination'],
  ])('%s: the numerical password, never the TPM', (_name, output, evidence) => {
    expect(findKeyIdsInManageBdeOutput(output)).toEqual([SAMPLE_NUMERICAL_PASSWORD_ID]);
    const protectors = findProtectorsInManageBdeOutput(output);
    expect(protectors.find((p) => p.keyId === SAMPLE_NUMERICAL_PASSWORD_ID)?.evidence).toBe(evidence);
    const tpm = protectors.find((p) => p.keyId === SAMPLE_TPM_ID);
    if (tpm) expect(tpm.kind).toBe('tpm');
  });

  it('does not take the GUID-named .BEK file for a protector', () => {
    const protectors = findProtectorsInManageBdeOutput(MANAGE_BDE_EN_DATA_VOLUME);
    expect(protectors.map((p) => [p.keyId, p.kind])).toEqual([
      [SAMPLE_NUMERICAL_PASSWORD_ID, 'numerical-password'],
      [SAMPLE_EXTERNAL_KEY_ID, 'external-key'],
    ]);
  });

  it('reads LF-only output and keeps the localised heading for display', () => {
    const protectors = findProtectorsInManageBdeOutput(MANAGE_BDE_DE_UNLOCKED.replaceAll('\r\n', '\n'));
    expect(protectors.map((p) => p.heading)).toEqual(['TPM', 'Numerisches Kennwort']);
  });

  it('does not guess when two protectors are left unclassified', () => {
    const twoUnknown = MANAGE_BDE_UNLISTED_LANGUAGE_LOCKED.replace('        7, 11\r\n', '');
    expect(findKeyIdsInManageBdeOutput(twoUnknown)).toEqual([]);
  });

  it('ignores volume GUID paths and returns nothing for an error message', () => {
    expect(findKeyIdsInManageBdeOutput('Volume \\\\?\\Volume{8a1c3e5f-2b4d-4f6a-9c8e-1a3b5c7d9e0f}\\ [Data]\r\nERROR: No key protectors found.\r\n')).toEqual([]);
  });
});
