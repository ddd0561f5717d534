import { create } from 'zustand';
import type { MachineState, MachineStatus, Outcome, RecordEventRequest, RecoveryPath } from '../../../core/journal/schemas.js';
import { checkOutcome, fullKeyId, isOpen, isTodo, outcomeEvent, prefillFromStick, UNDO_WINDOW_MS, type OutcomeProblem } from '../../../core/recover/outcome.js';
import { containsText, identityFromScan, inNextOrder, matchesScan, pickNext, sameMachine, scanProblem, type ScanKind } from '../../../core/recover/queue.js';
import type { ApiClient } from '../../api/client.js';
import { describeError, type FieldFailure } from '../../state/errors.js';
import { useKeys, type RemoteKeySource } from '../keys/store.js';
import { fleetSource, journalSource, mergeLists, type OfferedMachine, type QueueSource, type SourceList } from './queue-source.js';

/**
 * The Recover screen: the queue of machines (the PCs being recovered) and the walkthrough of
 * the one that is open. Every change is an event saved in the journal first; what the screen
 * shows of a machine is the state the journal answers with, so a pause, a crash or another
 * window leaves it where the events say. The recovery password stays in the Keys store
 * (useKeys), which the BitLocker step drives: it is never copied here.
 */

/** Which machines the list shows: the technician's to-do, everything not closed, everything, or one status. */
export type StatusFilter = 'todo' | 'open' | 'all' | MachineStatus;

/** Where the open walkthrough is: choosing a path, at one step, or recording the outcome. */
export type WalkView = { stage: 'path' } | { stage: 'step'; index: number } | { stage: 'outcome' };

export type RecoverFocus = 'scan' | 'path' | 'key-id' | 'reveal' | 'step' | 'outcome' | 'undo';

export interface WalkState {
  machineId: string;
  /** Null: where the journal says (the path, else the first step not confirmed, else the outcome). */
  view: WalkView | null;
  stickLetter: string;
  windowsVolume: string;
  /** The key ID as typed or scanned. */
  keyQuery: string;
  /** The key ID query last looked up for this machine (the Keys store's lookup is shown only for it). */
  lookedUp: string | null;
  /** The full key ID revealed for this machine (never the password). */
  keyIdUsed: string | null;
  notes: string;
  /** One path a line, pre-filled from the stick's result. */
  files: string;
  /** The outcome the stick's result suggests. */
  suggested: Outcome | null;
}

export interface LastOutcome {
  machineId: string;
  eventId: string;
  outcome: Outcome;
  hostname: string;
  /** Epoch ms the outcome was saved: Undo is offered for UNDO_WINDOW_MS from here. */
  savedAt: number;
}

/** The last pull of the backend's fleet list (what the queue offers from it). */
export interface FleetPull {
  status: 'idle' | 'pulling' | 'done' | 'failed';
  /** The site typed for the pull. */
  site: string;
  error: string | null;
  /** The last pull that worked. */
  pulled: { site: string; machines: number; pages: number; truncated: boolean; pulledAt: string } | null;
}

export const REVEAL_REASON = 'Unlocking the drive to remove the faulty files';

interface RecoverState {
  sources: QueueSource[];
  list: SourceList | null;
  listError: string | null;
  loading: boolean;
  filter: { site: string | null; status: StatusFilter; text: string };
  scanKind: ScanKind;
  /** The site new machines are filed under. */
  newSite: string;
  scanFailure: string | null;
  /** An event is being saved. */
  busy: boolean;
  saveError: string | null;
  /** Why the outcome was not recorded (core's checkOutcome), beside the field it is about: the renderer's one failure type. */
  outcomeProblem: FieldFailure<OutcomeProblem['field']> | null;
  walk: WalkState | null;
  lastOutcome: LastOutcome | null;
  focus: { target: RecoverFocus; seq: number } | null;
  fleet: FleetPull;

  load(client: ApiClient): Promise<void>;
  setFleetSite(site: string): void;
  /** Pulls the backend's fleet list of the site typed (every page) into the queue, without duplicates. */
  pullFleet(client: ApiClient): Promise<void>;
  setFilter(filter: Partial<RecoverState['filter']>): void;
  setScanKind(kind: ScanKind): void;
  setNewSite(site: string): void;
  /** A typed or scanned hostname, asset tag or serial: opens the machine, adding it first when new; empty opens the next. */
  scan(client: ApiClient, text: string, source: 'typed' | 'scanned'): Promise<void>;
  openNext(client: ApiClient): Promise<void>;
  open(client: ApiClient, machineId: string): Promise<void>;
  openOffered(client: ApiClient, offer: OfferedMachine): Promise<void>;
  choosePath(client: ApiClient, path: RecoveryPath): Promise<void>;
  show(view: WalkView): void;
  confirmSteps(client: ApiClient, steps: readonly { index: number; title: string }[], then: WalkView): Promise<void>;
  edit(fields: Partial<Pick<WalkState, 'stickLetter' | 'windowsVolume' | 'keyQuery' | 'notes' | 'files'>>): void;
  lookupKey(client: ApiClient): Promise<void>;
  revealKey(client: ApiClient): Promise<void>;
  /** Asks the backend's escrow for the key ID typed (the vault has no match, or there is no vault); `keyId` overrides it (a candidate's whole ID). */
  askEscrow(client: ApiClient, keyId?: string, source?: RemoteKeySource): Promise<void>;
  recordOutcome(client: ApiClient, outcome: Outcome): Promise<void>;
  undo(client: ApiClient): Promise<void>;
  dismissUndo(): void;
  pause(client: ApiClient): Promise<void>;
}

/** The list with one machine's new state in it (added or replaced), its site listed and no longer offered from a fleet list. */
function withMachine(list: SourceList, machine: MachineState): SourceList {
  const others = list.machines.filter((m) => m.machineId !== machine.machineId);
  const sites = machine.machine.site && !list.sites.includes(machine.machine.site) ? [...list.sites, machine.machine.site].sort() : list.sites;
  const offered = list.offered.filter((offer) => !sameMachine(offer.identity, machine.machine));
  return { ...list, machines: [...others, machine], sites, offered };
}

/** The open machine's journal state. */
export function openMachine(state: Pick<RecoverState, 'list' | 'walk'>): MachineState | null {
  const id = state.walk?.machineId;
  return id ? (state.list?.machines.find((machine) => machine.machineId === id) ?? null) : null;
}

/** The fleet list's machines the list shows: the site and text filters apply to them too. */
export function visibleOffers(state: Pick<RecoverState, 'list' | 'filter'>): OfferedMachine[] {
  const { site, text } = state.filter;
  return (state.list?.offered ?? []).filter((offer) => (!site || offer.identity.site?.toLowerCase() === site.toLowerCase()) && containsText(offer.identity, text));
}

/** The machines the list shows, in the order "next" would take them, then the rest newest first. */
export function visibleMachines(state: Pick<RecoverState, 'list' | 'filter'>): MachineState[] {
  const { status, site, text } = state.filter;
  const wanted = (machine: MachineState): boolean =>
    (status === 'all' || (status === 'todo' ? isTodo(machine.status) : status === 'open' ? isOpen(machine.status) : machine.status === status)) &&
    (!site || machine.machine.site === site) &&
    containsText(machine.machine, text);
  const shown = (state.list?.machines ?? []).filter(wanted);
  const ordered = inNextOrder(shown);
  const rest = shown.filter((machine) => !isTodo(machine.status)).sort((a, b) => b.lastEventAt.localeCompare(a.lastEventAt));
  return [...ordered, ...rest];
}

function freshWalk(machine: MachineState): WalkState {
  const prefill = machine.stickResult ? prefillFromStick(machine.stickResult) : null;
  return {
    machineId: machine.machineId,
    view: null,
    stickLetter: '',
    windowsVolume: '',
    keyQuery: '',
    lookedUp: null,
    keyIdUsed: machine.keyIdUsed ?? prefill?.keyId ?? null,
    notes: machine.notes ?? '',
    files: (machine.filesRemoved.length > 0 ? machine.filesRemoved : (prefill?.filesRemoved ?? [])).join('\n'),
    suggested: prefill?.outcome ?? null,
  };
}

let undoTimer: ReturnType<typeof setTimeout> | null = null;

export const useRecover = create<RecoverState>()((set, get) => {
  const focus = (target: RecoverFocus): Pick<RecoverState, 'focus'> => ({ focus: { target, seq: (get().focus?.seq ?? 0) + 1 } });

  /**
   * Machines saved from this screen, by the count of saves when each was saved. A list read that
   * began before a save answers without it (with 10,000 machines the read takes seconds, and the
   * queue reads every 15 s): those machines are put back over its answer, or the machine just
   * scanned would vanish and its walkthrough close under the technician's hands.
   */
  let saves = 0;
  const saved = new Map<string, { save: number; machine: MachineState }>();

  /** Puts a machine's new state into the list (the journal's answer is the truth). */
  const apply = (machine: MachineState): void => {
    saves += 1;
    saved.set(machine.machineId, { save: saves, machine });
    set({ list: withMachine(get().list ?? { machines: [], offered: [], sites: [], counts: {}, damagedLines: 0 }, machine) });
  };

  /** Saves one event; the machine's new state, or null after saying why it was not saved. */
  const record = async (client: ApiClient, event: RecordEventRequest): Promise<MachineState | null> => {
    set({ busy: true, saveError: null });
    try {
      const answer = await client.call('recordEvent', event);
      apply(answer.state);
      set({ busy: false });
      return answer.state;
    } catch (error) {
      set({ busy: false, saveError: describeError(error) });
      return null;
    }
  };

  /** After a reveal for this machine: the key ID it used goes with its outcome (never the password). */
  const keepKeyIdUsed = (machineId: string): void => {
    const revealed = useKeys.getState().revealed;
    if (revealed && get().walk?.machineId === machineId) set({ walk: { ...get().walk!, keyIdUsed: fullKeyId(revealed.id) ?? get().walk!.keyIdUsed } });
  };

  const identityOf = (machine: MachineState): Pick<RecordEventRequest, 'machineId' | 'machine'> => ({ machineId: machine.machineId, machine: machine.machine });

  /** Before another machine opens: only one is worked on at a time, so the one left is set aside, its timer stopped. */
  const leave = async (client: ApiClient, nextId: string | null): Promise<void> => {
    const previous = openMachine(get());
    if (!previous || previous.machineId === nextId) return;
    useKeys.getState().hide();
    if (previous.status === 'in_progress') await record(client, { type: 'machine.paused', ...identityOf(previous) });
  };

  const close = (): void => {
    // The password belongs to the machine it was revealed for: gone when that machine is.
    useKeys.getState().hide();
    set({ walk: null, outcomeProblem: null, saveError: null, ...focus('scan') });
  };

  return {
    sources: [journalSource],
    list: null,
    listError: null,
    loading: false,
    filter: { site: null, status: 'todo', text: '' },
    scanKind: 'assetTag',
    newSite: '',
    scanFailure: null,
    busy: false,
    saveError: null,
    outcomeProblem: null,
    walk: null,
    lastOutcome: null,
    focus: null,
    fleet: { status: 'idle', site: '', error: null, pulled: null },

    async load(client) {
      set({ loading: true });
      const from = saves;
      try {
        const lists = await Promise.all(get().sources.map((source) => source.list(client, { site: null, text: '' })));
        let list = mergeLists(lists);
        for (const [id, entry] of saved) {
          if (entry.save > from) list = withMachine(list, entry.machine);
          else saved.delete(id); // this read has it
        }
        set({ list, listError: null, loading: false });
      } catch (error) {
        set({ listError: describeError(error), loading: false });
      }
    },

    setFleetSite(site) {
      set({ fleet: { ...get().fleet, site, error: null } });
    },

    async pullFleet(client) {
      const fleet = get().fleet;
      const site = fleet.site.trim() || get().filter.site || get().newSite.trim();
      if (fleet.status === 'pulling') return;
      if (site === '') {
        set({ fleet: { ...fleet, status: 'failed', error: 'Type the site whose fleet list to pull (as the helpdesk names it, e.g. Berlin).' } });
        return;
      }
      set({ fleet: { ...fleet, site, status: 'pulling', error: null } });
      try {
        const list = await client.call('pullFleetList', { site });
        set({
          sources: [...get().sources.filter((source) => source.id !== 'fleet'), fleetSource(list)],
          fleet: { site, status: 'done', error: null, pulled: { site: list.site, machines: list.machines.length, pages: list.pages, truncated: list.truncated, pulledAt: list.pulledAt } },
        });
        await get().load(client);
      } catch (error) {
        set({ fleet: { ...get().fleet, status: 'failed', error: describeError(error) } });
      }
    },

    setFilter(filter) {
      set({ filter: { ...get().filter, ...filter } });
    },

    setScanKind(scanKind) {
      set({ scanKind });
    },

    setNewSite(newSite) {
      set({ newSite });
    },

    async scan(client, text, source) {
      if (get().busy) return;
      if (text.trim() === '') {
        await get().openNext(client);
        return;
      }
      const problem = scanProblem(text);
      if (problem) {
        set({ scanFailure: problem, ...focus('scan') });
        return;
      }
      set({ scanFailure: null });
      const known = get().list?.machines.filter((machine) => matchesScan(machine.machine, text)) ?? [];
      // The same label on two machines (a reused asset tag): the newest entry is the one in front of the technician.
      const existing = known.sort((a, b) => b.addedAt.localeCompare(a.addedAt))[0];
      if (existing) {
        await get().open(client, existing.machineId);
        return;
      }
      const offer = get().list?.offered.find((candidate) => matchesScan(candidate.identity, text));
      if (offer) {
        await get().openOffered(client, offer);
        return;
      }
      const identity = identityFromScan(text, get().scanKind, get().newSite || get().filter.site);
      if (!identity) return;
      await leave(client, null);
      const machine = await record(client, { type: 'machine.added', source, machine: identity });
      if (machine) set({ walk: freshWalk(machine), ...focus('path') });
      else set(focus('scan'));
    },

    async openNext(client) {
      const next = pickNext(visibleMachines(get()), get().walk?.machineId ?? null) ?? pickNext(get().list?.machines ?? [], get().walk?.machineId ?? null);
      if (next) {
        await get().open(client, next.machineId);
        return;
      }
      const offer = get().list?.offered[0];
      if (offer) await get().openOffered(client, offer);
      else set({ scanFailure: 'Nothing waits in the queue: scan or type the next machine’s asset tag, hostname or serial.', ...focus('scan') });
    },

    async open(client, machineId) {
      let machine = get().list?.machines.find((m) => m.machineId === machineId) ?? null;
      if (!machine) return;
      set({ scanFailure: null, outcomeProblem: null, saveError: null });
      await leave(client, machineId);
      if (machine.status === 'paused') machine = (await record(client, { type: 'machine.resumed', ...identityOf(machine) })) ?? machine;
      set({ walk: freshWalk(machine), ...focus(machine.path ? 'step' : 'path') });
    },

    async openOffered(client, offer) {
      await leave(client, null);
      const machine = await record(client, { type: 'machine.added', source: 'fleet', machine: offer.identity });
      if (machine) set({ walk: freshWalk(machine), ...focus('path') });
    },

    async choosePath(client, path) {
      const machine = openMachine(get());
      if (!machine || get().busy) return;
      const saved = machine.path === path ? machine : await record(client, { type: 'machine.path_chosen', path, ...identityOf(machine) });
      if (!saved) return;
      set({ walk: { ...get().walk!, view: null }, outcomeProblem: null, ...focus(saved.stepsConfirmed.includes(0) ? 'step' : 'key-id') });
    },

    show(view) {
      const walk = get().walk;
      if (!walk) return;
      set({ walk: { ...walk, view }, ...focus(view.stage === 'path' ? 'path' : view.stage === 'outcome' ? 'outcome' : view.index === 0 ? 'key-id' : 'step') });
    },

    async confirmSteps(client, steps, then) {
      const machine = openMachine(get());
      if (!machine?.path || get().busy) return;
      let current: MachineState = machine;
      for (const step of steps) {
        if (current.stepsConfirmed.includes(step.index)) continue;
        const saved = await record(client, { type: 'machine.step_confirmed', path: machine.path, step: step.index, title: step.title, ...identityOf(current) });
        if (!saved) return;
        current = saved;
      }
      get().show(then);
    },

    edit(fields) {
      const walk = get().walk;
      if (walk) set({ walk: { ...walk, ...fields } });
    },

    async lookupKey(client) {
      const walk = get().walk;
      if (!walk) return;
      // No vault on this laptop, or a locked one: the backend's escrow is the place to ask now.
      // The chain: the vault; Microsoft Graph when signed in; the backend's escrow (offered when Graph has no match).
      const vault = useKeys.getState().status;
      const graph = useKeys.getState().graph?.state === 'signed-in' ? 'graph' : 'escrow';
      if (vault?.exists === false || vault?.unlocked === false) {
        await get().askEscrow(client, undefined, graph);
        return;
      }
      set({ walk: { ...walk, lookedUp: walk.keyQuery.trim() } });
      await useKeys.getState().runLookup(client, walk.keyQuery);
      const lookup = useKeys.getState().lookup;
      if (graph === 'graph' && lookup.status === 'done' && lookup.result?.kind === 'not-found') {
        await get().askEscrow(client, undefined, 'graph');
        return;
      }
      // Found, the reason is already filled in: Reveal is the next key to press. Not in the vault: asking the escrow is.
      set(focus(lookup.status === 'done' && (lookup.result?.kind === 'found' || lookup.result?.kind === 'not-found') ? 'reveal' : 'key-id'));
    },

    async revealKey(client) {
      const machine = openMachine(get());
      const key = useKeys.getState().selected;
      if (!machine || !key) return;
      // The audit record names this machine, not the key's device name (a renamed PC keeps its key).
      await useKeys.getState().reveal(client, machine.machine.hostname, REVEAL_REASON, machine.machineId);
      keepKeyIdUsed(machine.machineId);
    },

    async askEscrow(client, keyId, source = 'escrow') {
      const machine = openMachine(get());
      const walk = get().walk;
      if (!machine || !walk) return;
      const asked = (keyId ?? walk.keyQuery).trim();
      set({ walk: { ...walk, lookedUp: walk.keyQuery.trim() } });
      await useKeys.getState().askEscrow(client, { keyId: asked, machine: machine.machine.hostname, reason: REVEAL_REASON, machineId: machine.machineId }, source);
      keepKeyIdUsed(machine.machineId);
      if (!useKeys.getState().revealed) set(focus('key-id'));
    },

    async recordOutcome(client, outcome) {
      const machine = openMachine(get());
      const walk = get().walk;
      if (!machine || !walk || get().busy) return;
      const draft = { outcome, path: machine.path, notes: walk.notes, filesRemoved: walk.files.split('\n'), keyId: walk.keyIdUsed };
      const problem = checkOutcome(draft);
      if (problem) {
        set({ outcomeProblem: problem, ...focus('outcome') });
        return;
      }
      set({ outcomeProblem: null });
      const saved = await record(client, outcomeEvent(machine, draft));
      if (!saved?.outcomeEventId) return;
      if (undoTimer) clearTimeout(undoTimer);
      undoTimer = setTimeout(() => get().dismissUndo(), UNDO_WINDOW_MS);
      set({ lastOutcome: { machineId: machine.machineId, eventId: saved.outcomeEventId, outcome, hostname: machine.machine.hostname, savedAt: Date.now() } });
      close();
    },

    async undo(client) {
      const last = get().lastOutcome;
      if (!last || get().busy || Date.now() - last.savedAt >= UNDO_WINDOW_MS) return;
      const machine = get().list?.machines.find((m) => m.machineId === last.machineId);
      if (!machine) return;
      const saved = await record(client, { type: 'machine.outcome_undone', undoes: last.eventId, ...identityOf(machine) });
      if (!saved) return;
      if (undoTimer) clearTimeout(undoTimer);
      undoTimer = null;
      set({ lastOutcome: null, walk: { ...freshWalk(saved), view: { stage: 'outcome' } }, ...focus('outcome') });
    },

    dismissUndo() {
      if (undoTimer) clearTimeout(undoTimer);
      undoTimer = null;
      set({ lastOutcome: null });
    },

    async pause(client) {
      const machine = openMachine(get());
      if (!machine) return;
      if (machine.status === 'in_progress' || machine.status === 'pending') {
        if (!(await record(client, { type: 'machine.paused', ...identityOf(machine) }))) return;
      }
      close();
    },
  };
});

/** For tests: back to a fresh store and no timers. */
export function resetRecoverStore(): void {
  if (undoTimer) clearTimeout(undoTimer);
  undoTimer = null;
  useRecover.setState(useRecover.getInitialState(), true);
}
