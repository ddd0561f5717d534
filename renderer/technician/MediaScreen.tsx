import type { ReactElement } from 'react';
import { MediaIcon } from '../ui/icons.js';
import { ScreenHeader } from '../ui/ScreenHeader.js';
import { ComingSoon } from './ComingSoon.js';

export function MediaScreen(): ReactElement {
  return (
    <>
      <ScreenHeader title="Media" lead="Make the boot media you carry from one crashed PC to the next." />
      <ComingSoon
        icon={<MediaIcon size={40} />}
        title="Build recovery media from a playbook"
        intro="A playbook says which files the bad update left behind and how to remove them. Bootmend puts the playbook and its fix script on a medium that starts the crashed PC and applies the fix, even on BitLocker-protected drives."
        abilities={[
          'Build a bootable ISO image (UEFI and BIOS) for virtual machines, remote consoles or a disc.',
          'Build a raw USB image to copy onto sticks with any imaging tool.',
          'Write one or more USB sticks at once and read each back to check it — the system disk is never offered.',
          'Choose the base: WinPE from the Windows ADK or an existing ISO, or a payload-only stick for Windows Recovery.',
        ]}
        actionLabel="Build a medium"
        actionIcon={<MediaIcon />}
      />
    </>
  );
}
