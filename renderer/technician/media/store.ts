import { create } from 'zustand';
import type { BuiltMedium, MediaBaseInfo, MediumFormat } from '../../../core/media/schemas.js';
import type { ApiClient } from '../../api/client.js';
import { describeError, type FieldFailure } from '../../state/errors.js';
import { IDLE_JOB, isActive, jobRunner, type JobState } from '../../state/job.js';
import { createResource } from '../../state/resource.js';

/** Built-in and the technician's own playbooks, with refused files; read when the Media screen opens. */
export const usePlaybooks = createResource((client) => client.call('listPlaybooks', {}));

export type BaseMode = 'payload-only' | 'winpe-folder';

/** The form fields a failure can be shown beside; anything else goes on top of the form. */
export const MEDIA_FIELDS = ['playbook', 'base', 'out', 'timestamp'] as const;
export type MediaField = (typeof MEDIA_FIELDS)[number];

/** The build: its failure is shown beside the field the service (or the form's own check) named, else above the form. */
export type BuildJob = JobState<BuiltMedium, MediaField>;

export interface BaseCheck {
  status: 'idle' | 'checking' | 'done' | 'failed';
  /** The path that was checked, so an edit after the check is noticed. */
  path: string;
  info: MediaBaseInfo | null;
  error: string | null;
}

export interface MediaRequestDraft {
  playbookId: string | null;
  baseMode: BaseMode;
  basePath: string;
  format: MediumFormat;
  /** What the technician typed; null while they keep the suggested path. */
  outTyped: string | null;
  overwrite: boolean;
  timestamp: string;
}

interface MediaState extends MediaRequestDraft {
  baseCheck: BaseCheck;
  building: BuildJob;
  /** Output paths built in this session, so the next suggestion does not collide with them. */
  builtPaths: string[];
  /** Bumped when the result card should take focus. */
  resultFocus: number;
  /** Bumped when the form should take focus back: the failing field, else the Build button. */
  failureFocus: number;

  setPlaybook(id: string): void;
  setBaseMode(mode: BaseMode): void;
  setBasePath(path: string): void;
  setFormat(format: MediumFormat): void;
  setOut(out: string): void;
  setOverwrite(overwrite: boolean): void;
  setTimestamp(timestamp: string): void;
  checkBase(client: ApiClient): Promise<void>;
  /** Starts a build of `out` (the path shown in the form). Never rejects. */
  build(client: ApiClient, out: string): Promise<void>;
  cancel(): void;
  /** Back to the form after a result, keeping the choices. */
  buildAnother(): void;
}

/** The build's failure as the form shows it: null unless the last build (or the form's check) failed. */
export function buildFailure(building: BuildJob): FieldFailure<MediaField> | null {
  return building.status === 'failed' ? building.failure : null;
}

/** Clears a failure about `field` once the technician edits that field. */
function clearedFor(field: MediaField, building: BuildJob): { building?: BuildJob } {
  return buildFailure(building)?.field === field ? { building: IDLE_JOB } : {};
}

export const useMedia = create<MediaState>()((set, get) => {
  const job = jobRunner<MediaState, BuiltMedium, MediaField>({ set, get, read: (s) => s.building, write: (building) => ({ building }), fields: MEDIA_FIELDS });

  return {
    playbookId: null,
    baseMode: 'payload-only',
    basePath: '',
    format: 'iso',
    outTyped: null,
    overwrite: false,
    timestamp: '',
    baseCheck: { status: 'idle', path: '', info: null, error: null },
    building: IDLE_JOB,
    builtPaths: [],
    resultFocus: 0,
    failureFocus: 0,

    setPlaybook(id) {
      set((s) => ({ playbookId: id, ...clearedFor('playbook', s.building) }));
    },
    setBaseMode(mode) {
      set((s) => ({ baseMode: mode, ...clearedFor('base', s.building) }));
    },
    setBasePath(path) {
      set((s) => ({ basePath: path, ...clearedFor('base', s.building) }));
    },
    setFormat(format) {
      set((s) => ({ format, ...clearedFor('out', s.building) }));
    },
    setOut(out) {
      set((s) => ({ outTyped: out, ...clearedFor('out', s.building) }));
    },
    setOverwrite(overwrite) {
      set((s) => ({ overwrite, ...clearedFor('out', s.building) }));
    },
    setTimestamp(timestamp) {
      set((s) => ({ timestamp, ...clearedFor('timestamp', s.building) }));
    },

    async checkBase(client) {
      const path = get().basePath.trim();
      if (!path) {
        set({ baseCheck: { status: 'failed', path, info: null, error: 'Type the path of the WinPE or WinRE base first.' } });
        return;
      }
      set((s) => ({ baseCheck: { status: 'checking', path, info: null, error: null }, ...clearedFor('base', s.building) }));
      try {
        const info = await client.call('inspectMediaBase', { base: path });
        set({ baseCheck: { status: 'done', path, info, error: null } });
      } catch (error) {
        set({ baseCheck: { status: 'failed', path, info: null, error: describeError(error) } });
      }
    },

    async build(client, out) {
      const state = get();
      if (isActive(state.building)) return;
      const problem = checkDraft(state, out);
      if (problem) {
        set((s) => ({ building: { status: 'failed', failure: problem }, failureFocus: s.failureFocus + 1 }));
        return;
      }
      const timestamp = state.timestamp.trim();
      const input = {
        playbook: state.playbookId!,
        format: state.format,
        out: out.trim(),
        ...(state.baseMode === 'winpe-folder' ? { base: state.basePath.trim() } : {}),
        ...(timestamp ? { timestamp } : {}),
        ...(state.overwrite ? { overwrite: true } : {}),
      };
      await job.run((signals) => client.stream('buildMedium', input, signals), {
        done: (result, s) => ({ builtPaths: [...s.builtPaths, result.out], resultFocus: s.resultFocus + 1 }),
        cancelled: (s) => ({ failureFocus: s.failureFocus + 1 }),
        failed: (_failure, s) => ({ failureFocus: s.failureFocus + 1 }),
      });
    },

    cancel() {
      job.cancel();
    },

    buildAnother() {
      // The last output exists now: let the suggestion move on to a fresh name, and never carry "Replace" over.
      set({ building: IDLE_JOB, outTyped: null, overwrite: false });
    },
  };
});

/** What the form can tell before asking the privileged side; the service checks everything again. */
function checkDraft(state: MediaRequestDraft, out: string): FieldFailure<MediaField> | null {
  if (!state.playbookId) return { field: 'playbook', message: 'Choose the playbook this medium should apply.' };
  if (state.baseMode === 'winpe-folder' && !state.basePath.trim()) {
    return { field: 'base', message: 'Type the path of the WinPE or WinRE base, or choose "Payload only".' };
  }
  if (!out.trim()) return { field: 'out', message: 'Type where the medium should be written: a full path on this computer.' };
  return null;
}

const EXTENSIONS: Record<MediumFormat, string> = { iso: '.iso', 'usb-image': '.img', folder: '' };

/**
 * The output path offered until the technician types their own: a "media" folder in
 * Bootmend's data folder, named after the playbook and format, skipping names already
 * built in this session.
 */
export function suggestOutput(dataDir: string | null, playbook: { id: string; version: string } | null, format: MediumFormat, taken: readonly string[]): string {
  if (!dataDir || !playbook) return '';
  const windows = /^[A-Za-z]:\\/.test(dataDir) || (dataDir.includes('\\') && !dataDir.includes('/'));
  const sep = windows ? '\\' : '/';
  const folder = `${dataDir.replace(/[\\/]+$/, '')}${sep}media${sep}`;
  const stem = `${playbook.id}-${playbook.version}${format === 'folder' ? '-folder' : ''}`;
  for (let n = 1; ; n += 1) {
    const candidate = `${folder}${stem}${n === 1 ? '' : `-${n}`}${EXTENSIONS[format]}`;
    if (!taken.includes(candidate)) return candidate;
  }
}
