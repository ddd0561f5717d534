import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import bwipjs from 'bwip-js/node';
import QRCode from 'qrcode';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/temp.js';
import { requireCommands } from '../../test/tools.js';
import { BARCODE_CHUNK_DIGITS, keyCodes, passwordDigits } from './codes.js';
import { fakeRecoveryPassword, seededRng } from './fake-keys.js';

/**
 * The codes a phone or a $55 HID scanner reads off the reveal view. zbar (Debian
 * zbar-tools) decodes PNGs rendered with the same options as codes.ts; the e2e test
 * decodes the SVGs as the browser draws them.
 */

const zbar = requireCommands(['zbarimg'], { for: 'decoding the key codes' });

const rng = seededRng(4242);
const PASSWORDS = [fakeRecoveryPassword(rng), fakeRecoveryPassword(rng), '000000-000011-000022-000033-000044-000055-000066-000077'];

let dir: string;
beforeAll(() => {
  dir = tempDir('codes');
});

function decode(png: string): string[] {
  return execFileSync('zbarimg', ['--raw', '-q', png], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    .split('\n')
    .filter((line) => line !== '');
}

describe('key codes', () => {
  it('makes one QR code and four 12-digit barcodes of bare digits', async () => {
    const [password] = PASSWORDS;
    const codes = await keyCodes(password!);
    const digits = password!.replace(/-/g, '');
    expect(codes.qrSvg).toMatch(/<svg[\s>]/);
    expect(codes.barcodes.map((b) => b.digits)).toEqual([0, 12, 24, 36].map((at) => digits.slice(at, at + BARCODE_CHUNK_DIGITS)));
    for (const barcode of codes.barcodes) expect(barcode.svg).toMatch(/<svg[\s>]/);
  });

  it('refuses anything but 48 digits', () => {
    expect(passwordDigits('111111 222222-333333-444444-555555-666666-777777-888888')).toHaveLength(48);
    expect(() => passwordDigits('111111-222222')).toThrow('48 digits');
  });

});

zbar.describe('key codes, as a scanner reads them (zbarimg)', () => {
  it.each(PASSWORDS)('QR code of %s decodes to its 48 digits', async (password) => {
    const digits = passwordDigits(password);
    const png = join(dir, `qr-${digits}.png`);
    await QRCode.toFile(png, digits, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 4, color: { dark: '#000000', light: '#ffffff' } });
    expect(decode(png)).toEqual([digits]);
  });

  it.each(PASSWORDS)('the four Code128 barcodes of %s decode to its 12-digit chunks, in order, with no Enter', async (password) => {
    const digits = passwordDigits(password);
    const { barcodes } = await keyCodes(password);
    for (const [index, barcode] of barcodes.entries()) {
      const png = join(dir, `bar-${digits}-${index}.png`);
      const bytes = await bwipjs.toBuffer({ bcid: 'code128', text: barcode.digits, scale: 2, height: 14, includetext: false, paddingwidth: 10, paddingheight: 4, backgroundcolor: 'FFFFFF' });
      await writeFile(png, bytes);
      const [decoded] = decode(png);
      expect(decoded).toBe(digits.slice(index * 12, index * 12 + 12));
      expect(decoded).not.toMatch(/[\r\n]/);
    }
  });
});
