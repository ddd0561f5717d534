import { useEffect, type ReactElement } from 'react';
import type { Playbook } from '../../../core/playbooks/playbook.js';
import { useClient } from '../../state/client.js';
import { ScreenHeader } from '../../ui/ScreenHeader.js';
import { useRefresh } from '../../ui/useRefresh.js';
import { useNow } from '../keys/shared.js';
import { useKeys } from '../keys/store.js';
import { usePlaybooks } from '../media/store.js';
import { QueueView } from './QueueView.js';
import { isTyping } from './shared.js';
import { openMachine, useRecover } from './store.js';
import { UndoToast } from './UndoToast.js';
import { Walkthrough } from './Walkthrough.js';
import '../keys/keys.css';
import './recover.css';

/** Other windows (the CLI ingesting a stick) add machines too: look again now and then while the queue shows. */
const QUEUE_POLL_MS = 15_000;

let pendingHide: ReturnType<typeof setTimeout> | null = null;

/** The playbook for a machine: the one its stick result names, else the first (the built-in one). */
function playbookFor(playbooks: Playbook[], id: string | undefined): Playbook | null {
  return playbooks.find((p) => p.id === id) ?? playbooks[0] ?? null;
}

/** The Recover screen: the queue, and the walkthrough of the machine that is open. */
export function RecoverScreen(): ReactElement {
  const client = useClient();
  const walk = useRecover((s) => s.walk);
  const machine = useRecover(openMachine);
  const catalog = usePlaybooks((s) => s.data);
  const now = useNow();

  useEffect(() => {
    void usePlaybooks.getState().load(client);
  }, [client]);
  useRefresh(() => {
    if (!useRecover.getState().walk) void useRecover.getState().load(client);
  }, QUEUE_POLL_MS, [client]);

  useEffect(() => {
    // Leaving the screen hides a revealed password (deferred a tick for StrictMode's double mount, as the Keys screen does).
    if (pendingHide) clearTimeout(pendingHide);
    pendingHide = null;
    return () => {
      pendingHide = setTimeout(() => useKeys.getState().hide(), 0);
    };
  }, []);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.altKey || event.metaKey) return;
      const state = useRecover.getState();
      // Ctrl+Z undoes the outcome unless it would undo typing (the scan box is focused, but empty, after an outcome).
      const emptyField = event.target instanceof HTMLInputElement && event.target.value === '';
      if (event.ctrlKey && event.key.toLowerCase() === 'z' && state.lastOutcome && (emptyField || !isTyping(event.target))) {
        event.preventDefault();
        void state.undo(client);
      } else if (!event.ctrlKey && !state.walk && !isTyping(event.target) && event.key.toLowerCase() === 'n') {
        event.preventDefault();
        void state.openNext(client);
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [client]);

  const playbooks = catalog?.playbooks.map((entry) => entry.playbook) ?? [];
  return (
    <>
      <ScreenHeader title="Recover" lead="One machine after another: scan it, take the way in, unlock, follow the steps, record how it ended." />
      {walk && machine ? <Walkthrough machine={machine} walk={walk} playbook={playbookFor(playbooks, machine.stickResult?.playbook.id)} /> : <QueueView now={now} />}
      <UndoToast />
    </>
  );
}
