import { BootmendError, type ErrorCode } from '../errors.js';

/*
 * The drive writer's error, with no zod at run time: the writer runs as its own (elevated)
 * process and loads this at start (see errors.ts). The schemas are in write.ts.
 */

/** Why one drive failed; scripts and the UI branch on these, the message is for the person. */
export const DRIVE_FAILURE_CODES = [
  'IMAGE_UNREADABLE',
  'DRIVE_VANISHED',
  'WRITE_PROTECTED',
  'TOO_SMALL',
  'NOT_ALLOWED',
  'CONFIRMATION_REQUIRED',
  'DRIVE_BUSY',
  'DRIVE_REMOVED',
  'WRITE_FAILED',
  'READ_FAILED',
  'FAKE_CAPACITY',
  'VERIFY_MISMATCH',
  'ELEVATION_REFUSED',
  'CANCELLED',
] as const;
export type DriveFailureCode = (typeof DRIVE_FAILURE_CODES)[number];

export interface DriveWriteErrorInfo {
  code: DriveFailureCode;
  message: string;
  /** Byte offset on the drive where it went wrong (first bad byte, or where the drive stopped answering). */
  offset?: number | undefined;
}

const API_CODE: Record<DriveFailureCode, ErrorCode> = {
  IMAGE_UNREADABLE: 'NOT_FOUND',
  DRIVE_VANISHED: 'NOT_FOUND',
  WRITE_PROTECTED: 'FORBIDDEN',
  TOO_SMALL: 'INVALID_INPUT',
  NOT_ALLOWED: 'FORBIDDEN',
  CONFIRMATION_REQUIRED: 'INVALID_INPUT',
  DRIVE_BUSY: 'UNAVAILABLE',
  DRIVE_REMOVED: 'IO_ERROR',
  WRITE_FAILED: 'IO_ERROR',
  READ_FAILED: 'IO_ERROR',
  FAKE_CAPACITY: 'IO_ERROR',
  VERIFY_MISMATCH: 'IO_ERROR',
  ELEVATION_REFUSED: 'UNAUTHORIZED',
  CANCELLED: 'CANCELLED',
};

/** A BootmendError that also says which drive failure it is (and where on the drive). */
export class DriveWriteError extends BootmendError {
  readonly failure: DriveFailureCode;
  readonly offset: number | undefined;

  constructor(failure: DriveFailureCode, message: string, options?: { offset?: number; cause?: unknown }) {
    super(API_CODE[failure], message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DriveWriteError';
    this.failure = failure;
    this.offset = options?.offset;
  }

  info(): DriveWriteErrorInfo {
    return this.offset === undefined ? { code: this.failure, message: this.message } : { code: this.failure, message: this.message, offset: this.offset };
  }
}
