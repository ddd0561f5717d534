import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { BootmendError } from '../../core/errors.js';
import { ingestSentence } from '../../core/journal/ingest-summary.js';
import type { IngestSummary, MachineState } from '../../core/journal/schemas.js';
import { MachineResultSchema, type MachineResult } from '../../core/playbooks/machine-result.js';
import type { FileJournal } from './journal.js';
import { machinesOf } from './machines.js';
import { recordEvent } from './record.js';

/**
 * Reads fix.cmd's result files (`bootmend/results/*.json` on a stick, or a copy of that
 * folder) into the journal. Each file is checked against the core schema; a rejected one is
 * named with its reason and the others still go in. Merging is idempotent: a result's key is
 * made from the run (medium, machine, serial, start time), and the events it makes get ids
 * derived from that key, so the same result read twice, from two copies, or by two processes
 * is one record.
 */

const MAX_RESULT_BYTES = 4 * 1024 * 1024;

export type IngestProgress = (done: number, total: number, file: string) => void;

/** The results folder for a stick root, its bootmend folder, the results folder itself, or a drive letter. */
export async function resultsFolder(input: string): Promise<string> {
  const given = /^[A-Za-z]:$/.test(input) ? `${input}\\` : input;
  const root = resolve(given);
  if (!(await isDir(root))) {
    throw new BootmendError('NOT_FOUND', `There is no folder or drive at ${given}.`, { field: 'path' });
  }
  for (const candidate of [join(root, 'bootmend', 'results'), basename(root).toLowerCase() === 'bootmend' ? join(root, 'results') : null, basename(root).toLowerCase() === 'results' ? root : null]) {
    if (candidate && (await isDir(candidate))) return candidate;
  }
  throw new BootmendError('INVALID_INPUT', `${given} has no bootmend${'\\'}results folder: choose a Bootmend stick's root (or that results folder).`, { field: 'path' });
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The run a result file describes; two copies of one run have the same key. */
export function resultKeyOf(result: MachineResult): string {
  const run = [result.mediumId, result.machine.name.trim().toUpperCase(), result.machine.serial?.trim().toUpperCase() ?? '', result.startedAt].join('\n');
  return createHash('sha256').update(run, 'utf8').digest('hex');
}

/** A version-5-shaped UUID from a hash, so an event derived from the same result always has the same id. */
export function uuidFrom(seed: string): string {
  const hex = createHash('sha256').update(seed, 'utf8').digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function describeIssues(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || 'the file'}: ${i.message}`)
    .join('; ');
}

async function readResult(file: string): Promise<{ result: MachineResult } | { reason: string }> {
  let text: string;
  try {
    const info = await stat(file);
    if (info.size > MAX_RESULT_BYTES) return { reason: `it is ${Math.round(info.size / 1024 / 1024)} MB, larger than any fix.cmd result` };
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { reason: `it cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { reason: `it is not JSON (${(error as Error).message})` };
  }
  const parsed = MachineResultSchema.safeParse(json);
  if (!parsed.success) return { reason: `it is not a fix.cmd result: ${describeIssues(parsed.error)}` };
  const name = parsed.data.machine.name.trim();
  if (name === '') return { reason: 'it names no machine (machine.name is empty)' };
  if (name.length > 63) return { reason: 'its machine name is longer than 63 characters' };
  return { result: parsed.data };
}

/** The journal machine a result belongs to: same serial, else same hostname with no other serial. */
function matchMachine(machines: readonly MachineState[], result: MachineResult): MachineState | undefined {
  const serial = result.machine.serial?.trim().toUpperCase();
  const name = result.machine.name.trim().toUpperCase();
  if (serial) {
    const bySerial = machines.find((m) => m.machine.serial?.toUpperCase() === serial);
    if (bySerial) return bySerial;
  }
  return machines.findLast((m) => m.machine.hostname.toUpperCase() === name && (!serial || !m.machine.serial));
}

export async function ingestResults(
  journal: FileJournal,
  input: string,
  technician: string,
  options: { progress?: IngestProgress; signal?: AbortSignal; now?: () => Date } = {},
): Promise<IngestSummary> {
  const folder = await resultsFolder(input);
  const names = (await readdir(folder)).filter((n) => n.toLowerCase().endsWith('.json')).sort();
  const index = machinesOf(journal);
  await index.load();
  const rejected: { file: string; reason: string }[] = [];
  let alreadyRecorded = 0;
  const latest = new Map<string, MachineResult>();
  for (const [i, name] of names.entries()) {
    options.signal?.throwIfAborted();
    options.progress?.(i, names.length, name);
    const read = await readResult(join(folder, name));
    if ('reason' in read) {
      rejected.push({ file: name, reason: read.reason });
      continue;
    }
    const { result } = read;
    const resultKey = resultKeyOf(result);
    let machineId = index.machineOfResult(resultKey);
    if (machineId) alreadyRecorded += 1;
    else {
      machineId = matchMachine(index.all(), result)?.machineId;
      if (!machineId) {
        const added = await recordEvent(
          journal,
          {
            type: 'machine.added',
            source: 'stick',
            id: uuidFrom(`added:${resultKey}`),
            machineId: uuidFrom(`machine:${resultKey}`),
            machine: { hostname: result.machine.name.trim(), ...(result.machine.serial?.trim() ? { serial: result.machine.serial.trim().slice(0, 64) } : {}) },
          },
          technician,
          options.now,
        );
        machineId = added.state.machineId;
      }
      const read = await recordEvent(journal, { type: 'machine.result_read', id: uuidFrom(`result:${resultKey}`), machineId, resultKey, file: name.slice(0, 400), result }, technician, options.now);
      if (!read.saved) alreadyRecorded += 1;
    }
    const before = latest.get(machineId);
    if (!before || result.endedAt >= before.endedAt) latest.set(machineId, result);
  }
  options.progress?.(names.length, names.length, '');
  const byOutcome: Record<string, number> = {};
  for (const result of latest.values()) byOutcome[result.outcome] = (byOutcome[result.outcome] ?? 0) + 1;
  const summary = { folder, filesRead: names.length, alreadyRecorded, machines: latest.size, byOutcome, rejected };
  return { ...summary, sentence: ingestSentence(summary) };
}
