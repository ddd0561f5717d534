import { create } from 'zustand';
import type { DriveProgress, DriveWriteResult, VerifyDriveResult, WriteDrivesResult } from '../../../core/drives/write.js';
import { MAX_DRIVES_PER_WRITE } from '../../../core/drives/write.js';
import { leftAs, PHASE_WORD } from '../../../core/drives/write-rules.js';
import { confirmationMatches, type DriveEntry, type DriveKind } from '../../../core/drives/drives.js';
import { formatBytes, formatDuration, type ProgressEvent } from '../../../core/progress.js';
import type { Tone } from '../../ui/Badge.js';
import type { ApiClient } from '../../api/client.js';
import { describeError, isCancelled } from '../../state/errors.js';

/*
 * The Media screen's "Write to drives" step: which drives may be chosen, what must be
 * typed before erasing a large one, and how the writer's progress and results read.
 * The pure rules are exported for tests; the store below only sequences API calls.
 */

// ---- words ----

const KIND_LABELS: Record<DriveKind, string> = {
  'usb-stick': 'USB stick',
  'sd-card': 'SD card',
  'usb-hdd': 'USB hard disk',
  internal: 'Internal disk',
  system: 'System disk',
  source: 'Holds the image',
  'read-only': 'Read-only',
  virtual: 'Virtual disk',
  loop: 'Loop device',
};

export function kindLabel(kind: DriveKind): string {
  return KIND_LABELS[kind];
}

/** "SanDisk Ultra", else the device path: what a technician reads on the stick itself. */
export function driveTitle(drive: Pick<DriveEntry, 'vendor' | 'model' | 'device'>): string {
  const vendor = drive.vendor.trim();
  const model = drive.model.trim();
  // Linux often repeats the vendor in the model ("SanDisk SanDisk Ultra").
  const name = vendor && !model.toLowerCase().startsWith(vendor.toLowerCase()) ? `${vendor} ${model}`.trim() : model || vendor;
  return name || drive.device;
}

/** The last part of a path, for either separator: "C:\\media\\fix.iso" → "fix.iso". */
export function fileName(path: string): string {
  const trimmed = path.trim().replace(/[\\/]+$/, '');
  return trimmed.split(/[\\/]/).pop() ?? trimmed;
}

/**
 * Why a drive cannot be chosen, as one line: the kind and the guard's first blocking sentence,
 * e.g. "System disk — Holds the running system (/ is mounted from it); choose a USB stick."
 */
export function blockedReason(drive: DriveEntry): string | null {
  if (drive.selectable) return null;
  const first = drive.reasons.find((r) => r.blocks);
  return first ? `${kindLabel(drive.kind)} — ${first.message}` : `${kindLabel(drive.kind)} — Bootmend writes only to USB sticks and SD cards.`;
}

/** Warnings that do not block (large drive, loop device) — shown on a choosable card. */
export function driveWarnings(drive: DriveEntry): string[] {
  return drive.reasons.filter((r) => !r.blocks).map((r) => r.message);
}

// ---- the list ----

/** USB hard disks are often someone's backup: hidden unless the technician asks for them (as Rufus does). */
export function visibleDrives(drives: readonly DriveEntry[], showUsbHdd: boolean): DriveEntry[] {
  const shown = drives.filter((d) => showUsbHdd || d.kind !== 'usb-hdd');
  // Choosable drives first so they sit together; the guard's own order (by device) within each group.
  return [...shown.filter((d) => d.selectable), ...shown.filter((d) => !d.selectable)];
}

export function hiddenUsbHddCount(drives: readonly DriveEntry[], showUsbHdd: boolean): number {
  return showUsbHdd ? 0 : drives.filter((d) => d.kind === 'usb-hdd').length;
}

// ---- selection ----

/**
 * Selected drives, by device path, each with what the drive was when chosen. Device paths are
 * reused (pull /dev/sdb, plug another stick in, it is /dev/sdb again), so a choice only survives
 * a refresh when the same drive is still there.
 */
export type Selection = Readonly<Record<string, string>>;

export function fingerprint(drive: Pick<DriveEntry, 'device' | 'size' | 'vendor' | 'model'>): string {
  return [drive.device, drive.size, drive.vendor, drive.model].join('|');
}

export function toggleDrive(selection: Selection, drive: DriveEntry): Selection {
  if (selection[drive.device] !== undefined) return Object.fromEntries(Object.entries(selection).filter(([device]) => device !== drive.device));
  if (!drive.selectable) return selection;
  return { ...selection, [drive.device]: fingerprint(drive) };
}

/**
 * "Select all sticks": every choosable USB stick, SD card and loop device (which stands in for
 * a stick in tests). USB hard disks and drives over 128 GB are never picked in bulk: each of
 * those is a deliberate choice.
 */
export function selectAllSticks(selection: Selection, drives: readonly DriveEntry[]): Selection {
  const next: Record<string, string> = { ...selection };
  for (const d of drives) {
    if (d.selectable && !d.requiresConfirmation && ['usb-stick', 'sd-card', 'loop'].includes(d.kind)) next[d.device] = fingerprint(d);
  }
  return next;
}

/** After a refresh: keep only choices whose drive is still there, unchanged and still choosable. */
export function pruneSelection(selection: Selection, drives: readonly DriveEntry[], showUsbHdd: boolean): Selection {
  const next: Record<string, string> = {};
  for (const d of drives) {
    const chosen = selection[d.device];
    if (chosen !== undefined && chosen === fingerprint(d) && d.selectable && (showUsbHdd || d.kind !== 'usb-hdd')) next[d.device] = chosen;
  }
  return next;
}

export function selectedDrives(selection: Selection, drives: readonly DriveEntry[]): DriveEntry[] {
  return drives.filter((d) => selection[d.device] === fingerprint(d));
}

// ---- confirmation ----

export type ConfirmationRule =
  | { kind: 'none' }
  /** One text box: what is typed must confirm every drive listed (the API takes one `confirm`). */
  | { kind: 'type'; drives: DriveEntry[]; accepts: string[] }
  /** Large drives with no size or label in common cannot be confirmed in one write. */
  | { kind: 'split'; drives: DriveEntry[]; message: string };

/** What the technician must type before erasing the chosen drives. */
export function confirmationRule(chosen: readonly DriveEntry[]): ConfirmationRule {
  const large = chosen.filter((d) => d.requiresConfirmation);
  if (large.length === 0) return { kind: 'none' };
  const accepts = large[0]!.confirmWith.filter((value) => large.every((d) => confirmationMatches(d, value)));
  if (accepts.length === 0) {
    return {
      kind: 'split',
      drives: large,
      message: `${large.map(driveTitle).join(' and ')} are larger than 128 GB and share no size or label to confirm them together: write them one at a time.`,
    };
  }
  return { kind: 'type', drives: large, accepts };
}

/** Whether the typed text lets the write start. */
export function confirmationSatisfied(rule: ConfirmationRule, typed: string): boolean {
  if (rule.kind === 'none') return true;
  if (rule.kind === 'split') return false;
  return rule.drives.every((d) => confirmationMatches(d, typed));
}

export function eraseButtonLabel(count: number): string {
  return `Erase ${count} ${count === 1 ? 'drive' : 'drives'} and write`;
}

// ---- progress ----

const DRIVE_PHASES: readonly DriveProgress['phase'][] = ['preparing', 'writing', 'verifying', 'done', 'failed', 'cancelled'];


export function drivePhaseLabel(phase: DriveProgress['phase'] | undefined): string {
  return phase === undefined ? 'Waiting' : PHASE_WORD[phase];
}

export interface DriveProgressRow {
  device: string;
  title: string;
  size: string;
  phase: DriveProgress['phase'] | undefined;
  phaseLabel: string;
  /** Of the current phase (writing, then verifying from 0 again); null when unknown. */
  fraction: number | null;
  bytes: string;
  speed: string;
  eta: string;
}

function phaseFraction(p: DriveProgress): number | null {
  if (p.phase === 'done') return 1;
  if (p.phase === 'preparing') return null;
  return p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : null;
}

/** One row per drive being written, in the order they were chosen, whether or not the writer has reported it yet. */
export function progressRows(drives: readonly DriveEntry[], progress: ProgressEvent | null): DriveProgressRow[] {
  return drives.map((drive) => {
    const p = progress?.drives?.find((candidate) => candidate.device === drive.device);
    const moving = p !== undefined && (p.phase === 'writing' || p.phase === 'verifying');
    return {
      device: drive.device,
      title: driveTitle(drive),
      size: formatBytes(drive.size),
      phase: p?.phase,
      phaseLabel: drivePhaseLabel(p?.phase),
      fraction: p ? phaseFraction(p) : null,
      bytes: p && p.bytesTotal > 0 && p.phase !== 'preparing' ? `${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}` : '—',
      speed: moving && p.speed !== null ? `${formatBytes(p.speed)}/s` : '—',
      eta: moving ? formatDuration(p.etaSeconds) : '—',
    };
  });
}

export interface OverallProgress {
  /** 0..1 over the whole job (writing, then reading back), as the writer reports it for its least-advanced drive. */
  fraction: number | null;
  phaseLabel: string;
  message: string;
  speed: string;
  eta: string;
}

/**
 * The overall bar: the event's top-level numbers already follow the least-advanced drive still
 * working (core/drives/write-rules.ts), with writing as the first half and verifying the second,
 * so the bar never runs backwards when a drive moves on to reading back.
 */
export function overallProgress(progress: ProgressEvent | null): OverallProgress {
  if (!progress) return { fraction: null, phaseLabel: 'Starting', message: 'Preparing the drives…', speed: '—', eta: '—' };
  const phase = DRIVE_PHASES.includes(progress.phase as DriveProgress['phase']) ? (progress.phase as DriveProgress['phase']) : undefined;
  const moving = phase === 'writing' || phase === 'verifying';
  return {
    fraction: phase === 'preparing' ? null : progress.fraction,
    phaseLabel: phase ? drivePhaseLabel(phase) : 'Starting',
    message: progress.message,
    speed: moving && progress.speed !== null ? `${formatBytes(progress.speed)}/s` : '—',
    eta: moving ? formatDuration(progress.etaSeconds) : '—',
  };
}

/** For the polite live region: changes only when a phase changes, so a screen reader is not flooded with percentages. */
export function phaseAnnouncement(rows: readonly DriveProgressRow[]): string {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.phaseLabel, (counts.get(row.phaseLabel) ?? 0) + 1);
  return [...counts].map(([label, n]) => `${label}: ${n} ${n === 1 ? 'drive' : 'drives'}`).join(', ');
}

// ---- results ----

export type DriveOutcome = DriveWriteResult['outcome'];

export interface DriveResultRow {
  device: string;
  title: string;
  size: string;
  outcome: DriveOutcome;
  outcomeLabel: string;
  tone: Tone;
  /** SHA-256 read back from the drive (verified drives only). */
  sha256: string | null;
  matchesImage: boolean;
  /** The failure in words, with the byte offset when the writer named one. */
  problem: string | null;
  leftAs: string;
}

const OUTCOMES: Record<DriveOutcome, { label: string; tone: Tone }> = {
  verified: { label: 'Verified', tone: 'success' },
  written: { label: 'Written, not verified', tone: 'info' },
  failed: { label: 'Failed', tone: 'danger' },
  cancelled: { label: 'Cancelled', tone: 'warning' },
};

export function outcomeLabel(outcome: DriveOutcome): string {
  return OUTCOMES[outcome].label;
}

export function resultRows(result: WriteDrivesResult, drives: readonly DriveEntry[]): DriveResultRow[] {
  return result.results.map((r) => {
    const drive = drives.find((d) => d.device === r.device);
    const offset = r.error?.offset;
    return {
      device: r.device,
      title: drive ? driveTitle(drive) : r.device,
      size: drive ? formatBytes(drive.size) : '',
      outcome: r.outcome,
      outcomeLabel: OUTCOMES[r.outcome].label,
      tone: OUTCOMES[r.outcome].tone,
      sha256: r.sha256,
      matchesImage: r.outcome === 'verified' && r.sha256 !== null && r.sha256 === result.sha256,
      // The writer's sentences usually name the offset already; add it only when they do not.
      problem: r.error
        ? offset !== undefined && !r.error.message.includes(offset.toLocaleString('en-US'))
          ? `${r.error.message} (at byte ${offset.toLocaleString('en-US')})`
          : r.error.message
        : null,
      leftAs: r.leftAs,
    };
  });
}

/** The drives of a write that did not end ready to use: failed or cancelled. */
export function unfinishedDrives(result: WriteDrivesResult, drives: readonly DriveEntry[]): DriveEntry[] {
  const unfinished = new Set(result.results.filter((r) => r.outcome === 'failed' || r.outcome === 'cancelled').map((r) => r.device));
  return drives.filter((d) => unfinished.has(d.device));
}

/** Why a drive to retry could not be ticked again, from the new listing. */
export function droppedReason(drive: DriveEntry, listed: readonly DriveEntry[]): string {
  const name = driveTitle(drive) === drive.device ? drive.device : `${driveTitle(drive)} (${drive.device})`;
  const now = listed.find((d) => d.device === drive.device);
  if (!now) return `${name} is no longer connected: plug it back in and press Refresh`;
  if (fingerprint(now) !== fingerprint(drive)) return `${drive.device} is now another drive (${driveTitle(now)}, ${formatBytes(now.size)}): tick it only if you mean to erase that one`;
  return `${name} can no longer be chosen: its card says why`;
}

export function retryLabel(count: number): string {
  return `Retry ${count} ${count === 1 ? 'drive' : 'drives'}`;
}

export interface ResultSummary {
  title: string;
  tone: Tone;
}

export function resultSummary(rows: readonly DriveResultRow[]): ResultSummary {
  const n = rows.length;
  const count = (o: DriveOutcome): number => rows.filter((r) => r.outcome === o).length;
  const good = count('verified') + count('written');
  const plural = (k: number): string => (k === 1 ? 'drive' : 'drives');
  if (good === n) {
    return count('written') > 0 ? { title: `${n} ${plural(n)} written (not verified)`, tone: 'info' } : { title: `${n} ${plural(n)} written and verified`, tone: 'success' };
  }
  if (count('failed') > 0) return { title: `${count('failed')} of ${n} ${plural(n)} failed`, tone: 'danger' };
  return { title: `Cancelled — ${good} of ${n} ${plural(n)} finished`, tone: 'warning' };
}

/**
 * A cancelled write normally answers with the writer's own per-drive results (the dispatcher
 * passes a handler's answer through even after a cancel). When it answers CANCELLED instead — the writer was gone
 * before it could answer, e.g. the elevated child was killed — say what each drive was left as
 * from the last progress it reported (the same sentences the writer uses).
 */
export function cancelledResult(image: string, drives: readonly DriveEntry[], progress: ProgressEvent | null, verify: boolean): WriteDrivesResult {
  return {
    image,
    imageBytes: 0,
    sha256: null,
    results: drives.map((drive): DriveWriteResult => {
      const p = progress?.drives?.find((candidate) => candidate.device === drive.device);
      const base = { device: drive.device, sha256: null, error: null, directIo: false };
      if (p?.phase === 'done') {
        return verify
          ? { ...base, outcome: 'verified', bytesWritten: p.bytesTotal, leftAs: leftAs.verified }
          : { ...base, outcome: 'written', bytesWritten: p.bytesTotal, leftAs: leftAs.writtenNotVerified };
      }
      if (p?.phase === 'failed') {
        return {
          ...base,
          outcome: 'failed',
          bytesWritten: 0,
          error: { code: 'WRITE_FAILED', message: 'This drive had failed before the write was cancelled; write it again to see why.' },
          leftAs: leftAs.partlyWritten,
        };
      }
      if (p?.phase === 'verifying') return { ...base, outcome: 'cancelled', bytesWritten: p.bytesTotal, leftAs: leftAs.writtenVerifyCancelled };
      const written = p?.phase === 'writing' ? p.bytesDone : 0;
      return { ...base, outcome: 'cancelled', bytesWritten: written, leftAs: written > 0 ? leftAs.partlyWritten : leftAs.untouched };
    }),
  };
}

/** "1.05 MB in (byte 1,048,576)": where a check found the first difference. */
export function describeMismatch(result: VerifyDriveResult): string {
  if (result.match) return 'Every byte matches the image.';
  if (result.firstMismatchOffset === null) return 'The drive differs from the image.';
  const at = result.firstMismatchOffset;
  return `The drive differs from the image from byte ${at.toLocaleString('en-US')} (${formatBytes(at)} in): write it again.`;
}

/** First and last digits of a hash, for a row; the full 64 are one click away. */
export function shortHash(hash: string): string {
  return hash.length > 20 ? `${hash.slice(0, 12)}…${hash.slice(-8)}` : hash;
}

// ---- the store ----

export type DriveStepView = 'choose' | 'writing' | 'result';
export type DriveField = 'image' | 'drives' | 'confirm';

export interface DriveFailure {
  message: string;
  /** Where to show it: beside the image path, above the drive list, in the dialog; null on top. */
  field: DriveField | null;
}

export interface DriveListState {
  drives: DriveEntry[] | null;
  loading: boolean;
  error: string | null;
  /** The image path and switch the last listing was made for (the guard's source and size checks depend on them). */
  listedFor: { image: string; includeUsbHdd: boolean } | null;
}

export interface DriveCheck {
  status: 'idle' | 'running' | 'cancelling' | 'done' | 'failed' | 'cancelled';
  device: string | null;
  progress: ProgressEvent | null;
  result: VerifyDriveResult | null;
  error: string | null;
}

/** A write in flight or finished: the drives as they were confirmed, never re-read from a later listing. */
export interface WriteJob {
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
  failure: DriveFailure | null;
  /** Bumped when the field named by `failure` should take focus. */
  failureFocus: number;
  /** Where the keyboard focus goes when the list comes back after a result (the result card and its buttons are gone). */
  listFocus: { target: 'write' | 'drives'; request: number };
  confirming: boolean;
  confirmText: string;
  view: DriveStepView;
  job: WriteJob | null;
  cancelling: boolean;
  progress: ProgressEvent | null;
  result: WriteDrivesResult | null;
  /** Bumped when the result heading should take focus. */
  resultFocus: number;
  check: DriveCheck;

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

const IDLE_CHECK: DriveCheck = { status: 'idle', device: null, progress: null, result: null, error: null };
const EMPTY_LIST: DriveListState = { drives: null, loading: false, error: null, listedFor: null };

let writeController: AbortController | null = null;
let checkController: AbortController | null = null;
/** Listings can overlap (focus + button): only the newest one may land. */
let listRequest = 0;

const FRESH_STEP = {
  selection: {},
  failure: null,
  confirming: false,
  confirmText: '',
  view: 'choose' as DriveStepView,
  job: null,
  cancelling: false,
  progress: null,
  result: null,
  check: IDLE_CHECK,
};

export const useDrives = create<DrivesState>()((set, get) => ({
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
    if (get().view === 'writing') return;
    checkController?.abort();
    set({ open: false, ...FRESH_STEP });
  },
  setImage(image) {
    set((s) => ({ image, imageBytes: null, ...(s.failure?.field === 'image' ? { failure: null } : {}) }));
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
        ...(s.failure?.field === 'drives' ? { failure: null } : {}),
      }));
    } catch (error) {
      if (request !== listRequest) return;
      set((s) => ({ list: { ...s.list, loading: false, error: describeError(error) } }));
    }
  },

  toggle(device) {
    const drive = get().list.drives?.find((d) => d.device === device);
    if (!drive) return;
    set((s) => ({ selection: toggleDrive(s.selection, drive), ...(s.failure?.field === 'drives' ? { failure: null } : {}), check: s.check.status === 'running' ? s.check : IDLE_CHECK }));
  },
  selectAllSticks() {
    set((s) => ({ selection: selectAllSticks(s.selection, visibleDrives(s.list.drives ?? [], s.showUsbHdd)), ...(s.failure?.field === 'drives' ? { failure: null } : {}) }));
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
    set((s) => ({ confirmText: text, ...(s.failure?.field === 'confirm' ? { failure: null } : {}) }));
  },
  closeConfirm() {
    set((s) => ({ confirming: false, confirmText: '', ...(s.failure?.field === 'confirm' ? { failure: null } : {}) }));
  },

  async write(client) {
    const s = get();
    if (s.view === 'writing') return;
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
    const job: WriteJob = { image, drives: chosen, verify: true };
    const input = {
      image,
      drives: chosen.map((d) => d.device),
      verify: true,
      ...(chosen.some((d) => d.kind === 'usb-hdd') ? { includeUsbHdd: true } : {}),
      ...(rule.kind === 'type' ? { confirm: s.confirmText.trim() } : {}),
    };
    const controller = new AbortController();
    writeController = controller;
    set({ confirming: false, view: 'writing', job, cancelling: false, progress: null, result: null, failure: null, check: IDLE_CHECK });
    try {
      const result = await client.stream('writeDrives', input, { signal: controller.signal, onProgress: (progress) => set({ progress }) });
      set((st) => ({ view: 'result', result, cancelling: false, resultFocus: st.resultFocus + 1 }));
    } catch (error) {
      if (isCancelled(error) || controller.signal.aborted) {
        set((st) => ({ view: 'result', result: cancelledResult(image, chosen, st.progress, job.verify), cancelling: false, resultFocus: st.resultFocus + 1 }));
      } else {
        // Nothing per drive to show (refused before writing, elevation refused, service gone): back to the list, choices kept.
        set((st) => ({ view: 'choose', job: null, cancelling: false, progress: null, failure: { field: null, message: describeError(error) }, failureFocus: st.failureFocus + 1 }));
      }
    } finally {
      if (writeController === controller) writeController = null;
    }
  },
  cancelWrite() {
    if (!writeController || get().view !== 'writing' || get().cancelling) return;
    set({ cancelling: true });
    writeController.abort();
  },
  async writeMore(client) {
    set((s) => ({ ...FRESH_STEP, listFocus: { target: 'drives', request: s.listFocus.request + 1 } }));
    await get().refresh(client);
  },
  async retryUnfinished(client) {
    const { result, job } = get();
    if (!result || !job) return;
    const again = unfinishedDrives(result, job.drives);
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
    if (s.check.status === 'running' || s.check.status === 'cancelling') return;
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
    const controller = new AbortController();
    checkController = controller;
    set({ failure: null, check: { status: 'running', device, progress: null, result: null, error: null } });
    try {
      const result = await client.stream('verifyDrive', { image, drive: device }, {
        signal: controller.signal,
        onProgress: (progress) => set((st) => ({ check: { ...st.check, progress } })),
      });
      set({ check: { status: 'done', device, progress: null, result, error: null } });
    } catch (error) {
      if (isCancelled(error) || controller.signal.aborted) set({ check: { status: 'cancelled', device, progress: null, result: null, error: null } });
      else set({ check: { status: 'failed', device, progress: null, result: null, error: describeError(error) } });
    } finally {
      if (checkController === controller) checkController = null;
    }
  },
  cancelCheck() {
    if (!checkController || get().check.status !== 'running') return;
    set((s) => ({ check: { ...s.check, status: 'cancelling' } }));
    checkController.abort();
  },
  dismissCheck() {
    if (get().check.status === 'running' || get().check.status === 'cancelling') return;
    set({ check: IDLE_CHECK });
  },
}));
