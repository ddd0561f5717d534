/**
 * BitLocker formats shared by fix.cmd's checks (which mirror these rules), the key vault
 * and the UI. A recovery password is a secret: nothing here ever puts its digits into a
 * message, only block numbers and counts.
 */

export const RECOVERY_PASSWORD_BLOCKS = 8;
export const RECOVERY_PASSWORD_BLOCK_DIGITS = 6;
/** Each block is 11 x a 16-bit value, so it is a multiple of 11 below 65536 x 11. */
export const RECOVERY_PASSWORD_BLOCK_LIMIT = 720_896;

export type RecoveryPasswordResult =
  | { ok: true; password: string }
  | { ok: false; block: number | null; reason: string };

const TOTAL_DIGITS = RECOVERY_PASSWORD_BLOCKS * RECOVERY_PASSWORD_BLOCK_DIGITS;

/**
 * Accepts what people type or a scanner sends: 8 blocks of 6 digits separated by dashes
 * or spaces (any mix), or 48 digits in a row. Returns the canonical dashed form, or which
 * block is wrong and why, so the person fixes one block instead of retyping 48 digits.
 */
export function parseRecoveryPassword(text: string): RecoveryPasswordResult {
  const tokens = text.trim().split(/[\s-]+/).filter((token) => token.length > 0);
  if (tokens.length === 0) return failure(null, `Type the ${TOTAL_DIGITS}-digit recovery password.`);
  const blocks = splitIntoBlocks(tokens);
  if (!Array.isArray(blocks)) return blocks;
  for (const [index, block] of blocks.entries()) {
    const problem = blockProblem(block);
    if (problem) return failure(index + 1, `Block ${index + 1} ${problem}`);
  }
  return { ok: true, password: blocks.join('-') };
}

export function isValidRecoveryPassword(text: string): boolean {
  return parseRecoveryPassword(text).ok;
}

/** Tokens are whole blocks, or runs of whole blocks typed without separators. */
function splitIntoBlocks(tokens: string[]): string[] | Extract<RecoveryPasswordResult, { ok: false }> {
  const blocks: string[] = [];
  for (const token of tokens) {
    const blockNumber = blocks.length + 1;
    if (!/^\d+$/.test(token)) {
      return failure(blockNumber <= RECOVERY_PASSWORD_BLOCKS ? blockNumber : null, `${blockLabel(blockNumber)} has a character that is not a digit: use only digits, spaces and dashes.`);
    }
    if (token.length % RECOVERY_PASSWORD_BLOCK_DIGITS !== 0) {
      return blockNumber <= RECOVERY_PASSWORD_BLOCKS
        ? failure(blockNumber, `Block ${blockNumber} has ${token.length} digits; each block has ${RECOVERY_PASSWORD_BLOCK_DIGITS}.`)
        : tooManyDigits(tokens);
    }
    for (let start = 0; start < token.length; start += RECOVERY_PASSWORD_BLOCK_DIGITS) {
      blocks.push(token.slice(start, start + RECOVERY_PASSWORD_BLOCK_DIGITS));
    }
  }
  if (blocks.length < RECOVERY_PASSWORD_BLOCKS) {
    return failure(blocks.length + 1, `Block ${blocks.length + 1} is missing: the recovery password has ${RECOVERY_PASSWORD_BLOCKS} blocks of ${RECOVERY_PASSWORD_BLOCK_DIGITS} digits.`);
  }
  if (blocks.length > RECOVERY_PASSWORD_BLOCKS) return tooManyDigits(tokens);
  return blocks;
}

function blockProblem(block: string): string | null {
  const value = Number(block);
  if (value % 11 !== 0) return 'is not right (each block is a multiple of 11): check it for a mistyped digit.';
  if (value >= RECOVERY_PASSWORD_BLOCK_LIMIT) return `is too large (each block is below ${RECOVERY_PASSWORD_BLOCK_LIMIT}): check it for a mistyped digit.`;
  return null;
}

function tooManyDigits(tokens: string[]): Extract<RecoveryPasswordResult, { ok: false }> {
  const digits = tokens.join('').replace(/\D/g, '').length;
  return failure(null, `That is ${digits} digits; the recovery password has ${TOTAL_DIGITS} (${RECOVERY_PASSWORD_BLOCKS} blocks of ${RECOVERY_PASSWORD_BLOCK_DIGITS}).`);
}

function blockLabel(blockNumber: number): string {
  return blockNumber <= RECOVERY_PASSWORD_BLOCKS ? `Block ${blockNumber}` : 'The recovery password';
}

function failure(block: number | null, reason: string): Extract<RecoveryPasswordResult, { ok: false }> {
  return { ok: false, block, reason };
}

// ---------------------------------------------------------------------------------------
// Key IDs: the GUID of the numerical-password protector, as the recovery screen shows it
// (Windows 10/11 show only its first 8 characters there).

export type KeyIdResult = { ok: true; full: string } | { ok: true; prefix: string } | { ok: false; reason: string };

export const KEY_ID_MIN_PREFIX = 8;
const GUID_GROUPS = [8, 4, 4, 4, 12] as const;
const GUID_HEX_DIGITS = 32;

/**
 * Accepts any case, braces, hyphens and spaces. 32 hex digits give the canonical full ID
 * (upper case, hyphenated, no braces, as in the machine result); 8 to 31 give a prefix in
 * the same canonical shape, so `full.startsWith(prefix)` is the lookup.
 */
export function normalizeKeyId(text: string): KeyIdResult {
  const compact = text.trim().replace(/^\{|\}$/g, '').replace(/[\s-]/g, '');
  if (!/^[0-9a-fA-F]*$/.test(compact)) return { ok: false, reason: 'A key ID has only the letters A-F and digits (with optional dashes and braces).' };
  if (compact.length < KEY_ID_MIN_PREFIX) return { ok: false, reason: `Type at least the first ${KEY_ID_MIN_PREFIX} characters of the key ID.` };
  if (compact.length > GUID_HEX_DIGITS) return { ok: false, reason: `A key ID has ${GUID_HEX_DIGITS} letters and digits; this has ${compact.length}.` };
  const canonical = hyphenateGuid(compact.toUpperCase());
  return compact.length === GUID_HEX_DIGITS ? { ok: true, full: canonical } : { ok: true, prefix: canonical };
}

/** Does a stored full key ID match what was typed (full or prefix)? */
export function keyIdMatches(fullKeyId: string, typed: KeyIdResult): boolean {
  if (!typed.ok) return false;
  const stored = normalizeKeyId(fullKeyId);
  if (!stored.ok || !('full' in stored)) return false;
  return 'full' in typed ? stored.full === typed.full : stored.full.startsWith(typed.prefix);
}

function hyphenateGuid(hex: string): string {
  const groups: string[] = [];
  let start = 0;
  for (const size of GUID_GROUPS) {
    if (start >= hex.length) break;
    groups.push(hex.slice(start, start + size));
    start += size;
  }
  return groups.join('-');
}

// ---------------------------------------------------------------------------------------
// manage-bde -protectors -get <drive>: which GUID is the numerical password's?

export type ProtectorKind = 'numerical-password' | 'tpm' | 'external-key' | 'certificate' | 'unknown';
/** Why a protector got its kind; 'heading' is the only language-dependent evidence. */
export type ProtectorEvidence = 'password-line' | 'pcr-profile' | 'key-file' | 'thumbprint' | 'heading' | 'elimination' | 'none';

export interface FoundProtector {
  keyId: string;
  kind: ProtectorKind;
  evidence: ProtectorEvidence;
  /** The protector's heading as printed (localised), for display only. */
  heading: string;
}

/** A protector ID line: "ID: {GUID}" in every language seen; the label itself is not relied on. */
const ID_LINE = /^\s*[^{}]*:\s*\{([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}\s*$/;
const PASSWORD_LINE = /^\s*\d{6}(?:-\d{6}){7}\s*$/;
/** A TPM-family protector lists its PCR validation profile as small integers: "7, 11". */
const PCR_LINE = /^\s*\d{1,2}(?:\s*,\s*\d{1,2})*\s*$/;
/** An external key (startup key, auto-unlock) names its GUID.BEK file. */
const KEY_FILE_LINE = /\.BEK\s*$/i;
const THUMBPRINT_LINE = /^\s*[0-9a-fA-F]{40}\s*$/;
/**
 * Fallback only, for a locked volume whose output has no password line. Shape beats label:
 * a language missing here still works by elimination.
 */
const NUMERICAL_PASSWORD_HEADINGS = [
  'numerical password',
  'numerisches kennwort',
  'mot de passe numérique',
  'contraseña numérica',
];

/**
 * Every protector in the output, told apart by the shape of its block, not by its label:
 * 1. the protector's GUID is the brace-wrapped GUID ending an indented "label: {GUID}" line
 *    (never the GUID-named .BEK file or a \\?\Volume{GUID}\ path);
 * 2. its block runs to the next protector's heading (the non-blank line above the next ID);
 * 3. a block holding an 8x6-digit password line is the numerical password (unlocked volume,
 *    any language); a PCR list line means TPM, a .BEK line an external key, a 40-hex line a
 *    certificate;
 * 4. on a locked volume (no password line) a known heading decides, else elimination: if
 *    exactly one protector is left unclassified, it is the numerical password.
 * Running `manage-bde -protectors -get C: -Type RecoveryPassword` (the -Type value is not
 * localised) narrows the output to numerical passwords, and this rule still applies.
 */
export function findProtectorsInManageBdeOutput(text: string): FoundProtector[] {
  const lines = text.split(/\r?\n/);
  const idLines = lines.flatMap((line, index) => (ID_LINE.test(line) ? [index] : []));
  const protectors = idLines.map((lineIndex, order) => {
    const nextId = idLines[order + 1];
    const end = nextId === undefined ? lines.length : headingIndex(lines, nextId);
    const heading = lines[headingIndex(lines, lineIndex)]?.trim().replace(/:$/, '') ?? '';
    const keyId = ID_LINE.exec(lines[lineIndex]!)![1]!.toUpperCase();
    return { keyId, heading, ...classifyBlock(lines.slice(lineIndex + 1, end)) };
  });
  return settleLockedVolume(protectors);
}

/** The numerical-password protector IDs (usually one), canonical upper case without braces. */
export function findKeyIdsInManageBdeOutput(text: string): string[] {
  return findProtectorsInManageBdeOutput(text)
    .filter((protector) => protector.kind === 'numerical-password')
    .map((protector) => protector.keyId);
}

function headingIndex(lines: string[], idLine: number): number {
  for (let index = idLine - 1; index >= 0; index -= 1) {
    if (lines[index]!.trim() !== '') return index;
  }
  return idLine;
}

function classifyBlock(block: string[]): { kind: ProtectorKind; evidence: ProtectorEvidence } {
  if (block.some((line) => PASSWORD_LINE.test(line))) return { kind: 'numerical-password', evidence: 'password-line' };
  if (block.some((line) => PCR_LINE.test(line))) return { kind: 'tpm', evidence: 'pcr-profile' };
  if (block.some((line) => KEY_FILE_LINE.test(line))) return { kind: 'external-key', evidence: 'key-file' };
  if (block.some((line) => THUMBPRINT_LINE.test(line))) return { kind: 'certificate', evidence: 'thumbprint' };
  return { kind: 'unknown', evidence: 'none' };
}

function settleLockedVolume(protectors: FoundProtector[]): FoundProtector[] {
  if (protectors.some((p) => p.kind === 'numerical-password')) return protectors;
  const byHeading = protectors.map((p) =>
    p.kind === 'unknown' && NUMERICAL_PASSWORD_HEADINGS.includes(p.heading.toLowerCase())
      ? { ...p, kind: 'numerical-password' as const, evidence: 'heading' as const }
      : p,
  );
  if (byHeading.some((p) => p.kind === 'numerical-password')) return byHeading;
  const unknown = byHeading.filter((p) => p.kind === 'unknown');
  if (unknown.length !== 1) return byHeading;
  return byHeading.map((p) => (p === unknown[0] ? { ...p, kind: 'numerical-password' as const, evidence: 'elimination' as const } : p));
}
