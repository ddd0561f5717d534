import type { ReactElement } from 'react';
import { RecoverIcon } from '../../ui/icons.js';
import { ScreenHeader } from '../../ui/ScreenHeader.js';
import { ComingSoon } from '../shell/ComingSoon.js';

export function RecoverScreen(): ReactElement {
  return (
    <>
      <ScreenHeader title="Recover" lead="Bring one crashed PC back, step by step, and record what you did." />
      <ComingSoon
        icon={<RecoverIcon size={40} />}
        title="A walkthrough for the PC in front of you"
        intro="For each machine, Bootmend tells you what to press and what to type, in order, until Windows starts normally again."
        abilities={[
          'Start the PC the way that works: WinPE from your Bootmend stick, the Windows Recovery (WinRE) command prompt, or Safe Mode.',
          "Unlock the BitLocker-protected Windows drive with that machine's recovery password.",
          'Remove exactly the faulty files the playbook names — nothing else — then switch safe boot off and restart.',
          'Record the outcome in the journal: fixed, needs escalation, or nothing to fix.',
        ]}
        actionLabel="Start a walkthrough"
        actionIcon={<RecoverIcon />}
      />
    </>
  );
}
