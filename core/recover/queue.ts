import type { MachineIdentity, MachineState, MachineStatus } from '../journal/schemas.js';
import { isTodo } from './outcome.js';

/** How the Recover screen's queue finds, orders and adds machines (the PC being recovered). */

/** What a typed or scanned text names when it is not yet in the queue. */
export type ScanKind = 'hostname' | 'assetTag' | 'serial';

/** Hostname, asset tag or serial, whole and in any case: a scanner types the whole label. */
export function matchesScan(machine: MachineIdentity, text: string): boolean {
  const wanted = text.trim().toLowerCase();
  if (wanted === '') return false;
  return [machine.hostname, machine.assetTag, machine.serial].some((value) => value?.toLowerCase() === wanted);
}

/**
 * Two identities name the same machine when the hostname, the serial or the asset tag is the
 * same (in any case): the fleet list and the journal may know a machine by different labels.
 */
export function sameMachine(a: MachineIdentity, b: MachineIdentity): boolean {
  const same = (x: string | undefined, y: string | undefined): boolean => x !== undefined && y !== undefined && x.trim() !== '' && x.trim().toLowerCase() === y.trim().toLowerCase();
  return same(a.hostname, b.hostname) || same(a.serial, b.serial) || same(a.assetTag, b.assetTag);
}

/** Any part of hostname, asset tag or serial, for filtering the list as one types. */
export function containsText(machine: MachineIdentity, text: string): boolean {
  const wanted = text.trim().toLowerCase();
  return wanted === '' || [machine.hostname, machine.assetTag, machine.serial].some((value) => value?.toLowerCase().includes(wanted));
}

/**
 * A new machine from a scan. The journal needs a hostname; an asset tag or serial stands in
 * for it until a stick result or the technician gives the real one.
 */
export function identityFromScan(text: string, kind: ScanKind, site: string | null): MachineIdentity | null {
  const value = text.trim();
  if (value === '' || value.length > 63) return null;
  return {
    hostname: value,
    ...(kind === 'assetTag' ? { assetTag: value } : {}),
    ...(kind === 'serial' ? { serial: value } : {}),
    ...(site?.trim() ? { site: site.trim() } : {}),
  };
}

export function scanProblem(text: string): string | null {
  const value = text.trim();
  if (value === '') return 'Type or scan a hostname, asset tag or serial number.';
  if (value.length > 63) return `That is ${value.length} characters; a hostname, asset tag or serial has at most 63. Was it the right barcode?`;
  return null;
}

const ORDER: Partial<Record<MachineStatus, number>> = { in_progress: 0, pending: 1, paused: 2 };

const byNext = (a: MachineState, b: MachineState): number => (ORDER[a.status] ?? 9) - (ORDER[b.status] ?? 9) || a.addedAt.localeCompare(b.addedAt);

/** The machine "next" opens: one being worked on, then the oldest waiting, then one set aside. */
export function pickNext(machines: readonly MachineState[], exceptId: string | null = null): MachineState | null {
  return inNextOrder(machines.filter((machine) => machine.machineId !== exceptId))[0] ?? null;
}

/**
 * Every machine still to do, in the order "next" takes them one after another. One sort: picking
 * the next one again and again was quadratic, and with 2,000 machines to do the queue took
 * seconds to draw after every keystroke.
 */
export function inNextOrder(machines: readonly MachineState[]): MachineState[] {
  return machines.filter((machine) => isTodo(machine.status)).sort(byNext);
}
