import type { MethodInput, MethodName, MethodOutput } from '../../core/api/contract.js';
import { BootmendError, type ApiError } from '../../core/errors.js';
import type { BootmendApi } from '../api.js';
import { progressPrinter, type Io } from './output.js';

/**
 * A failed API call: the typed error, plus the error exactly as the envelope carried it —
 * some methods add details beside code and message (importKeys: the `failed` files, see
 * core/keys/schemas.ts ImportFailedSchema).
 */
export class ApiCallError extends BootmendError {
  constructor(readonly detail: ApiError) {
    super(detail.code, detail.message, detail.field === undefined ? undefined : { field: detail.field });
  }
}

/**
 * Calls the local API exactly as the app does (validation, typed errors, progress), so the
 * CLI and the UI cannot drift apart. Ctrl+C cancels a streaming call.
 */
export async function callApi<K extends MethodName>(api: BootmendApi, name: K, input: MethodInput<K>, io: Io, json: boolean): Promise<MethodOutput<K>> {
  const printer = progressPrinter(io, json);
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const envelope = await api.dispatcher.call(name, input, {
      jobId: `cli-${process.pid}-${Date.now()}`,
      onProgress: printer.onProgress,
      signal: controller.signal,
    });
    printer.done();
    if (!envelope.ok) throw new ApiCallError(envelope.error);
    return envelope.value as MethodOutput<K>;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export function printJson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}
