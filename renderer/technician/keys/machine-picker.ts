import type { MachineIdentity, MachineState } from '../../../core/journal/schemas.js';
import { containsText, matchesScan } from '../../../core/recover/queue.js';

/** A journal machine picked for a reveal: the audit event names it and carries its identity. */
export interface PickedMachine {
  machineId: string;
  machine: MachineIdentity;
}

/** Enough to choose from without scrolling; typing more narrows it. */
export const PICKER_LIMIT = 8;

function startsWith(machine: MachineIdentity, wanted: string): boolean {
  return [machine.hostname, machine.assetTag, machine.serial].some((value) => value?.toLowerCase().startsWith(wanted));
}

/**
 * The journal machines the picker offers for what is typed (any part of hostname, asset tag or
 * serial, any case): a whole label first (a scanned asset tag), then those a label starts with,
 * then the rest; the most recently worked on first within each. Nothing typed: the most recent.
 */
export function machinePickerOptions(machines: readonly MachineState[], text: string, limit = PICKER_LIMIT): MachineState[] {
  const wanted = text.trim().toLowerCase();
  const rank = (m: MachineState): number => (wanted === '' ? 0 : matchesScan(m.machine, wanted) ? 0 : startsWith(m.machine, wanted) ? 1 : 2);
  return machines
    .filter((m) => containsText(m.machine, wanted))
    .sort((a, b) => rank(a) - rank(b) || b.lastEventAt.localeCompare(a.lastEventAt))
    .slice(0, limit);
}

/** The option Enter takes without arrowing to it: only a whole label, so Enter after a new name still submits that name. */
export function exactOption(options: readonly MachineState[], text: string): number {
  return options.findIndex((m) => matchesScan(m.machine, text));
}
