import type { ReactElement } from 'react';
import { CloudIcon, JournalIcon } from '../../ui/icons.js';
import { ScreenHeader } from '../../ui/ScreenHeader.js';
import { ComingSoon } from '../shell/ComingSoon.js';

export function JournalScreen(): ReactElement {
  return (
    <>
      <ScreenHeader title="Journal" lead="A record of every machine you have worked on, shared with the helpdesk." />
      <ComingSoon
        icon={<JournalIcon size={40} />}
        title="Every machine's outcome, recorded"
        intro="Each recovery is written to this laptop the moment you finish it, so nothing is lost when there is no network on the floor."
        abilities={[
          "See each machine's outcome, which files were removed (with size, time and hash), and your notes.",
          'Records sync to the helpdesk as soon as the backend can be reached; a retried sync never counts a machine twice.',
          'The status bar shows how many records are still waiting to sync.',
        ]}
        actionLabel="Record a machine"
        actionIcon={<CloudIcon />}
      />
    </>
  );
}
