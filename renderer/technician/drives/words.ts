import type { DriveProgress, DriveWriteResult, VerifyDriveResult, WriteDrivesResult } from '../../../core/drives/write.js';
import { PHASE_WORD } from '../../../core/drives/write-rules.js';
import type { DriveEntry, DriveKind } from '../../../core/drives/drives.js';
import { formatBytes, formatDuration, type ProgressEvent } from '../../../core/progress.js';
import type { Tone } from '../../ui/Badge.js';
import { driveTitle } from './rules.js';

/*
 * How the "Write to drives" step reads: drive kinds and why a drive cannot be chosen, the
 * writer's progress per drive and overall, each drive's result, and a check's finding.
 */

// ---- the list ----

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

// ---- confirmation ----

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

// ---- a check ----

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

