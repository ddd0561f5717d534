import { z } from 'zod';
import { ERROR_CODES, type ApiError } from './errors.js';

export const ErrorCode = z.enum(ERROR_CODES);

export const ApiErrorSchema = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Where in the input the problem is, e.g. "backendUrl". */
  field: z.string().optional(),
}) satisfies z.ZodType<ApiError, unknown>;
