import type { BuiltMedium } from './schemas.js';

type BuiltBase = NonNullable<BuiltMedium['base']>;
type Signature = NonNullable<BuiltBase['secureBoot']>;

/**
 * What the build found about starting the medium, in the technician's words: the CLI prints
 * these and the Media screen shows them, so both say the same. KB5025885 moves PCs from the
 * 2011 Microsoft CA to the Windows UEFI CA 2023; a boot manager signed only by the one the
 * PC's firmware does not trust is refused while Secure Boot is on.
 */
export function secureBootSentence(signature: Signature): string {
  switch (signature.signer) {
    case 'windows-uefi-ca-2023':
      return 'Secure Boot: the boot manager is signed with the Windows UEFI CA 2023. PCs whose firmware does not have that certificate yet (no KB5025885 update) refuse to start it; keep a stick built from a 2011-signed base for those.';
    case 'production-pca-2011':
      return 'Secure Boot: the boot manager is signed only with the 2011 CA (Microsoft Windows Production PCA 2011). PCs that have applied the KB5025885 revocation refuse to start it; for those, build from a base with the 2023-signed boot manager (current ADK or Windows media).';
    case 'other':
      return `Secure Boot: the boot manager is signed by ${signature.issuers.join(', ')}, not by Microsoft's Windows CAs, so PCs with Secure Boot on will most likely refuse to start it.`;
    case 'unsigned':
      return 'Secure Boot: the boot manager is not signed, so PCs with Secure Boot on refuse to start it.';
  }
}

export const SECURE_BOOT_BITLOCKER_HINT =
  'Do not switch Secure Boot off on a BitLocker PC to make a stick start: BitLocker then asks for the recovery key at the next start. Use a stick whose boot manager the PC trusts, or the PC\'s own Windows Recovery.';

export function bootPromptSentence(prompt: NonNullable<BuiltBase['bootPrompt']>): string {
  return prompt === 'none'
    ? 'The ISO starts without waiting for a key (efisys_noprompt.bin), also from virtual media and Hyper-V.'
    : 'The ISO shows "Press any key to boot from CD or DVD": press a key at once, or the PC goes on without it. Virtual media and Hyper-V never press one; the base has no efisys_noprompt.bin.';
}

export function launchSentence(launch: NonNullable<BuiltBase['launch']>): string {
  return launch === 'winpeshl.ini'
    ? "The base's winpeshl.ini (WinRE's recovery screens) was replaced: WinPE runs wpeinit, then Bootmend."
    : 'WinPE runs startnet.cmd: wpeinit, then Bootmend.';
}

export function driversSentence(drivers: NonNullable<BuiltMedium['driversOnMedium']>): string {
  return `${drivers.infs} driver${drivers.infs === 1 ? '' : 's'} (.inf) in ${drivers.folder}: WinPE loads them with drvload before fix.cmd looks for the PC's drives.`;
}
