import type { z } from 'zod';
import { matchesFileGlob } from './file-glob.js';
import type { CheckResult } from './machine-result.js';
import type { Conditions, Target } from './playbook.js';
import { minuteInWindow } from './time.js';

/**
 * Deciding whether one file is the bad one, from whatever could be learned about it.
 * Anything that could not be read is 'unknown', never a guess: a file is removed only when
 * every condition the playbook sets was checked and held.
 */

export type Check = z.infer<typeof CheckResult>;
export type Verdict = 'remove' | 'keep' | 'unverified';

export interface FileFacts {
  name: string;
  sizeBytes: number | null;
  modifiedUtc: Date | null;
  /** The file's first bytes: at least as many as the playbook's magic, fewer only for a shorter file. */
  leadingBytes: Uint8Array | null;
  /** Hex, any case. */
  sha256: string | null;
  /** 'minute' when the time came from cmd's %~t or dir (no seconds); default 'exact'. */
  modifiedUtcPrecision?: 'exact' | 'minute';
  /** Every byte of the file is zero (true), one is not (false), or unknown (null/absent). */
  allZero?: boolean | null;
}

/** Same keys as the machine result's `checks`, so an evaluation drops straight into it. */
export interface ConditionChecks {
  modifiedUtc: Check;
  sizeBytes: Check;
  leadingBytes: Check;
  sha256: Check;
}

export interface Evaluation {
  checks: ConditionChecks;
  verdict: Verdict;
  /** One sentence per check that failed or could not be made, for the result note and the UI. */
  reasons: string[];
  /** The file's hash is on the playbook's known-good list: it is kept whatever else holds. */
  knownGood: boolean;
  /**
   * Why the verdict is 'remove': every required condition held, or the file is an all-zero copy
   * inside the time window (left by a crash during the write), which fix.cmd removes too.
   */
  removeReason?: 'conditions-met' | 'zero-filled';
}

export function evaluateConditions(conditions: Conditions, facts: FileFacts): Evaluation {
  const reasons: string[] = [];
  const note = (check: Check, why: string): Check => {
    if (check === 'fail' || check === 'unknown') reasons.push(why);
    return check;
  };
  const hash = checkSha256(conditions.sha256, facts.sha256);
  const checks: ConditionChecks = {
    modifiedUtc: note(...checkModified(conditions.modifiedUtc, facts)),
    sizeBytes: note(...checkSize(conditions.sizeBytes, facts.sizeBytes)),
    leadingBytes: note(...checkLeadingBytes(conditions.leadingBytesHex, facts)),
    sha256: note(hash.check, hash.why),
  };
  const verdict = hash.knownGood ? 'keep' : verdictOf(checks, conditions.requirement);
  if (verdict === 'remove') return { checks, verdict, reasons, knownGood: false, removeReason: 'conditions-met' };
  if (!hash.knownGood && checks.modifiedUtc === 'pass' && facts.allZero === true && (facts.sizeBytes ?? 0) > 0) {
    return { checks, verdict: 'remove', reasons: [...reasons, 'All its bytes are zero: a copy left by a crash during the write.'], knownGood: false, removeReason: 'zero-filled' };
  }
  return { checks, verdict, reasons, knownGood: hash.knownGood };
}

/** A target's glob first (a name that does not match is not a candidate at all), then its conditions. */
export function evaluateTargetFile(target: Pick<Target, 'glob' | 'conditions'>, facts: FileFacts): Evaluation | null {
  return matchesFileGlob(target.glob, facts.name) ? evaluateConditions(target.conditions, facts) : null;
}

/** Check keys against the playbook's condition names, for "whenAvailable". */
const CONDITION_OF: Record<keyof ConditionChecks, keyof NonNullable<Conditions['requirement']>> = {
  modifiedUtc: 'modifiedUtc',
  sizeBytes: 'sizeBytes',
  leadingBytes: 'leadingBytesHex',
  sha256: 'sha256',
};

/** A failed check keeps the file; an unknown one holds it back unless its condition is "whenAvailable". */
export function verdictOf(checks: ConditionChecks, requirement?: Conditions['requirement']): Verdict {
  const entries = Object.entries(checks) as [keyof ConditionChecks, Check][];
  if (entries.some(([, result]) => result === 'fail')) return 'keep';
  if (entries.some(([key, result]) => result === 'unknown' && requirement?.[CONDITION_OF[key]] !== 'whenAvailable')) return 'unverified';
  return 'remove';
}

type Outcome = [Check, string];

function checkModified(window: Conditions['modifiedUtc'], facts: FileFacts): Outcome {
  if (!window) return ['not-required', ''];
  const from = new Date(window.from);
  const before = new Date(window.before);
  const span = `${window.from} to before ${window.before}`;
  const time = facts.modifiedUtc;
  if (!time || Number.isNaN(time.getTime())) return ['unknown', 'Its modified time could not be read.'];
  if (facts.modifiedUtcPrecision === 'minute') {
    const result = minuteInWindow(time, { from, before });
    return [result, result === 'unknown' ? `Its modified time is known only to the minute, which straddles the window ${span}.` : `Modified outside ${span}.`];
  }
  return time >= from && time < before ? ['pass', ''] : ['fail', `Modified ${time.toISOString()}, outside ${span}.`];
}

function checkSize(bounds: Conditions['sizeBytes'], size: number | null): Outcome {
  if (!bounds || (bounds.min === undefined && bounds.max === undefined)) return ['not-required', ''];
  if (size === null) return ['unknown', 'Its size could not be read.'];
  if (bounds.min !== undefined && size < bounds.min) return ['fail', `Its size, ${size} bytes, is below ${bounds.min}.`];
  if (bounds.max !== undefined && size > bounds.max) return ['fail', `Its size, ${size} bytes, is above ${bounds.max}.`];
  return ['pass', ''];
}

function checkLeadingBytes(magicHex: string | undefined, facts: FileFacts): Outcome {
  if (magicHex === undefined) return ['not-required', ''];
  if (!facts.leadingBytes) return ['unknown', 'Its first bytes could not be read.'];
  const magic = hexToBytes(magicHex);
  const read = facts.leadingBytes;
  const comparable = Math.min(magic.length, read.length);
  for (let i = 0; i < comparable; i += 1) {
    if (read[i] !== magic[i]) return ['fail', `Its first bytes are not ${magicHex.toUpperCase()}.`];
  }
  if (read.length >= magic.length) return ['pass', ''];
  const wholeFileRead = facts.sizeBytes !== null && facts.sizeBytes <= read.length;
  return wholeFileRead ? ['fail', `It is shorter than the ${magic.length} bytes it should start with.`] : ['unknown', 'Too few of its first bytes could be read.'];
}

function checkSha256(lists: Conditions['sha256'], sha256: string | null): { check: Check; why: string; knownGood: boolean } {
  const allow = lists?.allow ?? [];
  const deny = lists?.deny ?? [];
  if (allow.length === 0 && deny.length === 0) return { check: 'not-required', why: '', knownGood: false };
  if (sha256 === null) return { check: 'unknown', why: 'Its SHA-256 could not be computed here.', knownGood: false };
  const hash = sha256.toLowerCase();
  if (allow.includes(hash)) return { check: 'fail', why: 'Its SHA-256 is on the known-good list: it is never touched.', knownGood: true };
  if (deny.length > 0 && !deny.includes(hash)) return { check: 'fail', why: 'Its SHA-256 is not one of the known-bad files.', knownGood: false };
  return { check: 'pass', why: '', knownGood: false };
}

function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}
