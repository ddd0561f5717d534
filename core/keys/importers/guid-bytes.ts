/**
 * AD keeps a key's ID (`msFVE-RecoveryGuid`) as 16 raw bytes, and a GUID's first three fields
 * are stored little-endian: the bytes 9F 6B 8A 2C 6C 31 71 6E … are the GUID
 * 2C8A6B9F-316C-6E71-…. Exports that keep the raw bytes write them as:
 *   - csvde: `X'9f6b8a2c6c31716e0603c40a0906d6be'`
 *   - ldifde (and [Convert]::ToBase64String): `n2uKLGwxcW4GA8QKCQbWvg==`
 *   - PowerShell's view of a byte[] (`{159, 107, 138, 44, …}`, or `-join ' '`)
 *   - [BitConverter]::ToString: `9F-6B-8A-2C-…`, or the 32 hex digits run together.
 * Read naively, the first three fields come out backwards and the technician's 8-character
 * key ID is never found. Nothing here echoes a value in a message.
 */

/** A key ID read from a cell; `other` is the second possible reading of 32 bare hex digits (text order vs byte order). */
export interface ReadGuid {
  id: string;
  encoding: 'text' | 'bytes';
  other?: string;
}

const HEX32 = /^[0-9a-fA-F]{32}$/;
const CSVDE = /^X'([0-9a-fA-F]{32})'$/i;
const BASE64_16 = /^[A-Za-z0-9+/]{21}[AQgw]==$/;
const HEX_PAIRS = /^[0-9a-fA-F]{2}(?:([-: ,])[0-9a-fA-F]{2})(?:\1[0-9a-fA-F]{2}){14}$/;
const DECIMALS = /^\{?\s*(\d{1,3}(?:\s*[,; ]\s*\d{1,3}){15})\s*\}?$/;
const TEXT_GUID = /^\{?([0-9a-fA-F]{8})-([0-9a-fA-F]{4})-([0-9a-fA-F]{4})-([0-9a-fA-F]{4})-([0-9a-fA-F]{12})\}?$/;

/** The GUID whose 16 bytes (as Windows stores a GUID: fields 1-3 little-endian) these are. */
export function guidFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new RangeError('a GUID is 16 bytes');
  const hex = (i: number): string => bytes[i]!.toString(16).padStart(2, '0');
  const order = [3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15];
  return order.map((i) => (i < 0 ? '-' : hex(i))).join('').toUpperCase();
}

/** The 16 bytes of a GUID in text form, as Windows stores it. */
export function bytesFromGuid(guid: string): Uint8Array {
  const hex = guid.replace(/[{}-]/g, '');
  const text = Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  return Uint8Array.from(order.map((i) => text[i]!));
}

function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from({ length: hex.length / 2 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}

function dashed(hex32: string): string {
  const h = hex32.toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const BASE64_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** 24 base64 characters to 16 bytes (written out: core has no Buffer). */
function base64To16(text: string): Uint8Array {
  const bytes = new Uint8Array(18);
  let bits = 0;
  let value = 0;
  let at = 0;
  for (const char of text.replace(/=+$/, '')) {
    value = (value << 6) | BASE64_DIGITS.indexOf(char);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[at++] = (value >> bits) & 0xff;
    }
  }
  return bytes.subarray(0, 16);
}

/**
 * Reads a key ID from an export cell. GUID text (dashed, braces optional) is taken as it is.
 * Raw-byte forms are turned into the GUID. 32 bare hex digits are either: in a column that
 * holds raw bytes (`msFVE-RecoveryGuid`) they are read as bytes, with the text reading as
 * `other`; elsewhere as text, with the byte reading as `other`. Anything else: null.
 */
export function readGuidCell(raw: string, rawBytesColumn: boolean): ReadGuid | null {
  const value = raw.trim();
  const text = TEXT_GUID.exec(value);
  if (text) return { id: text.slice(1, 6).join('-').toUpperCase(), encoding: 'text' };
  if (HEX32.test(value)) {
    const asText = dashed(value);
    const asBytes = guidFromBytes(hexToBytes(value));
    return rawBytesColumn ? { id: asBytes, encoding: 'bytes', other: asText } : { id: asText, encoding: 'text', other: asBytes };
  }
  const csvde = CSVDE.exec(value);
  if (csvde) return { id: guidFromBytes(hexToBytes(csvde[1]!)), encoding: 'bytes' };
  if (HEX_PAIRS.test(value)) return { id: guidFromBytes(hexToBytes(value.replace(/[-: ,]/g, ''))), encoding: 'bytes' };
  if (value.length === 24 && BASE64_16.test(value)) return { id: guidFromBytes(base64To16(value)), encoding: 'bytes' };
  const decimals = DECIMALS.exec(value);
  if (decimals) {
    const numbers = decimals[1]!.split(/\s*[,; ]\s*/).map(Number);
    if (numbers.length === 16 && numbers.every((n) => n <= 255)) return { id: guidFromBytes(Uint8Array.from(numbers)), encoding: 'bytes' };
  }
  return null;
}
