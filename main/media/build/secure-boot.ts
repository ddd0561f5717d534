import { buffer } from 'node:stream/consumers';
import type { FileSource } from '../source-tree.js';

/**
 * Which Microsoft CA signed the base's boot manager (bootmgfw.efi, on the medium as
 * EFI/Boot/bootx64.efi). Since KB5025885 (the BlackLotus mitigations) PCs move from the
 * "Microsoft Windows Production PCA 2011" to the "Windows UEFI CA 2023": a PC whose DBX
 * revokes the 2011 CA refuses a 2011-signed boot manager with Secure Boot on, and a PC whose
 * DB lacks the 2023 CA refuses a 2023-signed one. We read the Authenticode signature: the PE's
 * security directory holds WIN_CERTIFICATE entries whose PKCS#7 SignedData names, in each
 * SignerInfo, the issuer of the signing certificate.
 *
 * Microsoft: "PE Format" (the Certificate Table, https://learn.microsoft.com/windows/win32/debug/pe-format),
 * "KB5025885: How to manage the Windows Boot Manager revocations for Secure Boot changes associated with CVE-2023-24932".
 */
export type BootManagerSigner = 'windows-uefi-ca-2023' | 'production-pca-2011' | 'other' | 'unsigned';

export interface BootManagerSignature {
  signer: BootManagerSigner;
  /** Issuer common names of every signer, as written in the signature. */
  issuers: string[];
}

const CA_2023 = 'Windows UEFI CA 2023';
const PCA_2011 = 'Microsoft Windows Production PCA 2011';
const WIN_CERT_TYPE_PKCS_SIGNED_DATA = 0x0002;
const OID_SIGNED_DATA = '2a864886f70d010702';
const OID_COMMON_NAME = '550403';
const MAX_LOADER = 64 << 20;

export async function bootManagerSignature(loader: FileSource): Promise<BootManagerSignature | null> {
  if (loader.size > MAX_LOADER) return null;
  return signatureOf(await buffer(loader.open()));
}

/** null when `pe` is not a PE image at all. */
export function signatureOf(pe: Buffer): BootManagerSignature | null {
  const table = certificateTable(pe);
  if (table === null) return null;
  const issuers = [...new Set(table.flatMap((der) => signerIssuers(der)))];
  const signer: BootManagerSigner = issuers.includes(CA_2023) ? 'windows-uefi-ca-2023' : issuers.includes(PCA_2011) ? 'production-pca-2011' : issuers.length > 0 ? 'other' : 'unsigned';
  return { signer, issuers };
}

/** The PKCS#7 blobs in the PE's certificate table (data directory 4, a file offset); [] when unsigned. */
function certificateTable(pe: Buffer): Buffer[] | null {
  if (pe.length < 0x40 || pe.toString('latin1', 0, 2) !== 'MZ') return null;
  const peOffset = pe.readUInt32LE(0x3c);
  if (peOffset + 24 > pe.length || pe.toString('latin1', peOffset, peOffset + 4) !== 'PE\0\0') return null;
  const optional = peOffset + 24;
  const magic = pe.readUInt16LE(optional);
  const directories = optional + (magic === 0x20b ? 112 : magic === 0x10b ? 96 : -1);
  if (directories < optional || directories + 5 * 8 > pe.length) return null;
  const count = pe.readUInt32LE(directories - 4);
  if (count < 5) return [];
  const offset = pe.readUInt32LE(directories + 4 * 8);
  const size = pe.readUInt32LE(directories + 4 * 8 + 4);
  if (offset === 0 || size === 0 || offset + size > pe.length) return [];
  const out: Buffer[] = [];
  for (let at = offset; at + 8 <= offset + size; ) {
    const length = pe.readUInt32LE(at);
    if (length < 8 || at + length > offset + size) break;
    if (pe.readUInt16LE(at + 6) === WIN_CERT_TYPE_PKCS_SIGNED_DATA) out.push(pe.subarray(at + 8, at + length));
    at += (length + 7) & ~7; // entries are 8-byte aligned
  }
  return out;
}

interface Tlv {
  tag: number;
  body: Buffer;
}

/** One DER element at `at`; null when the bytes do not hold one. */
function readTlv(der: Buffer, at: number): (Tlv & { end: number }) | null {
  if (at + 2 > der.length) return null;
  const tag = der[at]!;
  let length = der[at + 1]!;
  let head = 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || at + 2 + bytes > der.length) return null;
    length = 0;
    for (let i = 0; i < bytes; i += 1) length = length * 256 + der[at + 2 + i]!;
    head += bytes;
  }
  const end = at + head + length;
  if (end > der.length) return null;
  return { tag, body: der.subarray(at + head, end), end };
}

function children(body: Buffer): Tlv[] {
  const out: Tlv[] = [];
  for (let at = 0; at < body.length; ) {
    const tlv = readTlv(body, at);
    if (!tlv) break;
    out.push(tlv);
    at = tlv.end;
  }
  return out;
}

/**
 * ContentInfo { signedData OID, [0] SignedData { version, digestAlgorithms, encapContentInfo,
 * [0] certificates, [1] crls, signerInfos SET { SignerInfo { version, IssuerAndSerialNumber { issuer Name, serial } ... } } } }
 */
function signerIssuers(der: Buffer): string[] {
  const contentInfo = readTlv(der, 0);
  if (!contentInfo || contentInfo.tag !== 0x30) return [];
  const [oid, explicit] = children(contentInfo.body);
  if (!oid || oid.tag !== 0x06 || oid.body.toString('hex') !== OID_SIGNED_DATA || !explicit || explicit.tag !== 0xa0) return [];
  const signedData = children(explicit.body)[0];
  if (!signedData || signedData.tag !== 0x30) return [];
  const signerInfos = children(signedData.body).filter((tlv) => tlv.tag === 0x31).pop();
  if (!signerInfos) return [];
  const names: string[] = [];
  for (const signerInfo of children(signerInfos.body)) {
    const sid = children(signerInfo.body)[1];
    const issuer = sid?.tag === 0x30 ? children(sid.body)[0] : undefined;
    const cn = issuer?.tag === 0x30 ? commonName(issuer.body) : null;
    if (cn) names.push(cn);
  }
  return names;
}

/** Name = SEQUENCE OF SET OF { OID, value }: the value of 2.5.4.3 (CN). */
function commonName(name: Buffer): string | null {
  for (const rdn of children(name)) {
    for (const attribute of children(rdn.body)) {
      const [type, value] = children(attribute.body);
      if (type?.tag === 0x06 && type.body.toString('hex') === OID_COMMON_NAME && value) {
        return value.tag === 0x1e ? Buffer.from(value.body).swap16().toString('utf16le') : value.body.toString('utf8');
      }
    }
  }
  return null;
}
