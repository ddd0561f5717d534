import bwipjs from 'bwip-js/node';
import QRCode from 'qrcode';

/**
 * Machine-readable forms of a recovery password for the reveal view. The recovery screen
 * takes digits only and inserts its own dashes, so every code carries bare digits:
 * - one QR code with all 48 digits (a phone or a 2D scanner);
 * - four Code128 barcodes of 12 digits each, for the $55 1D HID scanners of July 2024.
 *   Code128 set C packs digit pairs, so 12 digits stay short enough for a cheap scanner's
 *   field of view; no trailing Enter is encoded (the scanner would submit a partial key).
 */

export interface KeyCodes {
  qrSvg: string;
  barcodes: { digits: string; svg: string }[];
}

export const BARCODE_CHUNK_DIGITS = 12;

export function passwordDigits(password: string): string {
  const digits = password.replace(/\D/g, '');
  if (digits.length !== 48) throw new Error('A recovery password has 48 digits.');
  return digits;
}

export async function keyCodes(password: string): Promise<KeyCodes> {
  const digits = passwordDigits(password);
  const qrSvg = await QRCode.toString(digits, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, color: { dark: '#000000', light: '#ffffff' } });
  const barcodes = [];
  for (let at = 0; at < digits.length; at += BARCODE_CHUNK_DIGITS) {
    const chunk = digits.slice(at, at + BARCODE_CHUNK_DIGITS);
    // A white quiet zone of 10 modules each side: scanners need it to find the start code.
    const svg = bwipjs.toSVG({ bcid: 'code128', text: chunk, scale: 2, height: 14, includetext: false, paddingwidth: 10, paddingheight: 4, backgroundcolor: 'FFFFFF' });
    barcodes.push({ digits: chunk, svg });
  }
  return { qrSvg, barcodes };
}
