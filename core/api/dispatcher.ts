import { contract, isMethodName, type MethodName, type MethodOutput, type ParsedInput } from './contract.js';
import type { Envelope, ProgressListener } from './envelope.js';
import { BootmendError, describeZodError } from '../errors.js';
import type { ProgressEvent } from '../progress.js';
import type { JobRegistry } from './jobs.js';

export interface CallContext {
  /** Set for streaming methods: the id the caller can cancel with. */
  readonly jobId: string | null;
  readonly signal: AbortSignal;
  readonly progress: (event: Omit<ProgressEvent, 'jobId'>) => void;
}

/** What `main/api.ts` must provide: one implementation per contract method, typed from the contract. */
export type Handlers = {
  [K in MethodName]: (input: ParsedInput<K>, ctx: CallContext) => Promise<MethodOutput<K>>;
};

export interface CallOptions {
  jobId?: string | undefined;
  onProgress?: ProgressListener | undefined;
  /** Aborted when the caller goes away (closed HTTP connection, destroyed window). */
  signal?: AbortSignal | undefined;
}

/**
 * The single entry every host adapter (ipcMain, web host, CLI) goes through: it refuses
 * unknown names, validates input before any work, checks the output against the contract
 * and turns every failure into a typed error envelope.
 */
export interface Dispatcher {
  call(name: string, input: unknown, options?: CallOptions): Promise<Envelope>;
  isStreaming(name: string): boolean;
}

export interface DispatcherOptions {
  handlers: Handlers;
  jobs: JobRegistry;
  /** Receives unexpected failures (never inputs or outputs: they may hold secrets). */
  onInternalError?: (method: string, error: unknown) => void;
}

const JOB_ID = /^[A-Za-z0-9_-]{8,64}$/;

export function createDispatcher({ handlers, jobs, onInternalError }: DispatcherOptions): Dispatcher {
  return {
    isStreaming: (name) => isMethodName(name) && contract[name].streams,
    async call(name, rawInput, options = {}) {
      if (!isMethodName(name)) {
        return fail(new BootmendError('UNKNOWN_METHOD', `Bootmend has no operation called "${name}".`));
      }
      const spec = contract[name];
      const parsed = spec.input.safeParse(rawInput ?? {});
      if (!parsed.success) return fail(describeZodError(parsed.error, `Invalid request to ${name}`));

      let jobId: string | null = null;
      let controller: AbortController | null = null;
      if (spec.streams) {
        jobId = options.jobId ?? '';
        if (!JOB_ID.test(jobId)) {
          return fail(new BootmendError('INVALID_INPUT', `${name} reports progress and needs a job id (8-64 letters, digits, - or _).`));
        }
        try {
          controller = jobs.start(jobId);
        } catch (error) {
          return fail(error);
        }
      }
      const signal = controller
        ? options.signal
          ? AbortSignal.any([controller.signal, options.signal])
          : controller.signal
        : (options.signal ?? new AbortController().signal);
      const progress = (event: Omit<ProgressEvent, 'jobId'>): void => {
        if (jobId !== null && !signal.aborted) options.onProgress?.({ ...event, jobId });
      };
      try {
        const handler = handlers[name] as (input: unknown, ctx: CallContext) => Promise<unknown>;
        const value = await handler(parsed.data, { jobId, signal, progress });
        if (signal.aborted && !spec.answersWhenCancelled) throw new BootmendError('CANCELLED', 'Cancelled before it finished.');
        const checked = spec.output.safeParse(value);
        if (!checked.success) {
          onInternalError?.(name, new Error(`output of ${name} does not match the contract: ${checked.error.issues[0]?.path.join('.')}`));
          return fail(new BootmendError('INTERNAL', `Bootmend produced an unexpected answer to ${name}. Please report this.`));
        }
        return { ok: true, value: checked.data };
      } catch (error) {
        if (signal.aborted && !(error instanceof BootmendError)) {
          return fail(new BootmendError('CANCELLED', 'Cancelled before it finished.'));
        }
        if (!(error instanceof BootmendError)) onInternalError?.(name, error);
        return fail(error);
      } finally {
        if (jobId !== null) jobs.finish(jobId);
      }
    },
  };
}

function fail(error: unknown): Envelope {
  if (error instanceof BootmendError) return { ok: false, error: error.toJSON() };
  return {
    ok: false,
    error: { code: 'INTERNAL', message: 'Something unexpected failed inside Bootmend; the details are in the log.' },
  };
}
