import { create } from 'zustand';
import type { VerifyDriveResult, WriteDrivesResult } from '../../../core/drives/write.js';
import { MAX_DRIVES_PER_WRITE } from '../../../core/drives/write.js';
import type { DriveEntry } from '../../../core/drives/drives.js';
import type { ApiClient } from '../../api/client.js';
import { describeError, type FieldFailure } from '../../state/errors.js';
import { IDLE_JOB, isActive, jobRunner, type JobState } from '../../state/job.js';
import { cancelledResult, confirmationRule, confirmationSatisfied, droppedReason, fingerprint, pruneSelection, selectAllSticks, selectedDrives, toggleDrive, unfinishedDrives, visibleDrives, type Selection } from './rules.js';

/*
 * The Media screen's "Write to drives" step: the image, the listing, the choice, the
 * confirmation, the write and the check of one stick. The rules are in rules.ts, the words
 * in words.ts; this store sequences the API calls.
 */

export type DriveStepView = 'choose' | 'writing' | 'result';

/** Where a failure is shown: beside the image path, above the drive list, in the dialog; null on top. */
export type DriveField = 'image' | 'drives' | 'confirm';

export interface DriveListState {
  drives: DriveEntry[] | null;
  loading: boolean;
  error: string | null;
  /** The image path and switch the last listing was made for (the guard's source and size checks depend on them). */
  listedFor: { image: string; includeUsbHdd: boolean } | null;
}

/** A write in flight or finished: the drives as they were confirmed, never re-read from a later listing. */
export interface WriteRequest {
  image: string;
  drives: DriveEntry[];
  verify: boolean;
}

interface DrivesState {
  /** The drive step is showing on the Media screen. */
  open: boolean;
  /** Where "Done" goes back to: the build result, or the form. */
  origin: 'build' | 'direct';
  image: string;
  /** Known when the image is the medium just built (the listing API does not report it). */
  imageBytes: number | null;
  showUsbHdd: boolean;
  list: DriveListState;
  selection: Selection;
  failure: FieldFailure<DriveField> | null;
  /** Bumped when the field named by `failure` should take focus. */
  failureFocus: number;
  /** Where the keyboard focus goes when the list comes back after a result (the result card and its buttons are gone). */
  listFocus: { target: 'write' | 'drives'; request: number };
  confirming: boolean;
  confirmText: string;
  /** The write; a cancelled one ends done too, with what each drive was left as. */
  writing: JobState<WriteDrivesResult>;
  request: WriteRequest | null;
  /** Bumped when the result heading should take focus. */
  resultFocus: number;
  /** "Check a stick": one drive read back and compared with the image. */
  check: JobState<VerifyDriveResult>;
  checkDevice: string | null;

  openFromBuild(image: string, bytes: number): void;
  openDirect(): void;
  close(): void;
  setImage(image: string): void;
  setShowUsbHdd(client: ApiClient, show: boolean): Promise<void>;
  refresh(client: ApiClient): Promise<void>;
  toggle(device: string): void;
  selectAllSticks(): void;
  clearSelection(): void;
  /** Checks the choices (re-listing for this image first) and opens the confirmation. */
  requestWrite(client: ApiClient): Promise<void>;
  setConfirmText(text: string): void;
  closeConfirm(): void;
  /** Starts the confirmed write. Never rejects. */
  write(client: ApiClient): Promise<void>;
  cancelWrite(): void;
  /** Back to the list for the same image, nothing chosen. */
  writeMore(client: ApiClient): Promise<void>;
  /** Back to the list with the drives that failed or were cancelled ticked again (those still there and unchanged). */
  retryUnfinished(client: ApiClient): Promise<void>;
  checkDrive(client: ApiClient): Promise<void>;
  cancelCheck(): void;
  dismissCheck(): void;
}

/** What the step shows: the list, the write in flight, or its result. */
export function stepView(writing: JobState<WriteDrivesResult>): DriveStepView {
  if (isActive(writing)) return 'writing';
  return writing.status === 'done' ? 'result' : 'choose';
}

const EMPTY_LIST: DriveListState = { drives: null, loading: false, error: null, listedFor: null };

/** Listings can overlap (focus + button): only the newest one may land. */
let listRequest = 0;

const FRESH_STEP = {
  selection: {},
  failure: null,
  confirming: false,
  confirmText: '',
  writing: IDLE_JOB,
  request: null,
  check: IDLE_JOB,
  checkDevice: null,
} satisfies Partial<DrivesState>;

/** Clears a failure about `field` once the technician changes what it is about. */
function clearedFor(field: DriveField, failure: FieldFailure<DriveField> | null): { failure?: null } {
  return failure?.field === field ? { failure: null } : {};
}

export const useDrives = create<DrivesState>()((set, get) => {
  const writeJob = jobRunner<DrivesState, WriteDrivesResult>({ set, get, read: (s) => s.writing, write: (writing) => ({ writing }) });
  const checkJob = jobRunner<DrivesState, VerifyDriveResult>({ set, get, read: (s) => s.check, write: (check) => ({ check }) });

  return {
    open: false,
    origin: 'direct',
    image: '',
    imageBytes: null,
    showUsbHdd: false,
    list: EMPTY_LIST,
    resultFocus: 0,
    failureFocus: 0,
    listFocus: { target: 'drives', request: 0 },
    ...FRESH_STEP,

    openFromBuild(image, bytes) {
      set({ open: true, origin: 'build', image, imageBytes: bytes, list: EMPTY_LIST, ...FRESH_STEP });
    },
    openDirect() {
      // Keep an image typed earlier: the technician may be coming back for more sticks.
      set((s) => ({ open: true, origin: 'direct', imageBytes: s.origin === 'direct' ? s.imageBytes : null, image: s.origin === 'direct' ? s.image : '', list: EMPTY_LIST, ...FRESH_STEP }));
    },
    close() {
      if (isActive(get().writing)) return;
      checkJob.reset();
      set({ open: false, ...FRESH_STEP });
    },
    setImage(image) {
      set((s) => ({ image, imageBytes: null, ...clearedFor('image', s.failure) }));
    },

    async setShowUsbHdd(client, show) {
      set((s) => ({ showUsbHdd: show, selection: show ? s.selection : pruneSelection(s.selection, s.list.drives ?? [], false) }));
      await get().refresh(client);
    },

    async refresh(client) {
      const request = ++listRequest;
      const image = get().image.trim();
      const includeUsbHdd = get().showUsbHdd;
      set((s) => ({ list: { ...s.list, loading: true } }));
      try {
        const { drives } = await client.call('listDrives', { ...(includeUsbHdd ? { includeUsbHdd } : {}), ...(image ? { imagePath: image } : {}) });
        if (request !== listRequest) return;
        set((s) => ({
          list: { drives, loading: false, error: null, listedFor: { image, includeUsbHdd } },
          selection: pruneSelection(s.selection, drives, includeUsbHdd),
          ...clearedFor('drives', s.failure),
        }));
      } catch (error) {
        if (request !== listRequest) return;
        set((s) => ({ list: { ...s.list, loading: false, error: describeError(error) } }));
      }
    },

    toggle(device) {
      const drive = get().list.drives?.find((d) => d.device === device);
      if (!drive) return;
      set((s) => ({ selection: toggleDrive(s.selection, drive), ...clearedFor('drives', s.failure), ...(s.check.status === 'running' ? {} : { check: IDLE_JOB }) }));
    },
    selectAllSticks() {
      set((s) => ({ selection: selectAllSticks(s.selection, visibleDrives(s.list.drives ?? [], s.showUsbHdd)), ...clearedFor('drives', s.failure) }));
    },
    clearSelection() {
      set({ selection: {} });
    },

    async requestWrite(client) {
      const image = get().image.trim();
      if (!image) {
        set((s) => ({ failure: { field: 'image', message: 'Type the path of the image to write: an ISO or a USB image file on this computer.' }, failureFocus: s.failureFocus + 1 }));
        return;
      }
      const listed = get().list.listedFor;
      // The guard judges "holds the image" and "smaller than the image" per image: judge again for this one before erasing anything.
      if (!listed || listed.image !== image || listed.includeUsbHdd !== get().showUsbHdd) await get().refresh(client);
      const s = get();
      if (s.list.error) {
        set({ failure: { field: null, message: s.list.error }, failureFocus: s.failureFocus + 1 });
        return;
      }
      const chosen = selectedDrives(s.selection, s.list.drives ?? []);
      if (chosen.length === 0) {
        set({ failure: { field: 'drives', message: 'Choose at least one drive to write to: tick its box in the list.' }, failureFocus: s.failureFocus + 1 });
        return;
      }
      if (chosen.length > MAX_DRIVES_PER_WRITE) {
        set({ failure: { field: 'drives', message: `Bootmend writes up to ${MAX_DRIVES_PER_WRITE} drives at once; untick ${chosen.length - MAX_DRIVES_PER_WRITE}.` }, failureFocus: s.failureFocus + 1 });
        return;
      }
      set({ failure: null, confirming: true, confirmText: '' });
    },
    setConfirmText(text) {
      set((s) => ({ confirmText: text, ...clearedFor('confirm', s.failure) }));
    },
    closeConfirm() {
      set((s) => ({ confirming: false, confirmText: '', ...clearedFor('confirm', s.failure) }));
    },

    async write(client) {
      const s = get();
      if (isActive(s.writing)) return;
      const image = s.image.trim();
      const chosen = selectedDrives(s.selection, s.list.drives ?? []);
      const rule = confirmationRule(chosen);
      if (chosen.length === 0) return;
      if (!confirmationSatisfied(rule, s.confirmText)) {
        const message =
          rule.kind === 'split'
            ? rule.message
            : rule.kind === 'type'
              ? `Type ${rule.accepts.map((a) => `"${a}"`).join(' or ')} exactly as shown to confirm.`
              : 'Confirm the drives to erase.';
        set((st) => ({ failure: { field: 'confirm', message }, failureFocus: st.failureFocus + 1 }));
        return;
      }
      const request: WriteRequest = { image, drives: chosen, verify: true };
      const input = {
        image,
        drives: chosen.map((d) => d.device),
        verify: true,
        ...(chosen.some((d) => d.kind === 'usb-hdd') ? { includeUsbHdd: true } : {}),
        ...(rule.kind === 'type' ? { confirm: s.confirmText.trim() } : {}),
      };
      await writeJob.run((signals) => client.stream('writeDrives', input, signals), {
        starting: { confirming: false, request, failure: null, check: IDLE_JOB },
        resultOnCancel: (last) => cancelledResult(image, chosen, last, request.verify),
        done: (_result, st) => ({ resultFocus: st.resultFocus + 1 }),
        // Nothing per drive to show (refused before writing, elevation refused, service gone): back to the list, choices kept.
        failed: (failure, st) => ({ request: null, failure, failureFocus: st.failureFocus + 1 }),
      });
    },
    cancelWrite() {
      writeJob.cancel();
    },
    async writeMore(client) {
      set((s) => ({ ...FRESH_STEP, listFocus: { target: 'drives', request: s.listFocus.request + 1 } }));
      await get().refresh(client);
    },
    async retryUnfinished(client) {
      const { writing, request } = get();
      if (writing.status !== 'done' || !request) return;
      const again = unfinishedDrives(writing.result, request.drives);
      // The drives are ticked again: the write button is the next step.
      set((s) => ({ ...FRESH_STEP, selection: Object.fromEntries(again.map((d) => [d.device, fingerprint(d)])), listFocus: { target: 'write', request: s.listFocus.request + 1 } }));
      await get().refresh(client);
      // The refresh keeps only drives still there, unchanged and choosable: say what became of the others.
      const { selection: kept, list } = get();
      if (list.error) return;
      const dropped = again.filter((d) => kept[d.device] === undefined).map((d) => droppedReason(d, list.drives ?? []));
      if (dropped.length > 0) set((st) => ({ failure: { field: 'drives', message: `Not ticked again: ${dropped.join('; ')}.` }, failureFocus: st.failureFocus + 1 }));
    },

    async checkDrive(client) {
      const s = get();
      if (isActive(s.check)) return;
      const image = s.image.trim();
      const chosen = selectedDrives(s.selection, s.list.drives ?? []);
      if (!image) {
        set((st) => ({ failure: { field: 'image', message: 'Type the path of the image to compare the stick with.' }, failureFocus: st.failureFocus + 1 }));
        return;
      }
      if (chosen.length !== 1) {
        set((st) => ({ failure: { field: 'drives', message: 'Tick exactly one drive to check it against the image.' }, failureFocus: st.failureFocus + 1 }));
        return;
      }
      const device = chosen[0]!.device;
      await checkJob.run((signals) => client.stream('verifyDrive', { image, drive: device }, signals), { starting: { failure: null, checkDevice: device } });
    },
    cancelCheck() {
      checkJob.cancel();
    },
    dismissCheck() {
      if (isActive(get().check)) return;
      set({ check: IDLE_JOB, checkDevice: null });
    },
  };
});
