import { BootmendError, describeZodError } from '../errors.js';
import type { ProgressEvent } from '../progress.js';
import type { ContractSpec, MethodNameOf, OutputOf, ParsedInputOf } from './define.js';
import type { Envelope, ProgressListener } from './envelope.js';
import type { JobRegistry } from './jobs.js';

export interface CallContext {
  /** Set for streaming methods: the id the caller can cancel with. */
  readonly jobId: string | null;
  readonly signal: AbortSignal;
  readonly progress: (event: Omit<ProgressEvent, 'jobId'>) => void;
}

/** One implementation per method of a contract, typed from it: a missing or mistyped one does not compile. */
export type HandlersOf<C extends ContractSpec> = {
  [K in MethodNameOf<C>]: (input: ParsedInputOf<C, K>, ctx: CallContext) => Promise<OutputOf<C, K>>;
};

export interface CallOptions {
  jobId?: string | undefined;
  onProgress?: ProgressListener | undefined;
  /** Aborted when the caller goes away (closed HTTP connection, destroyed window). */
  signal?: AbortSignal | undefined;
}

/**
 * The single entry every host adapter (ipcMain, web host, CLI, the backend's routes) goes
 * through: it refuses unknown names, validates input before any work, checks the output
 * against the contract and turns every failure into a typed error envelope.
 */
export interface Dispatcher {
  call(name: string, input: unknown, options?: CallOptions): Promise<Envelope>;
  isStreaming(name: string): boolean;
}

export interface DispatcherOptions<C extends ContractSpec> {
  contract: C;
  handlers: HandlersOf<C>;
  jobs: JobRegistry;
  /** Receives unexpected failures (never inputs or outputs: they may hold secrets). */
  onInternalError?: (method: string, error: unknown) => void;
}

const JOB_ID = /^[A-Za-z0-9_-]{8,64}$/;

export function createDispatcher<C extends ContractSpec>({ contract, handlers, jobs, onInternalError }: DispatcherOptions<C>): Dispatcher {
  const has = (name: string): name is MethodNameOf<C> => Object.prototype.hasOwnProperty.call(contract, name);
  return {
    isStreaming: (name) => has(name) && contract[name]!.streams,
    async call(name, rawInput, options = {}) {
      if (!has(name)) {
        return fail(new BootmendError('UNKNOWN_METHOD', `Bootmend has no operation called "${name}".`));
      }
      const spec = contract[name]!;
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
        // A handler that answers after a cancel has a real result (e.g. what each drive was
        // left as): it is passed through, not replaced by a bare CANCELLED. Handlers that
        // stop on the signal throw, and that becomes CANCELLED below.
        const value = await handler(parsed.data, { jobId, signal, progress });
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
