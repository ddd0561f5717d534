import type { z } from 'zod';

/*
 * This module has no zod at run time on purpose: the engines that run as their own process
 * (the drive writer, the media writers) throw BootmendError, and loading zod costs such a
 * process about 0.1 s at start. The zod schemas for these shapes live in error-schema.ts.
 */

/** Codes a script or the UI can branch on; the message is for the person. */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'UNKNOWN_METHOD',
  'CANCELLED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'UNAVAILABLE',
  'IO_ERROR',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  code: ErrorCode;
  message: string;
  /** Where in the input the problem is, e.g. "backendUrl". */
  field?: string | undefined;
}

export class BootmendError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options?: { field?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BootmendError';
    this.code = code;
    this.field = options?.field;
  }

  toJSON(): ApiError {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }

  static from(error: ApiError): BootmendError {
    return new BootmendError(error.code, error.message, error.field === undefined ? undefined : { field: error.field });
  }
}

export function isBootmendError(value: unknown): value is BootmendError {
  return value instanceof BootmendError;
}

/** How fields are named to a person; unknown fields fall back to their path. */
const FIELD_LABELS: Record<string, string> = {
  backendUrl: 'Backend URL',
  technicianName: 'Technician name',
  theme: 'Theme',
  jobId: 'Job id',
  passphrase: 'The vault passphrase',
  'graph.tenantId': 'The Entra tenant',
  'graph.clientId': 'The application (client) ID',
};

/**
 * Turns a zod failure into one sentence naming the field ("Backend URL must start with
 * http:// or https://."), never echoing the value: it may be a secret.
 */
export function describeZodError(error: z.ZodError, what: string): BootmendError {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;
  const reason = (issue?.message ?? 'is not valid').replace(/\.$/, '');
  if (issue?.code === 'unrecognized_keys') {
    return new BootmendError('INVALID_INPUT', `${what}: ${lowerFirst(reason)}.`);
  }
  if (field === undefined) return new BootmendError('INVALID_INPUT', `${what}: ${lowerFirst(reason)}.`);
  const label = FIELD_LABELS[field] ?? `"${field}"`;
  return new BootmendError('INVALID_INPUT', `${label} ${lowerFirst(reason)}.`, { field });
}

function lowerFirst(text: string): string {
  return text.length > 0 ? text[0]!.toLowerCase() + text.slice(1) : text;
}
