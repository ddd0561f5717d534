import type { ReactElement } from 'react';
import { KeyIcon, SearchIcon } from '../ui/icons.js';
import { ScreenHeader } from '../ui/ScreenHeader.js';
import { ComingSoon } from './ComingSoon.js';

export function KeysScreen(): ReactElement {
  return (
    <>
      <ScreenHeader title="Keys" lead="Find the BitLocker recovery password for the PC that is asking for one." />
      <ComingSoon
        icon={<KeyIcon size={40} />}
        title="BitLocker recovery password look-up"
        intro="When a PC stops at the blue BitLocker recovery screen, it shows a Key ID. Type it here and Bootmend shows the 48-digit recovery password to enter."
        abilities={[
          'Look up a recovery password by the Key ID on screen — the first 8 characters are enough.',
          "Import your organisation's key export into an encrypted vault on this laptop, so look-ups work with no network.",
          'Every reveal is recorded in an audit log: who looked, which Key ID, for which machine, and when.',
        ]}
        actionLabel="Look up a recovery password"
        actionIcon={<SearchIcon />}
      />
    </>
  );
}
