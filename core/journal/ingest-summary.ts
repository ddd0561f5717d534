import type { MachineResult } from '../playbooks/machine-result.js';

/** The words of fix.cmd's result outcomes, in the order a summary lists them. */
const RESULT_OUTCOME_WORDS: [MachineResult['outcome'], string][] = [
  ['fixed', 'fixed'],
  ['nothing_to_do', 'nothing to do'],
  ['needs_attention', 'needs attention'],
  ['failed', 'failed'],
];

/**
 * "stick: needs attention": a stick result read back for a machine with no recorded outcome
 * yet, in the stick's own words, shown beside the machine's status until the technician confirms
 * it (the result pre-fills the outcome; it records none).
 */
export function stickSays(state: { outcome: string | null; stickResult: Pick<MachineResult, 'outcome'> | null }): string | null {
  if (state.outcome !== null || !state.stickResult) return null;
  const outcome = state.stickResult.outcome;
  return `stick: ${RESULT_OUTCOME_WORDS.find(([key]) => key === outcome)?.[1] ?? outcome}`;
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/**
 * "14 machines: 12 fixed, 1 nothing to do, 1 needs attention", then what was already there
 * and what was rejected. Counts are per machine (its latest result in what was read).
 */
export function ingestSentence(summary: { machines: number; byOutcome: Record<string, number>; alreadyRecorded: number; rejected: readonly unknown[]; filesRead: number }): string {
  const parts = RESULT_OUTCOME_WORDS.filter(([key]) => (summary.byOutcome[key] ?? 0) > 0).map(([key, words]) => `${summary.byOutcome[key]} ${words}`);
  const head =
    summary.filesRead === 0
      ? 'No result files to read'
      : summary.machines === 0
        ? 'No machines read'
        : `${plural(summary.machines, 'machine', 'machines')}: ${parts.join(', ')}`;
  const extras: string[] = [];
  if (summary.alreadyRecorded > 0) extras.push(`${plural(summary.alreadyRecorded, 'result was', 'results were')} already in the journal`);
  if (summary.rejected.length > 0) extras.push(`${plural(summary.rejected.length, 'file', 'files')} rejected`);
  return extras.length > 0 ? `${head} (${extras.join('; ')})` : head;
}
