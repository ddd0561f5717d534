/**
 * Test fixtures standing in for what only Microsoft can sign: a minimal PE32+ EFI image whose
 * certificate table holds a PKCS#7 SignedData (DER, built here) with one SignerInfo naming the
 * issuer of its signing certificate, the way bootmgfw.efi's Authenticode signature does. The
 * signature bytes themselves are filler: the build only reads who signed, it never verifies.
 */
export const ISSUER_2023 = 'Windows UEFI CA 2023';
export const ISSUER_2011 = 'Microsoft Windows Production PCA 2011';

function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}
const seq = (...parts: Buffer[]): Buffer => tlv(0x30, ...parts);
const set = (...parts: Buffer[]): Buffer => tlv(0x31, ...parts);
const oid = (hex: string): Buffer => tlv(0x06, Buffer.from(hex, 'hex'));
const int = (value: number): Buffer => tlv(0x02, Buffer.from([value]));
const utf8 = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));
const printable = (text: string): Buffer => tlv(0x13, Buffer.from(text, 'latin1'));

/** C=US, ST=Washington, L=Redmond, O=Microsoft Corporation, CN=<cn>: the shape of Microsoft's CA names. */
function name(cn: string): Buffer {
  return seq(
    set(seq(oid('550406'), printable('US'))),
    set(seq(oid('550408'), printable('Washington'))),
    set(seq(oid('550407'), printable('Redmond'))),
    set(seq(oid('55040a'), printable('Microsoft Corporation'))),
    set(seq(oid('550403'), utf8(cn))),
  );
}

export function pkcs7SignedBy(issuer: string): Buffer {
  const sha256 = seq(oid('608648016503040201'));
  const signerInfo = seq(int(1), seq(name(issuer), int(0x33)), sha256, seq(oid('2a864886f70d010101')), tlv(0x04, Buffer.alloc(256, 0x5a)));
  const spcIndirectData = seq(oid('2b060104018237020104'));
  const signedData = seq(int(1), set(sha256), spcIndirectData, set(signerInfo));
  return seq(oid('2a864886f70d010702'), tlv(0xa0, signedData));
}

/** A PE32+ image (x64, EFI application) with `signature` in its certificate table, or none. */
export function efiImage(signature: Buffer | null): Buffer {
  const peOffset = 0x80;
  const optional = peOffset + 24;
  const optionalSize = 240;
  const headers = Buffer.alloc(0x200);
  headers.write('MZ', 0, 'latin1');
  headers.writeUInt32LE(peOffset, 0x3c);
  headers.write('PE\0\0', peOffset, 'latin1');
  headers.writeUInt16LE(0x8664, peOffset + 4); // x64
  headers.writeUInt16LE(optionalSize, peOffset + 20);
  headers.writeUInt16LE(0x20b, optional); // PE32+
  headers.writeUInt16LE(10, optional + 68); // subsystem: EFI application
  headers.writeUInt32LE(16, optional + 108); // NumberOfRvaAndSizes
  const body = Buffer.alloc(4096, 0xcc);
  if (!signature) return Buffer.concat([headers, body]);
  const length = 8 + signature.length;
  const entry = Buffer.alloc((length + 7) & ~7);
  entry.writeUInt32LE(length, 0);
  entry.writeUInt16LE(0x0200, 4); // WIN_CERT_REVISION_2_0
  entry.writeUInt16LE(0x0002, 6); // WIN_CERT_TYPE_PKCS_SIGNED_DATA
  signature.copy(entry, 8);
  const tableOffset = headers.length + body.length;
  headers.writeUInt32LE(tableOffset, optional + 112 + 4 * 8);
  headers.writeUInt32LE(entry.length, optional + 112 + 4 * 8 + 4);
  return Buffer.concat([headers, body, entry]);
}
